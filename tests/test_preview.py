"""`coursepack preview`: a live LMS with an inspector on the author's machine.

Played in Chromium against the preview's own LMS side (the one shipped in the
wheel), compared with scorm-again, and with statements forwarded to a real LRS.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from playwright.sync_api import Browser, Frame, Page
from playwright.sync_api import Error as PlaywrightError

from coursepack.loader import load_course
from coursepack.model import Course
from coursepack.preview.app import Preview
from coursepack.preview.lrs import PAGE_TOKEN, forward_from_env
from tests.conftest import COURSE, FIXTURES
from tests.harness.learner import go_to, read_every_page, take_quiz
from tests.harness.lms import Lms
from tests.harness.lrs import Lrs, free_port
from tests.harness.moodle import _flatten
from tests.harness.session import open_session
from tests.harness.wait import wait_for

pytestmark = pytest.mark.browser
READY = (
    "() => { const d = document.getElementById('content').contentDocument;"
    " return !!(d && d.body && d.body.hasAttribute('data-cp-ready')); }"
)


def open_preview(browser: Browser, preview: Preview) -> tuple[Page, Frame]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(preview.url)
    page.wait_for_function(READY, timeout=30000)
    element = page.query_selector("#content")
    assert element is not None
    frame = element.content_frame()
    assert frame is not None
    return page, frame


def wait_for_content(page: Page, text: str) -> None:
    """The course frame shows ``text`` (the frame may be between two builds)."""
    page.wait_for_function(
        "(text) => { const d = document.getElementById('content').contentDocument;"
        " return !!(d && d.body && d.body.hasAttribute('data-cp-ready')"
        " && d.body.textContent.includes(text)); }",
        arg=text,
        timeout=30000,
    )


def shown_step(frame: Frame) -> str:
    try:
        step: str = frame.evaluate(
            "() => { const p = window.Coursepack && window.Coursepack.player;"
            " return p ? p.steps[p.at].id : ''; }"
        )
    except PlaywrightError:  # the frame is between two builds
        return ""
    return step


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    shutil.copytree(FIXTURES / "minimal", folder)
    return folder


@pytest.fixture(scope="module")
def flagship_course() -> Course:
    course = load_course(COURSE).course
    assert course is not None
    return course


# ----------------------------------------------------------------- the server


def test_preview_listens_on_loopback_only(course_copy: Path) -> None:
    with Preview(course_copy, "scorm12", watching=False) as preview:
        host, port = preview.server.address if preview.server else ("", 0)
        assert host == "127.0.0.1"
        with urllib.request.urlopen(preview.url, timeout=5) as reply:
            assert reply.status == 200
        outside = socket.gethostbyname(socket.gethostname())
        if not outside.startswith("127."):
            with pytest.raises(OSError), socket.create_connection((outside, port), timeout=2):
                pass


def test_preview_builds_outside_the_course_folder_and_cleans_up(course_copy: Path) -> None:
    before = sorted(p.relative_to(course_copy) for p in course_copy.rglob("*"))
    with Preview(course_copy, "scorm2004", watching=False) as preview:
        workdir = preview.state.builder.workdir
        assert (workdir / "build-1" / "imsmanifest.xml").is_file()
        assert course_copy not in workdir.parents
    assert not workdir.exists()
    assert sorted(p.relative_to(course_copy) for p in course_copy.rglob("*")) == before


def test_the_xapi_endpoint_refuses_another_token(course_copy: Path) -> None:
    with Preview(course_copy, "xapi", watching=False) as preview:
        request = urllib.request.Request(
            preview.url + "__cp/xapi/statements", headers={"Authorization": "Basic eDp5"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 401


# ------------------------------------------------------ same data as scorm-again


TIMING = ("session_time", "total_time", ".time", ".timestamp", ".latency")


def _comparable(values: dict[str, str]) -> dict[str, str]:
    return {
        k: v
        for k, v in values.items()
        if not k.endswith(TIMING) and "._children" not in k and not k.endswith("._count")
    }


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_preview_and_scorm_again_store_the_same_values_for_a_full_flagship_run(
    standard: str,
    chromium: Browser,
    flagship_unpacked: dict[str, Path],
    flagship_course: Course,
) -> None:
    with Lms() as lms:
        session = open_session(chromium, lms, flagship_unpacked[standard])
        read_every_page(session.frame)
        for quiz in flagship_course.quizzes():
            take_quiz(session.frame, quiz)
        session.save_and_exit()
        reference = _flatten(lms.last_cmi, "cmi")
        session.close()
    with Preview(COURSE, standard, watching=False) as preview:
        page, frame = open_preview(chromium, preview)
        read_every_page(frame)
        for quiz in flagship_course.quizzes():
            take_quiz(frame, quiz)
        frame.click(".cp-exit")
        frame.wait_for_selector(".cp-exit:disabled")
        assert preview.state.learner is not None
        stored = dict(preview.state.learner.current.values)
        page.close()
    # The content draws pool questions and orders answers afresh on each attempt, so
    # interactions are compared by what they say, not by index.
    assert _outcome(stored) == _outcome(reference)
    answered = [i[1] for i in _interactions(stored) if i[1]]
    expected = [i[1] for i in _interactions(reference) if i[1]]
    assert len(answered) == len(expected) > 20
    assert set(answered) == set(expected) == {"correct", "neutral"}


def _outcome(values: dict[str, str]) -> dict[str, str]:
    return {
        k: v
        for k, v in _comparable(values).items()
        if not k.startswith("cmi.interactions.")
        and k != "cmi.suspend_data"  # holds the attempt's own random key
        and not k.startswith(
            (
                "cmi.core.student",
                "cmi.learner",
                "cmi.student_data",
                "cmi.scaled_passing",
                "cmi.core.lesson_mode",
                "cmi.core.credit",
                "cmi.mode",
                "cmi.credit",
                "cmi.core.entry",
                "cmi.entry",
                "cmi.launch_data",
                "cmi.comments",
                "cmi.core.score._",
                "cmi.score._",
                "cmi.student_preference",
                "cmi.learner_preference",
                "cmi.objectives",
                "cmi.completion_threshold",
                "cmi.time_limit_action",
                "cmi.max_time_allowed",
            )
        )
    }


def _interactions(values: dict[str, str]) -> list[tuple[str, str, str]]:
    """(type, result, weighting) of every interaction, sorted."""
    found: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        match = re.fullmatch(r"cmi\.interactions\.(\d+)\.(type|result|weighting)", key)
        if match:
            found.setdefault(match.group(1), {})[match.group(2)] = value
    return sorted(
        (i.get("type", ""), i.get("result", ""), i.get("weighting", "")) for i in found.values()
    )


@pytest.mark.parametrize(
    ("standard", "element", "value", "code"),
    [
        ("scorm12", "cmi.core.session_time", "0:05:00", "405"),
        ("scorm12", "cmi.core.score.raw", "101", "405"),
        ("scorm2004", "cmi.session_time", "PT1.123S", "406"),
        ("scorm2004", "cmi.interactions.0.timestamp", "2026-01-01T10:00:00.123Z", "406"),
        ("scorm2004", "cmi.score.scaled", "1.5", "407"),
    ],
)
def test_preview_refuses_what_moodle_refuses_and_says_so(
    standard: str, element: str, value: str, code: str, chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, standard, watching=False) as preview:
        page, _ = open_preview(chromium, preview)
        api = "API" if standard == "scorm12" else "API_1484_11"
        setter, last = (
            ("LMSSetValue", "LMSGetLastError") if api == "API" else ("SetValue", "GetLastError")
        )
        result = page.evaluate(
            f"() => [window.{api}.{setter}({json.dumps(element)}, {json.dumps(value)}), window.{api}.{last}()]"
        )
        assert result == ["false", code]
        rows = page.locator("#log li.error").all_inner_texts()
        assert any(element in row and f"error {code}" in row for row in rows)
        assert any(f"Moodle refuses this value (error {code})" in row for row in rows)
        page.close()


# ----------------------------------------------------------------- live reload


def test_an_edit_appears_without_losing_the_learners_place(
    chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, "scorm2004") as preview:
        page, frame = open_preview(chromium, preview)
        go_to(frame, "two")
        lesson = course_copy / "lessons" / "two.md"
        lesson.write_text(lesson.read_text() + "\nUn paragraphe ajouté en direct.\n")
        wait_for_content(page, "Un paragraphe ajouté en direct.")
        wait_for(lambda: shown_step(frame) == "two")
        launches = page.evaluate("() => previewLog.filter(e => e.type === 'launch').length")
        assert launches == 2
        assert page.evaluate("() => API_1484_11.GetValue('cmi.entry')") == "resume"
        page.close()


def test_a_broken_edit_shows_the_located_error_and_keeps_the_last_build(
    chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, "scorm12") as preview:
        page, frame = open_preview(chromium, preview)
        lesson = course_copy / "lessons" / "two.md"
        lesson.write_text("---\nid: two\ntitle: [unclosed\n---\n\nText.\n")
        page.wait_for_selector("#broken:not([hidden])", timeout=30000)
        shown = page.inner_text("#broken-text")
        assert shown.startswith("lessons/two.md:4:1: error: invalid YAML") and "[CP101]" in shown
        assert frame.evaluate("() => !!document.body.getAttribute('data-cp-ready')")
        assert preview.state.current is not None and preview.state.current.number == 1
        lesson.write_text("---\nid: two\ntitle: Two again\n---\n\nFixed.\n")
        page.wait_for_selector("#broken[hidden]", state="attached", timeout=30000)
        wait_for_content(page, "Two again")
        page.close()


# ------------------------------------------------------------------- inspector


def test_the_inspector_lists_every_call_of_a_session_in_order(
    chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, "scorm12", watching=False) as preview:
        page, frame = open_preview(chromium, preview)
        frame.click(".cp-start")
        frame.wait_for_timeout(300)
        calls, texts = page.evaluate(
            "() => [previewLog.filter(e => e.type === 'call').map(e => e.call),"
            " [...document.querySelectorAll('#log li')].map(li => li.textContent)]"
        )
        rows = [r for r in texts if re.match("LMS[A-Z]", r)]
        assert [r.split("(")[0] for r in rows] == [c["method"] for c in calls]
        assert len(rows) > 8
        assert rows[0] == 'LMSInitialize("") → "true"'
        assert 'LMSGetValue("cmi.core.entry") → "ab-initio"' in rows
        assert 'LMSSetValue("cmi.core.lesson_location", "one") → "true"' in rows
        assert page.inner_text("#summary").count("cmi") == 0
        assert "one (3 / 255)" in page.inner_text("#summary")
        page.close()


def test_a_failed_commit_shows_the_runtimes_notice_and_the_retry_stores_it(
    chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, "scorm2004", watching=False) as preview:
        page, frame = open_preview(chromium, preview)
        page.click("#fail-commit")
        page.wait_for_function("() => document.getElementById('control-note').textContent !== ''")
        frame.click(".cp-start")
        frame.wait_for_function(
            "() => document.getElementById('cp-notice').textContent.includes('not saved yet')"
        )
        assert page.locator("#log li.error", has_text='Commit("") → "false"').count() >= 1
        assert page.locator("#log li.error", has_text="LMS refused commit").count() == 1
        wait_for(
            lambda: (
                preview.state.learner
                and preview.state.learner.current.values.get("cmi.location") == "one"
            )
        )
        page.close()


def test_closing_the_page_sends_a_beacon_and_relaunch_resumes(
    chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, "scorm2004", watching=False) as preview:
        page, frame = open_preview(chromium, preview)
        go_to(frame, "two")
        page.click("#close-page")
        page.wait_for_function(
            "() => document.getElementById('control-note').textContent.includes('closed')"
        )
        learner = preview.state.learner
        assert learner is not None
        wait_for(lambda: learner.current.values.get("cmi.exit") == "suspend")
        assert learner.current.values["cmi.location"] == "two"
        assert page.evaluate("() => previewLog.some(e => e.type === 'closed')")
        page.click("#relaunch")
        page.wait_for_function("() => previewLog.filter(e => e.type === 'launch').length === 2")
        page.wait_for_function(READY)
        calls = page.evaluate("() => previewLog.filter(e => e.type === 'call').map(e => e.call)")
        entry = [c["result"] for c in calls if c["args"] == ["cmi.entry"]]
        assert entry == ["ab-initio", "resume"]
        page.close()


def test_a_new_attempt_is_refused_while_the_attempt_is_unfinished(
    chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, "scorm12", watching=False) as preview:
        page, _ = open_preview(chromium, preview)
        page.click("#new-attempt")
        page.wait_for_function("() => document.getElementById('control-note').textContent !== ''")
        assert "not finished" in page.inner_text("#control-note")
        assert preview.state.learner is not None and len(preview.state.learner.attempts) == 1
        page.close()


def test_what_the_lms_provides_reaches_the_next_session(
    chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, "scorm2004", watching=False) as preview:
        page, _ = open_preview(chromium, preview)
        page.click("#inspector summary")
        page.fill("input[name=learner_name]", "Curie, Marie")
        page.select_option("select[name=mode]", "review")
        page.click("#provided button[type=submit]")
        page.wait_for_function("() => previewLog.filter(e => e.type === 'launch').length === 2")
        page.wait_for_function(READY)
        assert page.evaluate("() => API_1484_11.GetValue('cmi.learner_name')") == "Curie, Marie"
        assert page.evaluate("() => API_1484_11.GetValue('cmi.mode')") == "review"
        assert page.evaluate("() => API_1484_11.GetValue('cmi.credit')") == "no-credit"
        page.close()


def test_the_log_downloads_as_json(chromium: Browser, course_copy: Path, tmp_path: Path) -> None:
    with Preview(course_copy, "scorm12", watching=False) as preview:
        page, _ = open_preview(chromium, preview)
        with page.expect_download() as download:
            page.click("#download")
        saved = tmp_path / "log.json"
        download.value.save_as(saved)
        log = json.loads(saved.read_text())
        assert log["format"] == "scorm12"
        assert log["entries"][1]["call"]["method"] == "LMSInitialize"
        page.close()


# ----------------------------------------------------------------- xAPI, cmi5


def test_cmi5_statements_show_in_the_inspector_and_an_lrs_outage_is_survived(
    chromium: Browser, course_copy: Path
) -> None:
    with Preview(course_copy, "cmi5", watching=False) as preview:
        page, frame = open_preview(chromium, preview)
        verbs = lambda: [s["verb"]["id"].rsplit("/", 1)[-1] for s in preview.state.store.statements]  # noqa: E731
        wait_for(lambda: "initialized" in verbs())
        assert verbs()[0] == "launched"
        page.wait_for_function(
            "() => [...document.querySelectorAll('#log li')].some(li => li.textContent.includes('HTTP 200  initialized'))"
        )
        page.click("#lrs-down")
        page.wait_for_function(
            "() => document.getElementById('lrs-down').getAttribute('aria-pressed') === 'true'"
        )
        before = len(preview.state.store.statements)
        read_every_page(frame)
        frame.wait_for_function(
            "() => document.getElementById('cp-notice').textContent.includes('Tracking is offline')",
            timeout=20000,
        )
        assert len(preview.state.store.statements) == before
        assert page.locator("#log li.error", has_text="HTTP 503").count() >= 1
        page.click("#lrs-down")
        wait_for(lambda: verbs().count("experienced") >= 2, timeout=40)
        page.close()


def test_lrs_forwarding_reaches_a_real_lrs_without_the_credentials_in_the_page(
    chromium: Browser, course_copy: Path
) -> None:
    with Lrs() as lrs:
        forward = forward_from_env(
            lrs.url, {"COURSEPACK_LRS_KEY": "test", "COURSEPACK_LRS_SECRET": "test"}
        )
        with Preview(course_copy, "xapi", watching=False, forward=forward) as preview:
            page = chromium.new_page()
            authorizations: list[str] = []
            page.on("request", lambda r: authorizations.append(r.headers.get("authorization", "")))
            page.goto(preview.url)
            page.wait_for_function(READY, timeout=30000)
            registration = preview.state.registration
            stored = wait_for(lambda: lrs.statements(registration))
            assert stored[0]["actor"]["mbox"] == "mailto:learner@example.org"
            assert forward.authorization not in set(authorizations)
            assert f"Basic {PAGE_TOKEN}" in set(authorizations)
            assert "dGVzdDp0ZXN0" not in page.content()
            page.close()


def test_lrs_forwarding_needs_credentials_from_the_environment() -> None:
    from coursepack.errors import UsageError

    with pytest.raises(UsageError, match="COURSEPACK_LRS_KEY"):
        forward_from_env("http://127.0.0.1:9/xapi/", {})


# ------------------------------------------------------------------------ CLI


@pytest.fixture
def preview_process(
    course_copy: Path, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    process = subprocess.Popen(
        [sys.executable, "-m", "coursepack", "preview", str(course_copy), "--no-open",
         "--port", str(port), "--format", "scorm12"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        yield process, line, temp
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_preview_command_serves_until_stopped_and_leaves_nothing_behind(
    stop: signal.Signals, preview_process: tuple[subprocess.Popen[str], str, Path]
) -> None:
    process, line, temp = preview_process
    assert line.startswith("coursepack preview: http://127.0.0.1:")
    url = line.split()[2]
    with urllib.request.urlopen(url, timeout=5) as reply:
        assert b"coursepack preview" in reply.read()
    assert any(temp.iterdir())
    process.send_signal(stop)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "coursepack preview: stopped" in out
    assert not any(temp.iterdir())


# --------------------------------------------------------------- accessibility


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_preview_page_passes_axe(scheme: str, chromium: Browser, course_copy: Path) -> None:
    from tests.test_accessibility import AXE, violations

    with Preview(course_copy, "scorm2004", watching=False) as preview:
        page, _ = open_preview(chromium, preview)
        page.emulate_media(color_scheme="dark" if scheme == "dark" else "light")
        page.evaluate("() => API_1484_11.SetValue('cmi.score.scaled', '7')")  # an error row
        page.click("#inspector summary")
        page.add_script_tag(content=AXE.read_text("utf-8"))
        assert violations(page) == []
        page.close()


def test_the_open_edx_profile_answers_like_the_xblock(chromium: Browser, course_copy: Path) -> None:
    with Preview(course_copy, "scorm2004", watching=False, lms="openedx") as preview:
        page, _ = open_preview(chromium, preview)
        assert page.evaluate("() => API_1484_11.GetValue('cmi.entry')") == ""
        assert page.evaluate("() => API_1484_11.SetValue('cmi.score.scaled', '7')") == "true"
        assert page.evaluate("() => API_1484_11.GetLastError()") == "0"
        assert "Open edX" in page.inner_text("#format")
        page.close()


def test_files_are_served_in_byte_ranges_for_seeking_in_media(course_copy: Path) -> None:
    with Preview(course_copy, "scorm12", watching=False) as preview:
        url = preview.url + "content/1/index.html"
        expected = (preview.state.builder.workdir / "build-1" / "index.html").read_bytes()
        ranged = urllib.request.Request(url, headers={"Range": "bytes=100-199"})
        with urllib.request.urlopen(ranged, timeout=5) as reply:
            assert reply.status == 206
            assert reply.headers["Content-Range"] == f"bytes 100-199/{len(expected)}"
            assert reply.read() == expected[100:200]
        tail = urllib.request.Request(url, headers={"Range": "bytes=-10"})
        with urllib.request.urlopen(tail, timeout=5) as reply:
            assert reply.read() == expected[-10:]
        with urllib.request.urlopen(url, timeout=5) as reply:
            assert reply.headers["Accept-Ranges"] == "bytes"
            assert reply.read() == expected
        outside = urllib.request.Request(url, headers={"Range": f"bytes={len(expected)}-"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(outside, timeout=5)
        assert refused.value.code == 416


def test_the_cmi5_lms_states_satisfied_once_when_move_on_is_met(
    chromium: Browser, course_copy: Path
) -> None:
    course = load_course(course_copy).course
    assert course is not None
    with Preview(course_copy, "cmi5", watching=False) as preview:
        page, frame = open_preview(chromium, preview)
        verbs = lambda: [s["verb"]["id"].rsplit("/", 1)[-1] for s in preview.state.store.statements]  # noqa: E731
        wait_for(lambda: "initialized" in verbs())
        assert "satisfied" not in verbs()
        assert "not yet" in page.inner_text("#summary")
        read_every_page(frame)
        for quiz in course.quizzes():
            take_quiz(frame, quiz)
        wait_for(lambda: "satisfied" in verbs())
        satisfied = [
            s for s in preview.state.store.statements if s["verb"]["id"].endswith("/satisfied")
        ]
        assert len(satisfied) == 1
        assert satisfied[0]["context"]["registration"] == preview.state.registration
        # Played, not built: the store stamps statements with the wall clock.
        assert satisfied[0]["stored"][:4] >= "2026"
        # The minimal course has no final assessment: its moveOn is "Completed".
        assert verbs().index("satisfied") > verbs().index("completed")
        page.wait_for_function(
            "() => document.getElementById('summary').textContent.includes(': satisfied')"
        )
        page.close()


def test_an_internal_failure_is_shown_and_live_reload_goes_on(
    course_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Preview(course_copy, "scorm12", watching=False) as preview:
        state = preview.state
        original = state.builder.build

        def broken() -> NoReturn:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(state.builder, "build", broken)
        assert state.rebuild() is False
        assert state.broken == ["coursepack failed to build: RuntimeError: disk on fire"]
        assert state.current is not None and state.current.number == 1
        monkeypatch.setattr(state.builder, "build", original)
        assert state.rebuild() is True
        assert state.broken == [] and state.current.number == 2


def test_a_tab_closed_mid_answer_leaves_the_terminal_quiet_but_a_real_failure_shows(
    course_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Preview(course_copy, "scorm12", watching=False) as preview:
        assert preview.server is not None
        http = preview.server._server
        try:
            raise BrokenPipeError(32, "Broken pipe")
        except BrokenPipeError:
            http.handle_error(None, ("127.0.0.1", 50000))
        assert capsys.readouterr().err == ""
        try:
            raise KeyError("cmi.core.lesson_status")
        except KeyError:
            http.handle_error(None, ("127.0.0.1", 50000))
        assert "KeyError: 'cmi.core.lesson_status'" in capsys.readouterr().err
