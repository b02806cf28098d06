"""The preview's LMS: its builds, the learner's sessions and record, the commits, the
inspector's controls, the xAPI and cmi5 launch, and cmi5's move-on rule.

It knows nothing of HTTP (``server`` serves it). Events (a new build, a broken edit,
a commit, a statement) are published for the player page's event stream.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from coursepack.diagnostics import Diagnostic
from coursepack.preview.attempts import Learner, NoNewAttempt, Provided
from coursepack.preview.builder import Build, Builder
from coursepack.preview.lrs import PAGE_TOKEN, SESSION_EXTENSION, Reply, Store

ACTOR = {"objectType": "Agent", "name": "Learner, Test", "mbox": "mailto:learner@example.org"}
CMI5_MODES = {"normal": "Normal", "browse": "Browse", "review": "Review"}
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"


@dataclass
class Events:
    """An append-only list of events; readers wait for the ones after theirs."""

    items: list[dict[str, Any]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    closed: bool = False

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        with self.changed:
            self.items.append({"id": len(self.items) + 1, "kind": kind, "data": data})
            self.changed.notify_all()

    def after(self, seen: int, timeout: float) -> list[dict[str, Any]]:
        with self.changed:
            if len(self.items) <= seen and not self.closed:
                self.changed.wait(timeout)
            return self.items[seen:]

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


class PreviewState:
    """Everything the preview's LMS knows: the builds, the learner, the LRS."""

    def __init__(
        self, builder: Builder, store: Store, relative_to: Path, lms: str = "moodle"
    ) -> None:
        self.builder = builder
        self.fmt = builder.fmt
        self.store = store
        self.events = Events()
        self.relative_to = relative_to
        self.current: Build | None = None
        self.broken: list[str] = []
        self.provided = Provided()
        # "moodle", or "openedx": Open edX's SCORM XBlock (profile "lenient" of lms.js).
        self.lms = lms
        profile = "lenient" if lms == "openedx" else "moodle"
        self.learner = (
            Learner(self.fmt, self.provided, profile) if self.fmt.startswith("scorm") else None
        )
        self.fail_commits = 0
        self.registration = str(uuid.uuid4())
        self.outcomes: dict[str, set[str]] = {}  # registration -> completed/passed/satisfied
        self.session_number = 0
        self.lock = threading.Lock()
        store.on_statement = self._statement

    # ---------------------------------------------------------------- builds

    def rebuild(self) -> bool:
        """Build again; on failure keep the last good build and publish the errors."""
        from coursepack.errors import CourseError, CoursepackError

        try:
            build = self.builder.build()
        except CourseError as exc:
            self.broken = [self._shown(d) for d in exc.diagnostics] or [str(exc)]
            self.events.publish("broken", {"diagnostics": self.broken})
            return False
        except CoursepackError as exc:
            self.broken = [str(exc)]
            self.events.publish("broken", {"diagnostics": self.broken})
            return False
        except Exception as exc:  # a bug must not silently end live reload
            self.broken = [f"coursepack failed to build: {type(exc).__name__}: {exc}"]
            self.events.publish("broken", {"diagnostics": self.broken})
            return False
        with self.lock:
            self.current = build
            self.broken = []
            if self.learner is not None and build.launch.mastery is not None:
                self.provided.mastery_score = build.launch.mastery
        self.events.publish(
            "build",
            {"number": build.number, "warnings": [self._shown(d) for d in build.diagnostics]},
        )
        return True

    def _shown(self, diagnostic: Diagnostic) -> str:
        return diagnostic.format(self.relative_to)

    # --------------------------------------------------------------- session

    def session(self, origin: str) -> dict[str, Any]:
        """What the player needs for the next launch of the current build."""
        build = self.current
        events = len(self.events.items)
        if build is None:
            return {"format": self.fmt, "broken": self.broken, "build": None, "events": events}
        with self.lock:
            self.session_number += 1
            number = self.session_number
        base = f"/content/{build.number}/{build.launch.href}"
        reply: dict[str, Any] = {
            "format": self.fmt,
            "build": build.number,
            "broken": self.broken,
            "provided": asdict(self.provided),
            "warnings": [self._shown(d) for d in build.diagnostics],
            "events": events,
        }
        if self.learner is not None:
            reply["profile"] = self.learner.profile
            reply["initial"] = self.learner.initial()
            reply["attempt"] = len(self.learner.attempts) or 1
            reply["launch"] = base
            return reply
        reply["attempt"] = self.registration
        reply["move_on"] = build.launch.move_on if self.fmt == "cmi5" else ""
        reply["launch"] = base + "?" + self._launch_query(build, origin, number)
        return reply

    def _actor(self) -> dict[str, Any]:
        return {**ACTOR, "name": self.provided.learner_name}

    def _launch_query(self, build: Build, origin: str, number: int) -> str:
        actor = json.dumps(self._actor())
        if self.fmt == "xapi":
            query = {"endpoint": f"{origin}/__cp/xapi/", "auth": f"Basic {PAGE_TOKEN}",
                     "actor": actor, "registration": self.registration,
                     "activity_id": build.launch.activity_id}  # fmt: skip
            return urlencode(query, quote_via=quote)
        session_id = f"preview-{number}"
        launch_data: dict[str, Any] = {
            "contextTemplate": {"extensions": {SESSION_EXTENSION: session_id}},
            "launchMode": CMI5_MODES.get(self.provided.mode, "Normal"),
            "moveOn": build.launch.move_on or "NotApplicable",
            "returnURL": f"{origin}/__cp/returned",
        }
        if build.launch.mastery is not None:
            launch_data["masteryScore"] = float(build.launch.mastery)
        self.store.put_state(
            build.launch.activity_id, self._actor(), self.registration, "LMS.LaunchData",
            launch_data,
        )  # fmt: skip
        if self.provided.language:
            self.store.put_profile(
                self._actor(), "cmi5LearnerPreferences",
                {"languagePreference": self.provided.language},
            )  # fmt: skip
        self.store.record(self._launched(build, session_id, launch_data))
        token = self.store.new_token()
        query = {"endpoint": f"{origin}/__cp/xapi", "fetch": f"{origin}/__cp/fetch/{token}",
                 "actor": actor, "registration": self.registration,
                 "activityId": build.launch.activity_id}  # fmt: skip
        return urlencode(query, quote_via=quote)

    def _launched(self, build: Build, session_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """cmi5 9.3.1: the LMS states "launched" before the AU runs."""
        return {
            "actor": self._actor(),
            "verb": {
                "id": "http://adlnet.gov/expapi/verbs/launched",
                "display": {"en-US": "launched"},
            },
            "object": {"id": build.launch.activity_id, "objectType": "Activity"},
            "context": {
                "registration": self.registration,
                "contextActivities": {
                    "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]
                },
                "extensions": {
                    SESSION_EXTENSION: session_id,
                    "https://w3id.org/xapi/cmi5/context/extensions/launchmode": data["launchMode"],
                    "https://w3id.org/xapi/cmi5/context/extensions/moveon": data["moveOn"],
                },
            },
        }

    # -------------------------------------------------------------- controls

    def commit(self, body: bytes) -> Reply:
        if self.learner is None:
            return Reply(404)
        values = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        final = values.pop("coursepack_final", None) == "1"
        with self.lock:
            if self.fail_commits > 0:
                self.fail_commits -= 1
                failed = True
            else:
                failed = False
                self.learner.record(values, final=final)
        self.events.publish(
            "commit",
            {"values": values, "final": final, "bytes": len(body), "stored": not failed},
        )
        if failed:
            return Reply(500, b"false", "text/plain")
        return Reply(200, b"true\n0", "text/plain")

    def control(self, action: dict[str, Any]) -> Reply:
        name = action.get("action")
        with self.lock:
            if name == "reset":
                if self.learner is not None:
                    self.learner.attempts.clear()
                self.store.reset()
                self.registration = str(uuid.uuid4())
            elif name == "new-attempt":
                if self.learner is not None:
                    try:
                        self.learner.new_attempt()
                    except NoNewAttempt as exc:
                        return Reply(409, json.dumps({"error": str(exc)}).encode())
                else:
                    self.registration = str(uuid.uuid4())
            elif name == "fail-commits":
                self.fail_commits = int(action.get("count", 1))
            elif name == "lrs-down":
                self.store.down = bool(action.get("down", True))
            elif name == "provide":
                self._provide(action.get("values") or {})
            else:
                return Reply(400, json.dumps({"error": f"unknown action {name!r}"}).encode())
        return Reply(200, json.dumps(self.status()).encode())

    def _provide(self, values: dict[str, Any]) -> None:
        if "learner_name" in values:
            self.provided.learner_name = str(values["learner_name"])[:255]
        if values.get("mode") in CMI5_MODES:
            self.provided.mode = str(values["mode"])
        if "mastery_score" in values:
            text = str(values["mastery_score"]).strip()
            self.provided.mastery_score = text or None
        if "language" in values:
            self.provided.language = str(values["language"]).strip()[:35]

    def status(self) -> dict[str, Any]:
        stored = dict(self.learner.current.values) if self.learner is not None else {}
        return {
            "fail_commits": self.fail_commits,
            "lrs_down": self.store.down,
            "provided": asdict(self.provided),
            "attempts": len(self.learner.attempts) if self.learner is not None else None,
            "stored": stored,
            "statements": len(self.store.statements),
        }

    def _statement(self, statement: dict[str, Any], status: int) -> None:
        self.events.publish("statement", {"status": status, "statement": statement})
        if status < 300 and self.fmt == "cmi5":
            self._move_on(statement)

    def _move_on(self, statement: dict[str, Any]) -> None:
        """cmi5 9.3.9 and 10: once the AU's moveOn criterion is met in a registration, the
        LMS states "satisfied" for the course, once."""
        build = self.current
        verb = str(statement.get("verb", {}).get("id", "")).rsplit("/", 1)[-1]
        registration = str(statement.get("context", {}).get("registration", ""))
        if build is None or registration != self.registration:
            return
        seen = self.outcomes.setdefault(registration, set())
        if verb in {"completed", "passed", "launched"}:
            seen.add(verb)
        rule = build.launch.move_on or "NotApplicable"
        met = {
            "Completed": "completed" in seen,
            "Passed": "passed" in seen,
            "CompletedAndPassed": {"completed", "passed"} <= seen,
            "CompletedOrPassed": bool({"completed", "passed"} & seen),
            "NotApplicable": "launched" in seen,
        }.get(rule, False)
        if not met or "satisfied" in seen:
            return
        seen.add("satisfied")
        self.store.record(
            {
                "actor": self._actor(),
                "verb": {"id": SATISFIED, "display": {"en-US": "satisfied"}},
                "object": {"id": build.launch.course_id, "objectType": "Activity"},
                "context": {
                    "registration": registration,
                    "contextActivities": {"category": [{"id": CMI5_CATEGORY}]},
                    "extensions": {
                        SESSION_EXTENSION: str(
                            statement.get("context", {})
                            .get("extensions", {})
                            .get(SESSION_EXTENSION, "")
                        )
                    },
                },
            }
        )
