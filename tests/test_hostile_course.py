"""Hostile course folders: nothing they contain can run code, escape the course or
produce a course that is dead in the browser while the build says it is fine."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser

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


def _marker(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN-9f2c1b7e outside the course", "utf-8")
    return secret


def _no_marker_anywhere(out: Path) -> None:
    for package in out.glob("*.zip") if out.exists() else []:
        with zipfile.ZipFile(package) as archive:
            for name in archive.namelist():
                assert b"TOKEN-9f2c1b7e" not in archive.read(name), name


@pytest.mark.parametrize(
    "where",
    [
        "media/square.svg",
        "lessons/two.md",
        "overrides/static/extra.css",
        "locale/fr/media/square.svg",
    ],
)
def test_a_symbolic_link_out_of_the_course_is_refused_and_nothing_leaks(
    copy_fixture: Callable[[str], Path], tmp_path: Path, where: str
) -> None:
    course = copy_fixture("minimal")
    secret = _marker(tmp_path)
    link = course / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    out = tmp_path / "out"
    with pytest.raises(CourseError) as raised:
        build(course, ["scorm12"], out)
    messages = [d.format(course.parent) for d in raised.value.diagnostics if d.code == "CP207"]
    assert (
        f"minimal/{where}: error: '{where}' is a symbolic link to a file outside the course "
        "folder; copy the file into the course [CP207]"
    ) in messages
    assert not out.exists()
    _no_marker_anywhere(out)


def test_a_link_inside_the_course_is_fine(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    (course / "media" / "alias.svg").symlink_to(course / "media" / "square.svg")
    assert build(course, ["scorm12"], tmp_path / "out").packages


def test_translation_files_are_never_written_through_a_symbolic_link(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    from coursepack.errors import PackagingError
    from coursepack.i18n.workflow import extract

    course = copy_fixture("minimal")
    target = tmp_path / "victim.po"
    (course / "locale").mkdir()
    (course / "locale" / "de.po").symlink_to(target)  # dangling: the file does not exist yet
    with pytest.raises(PackagingError) as raised:
        extract(course, "de", "po")
    assert "symbolic link" in str(raised.value)
    assert not target.exists()


def test_one_unwritable_destination_writes_no_package_and_names_it(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    from coursepack.errors import PackagingError

    course = copy_fixture("minimal")
    out = tmp_path / "out"
    (out / "minimal-1.0-xapi.zip").mkdir(parents=True)
    with pytest.raises(PackagingError) as raised:
        build(course, ["scorm12", "scorm2004", "xapi", "cmi5"], out)
    assert str(raised.value) == (
        f"cannot write '{out / 'minimal-1.0-xapi.zip'}': it is a folder or a special file"
    )
    assert sorted(p.name for p in out.iterdir()) == ["minimal-1.0-xapi.zip"]


@pytest.mark.parametrize("ident", ["constructor", "__proto__", "toString"])
def test_javascript_reserved_identifiers_are_refused(
    copy_fixture: Callable[[str], Path], tmp_path: Path, ident: str
) -> None:
    course = copy_fixture("minimal")
    text = (course / "quizzes/quiz.yml").read_text("utf-8")
    (course / "quizzes/quiz.yml").write_text(text.replace("id: q1", f"id: {ident}"), "utf-8")
    with pytest.raises(CourseError) as raised:
        build(course, ["scorm12"], tmp_path / "out")
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.message == f"'{ident}' is reserved by JavaScript; choose another identifier"
    assert diagnostic.location.line == 4


def test_a_control_character_in_a_title_is_a_located_error(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    text = (course / "course.yml").read_text("utf-8")
    (course / "course.yml").write_text(
        text.replace("title: Minimal course", 'title: "Minimal\\x07course"'), "utf-8"
    )
    with pytest.raises(CourseError) as raised:
        build(course, ["scorm12"], tmp_path / "out")
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.message == "control character U+0007 in text; remove it"
    assert diagnostic.location.line == 4


def test_an_empty_course_yml_says_what_it_needs(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    (course / "course.yml").write_text("", "utf-8")
    with pytest.raises(CourseError) as raised:
        build(course, ["scorm12"], tmp_path / "out")
    assert [d.message for d in raised.value.diagnostics] == [
        "course.yml is empty: it needs at least id, version, language, title, description "
        "and modules"
    ]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("evil.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         "contains script (a <script>, an event handler or a javascript: link); remove it"),
        ("evil2.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
         "contains script (a <script>, an event handler or a javascript: link); remove it"),
        ("page.html", "<p>hi</p>", "is an HTML file; link a page of the course or a PDF instead"),
    ],
)  # fmt: skip
def test_media_that_would_run_script_on_the_lms_origin_is_refused(
    copy_fixture: Callable[[str], Path], tmp_path: Path, name: str, content: str, problem: str
) -> None:
    course = copy_fixture("minimal")
    (course / "media" / name).write_text(content, "utf-8")
    lesson = course / "lessons" / "two.md"
    lesson.write_text(lesson.read_text("utf-8") + f"\n[See it](../media/{name})\n", "utf-8")
    with pytest.raises(CourseError) as raised:
        build(course, ["scorm12"], tmp_path / "out")
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "CP411"
    assert diagnostic.message == f"link target '../media/{name}' {problem}"


TEXT = (
    st.lists(
        st.one_of(
            st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
            st.sampled_from(["<!--", "</script>", "\u2028", "\u2029", "<", ">", "&", '"', "\\"]),
        ),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .filter(lambda t: bool(t.strip()))
)


@pytest.mark.browser
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=TEXT, prompt=TEXT)
def test_any_text_keeps_the_runtime_data_valid_and_the_course_starting(
    chromium: Browser, tmp_path_factory: pytest.TempPathFactory, title: str, prompt: str
) -> None:
    import shutil

    from tests.conftest import FIXTURES
    from tests.harness.static import serve

    root = tmp_path_factory.mktemp("unicode")
    course = root / "course"
    shutil.copytree(FIXTURES / "minimal", course)
    lesson = course / "lessons" / "one.md"
    lesson.write_text(
        lesson.read_text("utf-8").replace(
            "title: Lesson one", f"title: {json.dumps(title, ensure_ascii=False)}"
        ),
        "utf-8",
    )
    quiz = course / "quizzes" / "quiz.yml"
    quiz.write_text(
        quiz.read_text("utf-8").replace(
            "prompt: The sky is blue.", f"prompt: {json.dumps(prompt, ensure_ascii=False)}"
        ),
        "utf-8",
    )
    try:
        result = build(course, ["scorm12"], root / "out")
    except CourseError as exc:
        raise AssertionError([d.message for d in exc.diagnostics]) from None
    json.loads(runtime_data(result.packages[0].path))
    folder = root / "unpacked"
    with zipfile.ZipFile(result.packages[0].path) as archive:
        archive.extractall(folder)
    with serve(folder) as url:
        page = chromium.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]", timeout=10_000)
        page.close()
    assert errors == []
