"""A course that opens, flows and ends like a course: the cover page and its Resume
button, one question per page, the completion page and the certificate, answer keys
kept out of the page source, and every screen at phone and desktop widths (no
overflow, nothing under a sticky bar, axe clean in light and dark schemes, a
screenshot of each saved as a test artifact)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page

from coursepack.build import BuildResult
from coursepack.loader import load_course
from coursepack.model import Course
from tests.conftest import COURSE
from tests.harness.learner import (
    answer,
    by_id,
    go_to,
    read_every_page,
    shown_questions,
    start,
    take_quiz,
)
from tests.harness.lms import Lms
from tests.harness.session import open_session
from tests.harness.static import serve
from tests.test_accessibility import ARTIFACTS, AXE, violations

VIEWPORTS = [(1280, 800), (390, 844)]


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(COURSE).course
    assert loaded is not None
    return loaded


def _data(flagship: BuildResult) -> dict[str, Any]:
    package = next(p for p in flagship.packages if p.format == "xapi")
    with zipfile.ZipFile(package.path) as archive:
        html = archive.read("index.html").decode("utf-8")
    found = re.search(r'<script type="application/json" id="cp-data">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    data["html"] = html
    return data


# ----------------------------------------------------------------- the cover


@pytest.mark.browser
def test_the_cover_shows_duration_objectives_and_a_start_button(
    chromium: Browser, flagship_unpacked: dict[str, Path], course: Course
) -> None:
    with serve(flagship_unpacked["scorm12"]) as url:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        assert page.eval_on_selector(".cp-step.cp-current", "e => e.id") == "cp-cover"
        assert page.text_content(".cp-cover-facts dd") == "Environ 1\u00a0h\u00a030"
        assert page.eval_on_selector_all(
            ".cp-objectives li", "els => els.map(e => e.textContent)"
        ) == course.config.objectives  # fmt: skip
        assert page.text_content(".cp-start") == "Commencer le cours"
        assert page.text_content(".cp-position") == ""
        start(page.main_frame)
        first = next(iter(course.lessons())).id
        assert page.eval_on_selector(".cp-step.cp-current", "e => e.id") == first
        assert page.evaluate("() => document.activeElement.tagName") == "H1"
        page.close()


@pytest.mark.browser
def test_the_cover_resumes_where_the_learner_left(
    chromium: Browser, flagship_unpacked: dict[str, Path]
) -> None:
    with Lms() as lms:
        first = open_session(chromium, lms, flagship_unpacked["scorm2004"])
        go_to(first.frame, "m2_evenements")
        first.save_and_exit()
        first.close()
        assert lms.last_cmi["location"] == "m2_evenements"
        again = open_session(chromium, lms, flagship_unpacked["scorm2004"], lms.last_cmi)
        assert again.frame.eval_on_selector(".cp-step.cp-current", "e => e.id") == "cp-cover"
        assert again.frame.text_content(".cp-start") == "Reprendre où vous en étiez"
        start(again.frame)
        assert again.frame.eval_on_selector(".cp-step.cp-current", "e => e.id") == "m2_evenements"
        again.close()


# ------------------------------------------------------ one question per page


@pytest.mark.browser
def test_a_paged_quiz_can_be_taken_with_the_keyboard_only(
    chromium: Browser, flagship_unpacked: dict[str, Path], course: Course
) -> None:
    final = course.assessment
    assert final is not None
    with serve(flagship_unpacked["scorm12"]) as url:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        go_to(page.main_frame, final.id)
        questions = shown_questions(page.main_frame, final)
        counter = page.text_content(
            f"{by_id(final.id)} .cp-question:not(.cp-offpage, [hidden]) legend"
        )
        assert (counter or "").startswith(f"Question 1 sur {len(questions)}")
        for index, question in enumerate(questions):
            fieldset = by_id(f"q-{question.id}")
            assert page.is_visible(fieldset)
            _answer_with_keys(page, question.type, fieldset)
            if index < len(questions) - 1:
                _tab_to(page, "cp-q-next")
                page.keyboard.press("Enter")
                following = f"q-{questions[index + 1].id}"
                assert page.evaluate("() => document.activeElement.id") == following
        _tab_to(page, "cp-submit")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"{by_id(final.id)} .cp-result:not(:empty)")
        assert page.evaluate(f"() => Coursepack.player.state.q['{final.id}'].n") == 1
        # Submitted: every question shows again, with its feedback, for review.
        assert page.eval_on_selector_all(
            f"{by_id(final.id)} .cp-question.cp-offpage", "els => els.length"
        ) == 0  # fmt: skip
        page.close()


def _tab_to(page: Page, css_class: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if css_class in page.evaluate("() => document.activeElement.className"):
            return
    raise AssertionError(f"Tab never reached .{css_class}")


def _answer_with_keys(page: Page, kind: str, fieldset: str) -> None:
    """Any answer, with the keyboard alone: the first control, then Space or a key."""
    page.focus(f"{fieldset} input, {fieldset} select, {fieldset} button")
    if kind in {"single_choice", "true_false", "multiple_response", "likert"}:
        page.keyboard.press("Space")
    elif kind in {"fill_in", "numeric"}:
        page.keyboard.type("12")
    elif kind == "matching":
        for select in page.query_selector_all(f"{fieldset} select"):
            select.focus()
            page.keyboard.press("ArrowDown")
    # ordering: the order shown is already an answer


# ------------------------------------------------ completion and certificate


@pytest.mark.browser
def test_the_completion_page_follows_the_final_and_changes_nothing_in_the_lms(
    chromium: Browser, flagship_unpacked: dict[str, Path], course: Course, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    with Lms() as lms:
        session = open_session(chromium, lms, flagship_unpacked["scorm12"])
        frame = session.frame
        read_every_page(frame)
        for quiz in course.quizzes():
            take_quiz(frame, quiz)
        before = session.cmi()["core"]
        assert (before["lesson_status"], before["score"]["raw"]) == ("passed", "100")
        assert course.assessment is not None
        frame.click(f"{by_id(course.assessment.id)} .cp-see-results")
        frame.wait_for_selector("#cp-completion.cp-current")
        assert frame.text_content(".cp-completion-status") == "Vous avez terminé ce cours."
        assert frame.text_content(".cp-completion-final") == (
            "Évaluation finale\u00a0: 100\u00a0%, réussie"
        )
        statuses = frame.eval_on_selector_all(
            ".cp-module-status", "els => els.map(e => e.textContent)"
        )
        assert statuses == ["✓ Terminé"] * len(course.modules)
        after = session.cmi()["core"]
        assert {k: after[k] for k in ("lesson_status", "score")} == {
            k: before[k] for k in ("lesson_status", "score")
        }
        # The certificate carries the name scorm-again gives ("Learner, Test").
        assert frame.text_content(".cp-certificate-learner") == "Test Learner"
        frame.evaluate("() => document.body.classList.add('cp-printing-certificate')")
        session.page.emulate_media(media="print")
        ARTIFACTS.mkdir(exist_ok=True)
        frame.locator(".cp-certificate").screenshot(path=str(ARTIFACTS / "certificate.png"))
        pdfs = {size: session.page.pdf(format=size) for size in ("A4", "Letter")}
        session.close()
    for size, pdf in pdfs.items():
        (ARTIFACTS / f"certificate-{size}.pdf").write_bytes(pdf)
        reader = PdfReader(io.BytesIO(pdf))
        text = " ".join(reader.pages[0].extract_text().split())
        assert "Test Learner" in text, size
        assert "La sécurité pour les jeunes Wikimédiens" in text
        assert "Score : 100 %" in text.replace("\u00a0", " ")


# --------------------------------------------------------------- answer keys


def test_hashed_answer_keys_keep_the_final_s_answers_out_of_the_page(
    flagship: BuildResult, course: Course
) -> None:
    data = _data(flagship)
    final = course.assessment
    assert final is not None and final.review == "feedback"
    keys = next(q for q in data["quizzes"] if q["id"] == final.id)["questions"]
    assert all("correct" not in key and "answer" not in key and key["salt"] for key in keys)
    definitions = data["target"]["questions"]
    assert all("correctResponsesPattern" not in definitions[q.id] for q in final.questions)
    # Matching targets are not named by their pair's id in the page source.
    for question in final.questions:
        if question.type == "matching":
            for pair in question.pairs:  # type: ignore[union-attr]
                assert f'<option value="{pair.id}">' not in data["html"]
    # A quiz that shows its answers keeps plain keys.
    module = next(q for q in data["quizzes"] if not q["assessment"] and q["review"] == "answers")
    assert all("salt" not in key for key in module["questions"])


@pytest.mark.browser
def test_the_runtime_s_sha256_is_the_build_s(runtime_page: Page) -> None:
    import hashlib

    for text in ["", "abc", "sel|réponse", "a" * 55, "b" * 64, "💡 long " * 40]:
        expected = hashlib.sha256(text.encode()).hexdigest()
        assert runtime_page.evaluate("t => Coursepack.keys.sha256(t)", text) == expected


@pytest.fixture
def runtime_page(chromium: Browser, flagship_unpacked: dict[str, Path]) -> Iterator[Page]:
    with serve(flagship_unpacked["scorm12"]) as url:
        page = chromium.new_page()
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        yield page
        page.close()


@pytest.mark.browser
def test_hashed_keys_score_right_and_wrong_answers(
    chromium: Browser, flagship_unpacked: dict[str, Path], course: Course
) -> None:
    final = course.assessment
    assert final is not None
    with serve(flagship_unpacked["scorm12"]) as url:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        take_quiz(page.main_frame, final, wrong=3)
        shown = shown_questions(page.main_frame, final)
        scored = [q for q in shown if q.weight > 0]
        verdicts = page.eval_on_selector_all(
            f"{by_id(final.id)} [data-question]:not([hidden])",
            "els => Object.fromEntries(els.map(f => [f.dataset.question,"
            " f.classList.contains('cp-is-correct')]))",
        )
        page.close()
    assert verdicts == {q.id: q not in scored[:3] for q in shown}


# -------------------------------------------------------------- every screen


def _screens(frame: Frame, course: Course) -> Iterator[str]:
    """Walk the course's screens, yielding each one's name once it shows."""
    yield "cover"
    start(frame)
    yield "lesson"
    go_to(frame, "m4_confidences")
    frame.click("a[data-to='ecoute']")
    yield "scenario"
    quiz = next(iter(course.quizzes()))
    take_quiz(frame, quiz, wrong=1)
    yield "quiz-results"
    assert course.assessment is not None
    go_to(frame, course.assessment.id)
    first = shown_questions(frame, course.assessment)[0]
    answer(frame, first, correctly=True)
    yield "final-question"
    read_every_page(frame)
    for each in course.quizzes():
        if each is not quiz:
            take_quiz(frame, each)
    yield "final-results"
    go_to(frame, "cp-completion")
    yield "completion"
    go_to(frame, "glossary")
    yield "glossary"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("viewport", "scheme"),
    [((1280, 800), "light"), ((390, 844), "light"), ((390, 844), "dark")],
    ids=["desktop", "phone", "phone-dark"],
)
def test_every_screen_fits_shows_its_focus_and_passes_axe(
    chromium: Browser,
    flagship_unpacked: dict[str, Path],
    course: Course,
    viewport: tuple[int, int],
    scheme: str,
) -> None:
    width, height = viewport
    found: dict[str, Any] = {}
    with serve(flagship_unpacked["scorm12"]) as url:
        context = chromium.new_context(
            bypass_csp=True, viewport={"width": width, "height": height}, color_scheme=scheme,
            reduced_motion="reduce",
        )  # fmt: skip
        page = context.new_page()
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        page.add_script_tag(content=AXE.read_text("utf-8"))
        ARTIFACTS.mkdir(exist_ok=True)
        for screen in _screens(page.main_frame, course):
            page.screenshot(path=str(ARTIFACTS / f"screen-{screen}-{width}-{scheme}.png"))
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            found[screen] = {"overflow": overflow, "axe": violations(page)}
        context.close()
    assert found == {s: {"overflow": 0, "axe": []} for s in found}
    assert list(found) == [
        "cover", "lesson", "scenario", "quiz-results", "final-question", "final-results",
        "completion", "glossary",
    ]  # fmt: skip


# ------------------------------------------------------------------ big courses


@pytest.mark.browser
def test_a_big_course_keeps_lessons_and_quizzes_inert_until_shown(
    chromium: Browser, tmp_path: Path
) -> None:
    from bench.table import synthetic_course

    from coursepack.build import build
    from tests.harness.session import unpack

    course = synthetic_course(tmp_path / "big", 120)
    # Text that would end or change the inert script element if it were not escaped.
    hostile = "</script><script>window.owned = 1</script> <!-- <script> -->"
    with (course / "lessons" / "l5-3.md").open("a", encoding="utf-8") as lesson:
        lesson.write(f"\n```html\n{hostile}\n```\n\nEt `</script>` en ligne.\n")
    package = build(course, ["scorm12"], tmp_path / "out").packages[0].path
    folder = unpack(package, tmp_path / "unpacked")
    html = (folder / "index.html").read_text("utf-8")
    assert (
        html.count('<script type="text/x-coursepack-step" class="cp-lazy" id="cp-src-') == 144
    )  # 120 lessons, 12 quizzes, 12 modules' contents
    with serve(folder) as url:
        context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        assert page.evaluate("() => document.querySelectorAll('.cp-callout').length") == 0
        assert page.evaluate("() => document.querySelectorAll('.cp-lesson, .cp-quiz').length") == 0
        # The contents list a module's steps once it is opened.
        assert page.evaluate("() => document.querySelectorAll('[data-step-link]').length") == 2
        page.click("[data-toc-module='mod5']")
        assert page.get_attribute("[data-toc-module='mod5']", "aria-expanded") == "true"
        go_to(page.main_frame, "l5_3")
        page.add_script_tag(content=AXE.read_text("utf-8"))
        assert violations(page) == []
        assert page.is_visible("#l5_3 .cp-callout")  # inflated on first show
        assert page.get_attribute("#l5_3 img[alt='Une photo']", "width") == "640"
        assert page.text_content("#l5_3 pre code") == hostile + "\n"
        assert page.evaluate(
            "() => [window.owned, document.querySelectorAll('#cp-main script').length]"
        ) == [None, 131]
        # A deep link into a lesson not shown yet opens it at its section.
        page.evaluate("() => Coursepack.player.reveal('l9_1--une-section')")
        assert page.eval_on_selector(".cp-step.cp-current", "e => e.id") == "l9_1"
        assert page.evaluate("() => document.activeElement.id") == "l9_1--une-section"
        context.close()
    assert errors == []


@pytest.mark.browser
def test_a_quiz_of_a_big_course_is_tracked_when_first_shown_and_resumes(
    chromium: Browser, tmp_path: Path
) -> None:
    from bench.table import synthetic_course

    from coursepack.build import build
    from tests.harness.session import unpack

    course = synthetic_course(tmp_path / "big", 120)
    loaded = load_course(course).course
    assert loaded is not None
    quiz = next(q for q in loaded.quizzes() if q.id == "quiz5")
    package = build(course, ["scorm12"], tmp_path / "out").packages[0].path
    folder = unpack(package, tmp_path / "unpacked")
    with Lms() as lms:
        session = open_session(chromium, lms, folder)
        assert session.frame.evaluate("() => !!document.querySelector('[data-quiz]')") is False
        session.frame.click("[data-toc-module='mod5']")
        take_quiz(session.frame, quiz, wrong=1)
        records = {i["id"]: i["result"] for i in session.interactions() if i.get("result")}
        session.save_and_exit()
        session.close()
        assert sorted(records) == ["q5_0", "q5_1", "q5_2"]
        assert sorted(records.values()) == ["correct", "correct", "wrong"]
        again = open_session(chromium, lms, folder, lms.last_cmi)
        again.frame.click("[data-toc-module='mod5']")
        go_to(again.frame, "quiz5")
        result = again.frame.text_content("#quiz5 .cp-result")
        again.close()
    assert result is not None and "67" in result
    assert session.errors == again.errors == []
