"""A small LMS for the browser tests, built on the npm package scorm-again.

It does what an LMS does with an uploaded package: reads ``imsmanifest.xml`` for the
launch page and the mastery score, serves a player page that holds the SCORM API
(scorm-again's ``Scorm12API`` or ``Scorm2004API``) with the content in an iframe,
and stores every commit it receives. A later launch starts from the stored data
(``entry=resume`` after ``exit=suspend``), as Moodle does. It listens on 127.0.0.1
only, on a free port, and is stopped by the tests.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from lxml import etree

from coursepack.preview.lrs import agent_key
from tests.harness.server import HarnessServer, LoopbackServer

ROOT = Path(__file__).resolve().parents[2]
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
         ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json"}  # fmt: skip


@dataclass(frozen=True)
class ImportedPackage:
    """What the LMS learned from the manifest."""

    standard: str  # "scorm12" or "scorm2004"
    folder: Path
    launch: str
    mastery_score: str | None
    scaled_passing_score: str | None


def import_package(folder: Path) -> ImportedPackage:
    tree = etree.parse(str(folder / "imsmanifest.xml"))
    version = tree.findtext("{*}metadata/{*}schemaversion")
    standard = "scorm12" if version == "1.2" else "scorm2004"
    resource = tree.find("{*}resources/{*}resource")
    assert resource is not None
    mastery = tree.findtext(".//{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore")
    measure = tree.findtext(".//{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure")
    return ImportedPackage(standard, folder, resource.get("href", ""), mastery, measure)


AUTH_TOKEN = "dGVzdDp0ZXN0"  # what the fetch URL hands out: test:test for the test LRS


PLAYER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>LMS</title>
<script src="/scorm-again/{script}"></script></head>
<body>
<script>
  var settings = {{ lmsCommitUrl: "/commit", autocommit: false, logLevel: 5 }};
  var api = new {cls}(settings);
  api.loadFromJSON({initial});
  window.lmsCalls = [];
  {methods}.forEach(function (name) {{
    var original = api[name].bind(api);
    api[name] = function () {{
      var args = Array.prototype.slice.call(arguments);
      var result = original.apply(null, args);
      window.lmsCalls.push({{ method: name, args: args, result: String(result), error: String(api.{last_error}()) }});
      return result;
    }};
  }});
  window.{api_name} = api;
</script>
{frame}
</body></html>
"""

STANDARDS = {
    "scorm12": {
        "script": "scorm12.js", "cls": "Scorm12API", "api_name": "API", "last_error": "LMSGetLastError",
        "methods": ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit"],
    },
    "scorm2004": {
        "script": "scorm2004.js", "cls": "Scorm2004API", "api_name": "API_1484_11", "last_error": "GetLastError",
        "methods": ["Initialize", "Terminate", "GetValue", "SetValue", "Commit"],
    },
}  # fmt: skip


