"""Applying a translation file to a course: a translated copy of the course, the
lesson-block translations for the renderer, and diagnostics.

Translations are untrusted. Each is checked before anything is applied: a Markdown
unit must keep exactly its source's link and image targets (a translation cannot add
a link or load something), and interface strings must keep their ``{placeholders}``.
Any such error refuses the whole language, so a file is never half-applied.
Translated Markdown is rendered like source text (raw HTML escaped, or sanitised for
lessons that allow it). Units without a translation fall back to the source text and
are reported as warnings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursepack.diagnostics import Diagnostic, Location, error, warning
from coursepack.errors import UsageError
from coursepack.i18n.files import SUFFIXES, TranslationFile, TranslationFileError, read_file
from coursepack.i18n.units import MARKDOWN_NOTE, Unit, course_units
from coursepack.markdown import LOCALE_DIR, link_targets
from coursepack.model import Course, Lesson, Module, Question, Quiz
from coursepack.ui import BUILT_IN_LANGUAGES

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def translation_path(course_root: Path, language: str) -> Path | None:
    found = [course_root / LOCALE_DIR / f"{language}{suffix}" for suffix in SUFFIXES]
    existing = [path for path in found if path.is_file()]
    if len(existing) > 1:
        raise UsageError(f"both {existing[0].name} and {existing[1].name} exist: keep one")
    return existing[0] if existing else None


def available_languages(course_root: Path) -> list[str]:
    folder = course_root / LOCALE_DIR
    if not folder.is_dir():
        return []
    return sorted(
        {p.stem for p in folder.iterdir() if p.suffix in SUFFIXES and p.stem != "template"}
    )


@dataclass(frozen=True)
class Translated:
    course: Course
    ui: Mapping[str, str]
    diagnostics: list[Diagnostic]


def _check(unit: Unit, target: str, where: Location, html: bool) -> Diagnostic | None:
    markdown = unit.note == MARKDOWN_NOTE or unit.context.startswith(("question.", "quiz."))
    if markdown and link_targets(target, html=html) != link_targets(unit.source, html=html):
        return error(
            where,
            "CP903",
            f"translation of {unit.context} changes the links or images "
            f"{link_targets(unit.source, html=html)} -> {link_targets(target, html=html)}",
        )
    if unit.context.startswith("ui.") and not _same_placeholders(unit.source, target):
        return error(
            where,
            "CP903",
            f"translation of {unit.context} must use exactly the placeholders "
            f"{sorted(set(PLACEHOLDER.findall(unit.source)))} as {{name}}, with no other braces",
        )
    return None


def _same_placeholders(source: str, target: str) -> bool:
    """Interface strings are formatted at build time and in the browser: a translator
    may move the source's ``{name}`` placeholders, but add no other brace (a format
    spec such as ``{n:>300000000}`` once took 1.8 GB)."""
    wanted = set(PLACEHOLDER.findall(source))
    if set(PLACEHOLDER.findall(target)) != wanted:
        return False
    rest = PLACEHOLDER.sub(lambda m: "" if m.group(1) in wanted else m.group(0), target)
    return "{" not in rest and "}" not in rest


def load(course: Course, language: str) -> tuple[TranslationFile | None, list[Diagnostic]]:
    path = translation_path(course.root, language)
    if path is None:
        return None, []
    try:
        translation = read_file(path)
    except TranslationFileError as exc:
        return None, exc.diagnostics
    problems = []
    if translation.course_id != course.id:
        problems.append(
            error(
                Location(path, 1, 1),
                "CP904",
                f"this file is for course '{translation.course_id}', not '{course.id}'",
            )
        )
    if translation.language and translation.language.lower() != language.lower():
        problems.append(
            error(
                Location(path, 1, 1),
                "CP904",
                f"this file translates into '{translation.language}', not '{language}'",
            )
        )
    return translation, problems


def translate(course: Course, language: str) -> Translated:
    translation, problems = load(course, language)
    if any(d.is_error for d in problems):
        return Translated(course, {}, problems)  # a broken file: its errors, nothing more
    entries = translation.entries if translation else {}
    path = translation.path if translation else course.root / LOCALE_DIR / f"{language}.po"
    found: dict[tuple[str, str], str] = {}
    missing: list[Unit] = []
    # In allow_html lessons raw HTML is live: its links follow the Markdown rule.
    html_lessons = {f"lesson.{lesson.id}" for lesson in course.lessons() if lesson.meta.allow_html}
    for unit in course_units(course):
        entry = entries.get(unit.key)
        if entry is None or entry.needs_review:
            if (
                not unit.context.startswith("ui.")
                or language.split("-")[0] not in BUILT_IN_LANGUAGES
            ):
                missing.append(unit)
            continue
        problem = _check(
            unit, entry.target, Location(path, entry.line, 0), unit.context in html_lessons
        )
        if problem:
            problems.append(problem)
        else:
            found[unit.key] = entry.target
    for unit in missing:
        problems.append(
            warning(
                unit.location,
                "CP902",
                f"no {language} translation for {unit.context} (the source text is used)",
            )
        )
    if any(d.is_error for d in problems):
        return Translated(course, {}, problems)
    return Translated(_translated_course(course, language, found), _ui(found), problems)


def _ui(found: Mapping[tuple[str, str], str]) -> dict[str, str]:
    return {
        context.removeprefix("ui."): text
        for (context, _), text in found.items()
        if context.startswith("ui.")
    }


def _translated_course(
    course: Course, language: str, found: Mapping[tuple[str, str], str]
) -> Course:
    def text(context: str, value: str | None) -> Any:
        return found.get((context, value), value) if value else value

    config = course.config.model_copy(
        update={
            "language": language,
            "title": text("course.title", course.config.title),
            "description": text("course.description", course.config.description),
            "objectives": [text("course.objectives", o) for o in course.config.objectives],
        }
    )

    def lesson(item: Lesson) -> Lesson:
        meta = item.meta.model_copy(
            update={
                "title": text(f"lesson.{item.id}.title", item.meta.title),
                "summary": text(f"lesson.{item.id}.summary", item.meta.summary),
            }
        )
        blocks = {
            source: target
            for (context, source), target in found.items()
            if context == f"lesson.{item.id}"
        }
        return dataclasses.replace(item, meta=meta, translations=blocks)

    modules = tuple(
        Module(
            entry=module.entry.model_copy(
                update={
                    "title": text(f"module.{module.id}.title", module.title),
                    "description": text(
                        f"module.{module.id}.description", module.entry.description
                    ),
                }
            ),
            lessons=tuple(lesson(item) for item in module.lessons),
            quiz=_quiz(module.quiz, found) if module.quiz else None,
        )
        for module in course.modules
    )
    return Course(
        root=course.root,
        config=config,
        modules=modules,
        assessment=_quiz(course.assessment, found) if course.assessment else None,
        appendix=tuple(lesson(item) for item in course.appendix),
    )


def _quiz(quiz: Quiz, found: Mapping[tuple[str, str], str]) -> Quiz:
    intro_blocks = {
        source: target
        for (context, source), target in found.items()
        if context == f"quiz.{quiz.id}.intro"
    }
    intro = quiz.intro
    if intro and intro_blocks:
        # One pass over the source text, each block replaced by its own unit: a
        # translation is never scanned again, so units cannot half-apply.
        longest_first = sorted(intro_blocks, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(source) for source in longest_first))
        intro = pattern.sub(lambda match: intro_blocks[match.group(0)], intro)
    return quiz.model_copy(
        update={
            "title": found.get((f"quiz.{quiz.id}.title", quiz.title), quiz.title),
            "intro": intro,
            "questions": [_question(q, found) for q in quiz.questions],
        }
    )


def _question(question: Question, found: Mapping[tuple[str, str], str]) -> Question:
    qid = question.id

    def text(context: str, value: str | None) -> Any:
        return found.get((f"question.{qid}.{context}", value), value) if value else value

    update: dict[str, Any] = {
        "prompt": text("prompt", question.prompt),
        "hint": text("hint", question.hint),
    }
    if question.feedback is not None:
        update["feedback"] = question.feedback.model_copy(
            update={
                "correct": text("feedback.correct", question.feedback.correct),
                "incorrect": text("feedback.incorrect", question.feedback.incorrect),
            }
        )
    if hasattr(question, "options"):
        update["options"] = [
            o.model_copy(
                update={
                    "text": text(f"option.{o.id}", o.text),
                    "feedback": text(f"option.{o.id}.feedback", o.feedback),
                }
            )
            for o in question.options
        ]
    if hasattr(question, "items"):
        update["items"] = [
            i.model_copy(update={"text": text(f"item.{i.id}", i.text)}) for i in question.items
        ]
    if hasattr(question, "scale"):
        update["scale"] = [
            i.model_copy(update={"text": text(f"item.{i.id}", i.text)}) for i in question.scale
        ]
    if hasattr(question, "pairs"):
        update["pairs"] = [
            p.model_copy(
                update={
                    "prompt": text(f"pair.{p.id}.prompt", p.prompt),
                    "match": text(f"pair.{p.id}.match", p.match),
                }
            )
            for p in question.pairs
        ]
    if hasattr(question, "answers"):
        translated = [text("answer", a) for a in question.answers]
        # A learner may type the answer in either language.
        update["answers"] = list(dict.fromkeys([*translated, *question.answers]))
    return question.model_copy(update=update)
