"""The xAPI and cmi5 side of the preview: an in-memory LRS and the cmi5 launch.

It answers what coursepack's runtime asks of an LRS (statements, the State API, the
agent profile) and of a cmi5 LMS (the one-time fetch URL, ``LMS.LaunchData``, the
``launched`` statement, cmi5 8 and 9.3.1). With ``forward`` set, statements also go
to a real LRS, authorised with credentials the author keeps in the environment: the
page only ever sees the preview's own token.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from coursepack.clock import now

XAPI_VERSION = "1.0.3"
SESSION_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
# The token the preview hands the content; it opens nothing but this preview.
PAGE_TOKEN = base64.b64encode(b"coursepack:preview").decode()


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    kind: str = "application/json"


@dataclass(frozen=True)
class Forward:
    """A real LRS the statements are copied to; ``authorization`` never leaves Python."""

    endpoint: str
    authorization: str

    def send(self, method: str, suffix: str, body: bytes) -> Reply:
        request = urllib.request.Request(
            self.endpoint.rstrip("/") + "/" + suffix,
            data=body,
            method=method,
            headers={
                "Authorization": self.authorization,
                "Content-Type": "application/json",
                "X-Experience-API-Version": XAPI_VERSION,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read())
        except (OSError, ValueError) as exc:
            return Reply(502, json.dumps({"error": f"the LRS did not answer: {exc}"}).encode())


def forward_from_env(endpoint: str, environ: dict[str, str]) -> Forward:
    """``COURSEPACK_LRS_KEY`` and ``COURSEPACK_LRS_SECRET`` (Basic), or a whole
    ``COURSEPACK_LRS_AUTH`` header value."""
    from coursepack.errors import UsageError

    if environ.get("COURSEPACK_LRS_AUTH"):
        return Forward(endpoint, environ["COURSEPACK_LRS_AUTH"])
    key, secret = environ.get("COURSEPACK_LRS_KEY"), environ.get("COURSEPACK_LRS_SECRET")
    if not key or not secret:
        raise UsageError(
            "--lrs needs the LRS credentials in the environment: COURSEPACK_LRS_KEY and "
            "COURSEPACK_LRS_SECRET (or COURSEPACK_LRS_AUTH); they are never written to disk"
        )
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return Forward(endpoint, f"Basic {token}")


@dataclass
class Store:
    """Statements, state documents and fetch tokens of one preview."""

    forward: Forward | None = None
    down: bool = False  # "LRS outage": every statement request answers 503
    statements: list[dict[str, Any]] = field(default_factory=list)
    states: dict[tuple[str, str, str, str], bytes] = field(default_factory=dict)
    profiles: dict[tuple[str, str], bytes] = field(default_factory=dict)
    tokens: dict[str, bool] = field(default_factory=dict)  # token -> already fetched
    on_statement: Callable[[dict[str, Any], int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.statements.clear()
            self.states.clear()
            self.tokens.clear()

    # ------------------------------------------------------------------ cmi5

    def new_token(self) -> str:
        token = uuid.uuid4().hex
        with self.lock:
            self.tokens[token] = False
        return token

    def fetch(self, token: str) -> Reply:
        """cmi5 8.2.2: a fetch URL hands out its token once."""
        with self.lock:
            used = self.tokens.get(token)
            if used is None or used:
                reply = {"error-code": "1", "error-text": "this fetch URL was already used"}
            else:
                self.tokens[token] = True
                reply = {"auth-token": PAGE_TOKEN}
        return Reply(200, json.dumps(reply).encode())

    def put_state(
        self, activity: str, agent: dict[str, Any], registration: str, state_id: str,
        document: dict[str, Any],
    ) -> None:  # fmt: skip
        key = (activity, agent_key(json.dumps(agent)), registration, state_id)
        with self.lock:
            self.states[key] = json.dumps(document).encode()

    def put_profile(self, agent: dict[str, Any], profile_id: str, document: dict[str, Any]) -> None:
        with self.lock:
            self.profiles[(agent_key(json.dumps(agent)), profile_id)] = json.dumps(
                document
            ).encode()

    def record(self, statement: dict[str, Any]) -> Reply:
        """A statement the LMS itself issues (cmi5 ``launched``)."""
        return self._statements("POST", "", json.dumps(statement).encode())

    # ---------------------------------------------------------------- routes

    def handle(self, method: str, route: str, query: str, body: bytes) -> Reply:
        params = dict(parse_qsl(query, keep_blank_values=True))
        if route == "statements":
            return self._statements(method, query, body)
        if route == "activities/state":
            return self._state(method, params, body)
        if route == "agents/profile":
            key = (agent_key(params.get("agent", "")), params.get("profileId", ""))
            with self.lock:
                found = self.profiles.get(key)
            return Reply(200, found) if found is not None and method == "GET" else Reply(404)
        return Reply(404)

    def _statements(self, method: str, query: str, body: bytes) -> Reply:
        if method == "GET":
            if self.down:
                return Reply(503, b'{"error": "LRS unavailable (simulated outage)"}')
            with self.lock:
                return Reply(200, json.dumps({"statements": self.statements, "more": ""}).encode())
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return Reply(400, b'{"error": "not JSON"}')
        batch = payload if isinstance(payload, list) else [payload]
        if self.down:
            self._report(batch, 503)
            return Reply(503, b'{"error": "LRS unavailable (simulated outage)"}')
        params = dict(parse_qsl(query))
        ids = []
        for statement in batch:
            if not isinstance(statement, dict):
                return Reply(400, b'{"error": "a statement is an object"}')
            statement.setdefault("id", params.get("statementId") or str(uuid.uuid4()))
            statement.setdefault("stored", now().isoformat())
            ids.append(statement["id"])
        status = 204 if method == "PUT" else 200
        reply = Reply(status, b"" if method == "PUT" else json.dumps(ids).encode())
        if self.forward is not None:
            forwarded = self.forward.send(
                method, "statements" + (f"?{query}" if query else ""), body
            )
            if forwarded.status >= 300:
                reply = forwarded
        with self.lock:
            if reply.status < 300:
                self.statements.extend(batch)
        self._report(batch, reply.status)
        return reply

    def _report(self, batch: list[Any], status: int) -> None:
        if self.on_statement is not None:
            for statement in batch:
                if isinstance(statement, dict):
                    self.on_statement(statement, status)

    def _state(self, method: str, params: dict[str, str], body: bytes) -> Reply:
        key = (params.get("activityId", ""), agent_key(params.get("agent", "")),
               params.get("registration", ""), params.get("stateId", ""))  # fmt: skip
        with self.lock:
            if method == "PUT":
                self.states[key] = body
                return Reply(204)
            if method == "POST":
                try:
                    merged = {
                        **json.loads(self.states.get(key, b"{}")),
                        **json.loads(body or b"{}"),
                    }
                except (ValueError, TypeError):
                    return Reply(400, b'{"error": "a merged state document is a JSON object"}')
                self.states[key] = json.dumps(merged).encode()
                return Reply(204)
            if method == "DELETE":
                self.states.pop(key, None)
                return Reply(204)
            found = self.states.get(key)
        return Reply(200, found) if found is not None else Reply(404)


def agent_key(agent: str) -> str:
    """An xAPI agent as the State API matches it: its JSON with sorted keys."""
    try:
        return json.dumps(json.loads(agent), sort_keys=True)
    except ValueError:
        return agent