@dataclass
class LmsState:
    package: ImportedPackage | None = None
    commits: list[dict[str, Any]] = field(default_factory=list)
    fail_commits: int = 0  # answer the next N commits with HTTP 500
    initial: dict[str, Any] = field(default_factory=dict)
    embed: bool = True  # False: the player opens the content in a popup (window.opener)
    # xAPI and cmi5: the LMS side of the launch, in front of the real LRS.
    lrs_url: str | None = None
    lrs_down: bool = False  # statements get 503, as from a proxy whose LRS is gone
    states: dict[tuple[str, str, str, str], bytes] = field(default_factory=dict)
    fetch_tokens: dict[str, int] = field(default_factory=dict)  # token -> times fetched
    forwarded: int = 0
    # Fault knobs: fail the next N State API reads / writes with 503, and answer
    # statements with this status instead of forwarding them (e.g. 401).
    state_get_fail: int = 0
    state_put_fail: int = 0
    fail_state_reads: dict[str, int] = field(default_factory=dict)  # stateId -> next N GETs fail
    statements_status: int | None = None


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

    def _xapi(self, method: str) -> None:
        """State API and cmi5 fetch here; statements forwarded to the real LRS."""
        parts = urlsplit(self.path)
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if parts.path.startswith("/fetch/"):
            token = parts.path.removeprefix("/fetch/")
            used = state.fetch_tokens.get(token, 0)
            state.fetch_tokens[token] = used + 1
            if method != "POST" or used:  # one-time URL (cmi5 8.2.2)
                reply: dict[str, str] = {"error-code": "1", "error-text": "already used"}
            else:
                reply = {"auth-token": AUTH_TOKEN}
            self._send(200, json.dumps(reply).encode(), "application/json")
            return
        if parts.path == "/xapi/activities/state":
            state_id = dict(parse_qsl(parts.query)).get("stateId", "")
            if method == "GET" and state.fail_state_reads.get(state_id, 0) > 0:
                state.fail_state_reads[state_id] -= 1
                self._send(503, b"unavailable", "text/plain")
                return
            if method == "GET" and state.state_get_fail > 0:
                state.state_get_fail -= 1
                self._send(503, b"unavailable", "text/plain")
                return
            if method == "PUT" and state.state_put_fail > 0:
                state.state_put_fail -= 1
                self._send(503, b"unavailable", "text/plain")
                return
            query = dict(parse_qsl(parts.query))
            key = (query.get("activityId", ""), agent_key(query.get("agent", "")),
                   query.get("registration", ""), query.get("stateId", ""))  # fmt: skip
            if method == "PUT":
                state.states[key] = body
                self._send(204, b"", "text/plain")
            elif key in state.states:
                self._send(200, state.states[key], "application/json")
            else:
                self._send(404, b"", "text/plain")
            return
        if parts.path == "/xapi/agents/profile":
            self._send(404, b"", "text/plain")
            return
        if parts.path.startswith("/xapi/statements") and state.lrs_url:
            if state.lrs_down:
                self._send(503, b"LRS unavailable", "text/plain")
                return
            if state.statements_status is not None:
                self._send(state.statements_status, b"refused", "text/plain")
                return
            suffix = parts.path.removeprefix("/xapi/") + (f"?{parts.query}" if parts.query else "")
            self._forward(method, state.lrs_url + suffix, body)
            return
        self._send(404, b"", "text/plain")

    def _forward(self, method: str, url: str, body: bytes) -> None:
        wanted = {"authorization", "content-type", "x-experience-api-version"}
        headers = {k: v for k, v in self.headers.items() if k.lower() in wanted}
        request = urllib.request.Request(
            url, data=body if method != "GET" else None, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                payload, status = response.read(), response.status
                kind = response.headers.get("Content-Type", "application/json")
        except urllib.error.HTTPError as exc:
            payload, status = exc.read(), exc.code
            kind = exc.headers.get("Content-Type", "application/json")
        self.server.state.forwarded += 1
        self._send(status, payload, kind)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        state = self.server.state
        if path.startswith("/xapi/"):
            self._xapi("GET")
            return
        if path == "/returned.html":
            self._send(
                200,
                b"<!DOCTYPE html><title>LMS</title><p id='back'>Back in the LMS</p>",
                TYPES[".html"],
            )
            return
        if path == "/player.html" and state.package is not None:
            spec = STANDARDS[state.package.standard]
            frame = (
                f'<iframe id="content" title="course" src="/content/{state.package.launch}" '
                'style="width:1200px;height:900px;border:0"></iframe>'
                if state.embed
                else ""
            )
            page = PLAYER.format(
                initial=json.dumps(state.initial), frame=frame,
                methods=json.dumps(spec["methods"]), **{k: v for k, v in spec.items() if k != "methods"},
            )  # fmt: skip
            self._send(200, page.encode(), TYPES[".html"])
            return
        if path.startswith("/scorm-again/"):
            self._file(SCORM_AGAIN, path.removeprefix("/scorm-again/"))
            return
        if path.startswith("/content/") and state.package is not None:
            self._file(state.package.folder, path.removeprefix("/content/"))
            return
        self._send(404, b"not found", "text/plain")

    def _file(self, root: Path, relative: str) -> None:
        target = (root / relative).resolve()
        if root.resolve() not in target.parents or not target.is_file():
            self._send(404, b"not found", "text/plain")
            return
        self._send(200, target.read_bytes(), TYPES.get(target.suffix, "application/octet-stream"))

    def do_PUT(self) -> None:
        self._xapi("PUT")

    def do_POST(self) -> None:
        if urlsplit(self.path).path.startswith(("/xapi/", "/fetch/")):
            self._xapi("POST")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        state = self.server.state
        if urlsplit(self.path).path != "/commit":
            self._send(404, b"", "text/plain")
            return
        if state.fail_commits > 0:
            state.fail_commits -= 1
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b'{"result": false}', "application/json")
            return
        state.commits.append(json.loads(body or b"{}"))
        self._send(200, b'{"result": true, "errorCode": 0}', "application/json")


