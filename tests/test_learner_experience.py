"""Learner experience in Chromium, phone and desktop: verdicts, no wasted attempts, a
result never hidden, one honest progress measure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from coursepack.loader import load_course
from coursepack.model import Course
from tests.conftest import COURSE
from tests.harness.learner import by_id, go_to, read_every_page, take_quiz
from tests.harness.static import serve

pytestmark = pytest.mark.browser
VIEWPORTS = [(1280, 800), (390, 844)]


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(COURSE).course
    assert loaded is not None
    return loaded


@pytest.fixture(params=VIEWPORTS, ids=["desktop", "phone"])
def page(
    request: pytest.FixtureRequest, chromium: Browser, flagship_unpacked: dict[str, Path]
) -> Iterator[Page]:
    width, height = request.param
    with serve(flagship_unpacked["scorm12"]) as url:
        opened = chromium.new_page(viewport={"width": width, "height": height})
        opened.goto(url + "/index.html")
        opened.wait_for_selector("body[data-cp-ready]")
        yield opened
        opened.close()


def test_submitting_with_unanswered_questions_is_refused_without_using_an_attempt(
    page: Page, course: Course
) -> None:
    quiz = next(iter(course.quizzes()))  # a module quiz: every question on one page
    go_to(page.main_frame, quiz.id)
    page.click(f"{by_id(quiz.id)} .cp-submit")
    result = page.text_content(f"{by_id(quiz.id)} .cp-result") or ""
    assert result.startswith("Répondez à toutes les questions avant de vérifier : il en reste ")
    state = page.evaluate(f"() => (window.Coursepack.player.state.q['{quiz.id}'] || {{n: 0}}).n")
    assert state == 0
    assert page.is_enabled(f"{by_id(quiz.id)} .cp-submit")


def test_a_paged_question_needs_an_answer_before_next_and_uses_no_attempt(
    page: Page, course: Course
) -> None:
    assert course.assessment is not None
    final = course.assessment.id
    go_to(page.main_frame, final)
    current = f"{by_id(final)} .cp-question:not(.cp-offpage, [hidden])"
    # An ordering question always has an answer (the order shown): pass those.
    while page.eval_on_selector(current, "e => e.dataset.type") == "ordering":
        page.click(f"{by_id(final)} .cp-q-next")
    first = page.eval_on_selector(current, "e => e.id")
    page.click(f"{by_id(final)} .cp-q-next")
    assert page.text_content(f"{by_id(final)} .cp-quiz-status") == (
        "Choisissez ou écrivez une réponse avant de continuer."
    )
    assert page.eval_on_selector(current, "e => e.id") == first
    assert page.is_hidden(f"{by_id(final)} .cp-submit")  # Check comes on the last question
    state = page.evaluate(f"() => (window.Coursepack.player.state.q['{final}'] || {{n: 0}}).n")
    assert state == 0


def test_a_module_quiz_gives_a_verdict_and_offers_retry_only_when_not_passed(
    page: Page, course: Course
) -> None:
    quiz = next(iter(course.quizzes()))
    take_quiz(page.main_frame, quiz, wrong=len(quiz.questions))
    section = by_id(quiz.id)
    assert "Vous n’avez pas atteint le seuil de réussite." in (
        page.text_content(f"{section} .cp-result") or ""
    )
    assert page.is_visible(f"{section} .cp-retry")
    # The learner's own choices are named, right or wrong, not only greyed out.
    mine = page.eval_on_selector_all(
        f"{section} .cp-your-answer", "els => els.map(e => e.textContent)"
    )
    assert mine and set(mine) == {"✗ votre réponse"}
    page.click(f"{section} .cp-retry")
    take_quiz(page.main_frame, quiz)
    assert "Vous avez réussi." in (page.text_content(f"{section} .cp-result") or "")
    assert not page.is_visible(f"{section} .cp-retry")
    assert "cp-viewed" in (page.get_attribute(f'[data-step-link="{quiz.id}"]', "class") or "")


def test_the_result_is_fully_visible_and_not_under_a_sticky_bar(page: Page, course: Course) -> None:
    quiz = next(iter(course.quizzes()))
    take_quiz(page.main_frame, quiz)
    page.wait_for_timeout(300)
    box = page.eval_on_selector(
        f"{by_id(quiz.id)} .cp-result",
        "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }",
    )
    height = page.evaluate("() => window.innerHeight")
    assert box[0] >= 0 and box[1] <= height
    covered = page.evaluate(
        """sel => { const e = document.querySelector(sel); const r = e.getBoundingClientRect();
        const points = [[r.left + 5, r.top + 5], [r.left + 5, r.bottom - 5]];
        return points.some(([x, y]) => { const t = document.elementFromPoint(x, y);
          return t && !e.contains(t); }); }""",
        f"{by_id(quiz.id)} .cp-result",
    )
    assert covered is False
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_progress_reaches_100_only_when_the_completion_rule_is_met(
    page: Page, course: Course
) -> None:
    read_every_page(page.main_frame)
    assert page.evaluate("() => document.querySelector('.cp-progress-bar').value") < 100
    assert course.assessment is not None
    take_quiz(page.main_frame, course.assessment)
    assert page.evaluate("() => document.querySelector('.cp-progress-bar').value") == 100
