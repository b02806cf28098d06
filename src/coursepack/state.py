"""The learner's resume state: its encoding, mirrored from the runtime, and its
worst-case size.

SCORM 1.2 keeps at most 4096 characters of ``cmi.suspend_data`` and SCORM 2004 at
most 64000 (standards.md 1.I). A state that outgrows the limit is refused by the
LMS and the learner's work is lost, so the build computes the largest state the
course can produce and refuses (or warns about) a course that could overflow.

The encoding (version 2) is JSON keyed by stable ids, so a changed course restores
what still matches and drops the rest::

    {"v":2,"k":<seed>,"s":[<seen lesson ids>],
     "q":{<quiz id>:{"n":<attempts>,"b":<best %>,"p":<passed 0/1>,"o":<open 0/1>,
                     "r":{<question id>:<response>},"t":{<question id>:<tries>}}}}

Responses are compact strings: an option id; ids joined with ','; '1'/'0' for
true/false; 'source:target' pairs joined with ','; or the typed text.
"""

from __future__ import annotations

import json
from typing import Any

from coursepack.model import (
    Course,
    FillIn,
    Likert,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
)

STATE_VERSION = 2
NUMERIC_MAX_LENGTH = 24  # the runtime's maxlength on numeric inputs
SEED_MAX = 4294967295
UNLIMITED_ATTEMPTS_DIGITS = 9999


def _longest_response(question: Question) -> str:
    if isinstance(question, SingleChoice):
        return max((o.id for o in question.options), key=len)
    if isinstance(question, Likert):
        return max((p.id for p in question.scale), key=len)
    if isinstance(question, MultipleResponse):
        return ",".join(o.id for o in question.options)
    if isinstance(question, Ordering):
        return ",".join(i.id for i in question.items)
    if isinstance(question, TrueFalse):
        return "1"
    if isinstance(question, Matching):
        longest = max((p.id for p in question.pairs), key=len)
        return ",".join(f"{p.id}:{longest}" for p in question.pairs)
    if isinstance(question, Numeric):
        return "9" * NUMERIC_MAX_LENGTH
    assert isinstance(question, FillIn)
    # The costliest text the runtime stores: every character a quote, which JSON
    # writes as two ('\\"'). The runtime removes control characters and lone
    # surrogates from typed text, whose six-character escapes would cost more.
    return '"' * question.max_length


def worst_case_state(course: Course) -> dict[str, Any]:
    quizzes: dict[str, Any] = {}
    for quiz in course.quizzes():
        attempts = quiz.attempts or UNLIMITED_ATTEMPTS_DIGITS
        quizzes[quiz.id] = {
            "n": attempts,
            "b": 99.99,
            "p": 1,
            "o": 1,
            "r": {q.id: _longest_response(q) for q in quiz.questions},
            "t": {q.id: q.attempts for q in quiz.questions if q.attempts > 1},
        }
    state: dict[str, Any] = {
        "v": STATE_VERSION,
        "k": SEED_MAX,
        "s": [lesson.id for lesson in course.lessons()],
        "q": quizzes,
    }
    # A scenario's path: the ids of the steps chosen, along the run that writes most.
    paths = {
        scenario.id: scenario.costliest_path(lambda step: len(step) + 3)
        for scenario in course.scenarios()
    }
    paths = {key: path for key, path in paths.items() if path}
    if paths:
        state["c"] = paths
    return state


def worst_case_size(course: Course) -> int:
    """Characters of the largest resume state the runtime can write for this course."""
    encoded = json.dumps(worst_case_state(course), ensure_ascii=False, separators=(",", ":"))
    return len(encoded)