class _Server(HarnessServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = LmsState()


class Lms(LoopbackServer):
    """Start with ``with Lms() as lms:``; ``lms.launch(folder)`` prepares a session."""

    kind = "scorm-again"

    def __init__(self) -> None:
        self._server = _Server()
        super().__init__(self._server)

    @property
    def state(self) -> LmsState:
        return self._server.state

    @property
    def url(self) -> str:
        return f"{self.origin}/player.html"

    def launch(self, package: ImportedPackage, previous: dict[str, Any] | None = None) -> str:
        """Prepare the player for a new session, resuming from ``previous`` cmi data."""
        self.state.package = package
        self.state.initial = initial_cmi(package, previous)
        return self.url

    def serve_package(self, folder: Path) -> None:
        self.state.package = ImportedPackage("lrs", folder, "index.html", None, None)

    def xapi_launch(self, actor: dict[str, Any], registration: str | None, activity_id: str | None = None,
                    extra: dict[str, str] | None = None) -> str:  # fmt: skip
        """A tincan launch URL, as an LMS builds it (standards.md 2.3)."""
        query = {
            "endpoint": f"{self.origin}/xapi/",
            "auth": "Basic " + AUTH_TOKEN,
            "actor": json.dumps(actor),
        }
        if registration:
            query["registration"] = registration
        if activity_id:
            query["activity_id"] = activity_id
        query.update(extra or {})
        return f"{self.origin}/content/index.html?{urlencode(query, quote_via=quote)}"

    def cmi5_launch(self, actor: dict[str, Any], registration: str, activity_id: str, launch_data: dict[str, Any],
                    token: str) -> str:  # fmt: skip
        """Store LMS.LaunchData and return the AU launch URL with a fresh fetch URL (cmi5 8.1)."""
        key = (activity_id, agent_key(json.dumps(actor)), registration, "LMS.LaunchData")
        self.state.states[key] = json.dumps(launch_data).encode()
        query = {"endpoint": f"{self.origin}/xapi", "fetch": f"{self.origin}/fetch/{token}",
                 "actor": json.dumps(actor), "registration": registration, "activityId": activity_id}  # fmt: skip
        return f"{self.origin}/content/index.html?{urlencode(query, quote_via=quote)}"

    def state_document(
        self, activity_id: str, actor: dict[str, Any], registration: str, state_id: str
    ) -> Any:
        raw = self.state.states.get(
            (activity_id, agent_key(json.dumps(actor)), registration, state_id)
        )
        return json.loads(raw) if raw else None

    @property
    def last_cmi(self) -> dict[str, Any]:
        return self.state.commits[-1]["cmi"] if self.state.commits else {}


def initial_cmi(package: ImportedPackage, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The data an LMS hands a new session (RTE: entry, mode, credit, stored data)."""
    if package.standard == "scorm12":
        core: dict[str, Any] = {"student_id": "learner1", "student_name": "Learner, Test",
                                "lesson_mode": "normal", "credit": "credit", "entry": "ab-initio"}  # fmt: skip
        data: dict[str, Any] = {"core": core}
        if package.mastery_score is not None:
            data["student_data"] = {"mastery_score": package.mastery_score}
        if previous and previous.get("core", {}).get("exit") == "suspend":
            core["entry"] = "resume"
            core["lesson_location"] = previous["core"].get("lesson_location", "")
            core["lesson_status"] = previous["core"].get("lesson_status", "")
            data["suspend_data"] = previous.get("suspend_data", "")
        return data
    data = {"learner_id": "learner1", "learner_name": "Learner, Test", "mode": "normal",
            "credit": "credit", "entry": "ab-initio"}  # fmt: skip
    if package.scaled_passing_score is not None:
        data["scaled_passing_score"] = package.scaled_passing_score
    if previous and previous.get("exit") == "suspend":
        data["entry"] = "resume"
        data["location"] = previous.get("location", "")
        data["suspend_data"] = previous.get("suspend_data", "")
    return data
