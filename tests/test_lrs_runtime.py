"""The xAPI and cmi5 packages in Chromium, sending to a real LRS (LearningLocker's
xapi-statements). The test LMS provides the launch, the State API and the cmi5 fetch
URL; every statement goes to the LRS, and the assertions read what the LRS stored."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page
from tincan import Statement

from coursepack.build import BuildResult
from coursepack.loader import load_course
from coursepack.model import Course
from tests.conftest import COURSE
from tests.harness.learner import (
    answer_in_turn,
    by_id,
    drawn,
    go_to,
    read_every_page,
    retry_quiz,
    shown_questions,
    start,
    take_quiz,
)
from tests.harness.lms import Lms
from tests.harness.lrs import Lrs
from tests.harness.session import unpack
from tests.harness.wait import wait_for

pytestmark = pytest.mark.browser

VERB = "http://adlnet.gov/expapi/verbs/"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
COURSE_IRI = "https://coursepack.example.org/courses/securite_jeunes_wikimediens"
AU_IRI = COURSE_IRI + "/au"
ACTOR = {"objectType": "Agent", "name": "Test Learner", "mbox": "mailto:learner@example.org"}
CMI5_ACTOR = {
    "objectType": "Agent",
    "account": {"homePage": "https://lms.example.org", "name": "learner-1"},
}


@pytest.fixture(scope="module")
def lrs() -> Iterator[Lrs]:
    with Lrs() as server:
        yield server


@pytest.fixture
def lms(lrs: Lrs) -> Iterator[Lms]:
    with Lms() as server:
        server.state.lrs_url = lrs.url
        yield server


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(COURSE).course
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from coursepack.build import build

    root = tmp_path_factory.mktemp("lrs-packages")
    result: BuildResult = build(COURSE, ["xapi", "cmi5"], root / "dist")
    return {p.format: unpack(p.path, root / p.format) for p in result.packages}


def open_page(
    browser: Browser, url: str, requests: list[str] | None = None
) -> tuple[Page, Frame, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    if requests is not None:
        page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("body[data-cp-ready]")
    return page, page.main_frame, errors


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].removeprefix(VERB) for s in statements]


def by_verb(statements: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [s for s in statements if s["verb"]["id"] == VERB + name]


def categories(statement: dict[str, Any]) -> set[str]:
    return {
        c["id"]
        for c in statement.get("context", {}).get("contextActivities", {}).get("category", [])
    }


def save_and_exit(frame: Frame) -> None:
    frame.click(".cp-exit")


# ------------------------------------------------------------------------ xAPI


def test_xapi_complete_and_pass_statements_reach_the_lrs(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    lms.serve_package(packages["xapi"])
    requests: list[str] = []
    page, frame, errors = open_page(
        chromium, lms.xapi_launch(ACTOR, registration, COURSE_IRI), requests
    )
    read_every_page(frame)
    for quiz in course.quizzes():
        take_quiz(frame, quiz)
    save_and_exit(frame)
    stored = wait_for(
        lambda: (s := lrs.statements(registration)) and verbs(s)[-1] == "terminated" and s
    )

    sequence = verbs(stored)
    assert sequence[0] == "attempted" and sequence[-1] == "terminated"
    assert len({s["id"] for s in stored}) == len(stored)  # no duplicates
    assert all(s["context"]["registration"] == registration for s in stored)
    assert all(s["actor"]["mbox"] == "mailto:learner@example.org" for s in stored)
    lessons = [lesson.id for lesson in course.lessons()]
    assert sorted(s["object"]["id"] for s in by_verb(stored, "experienced")) == sorted(
        f"{COURSE_IRI}/lesson/{lesson}" for lesson in lessons
    )
    answered = by_verb(stored, "answered")
    assert len(answered) == sum(drawn(quiz) for quiz in course.quizzes())
    for statement in answered:
        parsed = Statement.from_json(json.dumps(statement))
        assert parsed.object.definition.interaction_type in {
            "choice",
            "true-false",
            "fill-in",
            "numeric",
            "matching",
            "sequencing",
            "likert",
        }
        is_likert = parsed.object.definition.interaction_type == "likert"
        assert statement["result"].get("success") is (None if is_likert else True)
    # Every sequencing answer was given in the expected order: its response is its
    # pattern, where the quiz shows its answers (a hashed key has no pattern to send).
    orderings = [
        s for s in answered if s["object"]["definition"]["interactionType"] == "sequencing"
    ]
    hidden = {q.id for quiz in course.quizzes() if quiz.review != "answers" for q in quiz.questions}
    assert orderings
    for ordering in orderings:
        definition = ordering["object"]["definition"]
        if ordering["object"]["id"].rsplit("/", 1)[1] in hidden:
            assert "correctResponsesPattern" not in definition
        else:
            assert [ordering["result"]["response"]] == definition["correctResponsesPattern"]
    assert [s["object"]["id"] for s in by_verb(stored, "completed")] == [COURSE_IRI]
    course_passed = [s for s in by_verb(stored, "passed") if s["object"]["id"] == COURSE_IRI]
    assert len(course_passed) == 1 and course_passed[0]["result"]["score"]["scaled"] == 1
    assert stored[-1]["result"]["duration"].startswith("PT")
    for statement in stored:
        Statement.from_json(json.dumps(statement))
    assert (
        page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('coursepack.'))")
        == []
    )
    assert errors == []
    # Network log: only the package's own files and the LRS endpoint.
    assert (
        requests
        and [
            u
            for u in requests
            if not u.startswith((f"{lms.origin}/content/", f"{lms.origin}/xapi/"))
        ]
        == []
    )


def test_xapi_resumes_after_reload_from_the_state_api(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    assert course.assessment is not None
    registration = str(uuid.uuid4())
    lms.serve_package(packages["xapi"])
    url = lms.xapi_launch(ACTOR, registration, COURSE_IRI)
    page, frame, _ = open_page(chromium, url)
    go_to(frame, course.assessment.id)
    # The first question that is not an ordering (whose shown order may already be right,
    # which changes nothing and saves no draft).
    shown = shown_questions(frame, course.assessment)
    upto = next(i for i, q in enumerate(shown) if q.type != "ordering")
    answer_in_turn(frame, course.assessment, shown[: upto + 1], set())
    first = shown[upto]
    frame.wait_for_timeout(2600)
    saved = lms.state_document(COURSE_IRI, ACTOR, registration, "coursepack.state")
    assert saved["location"] == course.assessment.id
    page.reload()
    page.wait_for_selector("body[data-cp-ready]")
    start(frame)
    assert frame.is_visible(f"{by_id(course.assessment.id)} h1")
    # The draft answer came back from the State API, whatever the question's type.
    restored = frame.evaluate(
        f"() => Object.keys(Coursepack.player.state.q['{course.assessment.id}'].r)"
    )
    assert first.id in restored
    stored = wait_for(
        lambda: (s := lrs.statements(registration)) and "initialized" in verbs(s) and s
    )
    assert verbs(stored).count("attempted") == 1  # the second launch says initialized


def test_xapi_statements_queued_while_the_lrs_is_down_all_arrive_once(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    lms.serve_package(packages["xapi"])
    page, frame, _ = open_page(chromium, lms.xapi_launch(ACTOR, registration, COURSE_IRI))
    wait_for(lambda: lrs.statements(registration))
    lms.state.lrs_down = True
    read_every_page(frame)
    assert course.assessment is not None
    take_quiz(frame, course.assessment)
    frame.wait_for_function(
        "() => document.getElementById('cp-notice').textContent.includes('hors ligne')"
    )
    queued = page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('coursepack.queue.'))) || '[]').length"
    )
    assert queued > 10
    lms.state.lrs_down = False
    stored = wait_for(
        lambda: (s := lrs.statements(registration)) and len(s) >= queued + 1 and s, timeout=40
    )
    assert len({s["id"] for s in stored}) == len(stored)
    assert len(by_verb(stored, "experienced")) == len(list(course.lessons()))
    assert len(by_verb(stored, "answered")) == drawn(course.assessment)
    frame.wait_for_function("() => document.getElementById('cp-notice').textContent === ''")
    save_and_exit(frame)
    stored = wait_for(
        lambda: (
            (s := lrs.statements(registration))
            and verbs(s)[-1] in {"terminated", "suspended"}
            and s
        )
    )
    timestamps = [s["timestamp"] for s in stored]
    assert timestamps == sorted(timestamps)  # sent in the order they were made


def test_xapi_legacy_actor_endpoint_without_slash_and_no_registration(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path]
) -> None:
    lms.serve_package(packages["xapi"])
    mbox = f"mailto:legacy-{uuid.uuid4().hex[:8]}@example.org"
    url = lms.xapi_launch({"name": ["Legacy Learner"], "mbox": [mbox]}, None)
    url = url.replace("%2Fxapi%2F&", "%2Fxapi&")
    _page, frame, errors = open_page(chromium, url)
    frame.click(".cp-next")
    save_and_exit(frame)

    def mine() -> list[dict[str, Any]]:
        return [s for s in lrs.statements() if s["actor"].get("mbox") == mbox]

    stored = wait_for(lambda: (s := mine()) and verbs(s)[-1] == "suspended" and s)
    assert stored[0]["actor"] == {"objectType": "Agent", "name": "Legacy Learner", "mbox": mbox}
    assert stored[0]["object"]["id"] == COURSE_IRI  # activity_id defaults to tincan.xml's
    assert all("registration" not in s["context"] for s in stored)
    assert errors == []


def test_xapi_launch_without_parameters_tells_the_learner(
    chromium: Browser, lms: Lms, packages: dict[str, Path]
) -> None:
    lms.serve_package(packages["xapi"])
    _page, frame, errors = open_page(chromium, f"{lms.origin}/content/index.html")
    assert "sans les informations de suivi" in (frame.text_content("#cp-notice") or "")
    frame.click(".cp-next")
    assert errors == []


def test_xapi_statements_the_lrs_refuses_are_kept_and_reported(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path]
) -> None:
    lms.serve_package(packages["xapi"])
    registration = str(uuid.uuid4())
    url = lms.xapi_launch(ACTOR, registration, COURSE_IRI, {"grouping": "not an IRI"})
    page, frame, _ = open_page(chromium, url)
    frame.wait_for_function(
        "() => document.getElementById('cp-notice').textContent.includes('refusé')"
    )
    rejected = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('coursepack.rejected.'))"
        ".map(k => JSON.parse(localStorage.getItem(k))).flat()"
    )
    assert rejected and rejected[0]["status"] == 400
    assert rejected[0]["statement"]["verb"]["id"] == VERB + "attempted"
    assert lrs.statements(registration) == []


# ------------------------------------------------------------------------ cmi5


def launch_data(lms: Lms, **overrides: Any) -> dict[str, Any]:
    data = {
        "contextTemplate": {
            "contextActivities": {
                "grouping": [{"id": "https://lms.example.org/publisher/coursepack"}]
            },
            "extensions": {EXT + "sessionid": str(uuid.uuid4())},
        },
        "launchMode": "Normal",
        "masteryScore": 0.8,
        "moveOn": "CompletedAndPassed",
        "returnURL": f"{lms.origin}/returned.html",
    }
    data.update(overrides)
    return data


def cmi5_session(
    browser: Browser, lms: Lms, package: Path, registration: str, data: dict[str, Any]
) -> tuple[Page, Frame, list[str], str]:
    lms.serve_package(package)
    token = uuid.uuid4().hex
    page, frame, errors = open_page(
        browser, lms.cmi5_launch(CMI5_ACTOR, registration, AU_IRI, data, token)
    )
    return page, frame, errors, token


def test_cmi5_happy_path_follows_the_statement_rules(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    data = launch_data(lms)
    page, frame, errors, token = cmi5_session(chromium, lms, packages["cmi5"], registration, data)
    read_every_page(frame)
    for quiz in course.quizzes():
        take_quiz(frame, quiz)
    save_and_exit(frame)
    page.wait_for_url("**/returned.html")  # redirected after terminated
    stored = lrs.statements(registration)

    sequence = verbs(stored)
    assert sequence[0] == "initialized" and sequence[-1] == "terminated"
    assert sequence.count("initialized") == sequence.count("terminated") == 1
    assert (
        sequence.count("completed") == 1
        and sequence.count("passed") == 1
        and "failed" not in sequence
    )
    session = data["contextTemplate"]["extensions"][EXT + "sessionid"]
    for statement in stored:
        assert statement["context"]["registration"] == registration
        assert statement["context"]["extensions"][EXT + "sessionid"] == session
        grouping = statement["context"]["contextActivities"]["grouping"]
        assert {
            "id": "https://lms.example.org/publisher/coursepack",
            "objectType": "Activity",
        } in grouping
        cmi5_defined = statement["verb"]["id"].removeprefix(VERB) in {
            "initialized",
            "completed",
            "passed",
            "failed",
            "terminated",
        }
        assert (CMI5_CATEGORY in categories(statement)) is cmi5_defined
        if cmi5_defined:
            assert statement["object"]["id"] == AU_IRI
    passed = by_verb(stored, "passed")[0]
    assert MOVEON in categories(passed)
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == 1
    assert passed["context"]["extensions"][EXT + "masteryscore"] == 0.8
    completed = by_verb(stored, "completed")[0]
    assert completed["result"]["completion"] is True and MOVEON in categories(completed)
    assert "score" not in completed["result"]
    assert stored[-1]["result"]["duration"].startswith("PT")
    assert lms.state.fetch_tokens == {token: 1}
    assert errors == []


def test_cmi5_failed_below_mastery_then_passed_only_in_a_later_session(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    assert course.assessment is not None
    registration = str(uuid.uuid4())
    page, frame, _, _ = cmi5_session(
        chromium, lms, packages["cmi5"], registration, launch_data(lms, returnURL=None)
    )
    take_quiz(frame, course.assessment, wrong=3)  # 0.75 < 0.8
    retry_quiz(frame, course.assessment)
    take_quiz(frame, course.assessment)  # passes, but this session already judged
    save_and_exit(frame)
    first = wait_for(
        lambda: (s := lrs.statements(registration)) and verbs(s)[-1] == "terminated" and s
    )
    failed = by_verb(first, "failed")
    assert len(failed) == 1 and by_verb(first, "passed") == []
    assert failed[0]["result"] == {
        "score": {"scaled": 0.75, "raw": 75, "min": 0, "max": 100},
        "success": False,
        "duration": failed[0]["result"]["duration"],
    }
    page.close()

    page, frame, _, _ = cmi5_session(
        chromium, lms, packages["cmi5"], registration, launch_data(lms, returnURL=None)
    )
    save_and_exit(frame)
    stored = wait_for(
        lambda: (s := lrs.statements(registration)) and verbs(s).count("terminated") == 2 and s
    )
    sequence = verbs(stored)
    assert sequence.count("passed") == 1 and sequence.count("failed") == 1
    assert sequence.index("passed") > sequence.index("failed")
    second_session = sequence[sequence.index("terminated") + 1 :]
    assert second_session[:2] == ["initialized", "passed"]


def test_cmi5_browse_mode_sends_only_initialized_and_terminated(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    assert course.assessment is not None
    registration = str(uuid.uuid4())
    _page, frame, _, _ = cmi5_session(
        chromium,
        lms,
        packages["cmi5"],
        registration,
        launch_data(lms, launchMode="Browse", returnURL=None),
    )
    read_every_page(frame)
    take_quiz(frame, course.assessment)
    save_and_exit(frame)
    stored = wait_for(
        lambda: (s := lrs.statements(registration)) and verbs(s)[-1] == "terminated" and s
    )
    assert verbs(stored) == ["initialized", "terminated"]


def test_cmi5_reload_keeps_the_session_without_a_second_fetch_or_initialized(
    chromium: Browser, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    page, frame, errors, token = cmi5_session(
        chromium, lms, packages["cmi5"], registration, launch_data(lms, returnURL=None)
    )
    frame.click(".cp-next")
    frame.wait_for_timeout(2600)
    page.reload()
    page.wait_for_selector("body[data-cp-ready]")
    assert frame.is_visible(".cp-step.cp-current") and "Bienvenue" not in (frame.title() or "")
    frame.click(".cp-next")
    save_and_exit(frame)
    stored = wait_for(
        lambda: (s := lrs.statements(registration)) and verbs(s)[-1] == "terminated" and s
    )
    assert lms.state.fetch_tokens == {token: 1}
    assert verbs(stored).count("initialized") == 1 and verbs(stored).count("terminated") == 1
    assert errors == []


def test_cmi5_launch_without_parameters_tells_the_learner(
    chromium: Browser, lms: Lms, packages: dict[str, Path]
) -> None:
    lms.serve_package(packages["cmi5"])
    _page, frame, errors = open_page(chromium, f"{lms.origin}/content/index.html?endpoint=x")
    assert "sans les informations de suivi" in (frame.text_content("#cp-notice") or "")
    assert errors == []
