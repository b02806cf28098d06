"""xAPI and cmi5 under LRS faults, in Chromium against the real LRS: what the LRS holds
once it recovers, and what the learner was told meanwhile."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page

from coursepack.model import Course
from tests.harness.learner import go_to, read_every_page, take_quiz
from tests.harness.lms import Lms
from tests.harness.lrs import Lrs
from tests.test_lrs_runtime import (
    ACTOR,
    AU_IRI,
    CMI5_ACTOR,
    COURSE_IRI,
    by_verb,
    course,
    lms,
    lrs,
    packages,
    save_and_exit,
    verbs,
    wait_for,
)

__all__ = ["course", "lms", "lrs", "packages"]  # fixtures shared with test_lrs_runtime
pytestmark = pytest.mark.browser
STATE = "coursepack.state"
OTHER = {"objectType": "Agent", "name": "Other Learner", "mbox": "mailto:other@example.org"}


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def open_in(context: BrowserContext, url: str) -> tuple[Page, Frame, list[str]]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("body[data-cp-ready]")
    return page, page.main_frame, errors


def notice(frame: Frame) -> str:
    return frame.text_content("#cp-notice") or ""


def test_a_state_read_that_fails_at_launch_never_overwrites_the_stored_state(
    context: BrowserContext, lms: Lms, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    lms.serve_package(packages["xapi"])
    url = lms.xapi_launch(ACTOR, registration, COURSE_IRI)
    page, frame, _ = open_in(context, url)
    read_every_page(frame)
    quiz = next(iter(course.quizzes()))
    take_quiz(frame, quiz)
    save_and_exit(frame)
    before = wait_for(lambda: lms.state_document(COURSE_IRI, ACTOR, registration, STATE))
    page.close()
    lms.state.state_get_fail = 3  # every try of the launch's read fails
    page, frame, errors = open_in(context, url)
    assert "n’a pas encore pu être chargée" in notice(frame)
    frame.click(".cp-next")
    frame.wait_for_timeout(1000)
    # Nothing was written over the stored state while it could not be read...
    assert lms.state_document(COURSE_IRI, ACTOR, registration, STATE) == before
    # ...and once read, it is merged, not replaced.
    frame.wait_for_function(
        "() => document.getElementById('cp-notice').textContent === ''", timeout=15_000
    )
    after = wait_for(
        lambda: (d := lms.state_document(COURSE_IRI, ACTOR, registration, STATE)) != before and d
    )
    old, new = json.loads(before["state"]), json.loads(after["state"])
    assert set(old["s"]) <= set(new["s"])
    assert new["q"][quiz.id]["p"] == 1
    assert errors == []
    page.close()


def test_statements_refused_with_401_stay_queued_and_arrive_once_authorised(
    context: BrowserContext, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    lms.serve_package(packages["xapi"])
    page, frame, _ = open_in(context, lms.xapi_launch(ACTOR, registration, COURSE_IRI))
    lms.state.statements_status = 401
    quiz = next(iter(course.quizzes()))
    take_quiz(frame, quiz)
    frame.wait_for_timeout(1500)
    assert (
        page.evaluate(
            "() => Object.keys(localStorage).filter(k => k.startsWith('coursepack.rejected'))"
        )
        == []
    )
    lms.state.statements_status = None
    stored = wait_for(
        lambda: (
            (s := lrs.statements(registration))
            and len(by_verb(s, "answered")) == len(quiz.questions)
            and s
        )
    )
    assert len({s["id"] for s in stored}) == len(stored)
    page.close()


def test_a_state_write_that_fails_at_save_and_exit_is_kept_and_sent_at_the_next_launch(
    context: BrowserContext, lms: Lms, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    lms.serve_package(packages["xapi"])
    url = lms.xapi_launch(ACTOR, registration, COURSE_IRI)
    page, frame, _ = open_in(context, url)
    quiz = next(iter(course.quizzes()))
    lms.state.state_put_fail = 10_000
    take_quiz(frame, quiz)
    save_and_exit(frame)
    frame.wait_for_timeout(500)
    page.close()
    # Whatever reached the LRS before the fault, the submitted quiz did not.
    stored = lms.state_document(COURSE_IRI, ACTOR, registration, STATE)
    assert stored is None or quiz.id not in json.loads(stored["state"])["q"]
    lms.state.state_put_fail = 0
    page, frame, _ = open_in(context, url)
    saved = wait_for(lambda: lms.state_document(COURSE_IRI, ACTOR, registration, STATE))
    assert json.loads(saved["state"])["q"][quiz.id]["p"] == 1
    assert frame.is_visible(".cp-step.cp-current")
    page.close()


def test_two_tabs_offline_keep_separate_queues_and_the_first_tabs_answers_all_arrive(
    context: BrowserContext, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    """The second tab is read-only (it says so); each tab queues in its own key, so
    neither overwrites the other, and a later launch sends the queues of closed tabs."""
    registration = str(uuid.uuid4())
    lms.serve_package(packages["xapi"])
    url = lms.xapi_launch(ACTOR, registration, COURSE_IRI)
    lms.state.lrs_down = True
    first, first_frame, _ = open_in(context, url)
    second, second_frame, _ = open_in(context, url)
    quizzes = list(course.quizzes())
    take_quiz(first_frame, quizzes[0])
    take_quiz(second_frame, quizzes[1])
    assert "déjà ouvert" in notice(second_frame)
    queues = first.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('coursepack.queue.'))"
    )
    assert len(queues) == 2
    first.close()
    second.close()
    lms.state.lrs_down = False
    third, third_frame, _ = open_in(context, url)
    expected = len(quizzes[0].questions)
    stored = wait_for(
        lambda: (
            (s := lrs.statements(registration)) and len(by_verb(s, "answered")) == expected and s
        )
    )
    assert len({s["id"] for s in stored}) == len(stored)
    third_frame.wait_for_timeout(500)
    assert (
        third.evaluate(
            "() => Object.keys(localStorage).filter(k => k.startsWith('coursepack.queue.'))"
        )
        == []
    )
    third.close()


def test_one_learners_offline_queue_is_never_sent_with_another_learners_launch(
    context: BrowserContext, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    lms.serve_package(packages["xapi"])
    lms.state.lrs_down = True
    first = {**ACTOR, "mbox": f"mailto:shared-{uuid.uuid4()}@example.org"}
    page, frame, _ = open_in(context, lms.xapi_launch(first, None, COURSE_IRI))
    take_quiz(frame, next(iter(course.quizzes())))
    page.goto("about:blank")  # the first learner leaves while the LRS is still down
    page.wait_for_timeout(500)
    page.close()
    lms.state.lrs_down = False
    page, frame, _ = open_in(context, lms.xapi_launch(OTHER, None, COURSE_IRI))
    frame.wait_for_timeout(1500)
    sent = [s for s in lrs.statements() if s["actor"].get("mbox") == first["mbox"]]
    assert sent == []
    others = [s for s in lrs.statements() if s["actor"].get("mbox") == OTHER["mbox"]]
    assert others, "the second learner's own statements were sent"
    page.close()


def test_cmi5_unread_flags_never_lead_to_a_second_completed(
    context: BrowserContext, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    lms.serve_package(packages["cmi5"])
    launch_data = {
        "contextTemplate": {
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s1"}
        },
        "launchMode": "Normal",
        "moveOn": "CompletedAndPassed",
    }
    url = lms.cmi5_launch(CMI5_ACTOR, registration, AU_IRI, launch_data, "t1")
    page, frame, _ = open_in(context, url)
    read_every_page(frame)
    for quiz in course.quizzes():
        take_quiz(frame, quiz)
    save_and_exit(frame)
    wait_for(lambda: (s := lrs.statements(registration)) and "terminated" in verbs(s))
    page.close()
    launch_data["contextTemplate"]["extensions"][
        "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
    ] = "s2"
    url = lms.cmi5_launch(CMI5_ACTOR, registration, AU_IRI, launch_data, "t2")
    lms.state.fail_state_reads = {"coursepack.cmi5": 3}  # every launch-time try fails
    page, frame, _ = open_in(context, url)
    frame.click(".cp-next")
    frame.wait_for_timeout(4500)  # past the background re-read
    assert lms.state.fail_state_reads == {"coursepack.cmi5": 0}
    stored = lrs.statements(registration)
    assert len(by_verb(stored, "completed")) == 1
    assert len(by_verb(stored, "passed")) == 1
    page.close()


def test_cmi5_save_and_exit_with_the_lrs_down_stays_and_tells_the_learner(
    context: BrowserContext, lms: Lms, lrs: Lrs, packages: dict[str, Path], course: Course
) -> None:
    registration = str(uuid.uuid4())
    lms.serve_package(packages["cmi5"])
    launch_data = {
        "contextTemplate": {
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s1"}
        },
        "launchMode": "Normal",
        "moveOn": "CompletedAndPassed",
        "returnURL": f"{lms.origin}/returned.html",
    }
    page, frame, _ = open_in(
        context, lms.cmi5_launch(CMI5_ACTOR, registration, AU_IRI, launch_data, "t3")
    )
    go_to(frame, next(iter(course.quizzes())).id)
    lms.state.lrs_down = True
    save_and_exit(frame)
    frame.wait_for_function(
        "() => document.getElementById('cp-notice').textContent.includes('gardée dans ce navigateur')",
        timeout=20_000,
    )
    assert page.url.startswith(f"{lms.origin}/content/")
    page.close()
