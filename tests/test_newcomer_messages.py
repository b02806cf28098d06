"""Messages a new author meets first: each says what to write, in the author's words."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coursepack.cli import app


@pytest.fixture
def course(copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = copy_fixture("all_types")
    monkeypatch.chdir(folder.parent)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(tmp_path: Path, *extra: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        app, ["build", "all_types", "--format", "scorm12", "--out", str(tmp_path / "out"), *extra]
    )
    # The fixture's own item-lint warnings (CP52x) are not the subject of these tests.
    return result.exit_code, [
        line for line in result.stderr.splitlines() if line and "[CP52" not in line
    ]


def test_an_unquoted_comma_in_a_flow_mapping_says_to_quote_the_text(
    course: Path, tmp_path: Path
) -> None:
    edit(course / "quizzes/exam.yml", "{id: b, text: B,", "{id: b, text: Yes, even commercially,")
    code, lines = build(tmp_path)
    assert code == 1
    assert lines[:-1] == [
        "all_types/quizzes/exam.yml:11:28: error: unquoted comma in '{...}': the text of 'text' "
        'stops at its comma; quote it: text: "Yes, even commercially" [CP107]'
    ]


def test_a_list_of_plain_strings_where_items_are_needed_is_reported_once_per_list(
    course: Path, tmp_path: Path
) -> None:
    edit(course / "quizzes/exam.yml", "- {id: first, text: First}", "- First")
    edit(course / "quizzes/exam.yml", "- {id: second, text: Second}", "- Second")
    code, lines = build(tmp_path)
    assert code == 1
    assert lines[:-1] == [
        "all_types/quizzes/exam.yml:42:5: error: 'items': each item needs {id, text} [CP105]"
    ]
    assert "OrderItem" not in "\n".join(lines)


def test_a_version_written_as_a_number_says_to_quote_it(course: Path, tmp_path: Path) -> None:
    edit(course / "course.yml", 'version: "1.0"', "version: 0.1")
    code, lines = build(tmp_path)
    assert code == 1
    assert lines[:-1] == [
        "all_types/course.yml:2:10: error: 'version' is read as a number; "
        'write it as a string: version: "0.1" [CP105]'
    ]


def test_a_file_named_with_other_letter_case_gets_a_did_you_mean(
    course: Path, tmp_path: Path
) -> None:
    edit(course / "course.yml", "lessons: [lessons/intro.md]", "lessons: [lessons/Intro.md]")
    code, lines = build(tmp_path)
    assert code == 1
    assert lines[:-1] == [
        "all_types/course.yml:13:15: error: file not found: 'lessons/Intro.md' (did you mean "
        "'lessons/intro.md'? web servers are case-sensitive) [CP202]"
    ]


def test_an_image_named_with_other_letter_case_gets_a_did_you_mean(
    course: Path, tmp_path: Path
) -> None:
    (course / "media").mkdir()
    (course / "media" / "Diagram.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', encoding="utf-8"
    )
    with (course / "lessons/intro.md").open("a", encoding="utf-8") as lesson:
        lesson.write("\n![A diagram](../media/diagram.svg)\n")
    code, lines = build(tmp_path)
    assert code == 1
    assert lines[0].endswith(
        "error: image not found: '../media/diagram.svg' (did you mean '../media/Diagram.svg'? "
        "web servers are case-sensitive) [CP401]"
    )


def test_a_draw_larger_than_the_quiz_points_at_the_draw_line(course: Path, tmp_path: Path) -> None:
    edit(course / "quizzes/exam.yml", "attempts: 3\n", "attempts: 3\ndraw: 40\n")
    code, lines = build(tmp_path)
    assert code == 1
    assert lines[:-1] == [
        "all_types/quizzes/exam.yml:4:7: error: 'draw' is 40 but the quiz has 9 questions [CP106]"
    ]


def test_an_assessment_naming_a_markdown_file_is_reported_in_course_yml_only(
    course: Path, tmp_path: Path
) -> None:
    """The root cause only: no knock-on 'needs a final assessment' error."""
    edit(course / "course.yml", "assessment: quizzes/exam.yml", "assessment: lessons/intro.md")
    code, lines = build(tmp_path)
    assert code == 1
    assert lines[:-1] == [
        "all_types/course.yml:14:13: error: 'assessment' names a quiz file (.yml), but "
        "'lessons/intro.md' is not one; lessons go under 'lessons:' [CP205]"
    ]
    assert lines[-1] == "coursepack: error: the course has 1 error(s); no package was written"


def test_a_broken_assessment_file_gives_no_knock_on_error(course: Path, tmp_path: Path) -> None:
    (course / "quizzes/exam.yml").write_text("id: exam\ntitle: [unclosed\n", encoding="utf-8")
    code, lines = build(tmp_path)
    assert code == 1
    assert [line for line in lines if "CP502" in line] == []
    assert len(lines) == 2 and "[CP101]" in lines[0]


def test_a_lesson_file_that_no_module_lists_is_a_warning(course: Path, tmp_path: Path) -> None:
    (course / "lessons/forgotten.md").write_text("---\nid: f\ntitle: F\n---\nText.\n", "utf-8")
    code, lines = build(tmp_path)
    assert code == 0
    assert lines == [
        "all_types/lessons/forgotten.md: warning: 'lessons/forgotten.md' is not listed in "
        "course.yml; add it to a module's 'lessons' (or 'appendix') or remove it [CP206]"
    ]


def test_a_wide_image_is_a_warning_with_its_width(course: Path, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (3000, 20), "white").save(course / "lessons" / "wide.png")
    with (course / "lessons/intro.md").open("a", encoding="utf-8") as lesson:
        lesson.write("\n![A wide banner](wide.png)\n")
    code, lines = build(tmp_path)
    assert code == 0
    assert lines == [
        "all_types/lessons/intro.md:7:18: warning: image 'wide.png' is 3000 px wide; "
        "2560 px is the most any screen shows of it [CP410]"
    ]


def test_a_heavy_image_is_a_warning_with_its_size(course: Path, tmp_path: Path) -> None:
    heavy = course / "lessons" / "heavy.svg"
    heavy.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><!--' + "x" * (3 * 1024 * 1024) + "--></svg>",
        encoding="utf-8",
    )
    with (course / "lessons/intro.md").open("a", encoding="utf-8") as lesson:
        lesson.write("\n![A heavy drawing](heavy.svg)\n")
    code, lines = build(tmp_path)
    assert code == 0
    assert lines == [
        "all_types/lessons/intro.md:7:20: warning: image 'heavy.svg' is 3.0 MB; "
        "keep images under 2 MB for learners on phones [CP410]"
    ]


@pytest.mark.parametrize(
    "command",
    [["build"], ["validate"], ["explain"], ["schema"], ["init"], ["i18n", "extract"],
     ["i18n", "update"], ["i18n", "status"]],
)  # fmt: skip
def test_help_shows_no_python_types_and_a_default_for_every_option(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = result.stdout
    for leak in ("<bool>", "<str>", "<path>", "list[", "Path]", "{paths}", "course_dir", "<"):
        assert leak not in text, leak
    # One entry per option: its first line and the wrapped lines under it.
    section = text.split("Options:", 1)[1]
    entries = re.split(r"\n(?=  -)", section.strip("\n"))
    for entry in entries:
        flat = " ".join(entry.split())
        if "--help" not in flat:
            assert "[default:" in flat or "[required]" in flat, flat
