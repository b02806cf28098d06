"""Translating a course: extract, translate, update, status, localised builds, and
untrusted translations."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from lxml import etree
from typer.testing import CliRunner

from coursepack.build import build
from coursepack.cli import app
from coursepack.errors import CourseError

runner = CliRunner()


def translate_po(path: Path, translate: Callable[[str, str], str | None]) -> None:
    """What a translator's tool does: fill msgstr for the units it knows."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            target = translate(message.context or "", str(message.id))
            if target is not None:
                message.string = target
    with path.open("wb") as handle:
        write_po(handle, catalog)


def french(context: str, source: str) -> str | None:
    if context.startswith("ui."):
        return None
    return "FR " + source if "](" not in source else source.replace("lesson one", "la leçon un")


def page_of(package: Path) -> str:
    with zipfile.ZipFile(package) as archive:
        return archive.read("index.html").decode()


@pytest.fixture
def course(copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_fixture("minimal")
    monkeypatch.chdir(path.parent)
    return path


def test_extract_writes_every_unit_with_location_and_note(course: Path) -> None:
    result = runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "minimal/locale/fr.po: 10 units to translate"
    with (course / "locale" / "fr.po").open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.project == "minimal"
    messages = {(m.context, m.id): m for m in catalog if m.id}
    image = messages[("lesson.one", "![A red square](../media/square.svg)")]
    assert image.locations == [("lessons/one.md", 7)]
    assert image.auto_comments == [
        "Markdown: keep link targets, image paths, `code` and the *, _, [ ] ( ) marks."
    ]
    assert ("question.q1.prompt", "The sky is blue.") in messages
    assert not any(context.startswith("ui.") for context, _ in messages)  # French is built in


def test_extract_xliff_is_xliff_2(course: Path) -> None:
    assert (
        runner.invoke(
            app, ["i18n", "extract", "minimal", "--lang", "fr", "--format", "xliff"]
        ).exit_code
        == 0
    )
    root = etree.parse(str(course / "locale" / "fr.xlf")).getroot()
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "fr")
    units = root.findall(".//{urn:oasis:names:tc:xliff:document:2.0}unit")
    assert len(units) == 10 and units[0].get("name") == "course.title"


def test_round_trip_extract_translate_build_gives_translated_pages(
    course: Path, tmp_path: Path
) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    translate_po(course / "locale" / "fr.po", french)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["build", "minimal", "--lang", "all", "-f", "scorm12", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "minimal-1.0-en-scorm12.zip",
        "minimal-1.0-fr-scorm12.zip",
    ]
    page = page_of(out / "minimal-1.0-fr-scorm12.zip")
    assert '<html lang="fr" dir="ltr">' in page
    assert "FR Lesson one" in page and "FR Some <strong>text</strong> with an image:" in page
    assert 'alt="A red square"' in page  # a block whose link the translation kept as is
    assert "Suivant" in page  # interface strings in French, built in
    assert (
        "Back to" not in page.split('id="two"')[1].split("</section>")[0] or "la leçon un" in page
    )


