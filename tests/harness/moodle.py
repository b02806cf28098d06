"""A Moodle-faithful LMS for the browser tests (standards.md 1.I, 3 and 3.6).

The player page holds ``moodle_api.js``, an API that sends what Moodle's player
sends, the way it sends it (changed values for 1.2, the whole data model for 2004,
synchronous requests that turn into beacons once the page is being left). This
server keeps Moodle's attempts: an attempt whose status is ``incomplete`` (or never
set) is resumed, ``entry`` is ``resume`` only after ``exit=suspend``, and a new
attempt exists only after a finished one. Profile ``lenient`` plays Open edX's SCORM
XBlock instead. It listens on 127.0.0.1 only, on a free port.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.harness.lms import TYPES, ImportedPackage
from tests.harness.server import LoopbackServer

API_JS = Path(__file__).with_name("moodle_api.js")

PLAYER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Moodle</title>
<script>window.LMS_CONFIG = {config};</script>
<script src="/moodle_api.js"></script></head>
<body style="margin:0">
<header id="moodle-bar" style="height:120px;background:#eee">Moodle <button id="moodle-exit">Exit activity</button></header>
<iframe id="content" title="course" src="/content/{launch}" style="width:1200px;height:900px;border:0;display:block"></iframe>
<footer style="height:1500px"></footer>
</body></html>
"""


class NoNewAttempt(Exception):
    """Moodle offers "Start a new attempt" only after a finished attempt."""


@dataclass
class Attempt:
    values: dict[str, str] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)  # every post received
    total_seconds: float = 0.0


def _seconds(value: str) -> float:
    if ":" in value:
        hours, minutes, seconds = value.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    import re

    match = re.fullmatch(
        r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?", value
    )
    assert match, value
    y, mo, d, h, mi, s = (float(g) if g else 0.0 for g in match.groups())
    return ((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + s


@dataclass
class MoodleState:
    package: ImportedPackage | None = None
    profile: str = "moodle"
    attempts: list[Attempt] = field(default_factory=list)
    fail_commits: int = 0
    learner_name: str = "Learner, Test"

    @property
    def commits(self) -> list[dict[str, str]]:
        return self.current.requests

    @property
    def current(self) -> Attempt:
        if not self.attempts:
            self.attempts.append(Attempt())
        return self.attempts[-1]

    def status(self, attempt: Attempt) -> str:
        assert self.package is not None
        key = (
            "cmi.core.lesson_status"
            if self.package.standard == "scorm12"
            else "cmi.completion_status"
        )
        return attempt.values.get(key, "")

    def finished(self, attempt: Attempt) -> bool:
        return self.status(attempt) not in {"", "incomplete", "not attempted"}

    def initial(self) -> dict[str, str]:
        """What Moodle hands the next session of the current attempt."""
        assert self.package is not None
        attempt = self.current
        v = attempt.values
        if self.package.standard == "scorm12":
            data = {"cmi.core.student_id": "learner1", "cmi.core.student_name": self.learner_name,
                    "cmi.core.lesson_mode": "normal", "cmi.core.credit": "credit",
                    "cmi.core.entry": "ab-initio"}  # fmt: skip
            if self.package.mastery_score is not None:
                data["cmi.student_data.mastery_score"] = self.package.mastery_score
            for key in ("cmi.core.lesson_status", "cmi.core.lesson_location", "cmi.suspend_data",
                        "cmi.core.score.raw"):  # fmt: skip
                if key in v:
                    data[key] = v[key]
            if v.get("cmi.core.exit") == "suspend":
                data["cmi.core.entry"] = "resume"
            return data
        data = {"cmi.learner_id": "learner1", "cmi.learner_name": self.learner_name,
                "cmi.mode": "normal", "cmi.credit": "credit", "cmi.entry": "ab-initio"}  # fmt: skip
        if self.package.scaled_passing_score is not None:
            data["cmi.scaled_passing_score"] = self.package.scaled_passing_score
        # 2004: previous data is restored only after exit=suspend (standards.md 2.2 §3).
        if v.get("cmi.exit") == "suspend":
            data["cmi.entry"] = "resume"
            for key, value in v.items():
                if not key.startswith(("cmi.exit", "cmi.session_time", "cmi.entry")):
                    data[key] = value
        if self.profile == "lenient":
            # The XBlock stores what it was sent and hands it back; it has no entry.
            data = {k: val for k, val in {**data, **v}.items() if k != "cmi.entry"}
        return data


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        state = self.server.state
        if path == "/player.html" and state.package is not None:
            config = {"standard": state.package.standard, "profile": state.profile,
                      "initial": state.initial(), "commitUrl": "/commit"}  # fmt: skip
            page = PLAYER.format(config=json.dumps(config), launch=state.package.launch)
            self._send(200, page.encode(), TYPES[".html"])
        elif path == "/moodle_api.js":
            self._send(200, API_JS.read_bytes(), TYPES[".js"])
        elif path.startswith("/content/") and state.package is not None:
            root = state.package.folder.resolve()
            target = (root / path.removeprefix("/content/")).resolve()
            if root not in target.parents or not target.is_file():
                self._send(404, b"not found", "text/plain")
                return
            self._send(
                200, target.read_bytes(), TYPES.get(target.suffix, "application/octet-stream")
            )
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        state = self.server.state
        if urlsplit(self.path).path != "/commit":
            self._send(404, b"", "text/plain")
            return
        if state.fail_commits > 0:
            state.fail_commits -= 1
            self._send(500, b"false", "text/plain")
            return
        values = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        final = values.pop("coursepack_final", None) == "1"
        attempt = state.current
        attempt.requests.append(values)
        attempt.values.update(values)
        if final:
            time = values.get("cmi.core.session_time") or values.get("cmi.session_time")
            if time:
                attempt.total_seconds += _seconds(time)
        self._send(200, b"true\n0", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = MoodleState()


class MoodleLms(LoopbackServer):
    """``with MoodleLms() as lms:``; ``lms.launch(package)`` opens the current attempt."""

    kind = "moodle"

    def __init__(self, profile: str = "moodle") -> None:
        self._server = _Server()
        self._server.state.profile = profile
        super().__init__(self._server)
        self.kind = "moodle" if profile == "moodle" else "lenient"

    @property
    def state(self) -> MoodleState:
        return self._server.state

    @property
    def url(self) -> str:
        return f"{self.origin}/player.html"

    def launch(self, package: ImportedPackage, previous: dict[str, Any] | None = None) -> str:
        """The next session of the current attempt, restored from what Moodle stored.
        ``previous`` (scorm-again's nested shape) is what the LMS is to hold, as if an
        earlier session had stored it."""
        self.state.package = package
        if previous:
            self.state.current.values.update(_flatten(previous, "cmi"))
        return self.url

    @property
    def last_cmi(self) -> dict[str, Any]:
        """The attempt's data model, shaped as scorm-again's (see session.nest)."""
        from tests.harness.session import nest

        return nest(self.state.current.values)

    def new_attempt(self) -> None:
        """What the learner's "Start a new attempt" does; refused while one is unfinished."""
        if not self.state.finished(self.state.current):
            raise NoNewAttempt(f"attempt {len(self.state.attempts)} is not finished")
        self.state.attempts.append(Attempt())

    @property
    def values(self) -> dict[str, str]:
        return self.state.current.values


def _flatten(tree: dict[str, Any], prefix: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = str(value)
    return flat
