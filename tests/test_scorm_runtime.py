"""The SCORM packages in real Chromium, against scorm-again as the LMS-side API.

Every assertion is on what the LMS holds or received: scorm-again's data model after
the session, the commits posted to the LMS, and the log of API calls.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page

from coursepack.build import build
from coursepack.loader import load_course
from coursepack.scaffold import scaffold
from tests.conftest import COURSE
from tests.harness.learner import read_every_page, take_quiz
from tests.harness.lms import Lms, import_package

pytestmark = pytest.mark.browser

API = {"scorm12": "window.API", "scorm2004": "window.API_1484_11"}


@pytest.fixture
def lms() -> Iterator[Lms]:
    with Lms() as server:
        yield server


def open_session(
    browser: Browser, lms: Lms, folder: Path, previous: dict[str, Any] | None = None
) -> tuple[Page, Frame]:
    url = lms.launch(import_package(folder), previous)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    element = page.wait_for_selector("#content")
    assert element is not None
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_selector("body.cp-js")
    page.errors = errors  # type: ignore[attr-defined]
    return page, frame


def cmi(page: Page, standard: str) -> dict[str, Any]:
    data: dict[str, Any] = page.evaluate(f"() => JSON.parse(JSON.stringify({API[standard]}.cmi))")
    return data


def calls(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate("() => window.lmsCalls")
    return found


def save_and_exit(frame: Frame) -> None:
    frame.click(".cp-exit")
    frame.wait_for_selector(".cp-exit:disabled")


def complete_flagship(frame: Frame) -> None:
    course = load_course(COURSE).course
    assert course is not None
    read_every_page(frame)
    for quiz in course.quizzes():
        take_quiz(frame, quiz)


def method_names(log: list[dict[str, Any]]) -> list[str]:
    return [call["method"] for call in log]


# ------------------------------------------------------------------ SCORM 1.2


def test_scorm12_flagship_completed_and_passed_reaches_the_lms(
    chromium: Browser, lms: Lms, flagship_unpacked: dict[str, Path]
) -> None:
    page, frame = open_session(chromium, lms, flagship_unpacked["scorm12"])
    complete_flagship(frame)
    save_and_exit(frame)

    core = cmi(page, "scorm12")["core"]
    assert core["lesson_status"] == "passed"
    assert core["score"] == {"raw": "100", "min": "0", "max": "100"} | {
        k: v for k, v in core["score"].items() if k not in {"raw", "min", "max"}
    }
    assert core["exit"] == ""
    assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?", core["session_time"])
    log = calls(page)
    names = method_names(log)
    assert names[0] == "LMSInitialize" and names.count("LMSInitialize") == 1
    assert names[-1] == "LMSFinish" and names.count("LMSFinish") == 1
    assert [c for c in log if c["error"] != "0" and c["method"] == "LMSSetValue"] == []
    assert lms.last_cmi["core"]["lesson_status"] == "passed"
    assert page.errors == []  # type: ignore[attr-defined]


def test_scorm12_lessons_viewed_complete_a_course_without_assessment(
    chromium: Browser, lms: Lms, tmp_path: Path
) -> None:
    course = tmp_path / "starter"
    scaffold(course)
    result = build(course, ["scorm12"], tmp_path / "dist")
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(result.packages[0].path) as archive:
        archive.extractall(folder)
    page, frame = open_session(chromium, lms, folder)
    assert cmi(page, "scorm12")["core"]["lesson_status"] == "incomplete"
    read_every_page(frame)
    save_and_exit(frame)
    core = cmi(page, "scorm12")["core"]
    assert core["lesson_status"] == "completed"
    assert core["exit"] == ""
    assert method_names(calls(page))[-1] == "LMSFinish"


# ------------------------------------------------------------------ SCORM 2004


def test_scorm2004_flagship_completed_and_passed_reaches_the_lms(
    chromium: Browser, lms: Lms, flagship_unpacked: dict[str, Path]
) -> None:
    page, frame = open_session(chromium, lms, flagship_unpacked["scorm2004"])
    complete_flagship(frame)
    save_and_exit(frame)

    data = cmi(page, "scorm2004")
    assert data["completion_status"] == "completed"
    assert data["success_status"] == "passed"
    assert data["score"]["scaled"] == "1"
    assert (data["score"]["raw"], data["score"]["min"], data["score"]["max"]) == ("100", "0", "100")
    assert data["progress_measure"] == "1"
    assert data["exit"] == "normal"
    assert re.fullmatch(r"P(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)", data["session_time"])
    log = calls(page)
    names = method_names(log)
    assert names[0] == "Initialize" and names.count("Initialize") == 1
    assert names[-1] == "Terminate" and names.count("Terminate") == 1
    assert [c for c in log if c["error"] != "0" and c["method"] == "SetValue"] == []
    assert page.errors == []  # type: ignore[attr-defined]
