"""The SCORM packages in real Chromium, against scorm-again as the LMS-side API.

Every assertion is on what the LMS holds or received: scorm-again's data model after
the session, the commits posted to the LMS, and the log of API calls, which also goes
through the Moodle-strict format layer.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from coursepack.build import build
from coursepack.loader import load_course
from coursepack.model import Course, Quiz
from coursepack.scaffold import scaffold
from coursepack.state import worst_case_size
from tests.conftest import COURSE, FIXTURES
from tests.harness.learner import (
    answer_in_turn,
    by_id,
    go_to,
    read_every_page,
    retry_quiz,
    shown_questions,
    start,
    take_quiz,
)
from tests.harness.lms import Lms
from tests.harness.moodle import MoodleLms
from tests.harness.moodle_strict import problems
from tests.harness.session import FIRST, LAST, Session, open_session, unpack

pytestmark = pytest.mark.browser
STANDARDS = ["scorm12", "scorm2004"]


@pytest.fixture(params=["scorm-again", "moodle", "lenient"])
def lms(request: pytest.FixtureRequest) -> Iterator[Lms]:
    """Every scenario runs against scorm-again, the Moodle-faithful layer and the
    lenient (Open edX-like) profile."""
    server = Lms() if request.param == "scorm-again" else MoodleLms(profile=request.param)
    with server:
        yield server  # type: ignore[misc]


@pytest.fixture
def scorm_again() -> Iterator[Lms]:
    """The scorm-again player alone, for launch options only it offers (a popup launch,
    an initial data model set by the test)."""
    with Lms() as server:
        yield server


@pytest.fixture(scope="module")
def flagship_course() -> Course:
    course = load_course(COURSE).course
    assert course is not None
    return course


@pytest.fixture(scope="module")
def fixture_packages(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """Build a course from tests/fixtures once per module and unpack one format."""
    cache: dict[tuple[str, str], Path] = {}

    def get(name: str, standard: str) -> Path:
        if (name, standard) not in cache:
            root = tmp_path_factory.mktemp(name)
            result = build(FIXTURES / name, [standard], root / "dist")
            cache[(name, standard)] = unpack(result.packages[0].path, root / "unpacked")
        return cache[(name, standard)]

    return get


def assessment(course: Course) -> Quiz:
    assert course.assessment is not None
    return course.assessment


def complete_course(session: Session, course: Course) -> None:
    read_every_page(session.frame)
    for quiz in course.quizzes():
        take_quiz(session.frame, quiz)


def assert_clean_session(session: Session) -> None:
    methods = session.methods()
    first, last = FIRST[session.standard], LAST[session.standard]
    assert methods[0] == first and methods.count(first) == 1
    assert methods[-1] == last and methods.count(last) == 1
    assert problems(session.standard, session.calls()) == []
    assert session.errors == []


# -------------------------------------------------------------- complete and pass


def test_scorm12_flagship_complete_and_pass(
    chromium: Browser, lms: Lms, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    session = open_session(chromium, lms, flagship_unpacked["scorm12"])
    complete_course(session, flagship_course)
    session.save_and_exit()
    core = session.cmi()["core"]
    assert core["lesson_status"] == "passed"
    assert (core["score"]["raw"], core["score"]["min"], core["score"]["max"]) == ("100", "0", "100")
    assert core["exit"] == ""
    assert lms.last_cmi["core"]["lesson_status"] == "passed"
    assert len(lms.last_cmi["suspend_data"]) <= worst_case_size(flagship_course)
    assert_clean_session(session)


def test_scorm2004_flagship_complete_and_pass(
    chromium: Browser, lms: Lms, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    session = open_session(chromium, lms, flagship_unpacked["scorm2004"])
    complete_course(session, flagship_course)
    session.save_and_exit()
    data = session.cmi()
    assert (data["completion_status"], data["success_status"]) == ("completed", "passed")
    assert data["score"]["scaled"] == "1"
    assert (data["score"]["raw"], data["score"]["min"], data["score"]["max"]) == ("100", "0", "100")
    assert data["progress_measure"] == "1"
    assert data["exit"] == "normal"
    assert lms.last_cmi["completion_status"] == "completed"
    assert_clean_session(session)


def test_scorm12_lessons_viewed_complete_a_course_without_assessment(
    chromium: Browser, lms: Lms, tmp_path: Path
) -> None:
    scaffold(tmp_path / "starter")
    result = build(tmp_path / "starter", ["scorm12"], tmp_path / "dist")
    session = open_session(chromium, lms, unpack(result.packages[0].path, tmp_path / "unpacked"))
    assert session.cmi()["core"]["lesson_status"] == "incomplete"
    read_every_page(session.frame)
    session.save_and_exit()
    core = session.cmi()["core"]
    assert (core["lesson_status"], core["exit"]) == ("completed", "")
    assert_clean_session(session)


# --------------------------------------------------------------- fail, then pass


def test_scorm2004_fail_then_pass_on_a_new_attempt(
    chromium: Browser, lms: Lms, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    exam = assessment(flagship_course)
    session = open_session(chromium, lms, flagship_unpacked["scorm2004"])
    read_every_page(session.frame)
    take_quiz(session.frame, exam, wrong=3)  # 9/12 = 75 % < 80 %
    failed = session.cmi()
    assert (failed["completion_status"], failed["success_status"]) == ("incomplete", "failed")
    assert (failed["score"]["raw"], failed["score"]["scaled"]) == ("75", "0.75")
    assert lms.last_cmi["success_status"] == "failed"  # committed at once
    # review: feedback shows verdicts but never reveals the correct answers
    text = session.frame.text_content(by_id(exam.id)) or ""
    assert "Pas tout à fait." in text and "bonne réponse" not in text
    retry_quiz(session.frame, exam)
    take_quiz(session.frame, exam)
    session.save_and_exit()
    passed = session.cmi()
    assert (passed["completion_status"], passed["success_status"]) == ("completed", "passed")
    assert (passed["score"]["raw"], passed["score"]["scaled"]) == ("100", "1")
    assert_clean_session(session)


def test_scorm12_fail_then_pass_with_mastery_score_agrees_with_the_lms(
    chromium: Browser, lms: Lms, fixture_packages: Callable[[str, str], Path]
) -> None:
    course = load_course(FIXTURES / "all_types").course
    assert course is not None
    folder = fixture_packages("all_types", "scorm12")
    session = open_session(chromium, lms, folder)
    assert session.cmi()["student_data"]["mastery_score"] == "50"
    read_every_page(session.frame)
    take_quiz(session.frame, assessment(course), wrong=5)  # 3 of 8 scored = 37.5 %
    core = session.cmi()["core"]
    assert (core["lesson_status"], core["score"]["raw"]) == ("failed", "37.5")
    retry_quiz(session.frame, assessment(course))
    take_quiz(session.frame, assessment(course))
    session.save_and_exit()  # scorm-again's mastery_override re-judges here
    core = session.cmi()["core"]
    assert (core["lesson_status"], core["score"]["raw"], core["exit"]) == ("passed", "100", "")
    assert_clean_session(session)


# ----------------------------------------------------------------- interactions


EXPECTED_12 = {
    "q_single": ("choice", "b", "b"),
    "q_multi": ("choice", "a,c", "a,c"),
    "q_tf": ("true-false", "t", "t"),
    "q_fill": ("fill-in", "Wikimedia", "Wikimedia"),
    "q_num": ("numeric", "3.14", "3.14"),
    "q_match": ("matching", "one.one,two.two", "one.one,two.two"),
    "q_order": ("sequencing", "first,second,third", "first,second,third"),
    "q_likert": ("likert", "bad", None),
    "q_tries": ("choice", "x", "x"),
}
EXPECTED_2004 = {
    "q_single": ("choice", "b", "b"),
    "q_multi": ("choice", "a[,]c", "a[,]c"),
    "q_tf": ("true-false", "true", "true"),
    "q_fill": ("fill-in", "Wikimedia", "Wikimedia"),
    "q_num": ("numeric", "3.14", "3.13[:]3.15"),
    "q_match": ("matching", "one[.]one[,]two[.]two", "one[.]one[,]two[.]two"),
    "q_order": ("sequencing", "first[,]second[,]third", "first[,]second[,]third"),
    "q_likert": ("likert", "bad", None),
    "q_tries": ("choice", "x", "x"),
}


@pytest.mark.parametrize("standard", STANDARDS)
def test_every_question_type_is_recorded_as_an_interaction(
    standard: str, chromium: Browser, lms: Lms, fixture_packages: Callable[[str, str], Path]
) -> None:
    course = load_course(FIXTURES / "all_types").course
    assert course is not None
    session = open_session(chromium, lms, fixture_packages("all_types", standard))
    read_every_page(session.frame)
    take_quiz(session.frame, assessment(course))
    session.save_and_exit()
    interactions = session.interactions()
    expected = EXPECTED_12 if standard == "scorm12" else EXPECTED_2004
    response_key = "student_response" if standard == "scorm12" else "learner_response"
    found = {}
    for item in interactions:
        patterns = item.get("correct_responses", {})  # none at all for likert in Moodle
        found[item["id"]] = (
            item["type"],
            item[response_key],
            patterns["0"]["pattern"] if "0" in patterns else None,
        )
        assert item["result"] == ("neutral" if item["id"] == "q_likert" else "correct")
    assert found == expected
    assert_clean_session(session)


def test_scorm2004_wrong_answers_are_recorded_as_incorrect_with_descriptions(
    chromium: Browser, lms: Lms, fixture_packages: Callable[[str, str], Path]
) -> None:
    course = load_course(FIXTURES / "all_types").course
    assert course is not None
    session = open_session(chromium, lms, fixture_packages("all_types", "scorm2004"))
    take_quiz(session.frame, assessment(course), wrong=8)
    items = {i["id"]: i for i in session.interactions()}
    assert {k: v["result"] for k, v in items.items()} == {
        **{k: "incorrect" for k in EXPECTED_2004 if k != "q_likert"},
        "q_likert": "neutral",
    }
    assert items["q_single"]["description"] == "Pick b."
    assert items["q_tf"]["learner_response"] == "false"
    session.save_and_exit()
    assert_clean_session(session)


# ----------------------------------------------------------------------- resume


@pytest.mark.parametrize("standard", STANDARDS)
def test_reload_during_the_assessment_resumes_same_questions_order_and_answers(
    standard: str,
    chromium: Browser,
    lms: Lms,
    flagship_unpacked: dict[str, Path],
    flagship_course: Course,
) -> None:

    exam = assessment(flagship_course)
    first = open_session(chromium, lms, flagship_unpacked[standard])
    go_to(first.frame, exam.id)
    order_script = (
        "id => Array.from(document.getElementById(id).querySelectorAll('[data-question]:not([hidden])'))"
        ".map(f => f.dataset.question + ':' + Array.from(f.querySelectorAll('input[type=radio],"
        " input[type=checkbox]')).map(i => i.value).join(','))"
    )
    answers_script = (
        "id => Array.from(document.getElementById(id).querySelectorAll('input, select'))"
        ".filter(i => i.type === 'text' || i.tagName === 'SELECT' ? i.value : i.checked)"
        ".map(i => i.id + '=' + (i.type === 'text' || i.tagName === 'SELECT' ? i.value : 'on'))"
        ".concat(Array.from(document.getElementById(id).querySelectorAll('[data-order-list]'))"
        ".map(l => Array.from(l.children).map(li => li.dataset.item).join('>')))"
    )
    layout = first.frame.evaluate(order_script, exam.id)
    questions = {q.id: q for q in exam.questions}
    answered = [entry.split(":")[0] for entry in layout[:5]]
    answer_in_turn(first.frame, exam, [questions[qid] for qid in answered], set())
    commits = len(lms.state.commits)
    first.frame.wait_for_timeout(2600)  # the draft commit is at most 2 s behind
    assert len(lms.state.commits) > commits
    answers = first.frame.evaluate(answers_script, exam.id)
    assert len(answers) >= 5
    first.close()  # the learner closes the window mid-assessment
    previous = lms.last_cmi
    assert (previous["core"]["exit"] if standard == "scorm12" else previous["exit"]) == "suspend"

    second = open_session(chromium, lms, flagship_unpacked[standard], previous)
    assert second.frame.text_content(".cp-start") == "Reprendre où vous en étiez"
    start(second.frame)
    assert second.frame.is_visible(f"{by_id(exam.id)} h1")  # back on the assessment
    assert second.frame.evaluate(order_script, exam.id) == layout
    assert second.frame.evaluate(answers_script, exam.id) == answers
    assert second.frame.is_enabled(f"{by_id(exam.id)} .cp-submit")
    if lms.kind != "lenient":  # the lenient player never provides cmi.entry
        entry = second.cmi()["core"]["entry"] if standard == "scorm12" else second.cmi()["entry"]
        assert entry == "resume"
    second.save_and_exit()
    assert problems(standard, second.calls()) == []


def test_resume_after_submitting_shows_the_same_result_and_attempts(
    chromium: Browser, lms: Lms, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    exam = assessment(flagship_course)
    first = open_session(chromium, lms, flagship_unpacked["scorm12"])
    take_quiz(first.frame, exam, wrong=3)
    result = first.frame.text_content(f"{by_id(exam.id)} .cp-result")
    first.save_and_exit()
    second = open_session(chromium, lms, flagship_unpacked["scorm12"], lms.last_cmi)
    go_to(second.frame, exam.id)
    assert second.frame.text_content(f"{by_id(exam.id)} .cp-result") == result
    assert "Tentatives restantes : 2" in (result or "")
    assert second.frame.is_disabled(f"{by_id(exam.id)} .cp-submit")
    assert second.frame.is_visible(f"{by_id(exam.id)} .cp-retry")


def test_resume_state_from_another_course_version_does_not_break_the_course(
    chromium: Browser, lms: Lms, flagship_unpacked: dict[str, Path]
) -> None:
    foreign = {
        "v": 2,
        "k": 7,
        "s": ["m1_vie_privee", "a_lesson_that_was_removed"],
        "q": {"removed_quiz": {"n": 1}, "evaluation_finale": {"n": "x", "r": {"gone": "a"}}},
    }
    previous: dict[str, Any] = {
        "core": {
            "exit": "suspend",
            "lesson_location": "m1_vie_privee",
            "lesson_status": "incomplete",
        },
        "suspend_data": json.dumps(foreign),
    }
    session = open_session(chromium, lms, flagship_unpacked["scorm12"], previous)
    start(session.frame)  # the cover's Resume button
    assert session.frame.is_visible(f"{by_id('m1_vie_privee')} h1")
    session.frame.click(".cp-next")
    session.save_and_exit()
    state = json.loads(session.cmi()["suspend_data"])
    assert state["s"] == ["m1_vie_privee", "m1_contacts_nuisibles"]
    assert state["q"] == {}  # the removed quiz and the damaged entry are dropped
    assert session.errors == []


# ----------------------------------------------------------- failures and limits


def test_a_commit_that_fails_once_is_retried_and_the_learner_is_told(
    chromium: Browser, lms: Lms, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    session = open_session(chromium, lms, flagship_unpacked["scorm2004"])
    exam = assessment(flagship_course)
    go_to(session.frame, exam.id)
    shown = shown_questions(session.frame, exam)
    scored = [q for q in shown if q.weight > 0]
    answer_in_turn(session.frame, exam, shown, {q.id for q in scored[:3]})
    session.frame.wait_for_timeout(2500)  # draft commits are done before the fault
    lms.state.fail_commits = 1
    session.frame.click(f"{by_id(exam.id)} .cp-submit")
    notice = session.frame.text_content("#cp-notice") or ""
    assert "n’est pas encore enregistrée" in notice
    assert any(c["method"] == "Commit" and c["result"] == "false" for c in session.calls())
    session.frame.wait_for_function(
        "() => document.getElementById('cp-notice').textContent === ''", timeout=10000
    )
    assert lms.last_cmi["success_status"] == "failed"
    assert lms.last_cmi["score"]["raw"] == "75"
    session.save_and_exit()


def test_without_an_lms_the_course_works_and_says_progress_is_not_saved(
    chromium: Browser, flagship_unpacked: dict[str, Path], flagship_course: Course
) -> None:
    from tests.harness.static import serve

    with serve(flagship_unpacked["scorm12"]) as url:
        page = chromium.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url + "/index.html")
        frame = page.main_frame
        frame.wait_for_selector("body.cp-js")
        assert "votre progression ne sera pas enregistrée" in (
            frame.text_content("#cp-notice") or ""
        )
        assert frame.is_hidden(".cp-exit")
        read_every_page(frame)
        take_quiz(frame, assessment(flagship_course))
        assert "100\u00a0%" in (
            frame.text_content(f"{by_id('evaluation_finale')} .cp-result") or ""
        )
        assert errors == []
        page.close()


def test_build_refuses_a_course_whose_state_could_overflow_scorm12(
    tmp_path: Path,
) -> None:
    from coursepack.errors import CourseError

    course = tmp_path / "big"
    shutil.copytree(FIXTURES / "all_types", course)
    exam = course / "quizzes" / "exam.yml"
    text = exam.read_text("utf-8")
    extra = "".join(
        f"  - id: q_long_fill_{i}\n    type: fill_in\n    prompt: Long.\n    answers: [x]\n    max_length: 250\n"
        for i in range(8)
    )
    exam.write_text(text.replace("questions:\n", "questions:\n" + extra, 1), "utf-8")
    with pytest.raises(CourseError) as caught:
        build(course, ["scorm12"], tmp_path / "dist")
    [diagnostic] = [d for d in caught.value.diagnostics if d.is_error]
    assert diagnostic.code == "CP601"
    assert diagnostic.message.startswith("the resume state can reach 4,")
    assert "more than SCORM 1.2's 4,096" in diagnostic.message
    assert build(course, ["scorm2004"], tmp_path / "dist").packages  # 64000 is enough


def test_questions_with_several_tries_lock_after_the_last_try(
    chromium: Browser, lms: Lms, fixture_packages: Callable[[str, str], Path]
) -> None:
    session = open_session(chromium, lms, fixture_packages("all_types", "scorm2004"))
    frame = session.frame
    go_to(frame, "exam")
    frame.check(by_id("q-q_tries-y"))
    frame.click(f"{by_id('q-q_tries')} .cp-check")
    assert "Tries left on this question: 1" in (frame.text_content(by_id("q-q_tries")) or "")
    assert frame.is_enabled(by_id("q-q_tries-x"))
    frame.click(f"{by_id('q-q_tries')} .cp-check")
    assert frame.is_disabled(by_id("q-q_tries-x"))
    assert "(correct answer)" in (frame.text_content(by_id("q-q_tries")) or "")
    session.save_and_exit()


def test_pools_draw_the_configured_number_and_a_new_attempt_draws_again(
    chromium: Browser, lms: Lms, fixture_packages: Callable[[str, str], Path]
) -> None:
    session = open_session(chromium, lms, fixture_packages("pool", "scorm2004"))
    frame = session.frame
    go_to(frame, "exam")
    visible = "() => Array.from(document.querySelectorAll('#exam [data-question]:not([hidden])')).map(f => f.dataset.question)"
    first = frame.evaluate(visible)
    assert len(first) == 3 and len(set(first)) == 3
    assert frame.text_content(f"{by_id('q-' + first[0])} .cp-question-number") == "Question 1 sur 3"
    draws = {tuple(first)}
    pool = load_course(FIXTURES / "pool").course
    assert pool is not None
    exam = next(q for q in pool.quizzes() if q.id == "exam")
    for _ in range(4):
        take_quiz(frame, exam, wrong=3, navigate=False)  # failed, so a retry is offered
        frame.click("#exam .cp-retry")
        draws.add(tuple(frame.evaluate(visible)))
    assert len(draws) > 1  # 20 possible draws; five identical ones would be a broken seed
    session.save_and_exit()
    reported = {i["id"] for i in session.interactions()}
    assert reported <= {f"p{i}" for i in range(6)}


# ------------------------------------------------------------------- explain


@pytest.mark.parametrize("standard", STANDARDS)
def test_explain_lists_exactly_the_elements_a_complete_run_writes(
    standard: str, chromium: Browser, lms: Lms, fixture_packages: Callable[[str, str], Path]
) -> None:
    import re

    from coursepack.targets import get_target

    course = load_course(FIXTURES / "all_types").course
    assert course is not None
    session = open_session(chromium, lms, fixture_packages("all_types", standard))
    read_every_page(session.frame)
    take_quiz(session.frame, assessment(course))
    session.save_and_exit()
    written = {
        re.sub(r"^cmi\.interactions\.\d+\.", "cmi.interactions.n.", e)
        for e, _ in session.set_values()
    }
    rows = get_target(standard).explain(course)
    explained = {
        r.element for r in rows if r.element.startswith("cmi.") and not r.value.startswith("read")
    }
    assert written == explained
    calls = {r.element for r in rows if not r.element.startswith("cmi.")}
    assert calls == set(session.methods()) - {"LMSGetValue", "GetValue", "LMSSetValue", "SetValue"}


# -------------------------------------------------------------- English course


@pytest.fixture(scope="module")
def english_unpacked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("english")
    result = build(COURSE, ["scorm12", "scorm2004"], root / "dist", languages=["en"])
    return {p.format: unpack(p.path, root / p.format) for p in result.packages}


@pytest.mark.parametrize("standard", STANDARDS)
def test_english_flagship_complete_and_pass(
    standard: str,
    chromium: Browser,
    lms: Lms,
    english_unpacked: dict[str, Path],
    flagship_course: Course,
) -> None:
    session = open_session(chromium, lms, english_unpacked[standard])
    assert session.frame.evaluate("() => document.documentElement.lang") == "en"
    assert session.frame.text_content(".cp-current h1") == "Safety for young Wikimedians"
    assert session.frame.text_content(".cp-start") == "Start the course"
    start(session.frame)
    assert session.frame.text_content(".cp-current h1") == "Young people in the Wikimedia movement"
    assert session.frame.text_content(".cp-next") == "Next"
    complete_course(session, flagship_course)
    session.save_and_exit()
    data = session.cmi()
    if standard == "scorm12":
        assert (data["core"]["lesson_status"], data["core"]["score"]["raw"]) == ("passed", "100")
    else:
        assert (data["completion_status"], data["success_status"], data["score"]["raw"]) == (
            "completed",
            "passed",
            "100",
        )
    assert_clean_session(session)


# ------------------------------------------------------------ launch variants


def test_api_is_found_through_the_opener_of_a_popup(
    chromium: Browser, scorm_again: Lms, fixture_packages: Callable[[str, str], Path]
) -> None:
    """An LMS that opens the course in a new window: the API is on window.opener."""
    from tests.harness.lms import import_package

    lms = scorm_again
    lms.state.embed = False
    page = chromium.new_page()
    page.goto(lms.launch(import_package(fixture_packages("all_types", "scorm12"))))
    with page.expect_popup() as popup_info:
        page.evaluate("() => window.open('/content/index.html', 'course')")
    popup = popup_info.value
    popup.wait_for_selector("body[data-cp-ready]")
    assert popup.is_visible(".cp-exit")  # tracking, so the exit control is offered
    assert popup.text_content("#cp-notice") == ""
    read_every_page(popup.main_frame)
    popup.click(".cp-exit")
    calls = page.evaluate("() => window.lmsCalls.map(c => c.method)")
    assert calls[0] == "LMSInitialize" and calls[-1] == "LMSFinish"
    # The last page: the completion page, after the assessment.
    assert page.evaluate("() => window.API.cmi.core.lesson_location") == "cp-completion"


def test_review_mode_never_changes_status_or_score(
    chromium: Browser, scorm_again: Lms, fixture_packages: Callable[[str, str], Path]
) -> None:
    from tests.harness.lms import import_package

    course = load_course(FIXTURES / "all_types").course
    assert course is not None
    lms = scorm_again
    url = lms.launch(import_package(fixture_packages("all_types", "scorm12")))
    lms.state.initial["core"]["lesson_mode"] = "review"
    lms.state.initial["core"]["lesson_status"] = "failed"
    page = chromium.new_page()
    page.goto(url)
    frame = page.wait_for_selector("#content")
    assert frame is not None
    content = frame.content_frame()
    assert content is not None
    content.wait_for_selector("body[data-cp-ready]")
    read_every_page(content)
    take_quiz(content, assessment(course))
    content.click(".cp-exit")
    written = {
        c["args"][0] for c in page.evaluate("() => window.lmsCalls") if c["method"] == "LMSSetValue"
    }
    assert not any(
        e.startswith(("cmi.core.lesson_status", "cmi.core.score", "cmi.interactions"))
        for e in written
    )
    assert page.evaluate("() => window.API.cmi.core.lesson_status") == "failed"
