"""Validator accuracy on packages as other tools make them: no false findings, the
misses caught, and reports CI tools can read (SARIF, the Action, pre-commit).

Every package here is written by the test, in the style of the exports it stands for
(Captivate, Adapt, Storyline, ADL's own test packages), not copied from anyone.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from coursepack.cli import app
from coursepack.validate.engine import Options, validate_bytes, validate_path
from coursepack.validate.rules import RULES, Level
from tests.conftest import ROOT, XSD_DIR, require_schema
from tests.corpus import CMI5, MANIFEST_12, MANIFEST_2004, PAGE, Member, members_of, zip_members


def findings(base: str, member: str, text: str, *extra: Member, **options: object) -> list[str]:
    members = [m for m in members_of(base) if m.name != member]
    members.append(Member(member, text.encode()))
    members.extend(extra)
    report = validate_bytes("p.zip", zip_members(members), Options(**options))  # type: ignore[arg-type]
    return [f"{f.code} {f.level.value}" for f in report.findings if f.level is not Level.INFO]


def codes(base: str, member: str, text: str, *extra: Member, **options: object) -> set[str]:
    return {entry.split()[0] for entry in findings(base, member, text, *extra, **options)}


# ------------------------------------------------------------ false findings removed


def test_the_4th_edition_completion_threshold_attribute_gets_no_moodle_finding() -> None:
    manifest = MANIFEST_2004.replace(
        "<title>Lesson one</title>",
        '<title>Lesson one</title><adlcp:completionThreshold minProgressMeasure="0.8"/>',
    )
    assert codes("scorm2004", "imsmanifest.xml", manifest, profile="moodle") == set()


def test_the_3rd_edition_completion_threshold_text_is_flagged_for_moodle() -> None:
    manifest = MANIFEST_2004.replace(
        "<title>Lesson one</title>",
        "<title>Lesson one</title><adlcp:completionThreshold>0.8</adlcp:completionThreshold>",
    )
    assert findings("scorm2004", "imsmanifest.xml", manifest, profile="moodle") == ["S04-10 error"]


@pytest.mark.parametrize("version", ["2004 3rd Edition", "CAM 1.3"])
def test_older_2004_editions_are_information_only(version: str) -> None:
    manifest = MANIFEST_2004.replace("2004 4th Edition", version)
    report = validate_bytes(
        "p.zip",
        zip_members([*members_of("scorm2004")[1:], Member("imsmanifest.xml", manifest.encode())]),
        Options(profile="moodle"),
    )
    [finding] = [f for f in report.findings if f.code == "S04-2"]
    assert finding.level is Level.INFO
    assert "SCORM 1.2" not in finding.fix


def test_several_scos_without_flow_are_information_only() -> None:
    manifest = MANIFEST_2004.replace(
        "</organization>",
        '<item identifier="item2" identifierref="res2"><title>Two</title></item></organization>',
    ).replace(
        "</resources>",
        '<resource identifier="res2" type="webcontent" adlcp:scormType="sco" href="index.html">'
        '<file href="index.html"/></resource></resources>',
    )
    assert codes("scorm2004", "imsmanifest.xml", manifest, profile="moodle") == set()


def test_an_at_sign_in_a_file_name_is_legal() -> None:
    assert (
        codes("scorm12", "imsmanifest.xml", MANIFEST_12, Member("images/logo@2x.png", b"png"))
        == set()
    )


def test_a_space_in_a_file_name_still_needs_escaping() -> None:
    assert "Z10" in codes("scorm12", "imsmanifest.xml", MANIFEST_12, Member("my page.html", b"x"))


@pytest.mark.parametrize(("base", "member", "text"), [("cmi5", "cmi5.xml", CMI5)])
def test_character_references_outside_imsmanifest_are_valid_xml(
    base: str, member: str, text: str
) -> None:
    edited = text.replace("All lessons.", "All &#34;lessons&#34;.")
    assert codes(base, member, edited, profile="moodle") == set()


def test_whitespace_padded_identifiers_are_schema_valid() -> None:
    manifest = MANIFEST_2004.replace('identifier="res1"', 'identifier=" res1 "').replace(
        'identifierref="res1"', 'identifierref=" res1 "'
    )
    assert codes("scorm2004", "imsmanifest.xml", manifest, profile="moodle") == set()


def test_padding_that_differs_is_reported_as_padding_for_moodle() -> None:
    manifest = MANIFEST_2004.replace('identifier="res1"', 'identifier=" res1 "')
    assert findings("scorm2004", "imsmanifest.xml", manifest, profile="moodle") == ["M10 error"]
    assert findings("scorm2004", "imsmanifest.xml", manifest) == ["M10 warning"]


def test_inline_lom_metadata_is_validated_laxly_with_schemas() -> None:
    require_schema("scorm12")
    manifest = MANIFEST_12.replace(
        "</metadata>",
        '<lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"><general><title>'
        '<langstring xml:lang="en">Example</langstring></title></general></lom></metadata>',
    )
    assert codes("scorm12", "imsmanifest.xml", manifest, schemas=XSD_DIR) == set()


def test_a_bare_cmi5_xml_with_absolute_urls_is_accepted(tmp_path: Path) -> None:
    structure = tmp_path / "cmi5.xml"
    structure.write_text(
        CMI5.replace("<url>index.html?lang=en</url>", "<url>https://example.org/au/?lang=en</url>"),
        "utf-8",
    )
    report = validate_path(structure, Options())
    assert [f.code for f in report.findings if f.level is not Level.INFO] == []
    assert report.kind == "cmi5"


def test_a_bare_cmi5_xml_with_a_relative_url_is_refused(tmp_path: Path) -> None:
    structure = tmp_path / "cmi5.xml"
    structure.write_text(CMI5, "utf-8")
    report = validate_path(structure, Options())
    assert [f.code for f in report.findings if f.level is Level.ERROR] == ["C4"]


def test_a_dangling_default_organization_is_a_warning() -> None:
    manifest = MANIFEST_12.replace('default="org1"', 'default="orgX"')
    assert findings("scorm12", "imsmanifest.xml", manifest, profile="moodle") == ["S12-5 warning"]


def test_a_listed_file_that_is_missing_is_a_warning_when_the_launch_file_exists() -> None:
    manifest = MANIFEST_12.replace(
        '<file href="index.html"/>', '<file href="index.html"/><file href="gone.js"/>'
    )
    assert findings("scorm12", "imsmanifest.xml", manifest, profile="moodle") == ["Z7 warning"]


# ------------------------------------------------------------------- misses caught


def test_a_cmi5_url_with_a_space_is_not_a_valid_url() -> None:
    edited = CMI5.replace("<url>index.html?lang=en</url>", "<url>my page.html</url>")
    assert codes("cmi5", "cmi5.xml", edited, Member("my page.html", PAGE)) == {"C4", "Z10"}


def test_cmi5_elements_out_of_schema_order_are_caught_without_schemas() -> None:
    edited = CMI5.replace(
        '<objectives><objective idref="https://example.org/objectives/safety"/></objectives>\n'
        "    <url>index.html?lang=en</url>",
        "<url>index.html?lang=en</url>\n"
        '    <objectives><objective idref="https://example.org/objectives/safety"/></objectives>',
    )
    assert codes("cmi5", "cmi5.xml", edited) == {"C1"}


@pytest.mark.parametrize("expression", ["item1&amp;item2", "(item1|item2)"])
def test_scorm12_prerequisites_moodle_cannot_evaluate(expression: str) -> None:
    manifest = MANIFEST_12.replace(
        "<title>Lesson one</title>",
        f'<title>Lesson one</title><adlcp:prerequisites type="aicc_script">{expression}'
        "</adlcp:prerequisites>",
    )
    assert findings("scorm12", "imsmanifest.xml", manifest, profile="moodle") == ["M11 error"]


def test_an_adlcp_location_to_a_missing_file_is_caught() -> None:
    manifest = MANIFEST_2004.replace(
        "<schemaversion>2004 4th Edition</schemaversion>",
        "<schemaversion>2004 4th Edition</schemaversion>"
        "<adlcp:location>metadata/course.xml</adlcp:location>",
    )
    assert codes("scorm2004", "imsmanifest.xml", manifest) == {"S04-16"}


def test_an_svg_with_script_is_caught_in_any_package() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(1)"/>'
    assert codes("scorm12", "imsmanifest.xml", MANIFEST_12, Member("img/a.svg", svg)) == {"Z13"}


# -------------------------------------------------------------------- CI integration


def test_sarif_output_is_valid_for_microsofts_sarif_multitool(tmp_path: Path) -> None:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "imsmanifest.xml").write_text(
        MANIFEST_12.replace('default="org1"', 'default="orgX"'), "utf-8"
    )
    (folder / "index.html").write_bytes(PAGE)
    report = tmp_path / "report.sarif"
    result = CliRunner().invoke(
        app, ["validate", str(folder), "--format", "sarif", "--output", str(report)]
    )
    assert result.exit_code == 0
    document = json.loads(report.read_text("utf-8"))
    [finding] = document["runs"][0]["results"]
    assert finding["ruleId"] == "S12-5"
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("pkg/imsmanifest.xml")
    assert location["region"]["startLine"] == 9
    tool = ROOT / "node_modules" / ".bin" / "sarif-multitool"
    checked = tmp_path / "validation.sarif"
    subprocess.run(
        [str(tool), "validate", str(report), "--output", str(checked)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    problems = json.loads(checked.read_text("utf-8"))["runs"][0]["results"]
    assert [p for p in problems if p.get("level", "warning") == "error"] == []


def test_the_github_action_definition_runs_the_validator() -> None:
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text("utf-8"))
    assert set(action["inputs"]) >= {"paths", "profile", "format"}
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "coursepack validate" in script


def test_the_pre_commit_hook_definition_runs_the_validator() -> None:
    [hook] = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["entry"].startswith("coursepack validate")
    assert hook["language"] == "python"


def test_the_rules_command_lists_every_rule_with_its_source_and_fix() -> None:
    result = CliRunner().invoke(app, ["rules", "--profile", "moodle"])
    assert result.exit_code == 0
    for code in RULES:
        assert f"\n{code} " in "\n" + result.stdout
    assert "X4      error   character or entity reference" in result.stdout
    assert "why: standards.md 1.C" in result.stdout


def test_the_flagship_packages_stay_clean_under_moodle_strict(tmp_path: Path) -> None:
    from coursepack.build import build
    from tests.conftest import COURSE

    result = build(COURSE, ["scorm12", "scorm2004", "xapi"], tmp_path / "out")
    runner = CliRunner().invoke(
        app,
        ["validate", *(str(p.path) for p in result.packages), "--profile", "moodle", "--strict"],
    )
    assert runner.exit_code == 0, runner.stdout


def test_a_protocol_relative_reference_is_not_read_as_a_package_path() -> None:
    # The plain-path fast lane of Context.resolve must leave '//host/…' to URL parsing.
    manifest = MANIFEST_12.replace(
        '<file href="index.html"/>',
        '<file href="index.html"/><file href="//cdn.example.org/x.js"/>',
    )
    assert "Z7" not in codes("scorm12", "imsmanifest.xml", manifest)


def test_a_missing_plain_file_reference_is_still_reported() -> None:
    manifest = MANIFEST_12.replace(
        '<file href="index.html"/>', '<file href="index.html"/><file href="gone/x.js"/>'
    )
    assert "Z7" in codes("scorm12", "imsmanifest.xml", manifest)