def test_update_marks_exactly_the_changed_units_for_review(course: Path) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    translate_po(course / "locale" / "fr.po", french)
    lesson = course / "lessons" / "one.md"
    lesson.write_text(
        lesson.read_text("utf-8").replace(
            "Some **text** with an image:", "Some **text**, with an image:"
        ),
        "utf-8",
    )
    two = course / "lessons" / "two.md"
    two.write_text(two.read_text("utf-8") + "\nA new paragraph.\n", "utf-8")
    result = runner.invoke(app, ["i18n", "update", "minimal"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "minimal/locale/fr.po: 9 kept, 1 to review, 1 new, 0 dropped"
    with (course / "locale" / "fr.po").open("rb") as handle:
        catalog = read_po(handle)
    fuzzy = [(m.context, m.id, m.string) for m in catalog if m.id and m.fuzzy]
    assert fuzzy == [
        ("lesson.one", "Some **text**, with an image:", "FR Some **text** with an image:")
    ]
    status = runner.invoke(app, ["i18n", "status", "minimal"])
    assert status.stdout.strip() == "fr: 9/11 translated (81.8 %), 1 to review, 1 missing"


def test_status_guards_coverage_in_ci(course: Path) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    translate_po(
        course / "locale" / "fr.po", lambda c, s: "FR " + s if c.startswith("course.") else None
    )
    status = runner.invoke(app, ["i18n", "status", "minimal", "--min-coverage", "90"])
    assert status.exit_code == 1
    assert status.stdout.strip() == "fr: 2/10 translated (20.0 %), 0 to review, 8 missing"
    assert "below 90 % coverage: fr" in status.stderr


def test_missing_units_fall_back_with_warnings_and_fail_under_strict(
    course: Path, tmp_path: Path
) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    translate_po(
        course / "locale" / "fr.po",
        lambda c, s: None if c == "question.q1.prompt" else french(c, s),
    )
    relaxed = runner.invoke(
        app, ["build", "minimal", "--lang", "fr", "-f", "scorm12", "--out", str(tmp_path / "a")]
    )
    assert relaxed.exit_code == 0
    assert relaxed.stderr.splitlines() == [
        "minimal/quizzes/quiz.yml:4:5: warning: no fr translation for question.q1.prompt (the source text is used) [CP902]"
    ]
    assert "The sky is blue." in page_of(tmp_path / "a" / "minimal-1.0-fr-scorm12.zip")
    strict = runner.invoke(
        app, ["build", "minimal", "--lang", "fr", "--strict", "--out", str(tmp_path / "b")]
    )
    assert strict.exit_code == 1 and not (tmp_path / "b").exists()


def test_right_to_left_languages_get_dir_rtl(course: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "ar"])
    translate_po(course / "locale" / "ar.po", lambda c, s: None if "](" in s else "ع " + s)
    result = runner.invoke(
        app, ["build", "minimal", "--lang", "ar", "-f", "scorm12", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0
    page = page_of(tmp_path / "o" / "minimal-1.0-ar-scorm12.zip")
    assert '<html lang="ar" dir="rtl">' in page
    assert "ع Lesson one" in page


def test_a_malicious_translation_is_neutralised(course: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)> Leçon'

    def evil(context: str, source: str) -> str | None:
        return attack if source == "Some **text** with an image:" else french(context, source)

    translate_po(course / "locale" / "fr.po", evil)
    result = runner.invoke(
        app, ["build", "minimal", "--lang", "fr", "-f", "scorm12", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.stderr
    page = page_of(tmp_path / "o" / "minimal-1.0-fr-scorm12.zip")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_translation_that_adds_a_link_is_refused_with_its_location(
    course: Path, tmp_path: Path
) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    translate_po(
        course / "locale" / "fr.po",
        lambda c, s: (
            "Voir [ici](https://evil.example/)"
            if s == "Some **text** with an image:"
            else french(c, s)
        ),
    )
    result = runner.invoke(app, ["build", "minimal", "--lang", "fr", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    [line] = [row for row in result.stderr.splitlines() if "[CP903]" in row]
    assert line.startswith("minimal/locale/fr.po:")
    assert line.endswith(
        "error: translation of lesson.one changes the links or images [] -> ['https://evil.example/'] [CP903]"
    )
    assert not (tmp_path / "o").exists()


def test_a_broken_po_file_gives_a_located_error_and_no_package(
    course: Path, tmp_path: Path
) -> None:
    (course / "locale").mkdir()
    (course / "locale" / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n\nthis line is not PO\nmsgid "a"\nmsgstr "b"\n', "utf-8"
    )
    result = runner.invoke(app, ["build", "minimal", "--lang", "fr", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "minimal/locale/fr.po:4: error: invalid PO file: Unknown or misformatted keyword on 3 [CP901]"
    )
    assert not (tmp_path / "o").exists()


def test_a_broken_xliff_file_gives_a_located_error(course: Path, tmp_path: Path) -> None:
    (course / "locale").mkdir()
    (course / "locale" / "fr.xlf").write_text('<xliff version="2.0">\n<file>\n</xliff>\n', "utf-8")
    result = runner.invoke(app, ["build", "minimal", "--lang", "fr", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        "minimal/locale/fr.xlf:3: error: invalid XLIFF:"
    )


def test_a_file_for_another_course_is_refused(course: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    po = course / "locale" / "fr.po"
    po.write_text(
        po.read_text("utf-8").replace("Project-Id-Version: minimal", "Project-Id-Version: other"),
        "utf-8",
    )
    with pytest.raises(CourseError) as caught:
        build(course, ["scorm12"], tmp_path / "o", languages=["fr"])
    assert [d.code for d in caught.value.diagnostics] == ["CP904"]
    assert caught.value.diagnostics[0].message == "this file is for course 'other', not 'minimal'"


def test_asking_for_a_language_without_a_file_is_an_error(course: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "minimal", "--lang", "de", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert (
        "no translation file locale/de.po or .xlf (coursepack i18n extract --lang de) [CP905]"
        in result.stderr
    )


def test_flagship_english_translation_is_complete() -> None:
    from tests.conftest import COURSE

    result = runner.invoke(app, ["i18n", "status", str(COURSE), "--min-coverage", "100"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "en: 665/665 translated (100.0 %), 0 to review, 0 missing"


def test_a_translated_image_replaces_the_original_in_that_language(
    course: Path, tmp_path: Path
) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    translate_po(course / "locale" / "fr.po", french)
    override = course / "locale" / "fr" / "media"
    override.mkdir(parents=True)
    (override / "square.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><text>carré</text></svg>', "utf-8"
    )
    result = runner.invoke(
        app, ["build", "minimal", "--lang", "all", "-f", "scorm12", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.stderr
    assert 'src="assets/locale/fr/media/square.svg"' in page_of(
        tmp_path / "o" / "minimal-1.0-fr-scorm12.zip"
    )
    assert 'src="assets/media/square.svg"' in page_of(tmp_path / "o" / "minimal-1.0-en-scorm12.zip")
    with zipfile.ZipFile(tmp_path / "o" / "minimal-1.0-fr-scorm12.zip") as archive:
        assert "carré" in archive.read("assets/locale/fr/media/square.svg").decode()


def _html_lesson(course: Path) -> None:
    lesson = course / "lessons" / "two.md"
    lesson.write_text(
        "---\nid: two\ntitle: Lesson two\nallow_html: true\n---\nAn <em>HTML</em> paragraph.\n",
        encoding="utf-8",
    )


def test_an_html_translation_cannot_add_links_or_take_the_runtimes_names(
    course: Path, tmp_path: Path
) -> None:
    _html_lesson(course)
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    attack = 'Un <a href="https://evil.example/" target="_top">lien</a>.'
    translate_po(
        course / "locale" / "fr.po",
        lambda c, s: attack if "HTML" in s and "paragraph" in s else french(c, s),
    )
    result = runner.invoke(app, ["build", "minimal", "--lang", "fr", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "changes the links or images [] -> ['https://evil.example/'] [CP903]" in result.stderr


def test_html_cannot_claim_the_runtimes_ids_or_navigate_the_lms(
    course: Path, tmp_path: Path
) -> None:
    lesson = course / "lessons" / "two.md"
    lesson.write_text(
        "---\nid: two\ntitle: Lesson two\nallow_html: true\n---\n"
        '<div id="cp-data" class="cp-step x">{"tracking": {}}</div>\n'
        '<p><a href="https://example.org/" target="_top">out</a> '
        '<img src="\\\\host\\share\\x.png" alt="x"></p>\n',
        encoding="utf-8",
    )
    build(course, ["scorm12"], tmp_path / "o")
    page = page_of(tmp_path / "o" / "minimal-1.0-scorm12.zip")
    assert page.count('id="cp-data"') == 1  # the runtime's own, not the lesson's
    assert 'class="cp-step x"' not in page
    assert 'target="_top"' not in page
    assert "host" not in page.split('id="two"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    "target", ["Page {n:>300000000} sur {total}", "Page { sur {total}", "{n}{}"]
)
def test_interface_translations_keep_exactly_the_source_placeholders(
    course: Path, tmp_path: Path, target: str
) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "de"])
    translate_po(
        course / "locale" / "de.po",
        lambda c, s: target if c == "ui.lesson_of" else "DE " + s if "](" not in s else s,
    )
    result = runner.invoke(app, ["build", "minimal", "--lang", "de", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert (
        "error: translation of ui.lesson_of must use exactly the placeholders ['n', 'total'] "
        "as {name}, with no other braces [CP903]"
    ) in result.stderr


def test_a_po_file_with_an_unknown_charset_is_a_located_error(course: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    po = course / "locale" / "fr.po"
    po.write_text(po.read_text("utf-8").replace("charset=utf-8", "charset=klingon-8"), "utf-8")
    result = runner.invoke(app, ["build", "minimal", "--lang", "fr", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "minimal/locale/fr.po:1: error: invalid PO file: unknown charset" in result.stderr


def test_a_po_header_without_a_course_is_explained(course: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "fr"])
    po = course / "locale" / "fr.po"
    text = po.read_text("utf-8")
    kept = [line for line in text.splitlines() if "Project-Id-Version" not in line]
    po.write_text("\n".join(kept), "utf-8")
    result = runner.invoke(app, ["build", "minimal", "--lang", "fr", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert (
        "minimal/locale/fr.po:1: error: the header has no Project-Id-Version naming the course; "
        "start from 'coursepack i18n extract' [CP904]"
    ) in result.stderr


def test_quiz_intro_blocks_translate_by_unit_never_by_substring(
    course: Path, tmp_path: Path
) -> None:
    quiz = course / "quizzes" / "quiz.yml"
    quiz.write_text(
        quiz.read_text("utf-8").replace(
            "title: Quiz\n",
            "title: Quiz\nintro: |-\n  Good luck.\n\n  Good luck, and re-read first.\n",
        ),
        "utf-8",
    )
    runner.invoke(app, ["i18n", "extract", "minimal", "--lang", "de"])
    german = {
        "Good luck.": "Viel Glück.",
        "Good luck, and re-read first.": "Viel Glück, lies zuerst nach.",
    }
    translate_po(
        course / "locale" / "de.po",
        lambda c, s: german.get(s, s if ("](" in s or c.startswith("ui.")) else "DE " + s),
    )
    result = runner.invoke(
        app, ["build", "minimal", "--lang", "de", "-f", "scorm12", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.stderr
    page = page_of(tmp_path / "o" / "minimal-1.0-de-scorm12.zip")
    assert "Viel Glück, lies zuerst nach." in page
    assert "and re-read" not in page
