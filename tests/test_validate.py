"""coursepack validate: one hand-made broken package per rule, clean packages, the
XSD layer, output formats, and hostile archives."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from coursepack.build import BuildResult
from coursepack.cli import app
from coursepack.validate.engine import Options, validate_bytes, validate_path
from coursepack.validate.rules import RULES, Level
from tests.conftest import XSD_DIR, require_schema
from tests.corpus import BASES, CASES, PAGE, Case, Member, members_of, package, zip_members


def codes(data: bytes, **options: object) -> set[str]:
    report = validate_bytes("pkg.zip", data, Options(**options))  # type: ignore[arg-type]
    return {f.code for f in report.findings if f.level is not Level.INFO}


@pytest.mark.parametrize("base", sorted(BASES))
def test_clean_hand_made_packages_have_no_findings(base: str) -> None:
    if base == "cmi5":
        require_schema("cmi5")
    data = zip_members(members_of(base))
    assert codes(data, profile="moodle", schemas=XSD_DIR) == set()


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_each_broken_package_yields_exactly_its_code(case: Case) -> None:
    assert codes(package(case)) == {case.code} | case.also


def test_every_case_code_is_in_the_catalogue() -> None:
    assert {c.code for c in CASES} <= set(RULES)


def test_finding_points_into_the_package_with_a_line() -> None:
    case = next(c for c in CASES if c.code == "S12-8")
    report = validate_bytes("pkg.zip", package(case), Options())
    [finding] = [f for f in report.findings if f.code == "S12-8"]
    assert (finding.member, finding.line, finding.level) == ("imsmanifest.xml", 12, Level.ERROR)
    assert finding.message == "item 'item1' refers to missing resource 'res9'"


def test_moodle_profile_raises_moodle_rules_to_errors() -> None:
    case = next(c for c in CASES if c.code == "X4")
    default = validate_bytes("p.zip", package(case), Options())
    moodle = validate_bytes("p.zip", package(case), Options(profile="moodle"))
    assert [f.level for f in default.findings if f.code == "X4"] == [Level.WARNING]
    assert [f.level for f in moodle.findings if f.code == "X4"] == [Level.ERROR]


# ------------------------------------------------------------------ XSD layer

SCHEMA_VIOLATIONS = {"S12-1", "S12-7", "S04-5"}
# Schema-valid manifests (strings where the XSD says xs:string, references the XSD
# does not resolve) that Moodle still mis-imports.
MOODLE_ONLY = {"S04-2", "M2", "S12-2", "S12-8", "S12-10", "S12-11", "S04-6"}


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.code in SCHEMA_VIOLATIONS], ids=lambda c: c.code
)
def test_xsd_layer_also_rejects_schema_violations(case: Case) -> None:
    report = validate_bytes("p.zip", package(case), Options(schemas=XSD_DIR))
    assert {f.code for f in report.findings} & {"S12-3", "S04-3"}


@pytest.mark.parametrize("case", [c for c in CASES if c.code in MOODLE_ONLY], ids=lambda c: c.code)
def test_python_rules_catch_what_the_xsds_accept(case: Case) -> None:
    """These manifests are schema-valid, yet Moodle mis-imports them."""
    report = validate_bytes("p.zip", package(case), Options(schemas=XSD_DIR))
    found = {f.code for f in report.findings}
    assert case.code in found and not found & {"S12-3", "S04-3"}


# --------------------------------------------------------- built packages


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004", "xapi", "cmi5"])
def test_every_flagship_package_is_clean_under_moodle_strict(
    flagship: BuildResult, fmt: str
) -> None:
    if fmt == "cmi5":
        require_schema("cmi5")
    [package_] = [p for p in flagship.packages if p.format == fmt]
    report = validate_path(package_.path, Options(profile="moodle", schemas=XSD_DIR))
    assert [f for f in report.findings if f.level is not Level.INFO] == []


def test_validate_command_exit_codes_and_summary(flagship: BuildResult, tmp_path: Path) -> None:
    runner = CliRunner()
    paths = [str(p.path) for p in flagship.packages]
    ok = runner.invoke(app, ["validate", *paths, "--profile", "moodle", "--strict"])
    assert ok.exit_code == 0
    assert ok.stdout.strip().endswith("4 package(s): 0 error(s), 0 warning(s), 1 info")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(package(next(c for c in CASES if c.code == "S12-8")))
    failed = runner.invoke(app, ["validate", str(bad)])
    assert failed.exit_code == 1
    assert (
        "bad.zip!imsmanifest.xml:12: error: item 'item1' refers to missing resource 'res9' [S12-8]"
        in failed.stdout
    )
    assert "    fix: point identifierref at a resource identifier" in failed.stdout
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope.zip")])
    assert missing.exit_code == 2


def test_warnings_fail_only_under_strict(tmp_path: Path) -> None:
    pkg = tmp_path / "warn.zip"
    pkg.write_bytes(package(next(c for c in CASES if c.code == "Z11")))
    assert CliRunner().invoke(app, ["validate", str(pkg)]).exit_code == 0
    assert CliRunner().invoke(app, ["validate", str(pkg), "--strict"]).exit_code == 1


def test_select_and_ignore_filter_codes(tmp_path: Path) -> None:
    pkg = tmp_path / "p.zip"
    pkg.write_bytes(package(next(c for c in CASES if c.code == "S12-8")))
    assert CliRunner().invoke(app, ["validate", str(pkg), "--ignore", "S12-8"]).exit_code == 0
    assert CliRunner().invoke(app, ["validate", str(pkg), "--select", "Z"]).exit_code == 0
    assert CliRunner().invoke(app, ["validate", str(pkg), "--select", "S12"]).exit_code == 1


def test_json_output_holds_the_findings(tmp_path: Path) -> None:
    pkg = tmp_path / "p.zip"
    pkg.write_bytes(package(next(c for c in CASES if c.code == "C5")))
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        app, ["validate", str(pkg), "--format", "json", "--output", str(out)]
    )
    assert result.exit_code == 1
    document = json.loads(out.read_text("utf-8"))
    [entry] = document["packages"]
    assert entry["type"] == "cmi5"
    assert [f["code"] for f in entry["findings"]] == ["C5"]
    assert entry["findings"][0]["fix"].startswith("rename it")
    assert document["summary"]["errors"] == 1


def test_junit_output_parses_and_holds_the_findings(tmp_path: Path) -> None:
    pkg = tmp_path / "p.zip"
    pkg.write_bytes(package(next(c for c in CASES if c.code == "TC4")))
    result = CliRunner().invoke(app, ["validate", str(pkg), "--format", "junit"])
    suite = etree.fromstring(result.stdout.encode()).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and "only one may" in failure.get("message", "")


def test_github_output_is_workflow_annotations(tmp_path: Path) -> None:
    pkg = tmp_path / "p.zip"
    pkg.write_bytes(package(next(c for c in CASES if c.code == "S04-2")))
    result = CliRunner().invoke(app, ["validate", str(pkg), "--format", "github"])
    assert result.stdout.startswith(
        "::error file=p.zip,line=9,title=S04-2::p.zip!imsmanifest.xml:9: schemaversion"
    )


def test_unpacked_folder_is_validated_like_a_zip(tmp_path: Path) -> None:
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(
        __import__("io").BytesIO(package(next(c for c in CASES if c.code == "S12-8")))
    ) as z:
        z.extractall(folder)
    report = validate_path(folder, Options())
    assert {f.code for f in report.findings if f.level is Level.ERROR} == {"S12-8"}


# ------------------------------------------------------------- hostile input


def test_truncated_archive_is_a_finding_not_a_crash() -> None:
    data = zip_members(members_of("scorm12"))
    report = validate_bytes("cut.zip", data[: len(data) // 2], Options())
    assert [f.code for f in report.findings] == ["Z1"]


def test_not_a_zip_at_all() -> None:
    report = validate_bytes("x.zip", b"%PDF-1.7 not a zip", Options())
    assert [f.code for f in report.findings] == ["Z1"]


def test_invalid_utf8_names_flagged_as_utf8() -> None:
    data = zip_members([*members_of("scorm12"), Member("é.html", b"x")])
    broken = data.replace("é".encode(), b"\xff\xfe")
    report = validate_bytes("n.zip", broken, Options())
    assert [f.code for f in report.findings] == ["Z8"]


def test_xxe_and_entity_expansion_are_never_resolved() -> None:
    evil = MANIFEST = (
        BASES["scorm12"]["imsmanifest.xml"]
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
            '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
        )
        .replace("<title>Lesson one</title>", "<title>&xxe;&c;</title>")
    )
    del MANIFEST
    members = [
        Member(m.name, evil.encode()) if m.name == "imsmanifest.xml" else m
        for m in members_of("scorm12")
    ]
    report = validate_bytes("x.zip", zip_members(members), Options())
    text = json.dumps([f.message for f in report.findings])
    assert "root:" not in text and "aaaaaaaaaaaaaaaaaaaa" not in text
    assert "X2" in {f.code for f in report.findings}


def test_oversized_manifest_is_refused_without_reading_it() -> None:
    members = [
        Member("imsmanifest.xml", b"<m>" + b" " * (50 * 1024 * 1024) + b"</m>"),
        Member("index.html", PAGE),
    ]
    report = validate_bytes("big.zip", zip_members(members), Options())
    assert [f.code for f in report.findings if f.level is Level.ERROR] == ["X6"]


def test_100000_entries_and_a_bomb_stay_within_memory_and_time(tmp_path: Path) -> None:
    """In a separate process, so the peak memory measured is the validator's."""
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", BASES["scorm12"]["imsmanifest.xml"])
        archive.writestr("index.html", PAGE)
        for i in range(100_000):
            archive.writestr(f"media/{i:06d}.txt", b"")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", BASES["scorm12"]["imsmanifest.xml"])
        archive.writestr("index.html", PAGE)
        archive.writestr("zeros.bin", bytes(200 * 1024 * 1024))
    script = (
        "import sys, time, json\n"
        "from pathlib import Path\n"
        "from coursepack.validate.engine import Options, validate_path\n"
        "out = {}\n"
        "for p in sys.argv[1:]:\n"
        "    t = time.perf_counter(); r = validate_path(Path(p), Options())\n"
        "    out[Path(p).name] = [time.perf_counter() - t, sorted({f.code for f in r.findings})]\n"
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so a child of
        # the (large) pytest process would report the parent's peak.
        "out['peak_kb'] = int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(many), str(bomb)],
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(result.stdout)
    # Measured alone: about 3 s and 130 MB for 100,000 entries; the bounds leave
    # room for a loaded CI machine.
    assert measured["peak_kb"] < 200 * 1024, measured
    assert measured["many.zip"][0] < 30 and "S12-14" in measured["many.zip"][1], measured
    assert measured["bomb.zip"][0] < 2 and "Z12" in measured["bomb.zip"][1], measured


def test_text_report_shows_info_findings_too(flagship: BuildResult) -> None:
    [package_] = [p for p in flagship.packages if p.format == "scorm2004"]
    result = CliRunner().invoke(app, ["validate", str(package_.path), "--profile", "moodle"])
    assert result.exit_code == 0
    assert (
        "-scorm2004.zip!imsmanifest.xml: info: the Moodle app plays only single-organization "
        "SCORM 1.2 packages [M9]"
    ) in result.stdout
