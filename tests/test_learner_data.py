"""Learner data under faults, in Chromium: never say "saved" when it is not, never lose
a submitted answer, and never let damaged state stop the course.

Faults are injected where they happen in the field: the LMS answers commits with
errors (the Moodle-faithful server), the LMS API throws or refuses a value (wrapped in
the player page), the page closes, a second tab opens, the stored state is damaged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page

from coursepack.build import build
from coursepack.loader import load_course
from coursepack.model import Course, Quiz
from coursepack.state import worst_case_size
from tests.conftest import COURSE, FIXTURES
from tests.harness.learner import by_id, go_to, shown_questions, take_quiz
from tests.harness.lms import import_package
from tests.harness.moodle import Attempt, MoodleLms
from tests.harness.session import unpack

pytestmark = pytest.mark.browser
SAVED = "Votre progression est enregistrée"
NOT_SAVED = "pas encore enregistrée"


@pytest.fixture(scope="module")
def flagship_course() -> Course:
    course = load_course(COURSE).course
    assert course is not None
    return course


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    """One browser profile: its localStorage outlives a tab, as a learner's does."""
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


def launch(context: BrowserContext, lms: MoodleLms, folder: Path) -> tuple[Page, Frame, list[str]]:
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(lms.launch(import_package(folder)))
    element = page.wait_for_selector("#content")
    assert element is not None
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_selector("body[data-cp-ready]")
    return page, frame, errors


def notice(frame: Frame) -> str:
    return frame.text_content("#cp-notice") or ""


def final(course: Course) -> Quiz:
    assert course.assessment is not None
    return course.assessment


def exit_course(frame: Frame) -> None:
    frame.click(".cp-exit")


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_failing_commits_at_exit_are_never_called_saved_and_are_sent_once_the_lms_recovers(
    context: BrowserContext,
    flagship_unpacked: dict[str, Path],
    flagship_course: Course,
    standard: str,
) -> None:
    with MoodleLms() as lms:
        page, frame, errors = launch(context, lms, flagship_unpacked[standard])
        go_to(frame, final(flagship_course).id)
        lms.state.fail_commits = 10_000
        take_quiz(frame, final(flagship_course), wrong=4, navigate=False)
        exit_course(frame)
        assert NOT_SAVED in notice(frame) and SAVED not in notice(frame)
        assert frame.is_enabled(".cp-exit")  # the course stays open until it is saved
        lms.state.fail_commits = 0
        frame.wait_for_function(
            f"() => document.getElementById('cp-notice').textContent.includes({json.dumps(SAVED)})",
            timeout=15_000,
        )
        score = "cmi.core.score.raw" if standard == "scorm12" else "cmi.score.raw"
        assert lms.values[score] == "66.67"
        assert errors == []
        page.close()


