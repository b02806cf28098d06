"""The build cache: an unchanged lesson is not rendered again, and nothing a fresh
render would report is lost or hidden by the cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coursepack.build import BuildResult, build
from coursepack.errors import CourseError
from tests.conftest import FIXTURES

FORMATS = ["scorm12", "scorm2004"]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", folder)
    return folder


def test_a_second_build_reuses_every_lesson_and_writes_the_same_packages(
    course: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = build(course, FORMATS, tmp_path / "a", cache_dir=cache)
    second = build(course, FORMATS, tmp_path / "b", cache_dir=cache)
    plain = build(course, FORMATS, tmp_path / "c")
    assert (first.reused, second.rendered) == (0, 0)
    assert second.reused == first.rendered >= 2
    for a, b, c in zip(first.packages, second.packages, plain.packages, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes() == c.path.read_bytes()


def _built_before_and_after(
    course: Path, tmp_path: Path, edited: Path, addition: str
) -> tuple[BuildResult, BuildResult]:
    """A cached build, then ``addition`` appended to ``edited`` and a cached build."""
    cache = tmp_path / "cache"
    first = build(course, FORMATS, tmp_path / "a", cache_dir=cache)
    edited.write_text(edited.read_text() + addition)
    return first, build(course, FORMATS, tmp_path / "b", cache_dir=cache)


def test_editing_one_lesson_renders_only_that_lesson_again(course: Path, tmp_path: Path) -> None:
    lesson = course / "lessons" / "two.md"
    first, second = _built_before_and_after(course, tmp_path, lesson, "\nOne more sentence.\n")
    assert second.rendered == 1
    assert second.reused == first.rendered - 1


def test_a_changed_image_renders_every_lesson_again(course: Path, tmp_path: Path) -> None:
    image = course / "media" / "square.svg"
    first, second = _built_before_and_after(course, tmp_path, image, "\n<!-- edited -->\n")
    assert (second.reused, second.rendered) == (0, first.rendered)


def test_a_reused_lesson_still_reports_its_warnings(course: Path, tmp_path: Path) -> None:
    lesson = course / "lessons" / "one.md"
    lesson.write_text(lesson.read_text() + "\nRead [click here](https://example.org).\n")
    cache = tmp_path / "cache"
    first = build(course, FORMATS, tmp_path / "a", cache_dir=cache)
    second = build(course, FORMATS, tmp_path / "b", cache_dir=cache)
    assert second.rendered == 0
    assert [d.format(course) for d in second.diagnostics] == [
        d.format(course) for d in first.diagnostics
    ]
    assert [(d.code, d.message) for d in second.diagnostics] == [
        ("CP406", "link text 'click here' does not say where it leads")
    ]


def test_an_image_replaced_by_a_link_out_of_the_course_is_refused_on_the_next_build(
    course: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    build(course, FORMATS, tmp_path / "a", cache_dir=cache)
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    image = course / "media" / "square.svg"
    image.unlink()
    image.symlink_to(secret)
    with pytest.raises(CourseError) as refused:
        build(course, FORMATS, tmp_path / "b", cache_dir=cache)
    assert "CP402" in [d.code for d in refused.value.diagnostics if d.is_error]


def test_a_damaged_cache_is_ignored(course: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(course, FORMATS, tmp_path / "a", cache_dir=cache)
    (stored,) = cache.glob("render-*.json")
    stored.write_text('{"format": 1, "salt": "x", "entries": {"k": [1, 2]}')
    again = build(course, FORMATS, tmp_path / "b", cache_dir=cache)
    assert again.reused == 0 and again.packages


def test_a_cache_entry_with_the_wrong_shape_is_rendered_afresh(
    course: Path, tmp_path: Path
) -> None:
    import json

    cache = tmp_path / "cache"
    build(course, FORMATS, tmp_path / "a", cache_dir=cache)
    (stored,) = cache.glob("render-*.json")
    data = json.loads(stored.read_text())
    data["entries"] = {key: {"html": 1} for key in data["entries"]}
    stored.write_text(json.dumps(data))
    again = build(course, FORMATS, tmp_path / "b", cache_dir=cache)
    assert again.reused == 0 and again.rendered >= 2


def test_the_cache_is_never_kept_inside_the_course(course: Path, tmp_path: Path) -> None:
    result = build(course, FORMATS, tmp_path / "a", cache_dir=course / ".cache")
    assert not (course / ".cache").exists()
    assert result.reused == 0


def _cli(course: Path, out: Path, cache: Path, *extra: str) -> None:
    env = {**os.environ, "COURSEPACK_CACHE_DIR": str(cache)}
    subprocess.run(
        [sys.executable, "-m", "coursepack", "build", str(course), "--out", str(out), *extra],
        check=True, env=env, capture_output=True,
    )  # fmt: skip


def test_the_build_command_caches_unless_told_not_to(course: Path, tmp_path: Path) -> None:
    _cli(course, tmp_path / "a", tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("render-*.json"))) == 1
    _cli(course, tmp_path / "b", tmp_path / "none", "--no-cache")
    assert not (tmp_path / "none").exists()


def test_glossary_terms_are_cached_and_an_edited_definition_still_reaches_the_glossary(
    tmp_path: Path,
) -> None:
    course = tmp_path / "blocks"
    shutil.copytree(FIXTURES / "blocks", course)
    cache = tmp_path / "cache"
    build(course, ["scorm12"], tmp_path / "a", cache_dir=cache)
    again = build(course, ["scorm12"], tmp_path / "b", cache_dir=cache)
    assert again.rendered == 0
    lesson = course / "lessons" / "blocs.md"
    lesson.write_text(
        lesson.read_text("utf-8").replace(
            ": Manipulation progressive d'un mineur.", ": Définition révisée."
        ),
        "utf-8",
    )
    edited = build(course, ["scorm12"], tmp_path / "c", cache_dir=cache)
    fresh = build(course, ["scorm12"], tmp_path / "d")
    glossary = _page(edited.packages[0].path).split('id="glossary"', 1)[1]
    assert "Définition révisée." in glossary
    assert "Manipulation progressive" not in glossary
    assert edited.packages[0].path.read_bytes() == fresh.packages[0].path.read_bytes()


def _page(package: Path) -> str:
    import zipfile

    with zipfile.ZipFile(package) as archive:
        return archive.read("index.html").decode("utf-8")
