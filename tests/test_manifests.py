"""Manifests: valid against the official XSDs and safe for Moodle's parser."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from coursepack.build import BuildResult, build
from coursepack.scaffold import scaffold
from coursepack.validate.xsd import load_schema, validate
from coursepack.xmlutil import parse_bytes
from tests.conftest import XSD_DIR, require_schema

ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP13 = "http://www.adlnet.org/xsd/adlcp_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"


def manifest_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("imsmanifest.xml")


def package(result: BuildResult, fmt: str) -> Path:
    return next(p.path for p in result.packages if p.format == fmt)


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("starter")
    scaffold(root / "course")
    return build(root / "course", ["scorm12", "scorm2004"], root / "dist")


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_flagship_manifest_is_valid_against_the_official_xsds(
    flagship: BuildResult, fmt: str
) -> None:
    schema = load_schema(XSD_DIR, fmt)
    assert validate(manifest_of(package(flagship, fmt)), schema) == []


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_init_scaffold_manifest_is_valid_against_the_official_xsds(
    starter: BuildResult, fmt: str
) -> None:
    schema = load_schema(XSD_DIR, fmt)
    assert validate(manifest_of(package(starter, fmt)), schema) == []


def test_flagship_cmi5_xml_is_valid_against_the_course_structure_xsd(flagship: BuildResult) -> None:
    require_schema("cmi5")
    with zipfile.ZipFile(package(flagship, "cmi5")) as archive:
        data = archive.read("cmi5.xml")
    assert validate(data, load_schema(XSD_DIR, "cmi5")) == []
    root = parse_bytes(data).getroot()
    au = root.find("{*}au")
    assert au is not None
    assert (au.get("moveOn"), au.get("masteryScore")) == ("CompletedAndPassed", "0.8")
    assert au.findtext("{*}url") == "index.html"


def test_flagship_tincan_xml_has_one_launchable_course_activity(flagship: BuildResult) -> None:
    with zipfile.ZipFile(package(flagship, "xapi")) as archive:
        root = parse_bytes(archive.read("tincan.xml")).getroot()
    activities = root.findall("{*}activities/{*}activity")
    launchable = [a for a in activities if a.find("{*}launch") is not None]
    assert [a.get("id") for a in launchable] == [
        "https://coursepack.example.org/courses/securite_jeunes_wikimediens"
    ]
    assert launchable[0].findtext("{*}launch") == "index.html"
    ids = [a.get("id") for a in activities]
    assert len(ids) == len(set(ids))
    assert (
        "https://coursepack.example.org/courses/securite_jeunes_wikimediens/question/ev_q_faute"
        in ids
    )
    assert all(a.find("{*}name").get("lang") == "fr" for a in activities)  # type: ignore[union-attr]


def test_no_credentials_are_baked_into_lrs_packages(flagship: BuildResult) -> None:
    for fmt in ("xapi", "cmi5"):
        with zipfile.ZipFile(package(flagship, fmt)) as archive:
            text = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8", "replace")
        # The code builds the header from the launch's token; no credential is a literal.
        assert re.search(r"Basic [A-Za-z0-9+/=]{8,}", text) is None
        assert 'auth-token":' not in text


def test_xsd_layer_rejects_a_broken_manifest(flagship: BuildResult) -> None:
    schema = load_schema(XSD_DIR, "scorm12")
    broken = manifest_of(package(flagship, "scorm12")).replace(
        b"<organizations", b"<organisations", 1
    )
    broken = broken.replace(b"</organizations>", b"</organisations>", 1)
    errors = validate(broken, schema)
    assert errors and "organisations" in errors[0].message


@pytest.mark.parametrize(
    ("fmt", "version", "scormtype"),
    [
        ("scorm12", "1.2", f"{{{ADLCP12}}}scormtype"),
        ("scorm2004", "2004 4th Edition", f"{{{ADLCP13}}}scormType"),
    ],
)
def test_manifest_follows_moodle_parser_rules(
    flagship: BuildResult, fmt: str, version: str, scormtype: str
) -> None:
    data = manifest_of(package(flagship, fmt))
    root = parse_bytes(data).getroot()
    # Moodle matches literal tag names: CP elements unprefixed, extensions as 'adlcp:'.
    assert root.prefix is None
    assert b"<manifest " in data and b"adlcp:" in data
    assert b"&#" not in data  # no numeric character references (standards.md X4)
    assert root.findtext("{*}metadata/{*}schemaversion") == version
    resource = root.find("{*}resources/{*}resource")
    assert resource is not None and resource.get(scormtype) == "sco"
    with zipfile.ZipFile(package(flagship, fmt)) as archive:
        listed = {f.get("href") for f in resource.iter("{*}file")}
        assert listed == set(archive.namelist()) - {"imsmanifest.xml"}
    assert "é" in etree.tostring(root, encoding="unicode")  # literal UTF-8 titles


def test_identifiers_depend_only_on_the_course_id(flagship: BuildResult, tmp_path: Path) -> None:
    import shutil

    from tests.conftest import COURSE

    copy = tmp_path / "course"
    shutil.copytree(COURSE, copy)
    config = copy / "course.yml"
    config.write_text(
        config.read_text("utf-8").replace('version: "1.0.0"', 'version: "1.1.0"'), "utf-8"
    )
    newer = build(copy, ["scorm12"], tmp_path / "dist")

    def identifiers(data: bytes) -> list[str]:
        root = parse_bytes(data).getroot()
        return [e.get("identifier", "") for e in root.iter() if e.get("identifier")]

    old = identifiers(manifest_of(package(flagship, "scorm12")))
    assert identifiers(manifest_of(newer.packages[0].path)) == old
    assert old == [
        "securite_jeunes_wikimediens.manifest",
        "securite_jeunes_wikimediens.org",
        "securite_jeunes_wikimediens.sco",
        "securite_jeunes_wikimediens.res",
    ]


def test_scorm12_mastery_score_only_when_the_course_reports_passed_failed(
    flagship: BuildResult, tmp_path: Path
) -> None:
    import shutil

    from tests.conftest import COURSE

    # The flagship reports passed/incomplete: a mastery score would make the LMS
    # rewrite 'incomplete' into 'failed' (standards.md S12-15).
    assert f"{{{ADLCP12}}}masteryscore".encode() not in manifest_of(package(flagship, "scorm12"))
    assert b"masteryscore" not in manifest_of(package(flagship, "scorm12"))
    copy = tmp_path / "course"
    shutil.copytree(COURSE, copy)
    config = copy / "course.yml"
    config.write_text(
        config.read_text("utf-8").replace(
            "scorm12_status: passed_incomplete", "scorm12_status: passed_failed"
        ),
        "utf-8",
    )
    root = parse_bytes(
        manifest_of(build(copy, ["scorm12"], tmp_path / "d").packages[0].path)
    ).getroot()
    assert root.findtext(f".//{{{ADLCP12}}}masteryscore") == "80"


def test_scorm2004_primary_objective_carries_the_pass_mark(flagship: BuildResult) -> None:
    root = parse_bytes(manifest_of(package(flagship, "scorm2004"))).getroot()
    primary = root.find(f".//{{{IMSSS}}}primaryObjective")
    assert primary is not None and primary.get("satisfiedByMeasure") == "true"
    assert primary.findtext(f"{{{IMSSS}}}minNormalizedMeasure") == "0.80"
