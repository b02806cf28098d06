"""xAPI activity ids and interaction definitions, shared by the xAPI and cmi5 targets.

Ids are the course's ``base_iri`` plus its stable identifiers, so statements about a
lesson or a question keep the same object id across versions of the course. The
interaction definitions are built with the ``tincan`` library's models, which check
the interaction types and the shape of each definition (xAPI Data 2.4.4.1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tincan import ActivityDefinition, InteractionComponent, InteractionComponentList, LanguageMap

from coursepack.model import (
    CourseConfig,
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
)

COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
LESSON_TYPE = "http://adlnet.gov/expapi/activities/lesson"
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
SIMULATION_TYPE = "http://adlnet.gov/expapi/activities/simulation"

INTERACTION_TYPES = {
    "single_choice": "choice",
    "multiple_response": "choice",
    "true_false": "true-false",
    "fill_in": "fill-in",
    "numeric": "numeric",
    "matching": "matching",
    "ordering": "sequencing",
    "likert": "likert",
}


def course_iri(config: CourseConfig) -> str:
    assert config.base_iri is not None
    return f"{config.base_iri}/{config.id}"


def activity_iri(config: CourseConfig, kind: str, ident: str) -> str:
    return f"{course_iri(config)}/{kind}/{ident}"


def _components(items: list[tuple[str, str]], language: str) -> InteractionComponentList:
    return InteractionComponentList(
        [
            InteractionComponent(id=ident, description=LanguageMap({language: text}))
            for ident, text in items
        ]
    )


def _pattern(question: Question) -> list[str] | None:
    if isinstance(question, SingleChoice | MultipleResponse):
        return ["[,]".join(o.id for o in question.options if o.correct)]
    if isinstance(question, TrueFalse):
        return [str(question.answer).lower()]
    if isinstance(question, FillIn):
        prefix = "{case_matters=true}" if question.case_sensitive else ""
        return [prefix + answer for answer in question.answers]
    if isinstance(question, Numeric):
        if question.answer is not None and not question.tolerance:
            return [f"{question.answer:g}"]
        low, high = question.bounds()
        return [f"{low:g}[:]{high:g}"]
    if isinstance(question, Matching):
        return ["[,]".join(f"{p.id}[.]{p.id}" for p in question.pairs)]
    if isinstance(question, Ordering):
        return ["[,]".join(i.id for i in question.items)]
    return None  # likert: no correct answer


def question_definition(
    question: Question, prompt: str, language: str, with_answer: bool = True
) -> dict[str, Any]:
    """The activity definition of an answered statement, as JSON-ready data."""
    definition = ActivityDefinition(
        type=INTERACTION_TYPE,
        name=LanguageMap({language: prompt[:250]}),
        description=LanguageMap({language: prompt}),
        interaction_type=INTERACTION_TYPES[question.type],
    )
    pattern = _pattern(question) if with_answer else None
    if pattern is not None:
        definition.correct_responses_pattern = pattern
    if isinstance(question, SingleChoice | MultipleResponse):
        definition.choices = _components([(o.id, o.text) for o in question.options], language)
    elif isinstance(question, Ordering):
        definition.choices = _components([(i.id, i.text) for i in question.items], language)
    elif isinstance(question, Likert):
        definition.scale = _components([(p.id, p.text) for p in question.scale], language)
    elif isinstance(question, Matching):
        definition.source = _components([(p.id, p.prompt) for p in question.pairs], language)
        definition.target = _components([(p.id, p.match) for p in question.pairs], language)
    data: dict[str, Any] = definition.as_version()
    return data


_CHOICE_LINK = re.compile(r"^\s*\[(.*)\]\([^)]*\)\s*$", re.DOTALL)


def decision_definition(
    scenario: Scenario, step: ScenarioStep, translations: Mapping[str, str], language: str
) -> dict[str, Any]:
    """A scenario decision: a ``choice`` interaction whose choices are the steps it
    leads to, named by the choice's (translated) text."""
    title = translations.get(scenario.title, scenario.title) or scenario.id
    texts = []
    for target, source in zip(step.choices, step.choice_texts, strict=False):
        link = _CHOICE_LINK.match(translations.get(source, source))
        texts.append((target, " ".join((link.group(1) if link else target).split())))
    definition = ActivityDefinition(
        type=INTERACTION_TYPE,
        name=LanguageMap({language: title[:250]}),
        interaction_type="choice",
        choices=_components(texts, language),
    )
    good = [t for t in step.choices if scenario.outcome_of(t) == "good"]
    if scenario.scored and good:
        definition.correct_responses_pattern = ["[,]".join(good)]
    data: dict[str, Any] = definition.as_version()
    return data


def activity_data(
    config: CourseConfig,
    questions: Mapping[str, tuple[Question, str]],
    quizzes: list[str],
    decisions: Mapping[str, dict[str, Any]] | None = None,
    hidden: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """Everything an xAPI adapter needs to name activities, for the launch page."""
    language = config.language
    return {
        "course": course_iri(config),
        "courseName": {language: config.title},
        "language": language,
        "base": course_iri(config),
        "questions": {
            qid: question_definition(question, prompt, language, qid not in hidden)
            for qid, (question, prompt) in questions.items()
        }
        | dict(decisions or {}),
        "quizzes": quizzes,
    }
