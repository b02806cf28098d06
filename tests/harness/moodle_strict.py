"""A check layer with Moodle's stricter data-model formats (standards.md 1.I).

scorm-again deliberately relaxes several SCORM limits (1.2 suspend_data up to 64000,
one-digit hours, identifiers), so a value it accepts may still be refused by Moodle
with error 405/406. Every SetValue of a test run goes through :func:`problems`.
Written from the format table in standards.md, not from Moodle's (GPL) code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

DECIMAL_12 = re.compile(r"^-?([0-9]{0,3})(\.[0-9]*)?$")
DECIMAL_2004 = re.compile(r"^-?([0-9]{1,5})(\.[0-9]{1,18})?$")
TIMESPAN_12 = re.compile(r"^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,2})?$")
TIME_12 = re.compile(r"^([0-2][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]{1,2})?$")
DURATION_2004 = re.compile(
    r"^P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+(?:\.[0-9]{1,2})?)S)?)?$"
)
TIMESTAMP_2004 = re.compile(
    r"^([0-9]{4})-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,2})?(Z|[+-][0-9]{2}(:[0-9]{2})?)?$"
)
SHORT_ID_2004 = re.compile(r"^[\w.]{1,250}$", re.ASCII)
PRINTABLE_12 = re.compile(r"^[\u0021-\u007e]{1,255}$")

STATUS_12 = {"passed", "completed", "failed", "incomplete", "browsed"}  # never "not attempted"
TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
}
RESULT_12 = {"correct", "wrong", "unanticipated", "neutral"}
RESULT_2004 = {"correct", "incorrect", "unanticipated", "neutral"}


def _in_range(value: str, low: float, high: float) -> bool:
    try:
        return low <= float(value) <= high
    except ValueError:
        return False


def _scorm12(element: str, value: str) -> str | None:
    if element == "cmi.core.lesson_status":
        return None if value in STATUS_12 else "not a status Moodle accepts"
    if element.startswith("cmi.core.score."):
        ok = DECIMAL_12.match(value) and _in_range(value, 0, 100)
        return None if ok else "score must be a CMIDecimal in 0..100"
    if element == "cmi.core.session_time":
        return (
            None if TIMESPAN_12.match(value) else "session_time needs HH:MM:SS with 2-4 hour digits"
        )
    if element == "cmi.core.lesson_location":
        return None if len(value) <= 255 else "lesson_location over 255 characters"
    if element == "cmi.suspend_data":
        return None if len(value) <= 4096 else "suspend_data over 4096 characters (CMIString4096)"
    if element == "cmi.core.exit":
        return None if value in {"", "suspend", "time-out", "logout"} else "bad exit"
    if re.fullmatch(r"cmi\.interactions\.\d+\.id", element):
        return (
            None
            if PRINTABLE_12.match(value)
            else "interaction id must be printable ASCII without spaces"
        )
    if element.endswith(".type"):
        return None if value in TYPES else "unknown interaction type"
    if element.endswith(".time"):
        return None if TIME_12.match(value) else "interaction time must be HH:MM:SS"
    if element.endswith(".result"):
        return (
            None
            if value in RESULT_12 or DECIMAL_12.match(value)
            else "1.2 result is correct/wrong/…"
        )
    if element.endswith(".weighting"):
        return None if DECIMAL_12.match(value) and _in_range(value, -100, 100) else "bad weighting"
    if element.endswith(".student_response") or element.endswith(".pattern"):
        return None if len(value) <= 255 else "response over 255 characters"
    return None


def _short_ids(value: str, separators: tuple[str, ...]) -> bool:
    parts = [value]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return all(SHORT_ID_2004.match(part) for part in parts)


def _scorm2004(element: str, value: str, types: dict[str, str]) -> str | None:
    if element == "cmi.completion_status":
        return (
            None
            if value in {"completed", "incomplete", "not attempted", "unknown"}
            else "bad status"
        )
    if element == "cmi.success_status":
        return None if value in {"passed", "failed", "unknown"} else "bad status"
    if element == "cmi.score.scaled":
        return None if _in_range(value, -1, 1) else "scaled must be in -1..1"
    if element in {"cmi.score.raw", "cmi.score.min", "cmi.score.max"}:
        return None if DECIMAL_2004.match(value) else "not a Moodle 2004 decimal"
    if element == "cmi.progress_measure":
        return None if _in_range(value, 0, 1) else "progress_measure must be in 0..1"
    if element == "cmi.session_time":
        return None if DURATION_2004.match(value) else "duration without weeks, ≤2 decimals"
    if element == "cmi.location":
        return None if len(value) <= 1000 else "location over 1000 characters"
    if element == "cmi.suspend_data":
        return None if len(value) <= 64000 else "suspend_data over 64000 characters"
    if element == "cmi.exit":
        return None if value in {"normal", "suspend"} else "exit should be normal or suspend"
    if element == "adl.nav.request":
        return "_none_ is refused by Moodle" if value == "_none_" else None
    match = re.fullmatch(r"cmi\.interactions\.(\d+)\.(.+)", element)
    if not match:
        return None
    index, field = match.groups()
    if field == "id":
        return None if 0 < len(value) <= 4000 else "interaction id length"
    if field == "type":
        types[index] = value
        return None if value in TYPES else "unknown interaction type"
    if field == "timestamp":
        found = TIMESTAMP_2004.match(value)
        return (
            None if found and int(found.group(1)) <= 2038 else "timestamp: ≤2 decimals, year ≤2038"
        )
    if field == "result":
        return (
            None
            if value in RESULT_2004 or DECIMAL_2004.match(value)
            else "2004 result is correct/incorrect/…"
        )
    if field == "description":
        return None if len(value) <= 250 else "description over 250 characters"
    if field in {"learner_response", "correct_responses.0.pattern"}:
        kind = types.get(index)
        if kind in {"choice", "sequencing", "likert"}:
            return None if _short_ids(value, ("[,]",)) else "choice ids must match [\\w.]"
        if kind == "matching":
            return None if _short_ids(value, ("[,]", "[.]")) else "matching ids must match [\\w.]"
        if kind == "true-false":
            return None if value in {"true", "false"} else "true-false is true/false"
    return None


def problems(standard: str, calls: Iterable[dict[str, Any]]) -> list[str]:
    """Every SetValue that Moodle would refuse, and interaction indices out of order."""
    found: list[str] = []
    types: dict[str, str] = {}
    next_index = 0
    setter = "LMSSetValue" if standard == "scorm12" else "SetValue"
    for call in calls:
        if call["method"] != setter:
            continue
        element, value = call["args"][0], str(call["args"][1])
        if call["error"] != "0":
            found.append(f"{element}={value!r}: LMS error {call['error']}")
        index = re.fullmatch(r"cmi\.interactions\.(\d+)\.id", element)
        if index:
            if int(index.group(1)) > next_index:
                found.append(f"{element}: index skips ahead of _count ({next_index})")
            next_index = max(next_index, int(index.group(1)) + 1)
        problem = (
            _scorm12(element, value) if standard == "scorm12" else _scorm2004(element, value, types)
        )
        if problem:
            found.append(f"{element}={value!r}: {problem}")
    return found
