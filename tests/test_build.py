"""Building: package names, reproducible bytes, atomic output, CLI contract."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coursepack import __version__
from coursepack.build import BuildResult, build
from coursepack.cli import app
from coursepack.render import BLOCK_SCRIPTS
from tests.conftest import COURSE


def digests(result: BuildResult) -> dict[str, str]:
    return {p.path.name: hashlib.sha256(p.path.read_bytes()).hexdigest() for p in result.packages}


def test_flagship_builds_one_package_per_format_with_stable_names(flagship: BuildResult) -> None:
    assert [p.path.name for p in flagship.packages] == [
        "securite_jeunes_wikimediens-1.0.0-scorm12.zip",
        "securite_jeunes_wikimediens-1.0.0-scorm2004.zip",
        "securite_jeunes_wikimediens-1.0.0-xapi.zip",
        "securite_jeunes_wikimediens-1.0.0-cmi5.zip",
    ]
    assert flagship.diagnostics == ()


def test_building_twice_in_two_folders_gives_identical_bytes(tmp_path: Path) -> None:
    first = build(COURSE, ["scorm12", "scorm2004"], tmp_path / "one")
    copy = tmp_path / "elsewhere" / "course"
    shutil.copytree(COURSE, copy)
    second = build(copy, ["scorm12", "scorm2004"], tmp_path / "two")
    assert digests(first) == digests(second)


def test_source_date_epoch_sets_every_entry_timestamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_fixture: Callable[[str], Path]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    result = build(copy_fixture("minimal"), ["scorm12"], tmp_path / "out")
    with zipfile.ZipFile(result.packages[0].path) as archive:
        stamps = {info.date_time for info in archive.infolist()}
    assert stamps == {(2023, 11, 14, 22, 13, 20)}


def test_zip_entries_are_sorted_with_fixed_permissions_and_no_absolute_paths(
    flagship: BuildResult,
) -> None:
    for package in flagship.packages:
        with zipfile.ZipFile(package.path) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            assert names == sorted(names)
            assert {info.external_attr >> 16 for info in infos} == {0o100644}
            assert {info.compress_type for info in infos} <= {
                zipfile.ZIP_STORED,
                zipfile.ZIP_DEFLATED,
            }
            for name in names:
                assert not name.startswith("/") and ".." not in name.split("/")
                text = archive.read(name)
                assert b"/work/" not in text and b"/tmp/" not in text and b"/root/" not in text


def test_every_package_holds_launch_page_runtime_theme_and_media(flagship: BuildResult) -> None:
    with zipfile.ZipFile(flagship.packages[0].path) as archive:
        names = set(archive.namelist())
    assert {
        "imsmanifest.xml",
        "index.html",
        "runtime/core.js",
        "runtime/adapter-scorm12.js",
        "theme/theme.css",
        "assets/media/trois-dimensions.svg",
        "assets/media/escalade.svg",
    } <= names


def test_a_package_ships_the_script_of_each_block_its_lessons_use_and_no_other(
    flagship: BuildResult, copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    minimal = build(copy_fixture("minimal"), ["scorm12"], tmp_path / "out").packages[0].path
    shipped = {}
    for label, package in (("minimal", minimal), ("flagship", flagship.packages[0].path)):
        with zipfile.ZipFile(package) as archive:
            shipped[label] = sorted(n for n in archive.namelist() if n.startswith("runtime/"))
            page = archive.read("index.html").decode()
        loaded = [f"runtime/{s}" for s in re.findall(r'src="runtime/([^"]+)"', page)]
        assert sorted(loaded) == shipped[label] and loaded[0] == "runtime/core.js"
        for mark, script in BLOCK_SCRIPTS:
            assert (f"runtime/{script}" in shipped[label]) == (mark in page), script
    assert shipped["minimal"] == [
        "runtime/adapter-scorm12.js", "runtime/block-zoom.js", "runtime/core.js",
    ]  # fmt: skip
    assert "runtime/block-scenario.js" in shipped["flagship"]


def test_launch_page_loads_nothing_from_outside_the_package(flagship: BuildResult) -> None:
    with zipfile.ZipFile(flagship.packages[0].path) as archive:
        page = archive.read("index.html").decode()
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    for marker in ('src="http', 'href="//', "src='http", "@import"):
        assert marker not in page


def test_output_folder_inside_the_course_is_refused(copy_fixture: Callable[[str], Path]) -> None:
    course = copy_fixture("minimal")
    result = CliRunner().invoke(app, ["build", str(course), "--out", str(course / "dist")])
    assert result.exit_code == 2
    assert "must not be inside the course folder" in result.stderr
    assert not (course / "dist").exists()


def test_unknown_format_is_a_usage_error(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app, ["build", str(copy_fixture("minimal")), "--format", "aicc", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert (
        "unknown format 'aicc' (known formats: scorm12, scorm2004, xapi, cmi5, web)"
        in result.stderr
    )


def test_folder_without_course_yml_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(
        app, ["build", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "no course.yml" in result.stderr
    assert "Traceback" not in result.output


def test_format_option_builds_only_the_named_format(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["build", str(copy_fixture("minimal")), "-f", "scorm2004", "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["minimal-1.0-scorm2004.zip"]


def test_version_option_prints_the_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"coursepack {__version__}"


def test_xapi_and_cmi5_need_a_base_iri_located_in_course_yml(
    copy_fixture: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = copy_fixture("minimal")
    monkeypatch.chdir(course.parent)
    config = course / "course.yml"
    config.write_text(
        config.read_text("utf-8").replace("base_iri: https://example.org/courses\n", ""), "utf-8"
    )
    result = CliRunner().invoke(
        app, ["build", "minimal", "-f", "xapi,cmi5", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[1] == (
        "minimal/course.yml:1:1: error: xAPI (tincan.xml) packages need 'base_iri' in course.yml, the "
        "absolute IRI under which activity ids are made (e.g. base_iri: https://example.org/courses) [CP701]"
    )
    assert lines[0].startswith("minimal/course.yml:1:1: error: cmi5 packages need 'base_iri'")
    assert not (tmp_path / "o").exists()


def test_invalid_base_iri_is_a_located_error(
    copy_fixture: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = copy_fixture("minimal")
    monkeypatch.chdir(course.parent)
    config = course / "course.yml"
    text = config.read_text("utf-8").replace(
        "base_iri: https://example.org/courses", "base_iri: example.org/courses"
    )
    config.write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["build", "minimal", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "minimal/course.yml:6:11: error: base_iri must be an absolute http(s) IRI, "
        "e.g. https://example.org/courses [CP106]"
    )


def test_init_scaffolds_a_course_that_builds_cleanly(tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["init", str(tmp_path / "new")])
    assert created.exit_code == 0
    built = runner.invoke(
        app, ["build", str(tmp_path / "new"), "--out", str(tmp_path / "o"), "--strict"]
    )
    assert built.exit_code == 0, built.stderr
    assert built.stderr == ""
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "my_first_course-1.0.0-cmi5.zip",
        "my_first_course-1.0.0-scorm12.zip",
        "my_first_course-1.0.0-scorm2004.zip",
        "my_first_course-1.0.0-xapi.zip",
    ]


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("kind", ["course", "lesson", "quiz"])
def test_schema_command_prints_a_json_schema_without_internal_fields(kind: str) -> None:
    result = CliRunner().invoke(app, ["schema", kind])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["additionalProperties"] is False
    assert "id" in document["properties"]
    assert "source" not in document["properties"]
    for definition in document.get("$defs", {}).values():
        assert "source" not in definition.get("properties", {})


def test_explain_prints_a_table_per_format(copy_fixture: Callable[[str], Path]) -> None:
    result = CliRunner().invoke(app, ["explain", str(copy_fixture("minimal"))])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("SCORM 1.2 (scorm12): Minimal course\n")
    assert "\nSCORM 2004 4th edition (scorm2004): Minimal course\n" in result.stdout
    assert "cmi.core.lesson_status" in result.stdout and "cmi.completion_status" in result.stdout


def test_explain_reports_course_errors_like_build(copy_fixture: Callable[[str], Path]) -> None:
    result = CliRunner().invoke(app, ["explain", str(copy_fixture("broken_unknown_key"))])
    assert result.exit_code == 1
    assert "unknown key 'colour' [CP102]" in result.stderr
