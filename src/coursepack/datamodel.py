"""The largest SCORM 2004 data model a learner can make the package write, in bytes as
Moodle posts it.

Moodle's 2004 runtime sends every non-default element on every Commit, and at
unload it sends them with ``navigator.sendBeacon``, which Chromium refuses above
64 KiB in flight (standards.md 3.6). The runtime keeps one interaction per question
(a new attempt overwrites it), so the worst case is bounded: every question answered
with its longest response, the longest location, the largest resume state. The build
refuses a SCORM 2004 package whose worst case exceeds :data:`BUDGET`.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from coursepack.model import (
    Course,
    FillIn,
    Likert,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    Scenario,
    ScenarioStep,
    SingleChoice,
    TrueFalse,
    interaction_id,
)
from coursepack.state import NUMERIC_MAX_LENGTH, worst_case_state

# Well under Chromium's 64 KiB keepalive budget, leaving room for the request's
# other fields and for an LMS that adds its own elements.
BUDGET = 48 * 1024
DESCRIPTION_LIMIT = 100  # adapter-scorm2004.js
RESPONSE_LIMIT = 250  # adapter-scorm2004.js slices fill-in responses to this
# encodeURIComponent of one UTF-16 unit of free text is at most 6 bytes ('é' is
# %C3%A9; a JSON-escaped quote, \", is %5C%22).
FREE_TEXT_BYTES = 6
# Elements the LMS itself sets (learner_id, learner_name, mode, credit, entry,
# launch_data, scaled_passing_score, ...), which Moodle also posts back.
LMS_ELEMENTS_BYTES = 1024
SESSION_TIME = "PT9999H59M59.99S"
TIMESTAMP = "2038-01-19T03:14:07.99Z"


def _encoded(value: str) -> int:
    return len(quote(value, safe="-_.!~*'()"))


def _field(name: str, value_bytes: int) -> int:
    """``&name=value``: the element name, the separators and the encoded value."""
    return len(name) + 2 + value_bytes


def correct_pattern(question: Question) -> str | None:
    """The 2004 correct-response pattern adapter-scorm2004.js writes (core.js correctPattern)."""
    if isinstance(question, Likert):
        return None
    if isinstance(question, TrueFalse):
        return "true" if question.answer else "false"
    if isinstance(question, Numeric):
        low, high = question.bounds()
        return f"{low}[:]{high}"
    if isinstance(question, Matching):
        return "[,]".join(f"{p.id}[.]{p.id}" for p in question.pairs)
    if isinstance(question, FillIn):
        prefix = "{case_matters=true}" if question.case_sensitive else ""
        return prefix + question.answers[0]
    if isinstance(question, Ordering):
        return "[,]".join(i.id for i in question.items)
    assert isinstance(question, SingleChoice | MultipleResponse)
    return "[,]".join(o.id for o in question.options if o.correct)


def _longest_response_bytes(question: Question) -> int:
    if isinstance(question, SingleChoice):
        return max(_encoded(o.id) for o in question.options)
    if isinstance(question, Likert):
        return max(_encoded(i.id) for i in question.scale)
    if isinstance(question, MultipleResponse):
        return _encoded("[,]".join(o.id for o in question.options))
    if isinstance(question, Ordering):
        return _encoded("[,]".join(i.id for i in question.items))
    if isinstance(question, TrueFalse):
        return len("false")
    if isinstance(question, Matching):
        longest = max((p.id for p in question.pairs), key=len)
        return _encoded("[,]".join(f"{p.id}[.]{longest}" for p in question.pairs))
    if isinstance(question, Numeric):
        return NUMERIC_MAX_LENGTH
    assert isinstance(question, FillIn)
    return min(question.max_length, RESPONSE_LIMIT) * FREE_TEXT_BYTES


def _interaction_bytes(index: int, question: Question) -> int:
    base = f"cmi.interactions.{index}."
    total = _field(base + "id", _encoded(question.id))
    total += _field(base + "type", len("true-false"))
    total += _field(base + "timestamp", _encoded(TIMESTAMP))
    # The description is the prompt's text, known now: its first 100 characters (the
    # Markdown source is at least as long as the plain text the runtime sends), plus
    # a no-break space that typography may add at each ; ! ? : % « » (%E2%80%AF).
    prompt = question.prompt[:DESCRIPTION_LIMIT]
    spacing = 9 * sum(prompt.count(mark) for mark in ";!?:%«»")
    total += _field(base + "description", _encoded(prompt) + spacing)
    pattern = correct_pattern(question)
    if pattern is not None:
        total += _field(base + "correct_responses.0.pattern", _encoded(pattern))
    total += _field(base + "weighting", _encoded(str(question.weight)))
    total += _field(base + "learner_response", _longest_response_bytes(question))
    total += _field(base + "result", len("incorrect"))
    return total


def _decision_bytes(index: int, scenario: Scenario, step: ScenarioStep) -> int:
    base = f"cmi.interactions.{index}."
    total = _field(base + "id", _encoded(interaction_id(scenario, step)))
    total += _field(base + "type", len("choice"))
    total += _field(base + "timestamp", _encoded(TIMESTAMP))
    title = scenario.title[:DESCRIPTION_LIMIT]
    spacing = 9 * sum(title.count(mark) for mark in ";!?:%«»")
    total += _field(base + "description", _encoded(title) + spacing)
    good = [t for t in step.choices if scenario.outcome_of(t) == "good"]
    if scenario.scored and good:
        total += _field(base + "correct_responses.0.pattern", _encoded("[,]".join(good)))
    total += _field(base + "weighting", 1)
    total += _field(base + "learner_response", max(_encoded(c) for c in step.choices))
    total += _field(base + "result", len("incorrect"))
    return total


def _state_bytes(course: Course) -> int:
    """The resume state's worst case, URL-encoded (its typed text is all quotes, each
    one ``\\"`` in JSON and ``%5C%22`` in the request: the costliest character)."""
    return _encoded(json.dumps(worst_case_state(course), ensure_ascii=False, separators=(",", ":")))


def worst_case_commit_bytes(course: Course) -> int:
    """Bytes of the largest data model Moodle would post for one Commit or Terminate."""
    questions = [q for quiz in course.quizzes() for q in quiz.questions]
    longest_step = max(
        [len(lesson.id) for lesson in course.lessons()] + [len(q.id) for q in course.quizzes()]
    )
    total = LMS_ELEMENTS_BYTES
    total += _field("cmi.location", longest_step)
    total += _field("cmi.suspend_data", _state_bytes(course))
    total += _field("cmi.exit", len("suspend"))
    total += _field("cmi.completion_status", len("incomplete"))
    total += _field("cmi.success_status", len("unknown"))
    total += _field("cmi.progress_measure", len("0.999"))
    total += _field("cmi.score.scaled", len("0.9999"))
    total += _field("cmi.score.raw", len("99.99"))
    total += _field("cmi.score.min", 1) + _field("cmi.score.max", 3)
    total += _field("cmi.session_time", len(SESSION_TIME))
    decisions = [(s, step) for s in course.scenarios() for step in s.decisions()]
    total += _field("cmi.interactions._count", len(str(len(questions) + len(decisions))))
    total += sum(_interaction_bytes(i, q) for i, q in enumerate(questions))
    total += sum(
        _decision_bytes(len(questions) + i, s, step) for i, (s, step) in enumerate(decisions)
    )
    return total
