"""A Moodle-faithful LMS for the browser tests (standards.md 1.I, 3 and 3.6).

The player page holds coursepack's own LMS-side API (the one ``coursepack preview``
ships, ``coursepack/preview/static/lms.js``), which sends what Moodle's player
sends, the way it sends it (changed values for 1.2, the whole data model for 2004,
synchronous requests that turn into beacons once the page is being left). This
server keeps Moodle's attempts (``coursepack.preview.attempts``): an attempt whose
status is ``incomplete`` (or never set) is resumed, ``entry`` is ``resume`` only after ``exit=suspend``, and a new
attempt exists only after a finished one. Profile ``lenient`` plays Open edX's SCORM
XBlock instead. It listens on 127.0.0.1 only, on a free port.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import coursepack.preview
from coursepack.preview.attempts import Attempt, Learner, Provided
from tests.harness.lms import TYPES, ImportedPackage
from tests.harness.server import HarnessServer, LoopbackServer

API_JS = Path(coursepack.preview.__file__).with_name("static") / "lms.js"

PLAYER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Moodle</title>
<script src="/lms.js"></script>
<script>
  var session = CoursepackLms.install({config});
  window.lmsCalls = session.calls;
  window.lmsBeacons = session.beacons;
  window.lmsData = session.data;
</script></head>
<body style="margin:0">
<header id="moodle-bar" style="height:120px;background:#eee">Moodle <button id="moodle-exit">Exit activity</button></header>
<iframe id="content" title="course" src="/content/{launch}" style="width:1200px;height:900px;border:0;display:block"></iframe>
<footer style="height:1500px"></footer>
</body></html>
"""


@dataclass
class MoodleState:
    package: ImportedPackage | None = None
    profile: str = "moodle"
    learner: Learner | None = None
    fail_commits: int = 0

    def open(self, package: ImportedPackage) -> Learner:
        if self.learner is None or self.learner.standard != package.standard:
            mastery = (
                package.mastery_score
                if package.standard == "scorm12"
                else package.scaled_passing_score
            )
            self.learner = Learner(package.standard, Provided(mastery_score=mastery), self.profile)
        self.package = package
        return self.learner

    @property
    def attempts(self) -> list[Attempt]:
        assert self.learner is not None
        return self.learner.attempts

    @property
    def commits(self) -> list[dict[str, str]]:
        return self.current.requests

    @property
    def current(self) -> Attempt:
        assert self.learner is not None
        return self.learner.current


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
            assert state.learner is not None
            config = {"standard": state.package.standard, "profile": state.profile,
                      "initial": state.learner.initial(), "commitUrl": "/commit"}  # fmt: skip
            page = PLAYER.format(config=json.dumps(config), launch=state.package.launch)
            self._send(200, page.encode(), TYPES[".html"])
        elif path == "/lms.js":
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
        assert state.learner is not None
        state.learner.record(values, final=final)
        self._send(200, b"true\n0", "text/plain")


class _Server(HarnessServer):
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
        self.state.open(package)
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
        assert self.state.learner is not None
        self.state.learner.new_attempt()

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