def test_unsaved_progress_is_kept_in_the_browser_and_offered_at_the_next_launch(
    context: BrowserContext, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    with MoodleLms() as lms:
        page, frame, _ = launch(context, lms, flagship_unpacked["scorm2004"])
        go_to(frame, final(flagship_course).id)
        lms.state.fail_commits = 10_000
        take_quiz(frame, final(flagship_course), navigate=False)
        assert NOT_SAVED in notice(frame)
        page.goto("about:blank")  # the tab is closed while the LMS still fails
        page.wait_for_timeout(500)
        page.close()
        lms.state.fail_commits = 0
        assert "evaluation_finale" not in lms.values.get("cmi.suspend_data", "")
        page, frame, _ = launch(context, lms, flagship_unpacked["scorm2004"])
        frame.wait_for_selector(".cp-restore")
        frame.click(".cp-restore")
        frame.wait_for_timeout(300)
        state = json.loads(lms.values["cmi.suspend_data"])
        assert state["q"]["evaluation_finale"]["n"] == 1
        assert lms.values["cmi.success_status"] == "passed"
        page.close()


def test_an_lms_api_that_throws_never_breaks_the_course_and_the_learner_is_told(
    context: BrowserContext, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    with MoodleLms() as lms:
        page, frame, errors = launch(context, lms, flagship_unpacked["scorm2004"])
        go_to(frame, final(flagship_course).id)
        page.evaluate(
            "() => { for (const m of ['Commit', 'SetValue']) {"
            " window.API_1484_11[m] = () => { throw new Error('LMS down'); }; } }"
        )
        take_quiz(frame, final(flagship_course), navigate=False)
        result = frame.text_content(f"{by_id(final(flagship_course).id)} .cp-result") or ""
        assert "100" in result
        assert NOT_SAVED in notice(frame)
        assert errors == []
        page.close()


def test_a_refused_suspend_data_is_a_failed_save(
    context: BrowserContext, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    with MoodleLms() as lms:
        page, frame, _ = launch(context, lms, flagship_unpacked["scorm2004"])
        page.evaluate(
            "() => { const api = window.API_1484_11, set = api.SetValue, last = api.GetLastError;"
            " let refused = false;"
            " api.SetValue = (n, v) => { refused = n === 'cmi.suspend_data';"
            "   return refused ? 'false' : set(n, v); };"
            " api.GetLastError = () => refused ? '351' : last(); }"
        )
        take_quiz(frame, final(flagship_course))
        assert NOT_SAVED in notice(frame)
        exit_course(frame)
        assert SAVED not in notice(frame)
        page.close()


def test_a_second_tab_of_the_same_course_is_read_only_and_says_so(
    context: BrowserContext, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    with MoodleLms() as lms:
        first, first_frame, _ = launch(context, lms, flagship_unpacked["scorm2004"])
        take_quiz(first_frame, final(flagship_course))
        second, frame, _ = launch(context, lms, flagship_unpacked["scorm2004"])
        frame.wait_for_function(
            "() => document.getElementById('cp-notice').textContent.includes('déjà ouvert')"
        )
        module_quiz = next(iter(flagship_course.quizzes()))
        take_quiz(frame, module_quiz)
        frame.wait_for_timeout(2500)  # past the commit delay
        state = json.loads(lms.values["cmi.suspend_data"])
        assert state["q"]["evaluation_finale"]["p"] == 1, "the first tab's pass is intact"
        assert module_quiz.id not in state["q"], "the read-only tab wrote nothing"
        second.close()
        first.close()


def test_a_draft_typed_just_before_the_page_closes_is_kept(
    context: BrowserContext, flagship_unpacked: dict[str, Path]
) -> None:
    with MoodleLms() as lms:
        page, frame, _ = launch(context, lms, flagship_unpacked["scorm2004"])
        go_to(frame, "quiz_m4")
        frame.fill(by_id("q-m4_q_faute-input"), "faute")
        page.goto("about:blank")
        frame_deadline = 50
        while "faute" not in lms.values.get("cmi.suspend_data", "") and frame_deadline:
            page.wait_for_timeout(100)
            frame_deadline -= 1
        state = json.loads(lms.values["cmi.suspend_data"])
        assert state["q"]["quiz_m4"]["r"]["m4_q_faute"] == "faute"
        page.close()


@pytest.mark.parametrize(
    "damage",
    [
        '{"v":2,"k":1,"s":[],"q":{"quiz_m2":{"n":0,"o":1,"r":{"m2_q_ordre":"a\\"]"}}}}',
        '{"v":2,"k":1,"s":["constructor"],"q":{"__proto__":{"n":"x"}}}',
        "not json at all",
        '{"v":2,"k":"x","s":{},"q":[]}',
    ],
)
def test_damaged_stored_state_never_stops_the_course(
    context: BrowserContext, flagship_unpacked: dict[str, Path], damage: str
) -> None:
    with MoodleLms() as lms:
        lms.launch(import_package(flagship_unpacked["scorm2004"]))
        lms.state.attempts.append(
            Attempt(values={"cmi.suspend_data": damage, "cmi.exit": "suspend", "cmi.location": "x"})
        )
        page, frame, errors = launch(context, lms, flagship_unpacked["scorm2004"])
        assert errors == []
        frame.click(".cp-next")
        assert frame.is_visible(".cp-step.cp-current")
        page.close()


def test_adversarial_typed_text_never_outgrows_the_build_bound(
    context: BrowserContext, tmp_path_factory: pytest.TempPathFactory
) -> None:
    course = load_course(FIXTURES / "all_types").course
    assert course is not None
    root = tmp_path_factory.mktemp("adversarial")
    result = build(FIXTURES / "all_types", ["scorm12"], root / "dist")
    folder = unpack(result.packages[0].path, root / "unpacked")
    with MoodleLms() as lms:
        page, frame, errors = launch(context, lms, folder)
        go_to(frame, "exam")
        field = by_id("q-q_fill-input")
        hostile = '"\\\x01\u2028\ud800' * 200
        frame.eval_on_selector(field, "(e, v) => { e.value = v; }", hostile)
        frame.dispatch_event(field, "input")
        frame.dispatch_event(field, "change")
        frame.click(f"{by_id('exam')} .cp-submit")
        frame.wait_for_selector(f"{by_id('exam')} .cp-result:not(:empty)")
        written = [
            c["args"][1]
            for c in page.evaluate("() => window.lmsCalls")
            if c["method"] == "LMSSetValue" and c["args"][0] == "cmi.suspend_data"
        ]
        assert written and max(len(w) for w in written) <= worst_case_size(course)
        assert errors == []
        page.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_actions_and_faults_lose_nothing_once_the_lms_recovers(
    context: BrowserContext, flagship_unpacked: dict[str, Path], flagship_course: Course, seed: int
) -> None:
    """Seeded: quizzes taken right or wrong, commits failing or not, the tab closed and
    reopened. After recovery, the LMS holds every submitted quiz and the best score."""
    import random

    rng = random.Random(seed)
    quizzes = list(flagship_course.quizzes())
    submitted: dict[str, int] = {}
    best_final: float | None = None
    with MoodleLms() as lms:
        page, frame, errors = launch(context, lms, flagship_unpacked["scorm2004"])
        for _step in range(8):
            action = rng.choice(["quiz", "quiz", "fault", "heal", "reopen"])
            if action == "fault":
                lms.state.fail_commits = 10_000
            elif action == "heal":
                lms.state.fail_commits = 0
            elif action == "reopen":
                page.goto("about:blank")
                page.wait_for_timeout(300)
                page.close()
                page, frame, errors = launch(context, lms, flagship_unpacked["scorm2004"])
                if frame.is_visible(".cp-restore"):
                    frame.click(".cp-restore")
            else:
                quiz = rng.choice(quizzes)
                go_to(frame, quiz.id)
                section = by_id(quiz.id)
                if frame.is_visible(f"{section} .cp-retry"):
                    frame.click(f"{section} .cp-retry")
                if not frame.is_enabled(f"{section} .cp-submit"):
                    continue
                scored = len([q for q in shown_questions(frame, quiz) if q.weight > 0])
                wrong = rng.choice([0, 1, scored])
                take_quiz(frame, quiz, wrong=wrong, navigate=False)
                submitted[quiz.id] = submitted.get(quiz.id, 0) + 1
                if quiz is final(flagship_course):
                    score = round(100 * (scored - wrong) / scored, 2)
                    best_final = score if best_final is None else max(best_final, score)
        lms.state.fail_commits = 0
        page.goto("about:blank")
        page.wait_for_timeout(300)
        page.close()
        page, frame, errors = launch(context, lms, flagship_unpacked["scorm2004"])
        if frame.is_visible(".cp-restore"):
            frame.click(".cp-restore")
            frame.wait_for_timeout(300)
        exit_course(frame)
        frame.wait_for_timeout(300)
        state = json.loads(lms.values["cmi.suspend_data"])
        for quiz_id, times in submitted.items():
            assert state["q"][quiz_id]["n"] == times, quiz_id
        if best_final is not None:
            assert float(lms.values["cmi.score.raw"]) == pytest.approx(best_final, abs=0.01)
        ids = [
            v
            for k, v in lms.values.items()
            if k.startswith("cmi.interactions.") and k.endswith(".id")
        ]
        assert len(ids) == len(set(ids)), "each question recorded once"
        assert errors == []
        page.close()
