"""Translatable units: every text of a course, with a stable context and its source.

A unit is identified by its context (where it belongs: ``question.q1.prompt``,
``lesson.m1_vie_privee``) and its source text, as gettext does with msgctxt and
msgid. Lesson bodies are cut into their Markdown inline blocks (a paragraph, a
heading, a list item, a table cell), so a translator works on small pieces and an
edit marks only the pieces that changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coursepack.blocks import structure_parser
from coursepack.blocks.containers import title_of
from coursepack.diagnostics import Location
from coursepack.model import (
    Choice,
    Course,
    FillIn,
    Likert,
    Matching,
    MultipleResponse,
    Ordering,
    Question,
    Quiz,
    SingleChoice,
)
from coursepack.ui import strings_for

MARKDOWN_NOTE = "Markdown: keep link targets, image paths, `code` and the *, _, [ ] ( ) marks."


@dataclass(frozen=True)
class Unit:
    context: str
    source: str
    location: Location
    note: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.source)


def markdown_blocks(text: str) -> Iterator[tuple[str, int]]:
    """The inline Markdown of each block, and each block title (``::: tab Title``),
    with its 0-based line in ``text``. Read with the renderer's block structure, so
    the pieces are exactly those the renderer looks up."""
    for token in structure_parser().parse(text):
        if token.type == "inline" and token.content.strip():
            yield token.content, token.map[0] if token.map else 0
        elif title := title_of(token):
            yield title, token.map[0] if token.map else 0


def _field(units: list[Unit], context: str, value: str | None, where: Location, note: str) -> None:
    if value and value.strip():
        units.append(Unit(context, value, where, note))


def _choice_units(units: list[Unit], qid: str, choices: list[Choice], where: Location) -> None:
    for choice in choices:
        at = choice.source or where
        _field(
            units,
            f"question.{qid}.option.{choice.id}",
            choice.text,
            at,
            "Answer option (Markdown, inline)",
        )
        _field(
            units,
            f"question.{qid}.option.{choice.id}.feedback",
            choice.feedback,
            at,
            "Feedback for this option",
        )


def question_units(question: Question, where: Location) -> list[Unit]:
    units: list[Unit] = []
    at = question.source or where
    qid = question.id
    _field(units, f"question.{qid}.prompt", question.prompt, at, "Question (Markdown, inline)")
    _field(units, f"question.{qid}.hint", question.hint, at, "Hint")
    if question.feedback is not None:
        _field(
            units,
            f"question.{qid}.feedback.correct",
            question.feedback.correct,
            at,
            "Feedback after a correct answer",
        )
        _field(
            units,
            f"question.{qid}.feedback.incorrect",
            question.feedback.incorrect,
            at,
            "Feedback after a wrong answer",
        )
    if isinstance(question, SingleChoice | MultipleResponse):
        _choice_units(units, qid, question.options, at)
    elif isinstance(question, Ordering | Likert):
        items = question.items if isinstance(question, Ordering) else question.scale
        for item in items:
            _field(
                units,
                f"question.{qid}.item.{item.id}",
                item.text,
                item.source or at,
                "Item to order / scale point",
            )
    elif isinstance(question, Matching):
        for pair in question.pairs:
            _field(
                units,
                f"question.{qid}.pair.{pair.id}.prompt",
                pair.prompt,
                pair.source or at,
                "Left-hand item",
            )
            _field(
                units,
                f"question.{qid}.pair.{pair.id}.match",
                pair.match,
                pair.source or at,
                "Right-hand item it matches",
            )
    elif isinstance(question, FillIn):
        for answer in question.answers:
            _field(
                units,
                f"question.{qid}.answer",
                answer,
                at,
                "An accepted answer: translate it as the learner would type it",
            )
    return units


def quiz_units(quiz: Quiz) -> list[Unit]:
    where = quiz.source or Location(Path())
    units: list[Unit] = []
    _field(units, f"quiz.{quiz.id}.title", quiz.title, where, "Quiz title")
    if quiz.intro:
        for text, line in markdown_blocks(quiz.intro):
            _field(units, f"quiz.{quiz.id}.intro", text, where.at(where.line + line), MARKDOWN_NOTE)
    for question in quiz.questions:
        units.extend(question_units(question, where))
    return units


def course_units(course: Course) -> list[Unit]:
    """Every unit of the course, in reading order, then the interface strings."""
    config = course.config
    root = config.source or Location(course.root / "course.yml")
    units: list[Unit] = []
    _field(units, "course.title", config.title, root, "Course title")
    _field(units, "course.description", config.description, root, "Course description")
    for objective in config.objectives:
        _field(units, "course.objectives", objective, root, "A learning objective (cover page)")
    for module in course.modules:
        at = module.entry.source or root
        _field(units, f"module.{module.id}.title", module.title, at, "Module title")
        _field(
            units,
            f"module.{module.id}.description",
            module.entry.description,
            at,
            "Module description",
        )
    for lesson in course.lessons():
        meta = lesson.meta.source or Location(lesson.path, 1, 1)
        _field(units, f"lesson.{lesson.id}.title", lesson.title, meta, "Lesson title")
        _field(units, f"lesson.{lesson.id}.summary", lesson.meta.summary, meta, "Lesson summary")
        for text, line in markdown_blocks(lesson.body):
            units.append(
                Unit(
                    f"lesson.{lesson.id}",
                    text,
                    Location(lesson.path, lesson.body_line + line, 1),
                    MARKDOWN_NOTE,
                )
            )
    for quiz in course.quizzes():
        units.extend(quiz_units(quiz))
    for key, text in sorted(strings_for(config.language).items()):
        units.append(Unit(f"ui.{key}", text, root, "Interface text; keep {placeholders} unchanged"))
    return _unique(units)


def _unique(units: list[Unit]) -> list[Unit]:
    seen: set[tuple[str, str]] = set()
    out = []
    for unit in units:
        if unit.key not in seen:
            seen.add(unit.key)
            out.append(unit)
    return out
