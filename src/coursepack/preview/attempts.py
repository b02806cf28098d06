"""The learner's record on the LMS side: Moodle's attempts (standards.md 3.6).

An attempt whose status is ``incomplete`` (or never set) is resumed; ``entry`` is
``resume`` only after ``exit=suspend``; a new attempt exists only after a finished
one. Each session starts from what the attempt stored, with what the LMS provides
(learner, mode, mastery score, language). Profile ``lenient`` plays Open edX's SCORM
XBlock, which hands back what it stored and has no ``entry``. Used by
``coursepack preview`` and by the test suite's Moodle-faithful LMS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coursepack.errors import CoursepackError

STATUS = {"scorm12": "cmi.core.lesson_status", "scorm2004": "cmi.completion_status"}
_DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?"
)


class NoNewAttempt(CoursepackError):
    """Moodle offers "Start a new attempt" only after a finished attempt."""


@dataclass
class Attempt:
    values: dict[str, str] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)  # every post received
    total_seconds: float = 0.0


@dataclass
class Provided:
    """What the LMS hands every session, as an administrator or teacher sets it."""

    learner_id: str = "learner1"
    learner_name: str = "Learner, Test"
    mode: str = "normal"  # normal, browse or review
    mastery_score: str | None = None  # 1.2 masteryscore / 2004 scaled_passing_score
    language: str = ""


@dataclass
class Learner:
    """One learner's attempts at one SCORM package."""

    standard: str  # "scorm12" or "scorm2004"
    provided: Provided = field(default_factory=Provided)
    profile: str = "moodle"
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def current(self) -> Attempt:
        if not self.attempts:
            self.attempts.append(Attempt())
        return self.attempts[-1]

    def status(self, attempt: Attempt) -> str:
        return attempt.values.get(STATUS[self.standard], "")

    def finished(self, attempt: Attempt) -> bool:
        return self.status(attempt) not in {"", "incomplete", "not attempted"}

    def new_attempt(self) -> None:
        if not self.finished(self.current):
            raise NoNewAttempt(
                f"attempt {len(self.attempts)} is not finished: Moodle resumes it and offers "
                "no new attempt"
            )
        self.attempts.append(Attempt())

    def record(self, values: dict[str, str], *, final: bool) -> None:
        """A commit (or the final one, at LMSFinish/Terminate) as Moodle stores it."""
        attempt = self.current
        attempt.requests.append(values)
        attempt.values.update(values)
        if final:
            time = values.get("cmi.core.session_time") or values.get("cmi.session_time")
            if time:
                attempt.total_seconds += seconds(time)

    def initial(self) -> dict[str, str]:
        """What the LMS hands the next session of the current attempt."""
        return self._initial_12() if self.standard == "scorm12" else self._initial_2004()

    def _credit(self) -> str:
        return "credit" if self.provided.mode == "normal" else "no-credit"

    def _initial_12(self) -> dict[str, str]:
        p, v = self.provided, self.current.values
        data = {"cmi.core.student_id": p.learner_id, "cmi.core.student_name": p.learner_name,
                "cmi.core.lesson_mode": p.mode, "cmi.core.credit": self._credit(),
                "cmi.core.entry": "ab-initio"}  # fmt: skip
        if p.mastery_score is not None:
            data["cmi.student_data.mastery_score"] = p.mastery_score
        if p.language:
            data["cmi.student_preference.language"] = p.language
        for key in ("cmi.core.lesson_status", "cmi.core.lesson_location", "cmi.suspend_data",
                    "cmi.core.score.raw"):  # fmt: skip
            if key in v:
                data[key] = v[key]
        if v.get("cmi.core.exit") == "suspend":
            data["cmi.core.entry"] = "resume"
        return data

    def _initial_2004(self) -> dict[str, str]:
        p, v = self.provided, self.current.values
        data = {"cmi.learner_id": p.learner_id, "cmi.learner_name": p.learner_name,
                "cmi.mode": p.mode, "cmi.credit": self._credit(), "cmi.entry": "ab-initio"}  # fmt: skip
        if p.mastery_score is not None:
            data["cmi.scaled_passing_score"] = p.mastery_score
        if p.language:
            data["cmi.learner_preference.language"] = p.language
        # Previous data is restored only after exit=suspend (standards.md 2.2 §3).
        if v.get("cmi.exit") == "suspend":
            data["cmi.entry"] = "resume"
            for key, value in v.items():
                if not key.startswith(("cmi.exit", "cmi.session_time", "cmi.entry")):
                    data[key] = value
        if self.profile == "lenient":
            # The XBlock stores what it was sent and hands it back; it has no entry.
            data = {k: val for k, val in {**data, **v}.items() if k != "cmi.entry"}
        return data


def seconds(value: str) -> float:
    """A 1.2 timespan or a 2004 duration in seconds (0 for a value Moodle would refuse)."""
    if ":" in value:
        try:
            hours, minutes, secs = value.split(":")
            return int(hours) * 3600 + int(minutes) * 60 + float(secs)
        except ValueError:
            return 0.0
    match = _DURATION.fullmatch(value)
    if match is None:
        return 0.0
    y, mo, d, h, mi, s = (float(g) if g else 0.0 for g in match.groups())
    return ((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + s
