"""Course-wide checks that no single file can make: identifiers and settings.

Identifiers must be unique across the whole course, whatever their kind, because
they become SCORM identifiers, interaction ids and xAPI activity ids.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from coursepack.blocks.glossary import GLOSSARY_ID
from coursepack.diagnostics import Diagnostic, Location, error
from coursepack.lint import lint_items
from coursepack.model import Course, Lesson, Quiz, interaction_id
from coursepack.paths import OUTSIDE, is_inside


def _located_ids(
    course: Course | None, lessons: Iterable[Lesson], quizzes: Iterable[Quiz]
) -> list[tuple[str, str, Location]]:
    found: list[tuple[str, str, Location]] = []
    if course is not None:
        found.append(("course", course.id, course.config.source or Location(course.root)))
        if course.config.glossary:
            found.append(
                ("glossary page", GLOSSARY_ID, course.config.source or Location(course.root))
            )
        for module in course.modules:
            found.append(("module", module.id, module.entry.source or Location(course.root)))
    for lesson in lessons:
        found.append(("lesson", lesson.id, lesson.meta.source or Location(lesson.path)))
        for scenario in lesson.scenarios:
            found.append(("scenario", scenario.id, scenario.source))
            for step in scenario.decisions():
                found.append(("scenario decision", interaction_id(scenario, step), step.source))
    for quiz in quizzes:
        found.append(("quiz", quiz.id, quiz.source or Location(Path())))
        for question in quiz.questions:
            found.append(("question", question.id, question.source or Location(Path())))
    return found


def check_identifiers(
    course: Course | None, lessons: Iterable[Lesson], quizzes: Iterable[Quiz]
) -> list[Diagnostic]:
    first: dict[str, tuple[str, Location]] = {}
    problems: list[Diagnostic] = []
    for kind, ident, where in _located_ids(course, lessons, quizzes):
        if ident in first:
            other_kind, other = first[ident]
            problems.append(
                error(
                    where,
                    "CP501",
                    f"duplicate id '{ident}': already used by the {other_kind} at {other.display()}",
                )
            )
        else:
            first[ident] = (kind, where)
    return problems


def check_tracking(course: Course) -> list[Diagnostic]:
    tracking = course.config.tracking
    where = tracking.source or course.config.source or Location(course.root)
    needs_assessment = tracking.completion in {"assessment_passed", "all_lessons_and_assessment"}
    # When course.yml names an assessment that failed to load, the loader has
    # already reported the root cause; a second error here would only mislead.
    if needs_assessment and course.assessment is None and course.config.assessment is None:
        return [
            error(
                where,
                "CP502",
                f"completion '{tracking.completion}' needs a final 'assessment' in course.yml",
            )
        ]
    return []


def check(
    course: Course | None, lessons: Iterable[Lesson], quizzes: Iterable[Quiz]
) -> list[Diagnostic]:
    problems = check_identifiers(course, lessons, quizzes)
    if course is not None:
        problems.extend(check_tracking(course))
        problems.extend(lint_items(course))
    return problems


def check_links(course_root: Path) -> list[Diagnostic]:
    """Every symbolic link in the course folder must stay inside it.

    The build reads lessons, quizzes, media, locale files, the logo and theme
    overrides from the course folder; a link out of it would copy the build
    machine's files (environment, keys) into a package.
    """
    root = course_root.resolve()
    found: list[Diagnostic] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted([*dirs, *files]):
            path = Path(folder) / name
            if path.is_symlink() and not is_inside(root, path):
                relative = path.relative_to(root).as_posix()
                found.append(error(Location(path), "CP207", f"'{relative}' {OUTSIDE}"))
    return found
