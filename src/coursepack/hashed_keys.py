"""Answer keys kept out of the page source, as salted SHA-256 digests.

When a quiz's ``review`` is ``feedback`` or ``none`` the learner is never shown the
expected answer, so the page need not carry it: each key becomes the digest of the
normalised answer with a per-question salt, and the runtime compares digests
(runtime/core.js, ``isCorrect``). This is deterrence, not security: the runtime can
check an answer, so anyone can, by trying every option. Numeric ranges stay readable
(a range cannot be hashed); exact numbers are hashed.

Without the answer, the page cannot report it either: SCORM ``correct_responses`` and
xAPI ``correctResponsesPattern`` are left out for these quizzes.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from coursepack.model import (
    FillIn,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
)

HIDDEN_REVIEWS = frozenset({"feedback", "none"})


def digest(salt: str, text: str) -> str:
    return hashlib.sha256(f"{salt}|{text}".encode()).hexdigest()


def salt_for(course_id: str, version: str, question_id: str) -> str:
    # Derived, not random: builds stay byte-identical (SOURCE_DATE_EPOCH, no clock).
    return hashlib.sha256(f"{course_id}/{version}/{question_id}".encode()).hexdigest()[:16]


def normalise(text: str, case_sensitive: bool) -> str:
    """The runtime's ``normalise``: spaces collapsed and trimmed, case folded."""
    collapsed = re.sub(r"\s+", " ", text).strip()
    return collapsed if case_sensitive else collapsed.lower()


def js_number(value: float) -> str:
    """``String(n)`` in JavaScript for the numbers authors write (5, 2.5)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def match_token(salt: str, pair_id: str) -> str:
    """A matching target's option value: not its id, so the source pairs nothing up."""
    return digest(salt, f"match:{pair_id}")[:10]


def hide(question: Question, key: dict[str, Any], salt: str) -> dict[str, Any]:
    """``key`` (see coursepack.render.answer_key) without its plain answer."""
    hidden = {k: v for k, v in key.items() if k not in {"correct", "answer"}}
    hidden["salt"] = salt
    if isinstance(question, SingleChoice | MultipleResponse):
        correct = sorted(o.id for o in question.options if o.correct)
        hidden["digest"] = digest(salt, ",".join(correct))
    elif isinstance(question, TrueFalse):
        hidden["digest"] = digest(salt, "1" if question.answer else "0")
    elif isinstance(question, FillIn):
        hidden["digests"] = sorted(
            {digest(salt, normalise(a, question.case_sensitive)) for a in question.answers}
        )
    elif isinstance(question, Numeric):
        low, high = question.bounds()
        if low == high:
            hidden.pop("min", None)
            hidden.pop("max", None)
            hidden["digest"] = digest(salt, js_number(low))
        else:
            return {**key, "salt": salt}
    elif isinstance(question, Ordering):
        hidden["items"] = sorted(i.id for i in question.items)
        hidden["digest"] = digest(salt, ",".join(i.id for i in question.items))
    elif isinstance(question, Matching):
        hidden["pairs"] = sorted(p.id for p in question.pairs)
        hidden["tokens"] = True
    return hidden
