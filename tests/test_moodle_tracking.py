"""The SCORM packages against a Moodle-faithful LMS (and an Open edX-like lenient one).

scorm-again accepts what Moodle does not do: these tests play the places where a real
Moodle 4.5 behaves differently (standards.md 3.6): finished attempts, whole-data-model
commits and unload beacons, scroll at launch, 1.2 status against the completion rule,
and players that answer "" for entry and counters.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page

from coursepack.build import build
from coursepack.datamodel import BUDGET, worst_case_commit_bytes
from coursepack.loader import load_course
from coursepack.model import Course, Quiz
from coursepack.preview.attempts import NoNewAttempt
from tests.conftest import COURSE, FIXTURES
from tests.harness.learner import by_id, go_to, read_every_page, retry_quiz, start, take_quiz
from tests.harness.lms import import_package
from tests.harness.moodle import MoodleLms
from tests.harness.moodle_strict import problems
from tests.harness.session import unpack

pytestmark = pytest.mark.browser
STANDARDS = ["scorm12", "scorm2004"]
STATUS = {"scorm12": "cmi.core.lesson_status", "scorm2004": "cmi.completion_status"}


@pytest.fixture(scope="module")
def flagship_course() -> Course:
    course = load_course(COURSE).course
    assert course is not None
    return course


@pytest.fixture(scope="module")
def flagship_folders(flagship_unpacked: dict[str, Path]) -> dict[str, Path]:
    return flagship_unpacked


def final(course: Course) -> Quiz:
    assert course.assessment is not None
    return course.assessment


def launch(browser: Browser, lms: MoodleLms, folder: Path) -> tuple[Page, Frame]:
    url = lms.launch(import_package(folder))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(url)
    element = page.wait_for_selector("#content")
    assert element is not None
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_selector("body[data-cp-ready]")
    return page, frame


def leave(page: Page, lms: MoodleLms) -> None:
    """The learner leaves the activity (the tab is navigated away): pagehide, beacons."""
    before = len(lms.state.current.requests)
    page.goto("about:blank")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(
            "coursepack_final" in r or _is_final(r) for r in lms.state.current.requests[before:]
        ):
            break
        time.sleep(0.05)
    page.close()


def _is_final(request: dict[str, str]) -> bool:
    return "cmi.core.session_time" in request or "cmi.session_time" in request


def calls(page: Page) -> list[dict[str, str]]:
    found: list[dict[str, str]] = page.evaluate("() => window.lmsCalls")
    return found


def fail_final_every_time(frame: Frame, course: Course) -> None:
    quiz = final(course)
    scored = len([q for q in quiz.questions if q.weight > 0])
    assert quiz.attempts
    for attempt in range(quiz.attempts):
        if attempt:
            retry_quiz(frame, quiz)
        take_quiz(frame, quiz, wrong=scored)


@pytest.mark.parametrize("standard", STANDARDS)
def test_using_up_every_attempt_of_the_final_ends_the_attempt_and_allows_a_new_one(
    browser_for_moodle: Browser,
    flagship_folders: dict[str, Path],
    flagship_course: Course,
    standard: str,
) -> None:
    with MoodleLms() as lms:
        page, frame = launch(browser_for_moodle, lms, flagship_folders[standard])
        fail_final_every_time(frame, flagship_course)
        notice = frame.text_content("#cp-notice") or ""
        assert "Cette tentative du cours est terminée" in notice
        frame.click(".cp-exit")
        frame.wait_for_selector(".cp-exit:disabled")
        values = lms.values
        if standard == "scorm12":
            assert (values["cmi.core.lesson_status"], values["cmi.core.exit"]) == ("failed", "")
        else:
            assert (values["cmi.completion_status"], values["cmi.success_status"]) == (
                "completed",
                "failed",
            )
            assert values["cmi.exit"] == "normal"
        assert problems(standard, calls(page)) == []
        page.close()
        lms.new_attempt()  # Moodle now offers "Start a new attempt"
        page, frame = launch(browser_for_moodle, lms, flagship_folders[standard])
        entry = "cmi.core.entry" if standard == "scorm12" else "cmi.entry"
        assert page.evaluate(f"() => window.lmsData()['{entry}']") == "ab-initio"
        go_to(frame, final(flagship_course).id)
        assert frame.is_enabled(f"{by_id(final(flagship_course).id)} .cp-submit")
        page.close()


@pytest.mark.parametrize("standard", STANDARDS)
def test_an_unfinished_attempt_offers_no_new_attempt(
    browser_for_moodle: Browser, flagship_folders: dict[str, Path], standard: str
) -> None:
    with MoodleLms() as lms:
        page, frame = launch(browser_for_moodle, lms, flagship_folders[standard])
        frame.click(".cp-next")
        frame.wait_for_timeout(100)
        page.close()
        assert lms.values[STATUS[standard]] == "incomplete"
        with pytest.raises(NoNewAttempt):
            lms.new_attempt()


@pytest.mark.parametrize("standard", STANDARDS)
def test_closing_the_tab_after_every_quiz_is_retried_sends_one_call_and_loses_nothing(
    browser_for_moodle: Browser,
    flagship_folders: dict[str, Path],
    flagship_course: Course,
    standard: str,
) -> None:
    with MoodleLms() as lms:
        page, frame = launch(browser_for_moodle, lms, flagship_folders[standard])
        read_every_page(frame)
        for quiz in flagship_course.quizzes():
            take_quiz(frame, quiz, wrong=len(quiz.questions))  # failed: a retry is offered
            retry_quiz(frame, quiz)
            take_quiz(frame, quiz)
        frame.wait_for_timeout(200)
        before = calls(page)
        leave(page, lms)
        attempt = lms.state.current
        final_requests = [r for r in attempt.requests if _is_final(r)]
        assert len(final_requests) == 1, "the session's end reached the LMS exactly once"
        assert attempt.total_seconds > 0
        values = attempt.values
        questions = [q for quiz in flagship_course.quizzes() for q in quiz.questions]
        if standard == "scorm2004":
            assert (values["cmi.completion_status"], values["cmi.success_status"]) == (
                "completed",
                "passed",
            )
            assert values["cmi.score.raw"] == "100"
            # One interaction per question shown, at its fixed index: nothing appended.
            indices = {k.split(".")[2] for k in values if k.startswith("cmi.interactions.")}
            assert len(indices) <= len(questions)
            # Terminate carried the whole data model in one beacon under Chromium's limit.
            assert len("&".join(f"{k}={v}" for k, v in final_requests[0].items())) < 64 * 1024
        else:
            assert values["cmi.core.lesson_status"] == "passed"
            assert values["cmi.core.score.raw"] == "100"
        assert problems(standard, before) == []


def test_the_flagship_fits_the_scorm_2004_data_model_budget(flagship_course: Course) -> None:
    assert worst_case_commit_bytes(flagship_course) <= BUDGET


def test_a_course_that_could_outgrow_the_2004_budget_is_refused_with_its_location(
    tmp_path: Path,
) -> None:
    from coursepack.errors import CourseError

    course = tmp_path / "big"
    course.mkdir()
    (course / "lessons").mkdir()
    (course / "quizzes").mkdir()
    (course / "lessons/one.md").write_text("---\nid: one\ntitle: One\n---\nText.\n", "utf-8")
    questions = "".join(
        f"  - id: q{i}\n    type: fill_in\n    prompt: Question {i}?\n    answers: [yes]\n"
        f"    max_length: 250\n"
        for i in range(40)
    )
    (course / "quizzes/big.yml").write_text(
        f"id: exam\ntitle: Big\nquestions:\n{questions}", "utf-8"
    )
    (course / "course.yml").write_text(
        "id: big\nversion: '1'\nlanguage: en\ntitle: Big\ndescription: Big.\n"
        "modules:\n  - id: m\n    title: M\n    lessons: [lessons/one.md]\n"
        "    quiz: quizzes/big.yml\n",
        "utf-8",
    )
    with pytest.raises(CourseError) as raised:
        build(course, ["scorm2004"], tmp_path / "out")
    [diagnostic] = [d for d in raised.value.diagnostics if d.is_error]
    assert diagnostic.code == "CP602"
    assert (diagnostic.location.file.name, diagnostic.location.line) == ("course.yml", 1)
    assert diagnostic.message.startswith("the SCORM 2004 data model can reach ")


@pytest.mark.parametrize("standard", STANDARDS)
def test_launch_and_resume_open_at_the_top_of_the_package_and_of_the_player(
    browser_for_moodle: Browser, flagship_folders: dict[str, Path], standard: str
) -> None:
    with MoodleLms() as lms:
        for _session in range(2):
            page, frame = launch(browser_for_moodle, lms, flagship_folders[standard])
            frame.wait_for_timeout(300)
            assert frame.evaluate("() => window.scrollY") == 0
            assert page.evaluate("() => window.scrollY") == 0
            box = frame.eval_on_selector(".cp-header", "e => e.getBoundingClientRect().top")
            assert box >= 0
            frame.click(".cp-next")
            frame.click(".cp-next")
            frame.wait_for_timeout(100)
            leave(page, lms)


def test_scorm12_never_reports_passed_with_lessons_unseen(
    browser_for_moodle: Browser, flagship_folders: dict[str, Path], flagship_course: Course
) -> None:
    with MoodleLms() as lms:
        page, frame = launch(browser_for_moodle, lms, flagship_folders["scorm12"])
        take_quiz(frame, final(flagship_course))
        frame.click(".cp-exit")
        frame.wait_for_selector(".cp-exit:disabled")
        statuses = [r.get("cmi.core.lesson_status") for r in lms.state.current.requests]
        assert "passed" not in statuses
        assert lms.values["cmi.core.lesson_status"] == "incomplete"
        page.close()


@pytest.fixture(scope="module")
def sequential_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("sequential")
    course = root / "course"
    shutil.copytree(FIXTURES / "minimal", course)
    text = (course / "course.yml").read_text("utf-8")
    (course / "course.yml").write_text(text + "navigation: sequential\n", "utf-8")
    result = build(course, ["scorm12"], root / "dist")
    return unpack(result.packages[0].path, root / "unpacked")


def test_sequential_navigation_keeps_the_quiz_closed_until_the_lessons_are_done(
    browser_for_moodle: Browser, sequential_folder: Path
) -> None:
    with MoodleLms() as lms:
        page, frame = launch(browser_for_moodle, lms, sequential_folder)
        if frame.is_visible(".cp-menu-toggle"):
            frame.click(".cp-menu-toggle")
        assert frame.get_attribute('[data-step-link="quiz1"]', "aria-disabled") == "true"
        frame.click('#cp-toc [data-step-link="quiz1"]', force=True)
        # The learner lands on the first page not done yet, never past it.
        assert frame.eval_on_selector(".cp-step.cp-current", "e => e.id") == "one"
        assert "pages before it" in (frame.text_content("#cp-notice") or "")
        read_every_page(frame)
        go_to(frame, "quiz1")
        page.close()


@pytest.mark.parametrize("standard", STANDARDS)
def test_interaction_indices_are_the_same_for_every_learner(
    browser_for_moodle: Browser,
    flagship_folders: dict[str, Path],
    flagship_course: Course,
    standard: str,
) -> None:
    tables = []
    for _learner in range(2):
        with MoodleLms() as lms:
            page, frame = launch(browser_for_moodle, lms, flagship_folders[standard])
            take_quiz(frame, final(flagship_course))
            page.close()
            tables.append(
                {
                    k: v
                    for k, v in lms.values.items()
                    if k.startswith("cmi.interactions.") and k.endswith(".id")
                }
            )
    # The same index always holds the same question, whatever each learner was shown.
    common = set(tables[0]) & set(tables[1])
    assert common and all(tables[0][key] == tables[1][key] for key in common)
    position = {
        q.id: i
        for i, q in enumerate(q for quiz in flagship_course.quizzes() for q in quiz.questions)
    }
    for table in tables:
        for key, question in table.items():
            assert int(key.split(".")[2]) == position[question]


@pytest.fixture
def browser_for_moodle(chromium: Browser) -> Iterator[Browser]:
    yield chromium


# ----------------------------------------------------------- Open edX (lenient)


def test_lenient_player_reload_mid_course_resumes_where_the_learner_was(
    browser_for_moodle: Browser, flagship_folders: dict[str, Path]
) -> None:
    with MoodleLms(profile="lenient") as lms:
        page, frame = launch(browser_for_moodle, lms, flagship_folders["scorm2004"])
        for _ in range(3):
            frame.click(".cp-next")
        here = frame.eval_on_selector(".cp-step.cp-current", "e => e.id")
        leave(page, lms)
        page, frame = launch(browser_for_moodle, lms, flagship_folders["scorm2004"])
        start(frame)  # the cover's Resume button
        assert frame.eval_on_selector(".cp-step.cp-current", "e => e.id") == here
        page.close()


def test_lenient_player_return_after_passing_keeps_the_passed_record(
    browser_for_moodle: Browser, flagship_folders: dict[str, Path], flagship_course: Course
) -> None:
    with MoodleLms(profile="lenient") as lms:
        page, frame = launch(browser_for_moodle, lms, flagship_folders["scorm2004"])
        read_every_page(frame)
        for quiz in flagship_course.quizzes():
            take_quiz(frame, quiz)
        measures = [
            float(c["args"][1])
            for c in calls(page)
            if c["method"] == "SetValue" and c["args"][0] == "cmi.progress_measure"
        ]
        assert measures and max(measures[:-1]) < 1
        leave(page, lms)
        assert (lms.values["cmi.completion_status"], lms.values["cmi.success_status"]) == (
            "completed",
            "passed",
        )
        page, frame = launch(browser_for_moodle, lms, flagship_folders["scorm2004"])
        frame.click(".cp-next")
        leave(page, lms)
        assert (lms.values["cmi.completion_status"], lms.values["cmi.success_status"]) == (
            "completed",
            "passed",
        )
        ids = {
            k: v
            for k, v in lms.values.items()
            if k.startswith("cmi.interactions.") and k.endswith(".id")
        }
        assert len(set(ids.values())) == len(ids)
