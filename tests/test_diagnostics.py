"""Bad input: every problem located as path:line:col, all in one run, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coursepack.cli import app

EXPECTED = {
    "broken_unknown_key": [
        "broken_unknown_key/course.yml:5:1: error: unknown key 'colour' [CP102]",
    ],
    "broken_wrong_type": [
        "broken_wrong_type/course.yml:8:14: error: 'pass_mark': input should be a valid integer, "
        "unable to parse string as an integer [CP105]",
    ],
    "broken_missing_lesson": [
        "broken_missing_lesson/course.yml:14:9: error: file not found: 'lessons/three.md' [CP202]",
    ],
    "broken_missing_image": [
        "broken_missing_image/lessons/one.md:7:17: error: image not found: '../media/circle.svg' [CP401]",
    ],
    "broken_duplicate_id": [
        "broken_duplicate_id/lessons/two.md:2:1: error: duplicate id 'one': already used by the "
        "lesson at broken_duplicate_id/lessons/one.md:2:1 [CP501]",
    ],
    "broken_bad_yaml": [
        "broken_bad_yaml/quizzes/quiz.yml:7:11: error: invalid YAML: expected ',' or ']', but got ':' [CP101]",
    ],
    "broken_bad_question": [
        "broken_bad_question/quizzes/quiz.yml:4:5: error: a single_choice question needs exactly "
        "one correct option [CP106]",
        "broken_bad_question/quizzes/quiz.yml:10:5: error: unknown question type essay; expected one of "
        "'single_choice', 'multiple_response', 'true_false', 'fill_in', 'numeric', 'matching', "
        "'ordering', 'likert' [CP104]",
        "broken_bad_question/quizzes/quiz.yml:13:9: error: invalid 'id' 'q-3': an identifier starts "
        "with a letter or '_' and uses only letters, digits, '_' and '.' [CP105]",
    ],
    "broken_many_problems": [
        "broken_many_problems/course.yml:5:1: error: unknown key 'colour' [CP102]",
        "broken_many_problems/lessons/one.md:7:17: error: image not found: '../media/circle.svg' [CP401]",
        "broken_many_problems/lessons/two.md:3:1: error: unknown key 'author' [CP102]",
    ],
}


def run_build(course: Path, out: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["build", str(course.name), "--out", str(out)])
    lines = [line for line in result.stderr.splitlines() if line]
    return result.exit_code, lines


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_course_reports_every_located_error_and_writes_nothing(
    name: str,
    copy_fixture: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    course = copy_fixture(name)
    monkeypatch.chdir(course.parent)
    out = tmp_path / "out"
    code, lines = run_build(course, out)
    assert code == 1
    assert lines[:-1] == EXPECTED[name]
    assert lines[-1] == (
        f"coursepack: error: the course has {len(EXPECTED[name])} error(s); no package was written"
    )
    assert not out.exists()


def test_failed_build_leaves_previous_packages_untouched(
    copy_fixture: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = copy_fixture("minimal")
    monkeypatch.chdir(course.parent)
    out = tmp_path / "out"
    assert run_build(course, out)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (course / "lessons" / "one.md").write_text("no front matter\n", encoding="utf-8")
    code, lines = run_build(course, out)
    assert code == 1
    assert lines[0] == (
        "minimal/lessons/one.md:1:1: error: a lesson starts with YAML front matter between '---' "
        "lines (with at least 'id' and 'title') [CP301]"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_yaml_is_read_as_yaml_1_2_so_no_stays_a_string(
    copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from coursepack.loader import load_course

    course = copy_fixture("minimal")
    text = (course / "course.yml").read_text(encoding="utf-8")
    (course / "course.yml").write_text(text.replace("title: Minimal course", "title: no"), "utf-8")
    loaded = load_course(course)
    assert loaded.diagnostics == []
    assert loaded.course is not None and loaded.course.config.title == "no"


def test_link_to_a_missing_file_in_a_lesson_is_located(
    copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    monkeypatch.chdir(course.parent)
    (course / "lessons" / "two.md").write_text(
        "---\nid: two\ntitle: Two\n---\nFirst line.\n\nSee [the handout](../media/Handout.pdf).\n",
        encoding="utf-8",
    )
    code, lines = run_build(course, tmp_path / "out")
    assert code == 1
    assert lines[0] == (
        "minimal/lessons/two.md:7:19: error: link target not found: '../media/Handout.pdf' [CP401]"
    )


def test_image_with_different_letter_case_is_an_error(
    copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    monkeypatch.chdir(course.parent)
    lesson = course / "lessons" / "one.md"
    lesson.write_text(lesson.read_text("utf-8").replace("square.svg", "Square.svg"), "utf-8")
    code, lines = run_build(course, tmp_path / "out")
    assert code == 1
    assert "image not found: '../media/Square.svg'" in lines[0]
    assert lines[0].startswith("minimal/lessons/one.md:7:")


def test_remote_image_is_rejected_because_packages_work_offline(
    copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    monkeypatch.chdir(course.parent)
    lesson = course / "lessons" / "one.md"
    lesson.write_text(
        lesson.read_text("utf-8").replace("../media/square.svg", "https://example.org/a.png"),
        "utf-8",
    )
    code, lines = run_build(course, tmp_path / "out")
    assert code == 1
    assert lines[0].endswith(
        "image 'https://example.org/a.png' is not in the course: packages must work offline "
        "and load nothing from outside [CP404]"
    )


def test_warnings_fail_the_build_only_under_strict(
    copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    monkeypatch.chdir(course.parent)
    lesson = course / "lessons" / "two.md"
    lesson.write_text("---\nid: two\ntitle: Two\n---\n# A second h1\n", encoding="utf-8")
    runner = CliRunner()
    relaxed = runner.invoke(app, ["build", "minimal", "--out", str(tmp_path / "a")])
    strict = runner.invoke(app, ["build", "minimal", "--out", str(tmp_path / "b"), "--strict"])
    warning = (
        "minimal/lessons/two.md:5:1: warning: the lesson title is the page's only h1: "
        "start sections at '##' [CP405]"
    )
    assert relaxed.exit_code == 0 and warning in relaxed.stderr
    assert strict.exit_code == 1 and warning in strict.stderr
    assert not (tmp_path / "b").exists()
