"""Hostile course folders: nothing they contain can run code, escape the course or
produce a course that is dead in the browser while the build says it is fine."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from coursepack.build import build
from coursepack.errors import CourseError, UsageError


def runtime_data(package: Path) -> str:
    with zipfile.ZipFile(package) as archive:
        page = archive.read("index.html").decode("utf-8")
    match = re.search(r'<script type="application/json" id="cp-data">(.*?)</script>', page, re.S)
    assert match
    return match.group(1)


def test_comment_openers_script_ends_and_line_separators_keep_the_runtime_data_valid(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    hostile = "A <!-- b </script> c \u2028 d & e > f"
    text = (course / "quizzes/quiz.yml").read_text("utf-8")
    (course / "quizzes/quiz.yml").write_text(
        text.replace("prompt: The sky is blue.", f"prompt: {json.dumps(hostile)}"), "utf-8"
    )
    result = build(course, ["scorm12"], tmp_path / "out")
    embedded = runtime_data(result.packages[0].path)
    for sequence in ("<!--", "</", "\u2028", "<", ">"):
        assert sequence not in embedded
    decoded = json.dumps(json.loads(embedded), ensure_ascii=False)
    assert "A <!-- b </script> c" in decoded


@pytest.mark.parametrize("value", [".nan", ".inf", "1e400"])
def test_a_non_finite_numeric_answer_is_a_located_error(
    copy_fixture: Callable[[str], Path], tmp_path: Path, value: str
) -> None:
    course = copy_fixture("minimal")
    (course / "quizzes/quiz.yml").write_text(
        "id: quiz1\ntitle: Quiz\nquestions:\n  - id: q1\n    type: numeric\n"
        f"    prompt: How many?\n    answer: {value}\n",
        "utf-8",
    )
    with pytest.raises(CourseError) as raised:
        build(course, ["scorm12"], tmp_path / "out")
    [diagnostic] = raised.value.diagnostics
    assert (diagnostic.location.line, diagnostic.code) == (7, "CP105")
    assert diagnostic.message == "'answer': input should be a finite number"


def test_an_override_template_cannot_reach_python(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    marker = tmp_path / "pwned"
    templates = course / "overrides" / "templates"
    templates.mkdir(parents=True)
    payload = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    (templates / "lesson.html").write_text(payload, "utf-8")
    with pytest.raises(CourseError) as raised:
        build(course, ["scorm12"], tmp_path / "out")
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "CP802"
    assert (diagnostic.location.file.name, diagnostic.location.line) == ("lesson.html", 1)
    assert "unsafe" in diagnostic.message
    assert not marker.exists()
    assert not (tmp_path / "out").exists()


def test_a_theme_outside_the_course_folder_is_refused(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    outside = tmp_path / "elsewhere"
    (outside / "templates").mkdir(parents=True)
    text = (course / "course.yml").read_text("utf-8")
    (course / "course.yml").write_text(text + "theme: ../elsewhere\n", "utf-8")
    with pytest.raises(UsageError) as raised:
        build(course, ["scorm12"], tmp_path / "out")
    assert str(raised.value) == (
        "theme '../elsewhere' is outside the course folder: use a built-in theme name "
        "or a folder inside the course"
    )
