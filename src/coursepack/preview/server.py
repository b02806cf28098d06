"""The preview's HTTP server, on 127.0.0.1 only.

``/`` is the player (``static/preview.html``), which holds the LMS-side SCORM API
(``static/lms.js``) and the course in a frame; ``/content/<build>/`` serves a build
(in chunks, with byte ranges); ``/__cp/`` is the LMS of ``coursepack.preview.lms``:
the session a launch gets, commits, the in-memory LRS and cmi5 fetch URLs, the
inspector's controls, and ``/__cp/events``, a server-sent event stream that
announces new builds, broken edits, commits and every statement received.
"""

from __future__ import annotations

import json
import mimetypes
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from coursepack.preview.lms import PreviewState
from coursepack.preview.lrs import PAGE_TOKEN, Reply

STATIC = Path(__file__).with_name("static")
HEARTBEAT_SECONDS = 15.0
CHUNK = 1024 * 1024
RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.kind)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _origin(self) -> str:
        return self.server.origin

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        state = self.server.state
        if path in {"/", "/index.html"}:
            self._file(STATIC, "preview.html")
        elif path.startswith("/__cp/static/"):
            self._file(STATIC, path.removeprefix("/__cp/static/"))
        elif path == "/__cp/session":
            self._json(state.session(self._origin()))
        elif path == "/__cp/status":
            self._json(state.status())
        elif path == "/__cp/events":
            after = self.headers.get("Last-Event-ID") or dict(parse_qsl(parts.query)).get("after")
            self._events(int(after) if after and after.isdigit() else 0)
        elif path == "/favicon.ico":
            self._reply(Reply(204, b"", "image/x-icon"))
        elif path == "/__cp/returned":
            self._reply(Reply(200, b"<!DOCTYPE html><title>LMS</title><p>Back in the LMS.</p>",
                              "text/html; charset=utf-8"))  # fmt: skip
        elif path.startswith("/__cp/xapi/"):
            self._xapi("GET")
        elif path.startswith("/content/"):
            self._content(path.removeprefix("/content/"))
        else:
            self._reply(Reply(404, b"not found", "text/plain"))

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_PUT(self) -> None:
        self._xapi("PUT")

    def do_DELETE(self) -> None:
        self._xapi("DELETE")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        state = self.server.state
        if path == "/__cp/commit":
            self._reply(state.commit(self._body()))
        elif path == "/__cp/control":
            try:
                action = json.loads(self._body() or b"{}")
            except ValueError:
                action = {}
            self._reply(state.control(action if isinstance(action, dict) else {}))
        elif path.startswith("/__cp/fetch/"):
            self._body()
            self._reply(state.store.fetch(path.removeprefix("/__cp/fetch/")))
        else:
            self._xapi("POST")

    def _xapi(self, method: str) -> None:
        parts = urlsplit(self.path)
        if not parts.path.startswith("/__cp/xapi/"):
            self._reply(Reply(404))
            return
        body = self._body() if method != "GET" else b""
        if self.headers.get("Authorization") != f"Basic {PAGE_TOKEN}":
            self._reply(Reply(401, b'{"error": "not this preview\'s token"}'))
            return
        route = parts.path.removeprefix("/__cp/xapi/").strip("/")
        self._reply(self.server.state.store.handle(method, route, parts.query, body))

    def _json(self, data: Any) -> None:
        self._reply(Reply(200, json.dumps(data).encode()))

    def _file(self, root: Path, relative: str) -> None:
        base = root.resolve()
        target = (base / relative).resolve()
        if base not in target.parents or not target.is_file():
            self._reply(Reply(404, b"not found", "text/plain"))
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in {"application/javascript", "text/javascript"}:
            kind += "; charset=utf-8"
        self._stream(target, kind)

    def _stream(self, target: Path, kind: str) -> None:
        """The file in chunks, never whole in memory, with byte ranges: Chromium seeks
        in a video by asking for ranges (RFC 9110 14)."""
        size = target.stat().st_size
        first, last = 0, size - 1
        try:
            wanted = _byte_range(self.headers.get("Range"), size)
        except _Unsatisfiable:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if wanted is not None:
            first, last = wanted
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(last - first + 1 if size else 0))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command == "HEAD" or not size:
            return
        with target.open("rb") as handle:
            handle.seek(first)
            remaining = last - first + 1
            while remaining > 0:
                chunk = handle.read(min(CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)

    def _content(self, rest: str) -> None:
        number, _, relative = rest.partition("/")
        folder = self.server.state.builder.workdir / f"build-{number}"
        if not number.isdigit() or not folder.is_dir():
            self._reply(Reply(404, b"this build is gone; reload the preview", "text/plain"))
            return
        self._file(folder, relative)

    def _events(self, seen: int) -> None:
        events = self.server.state.events
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            while not events.closed:
                fresh = events.after(seen, HEARTBEAT_SECONDS)
                if not fresh:
                    self.wfile.write(b": still here\n\n")
                for event in fresh:
                    payload = json.dumps(event["data"])
                    self.wfile.write(
                        f"id: {event['id']}\nevent: {event['kind']}\ndata: {payload}\n\n".encode()
                    )
                    seen = event["id"]
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class _Unsatisfiable(Exception):
    """A range outside the file (answered 416)."""


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """One ``bytes=a-b`` range as (first, last), or ``None`` for the whole file."""
    match = RANGE.fullmatch(header.strip()) if header else None
    if match is None or not size:
        return None
    start, end = match.groups()
    if not start:  # the last N bytes
        if not end or int(end) == 0:
            raise _Unsatisfiable
        return max(0, size - int(end)), size - 1
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if first >= size or last < first:
        raise _Unsatisfiable
    return first, last


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, state: PreviewState) -> None:
        # Loopback only: the preview holds an author's drafts and a learner's data.
        super().__init__(("127.0.0.1", port), _Handler)
        self.state = state
        self.host = "127.0.0.1"
        self.port = int(self.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A tab closed while its answer was being written (unload beacons, a reload):
        # nothing went wrong, and the author's terminal must not show a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class PreviewServer:
    """``start()``, then ``url``; ``stop()`` ends every connection and thread."""

    def __init__(self, state: PreviewState, port: int = 0) -> None:
        self.state = state
        self._server = _Server(port, state)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return self._server.origin + "/"

    @property
    def address(self) -> tuple[str, int]:
        return self._server.host, self._server.port

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.state.events.close()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
