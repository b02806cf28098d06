"""The translator's workflow: extract, update and status (``coursepack i18n …``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coursepack.errors import CourseError, UsageError
from coursepack.i18n.apply import available_languages, translation_path
from coursepack.i18n.files import (
    SUFFIXES,
    TranslationFile,
    TranslationFileError,
    merge,
    read_file,
    write_file,
)
from coursepack.i18n.units import Unit, course_units
from coursepack.loader import load_course
from coursepack.markdown import LOCALE_DIR
from coursepack.model import Course

FORMAT_SUFFIX = {"po": ".po", "xliff": ".xlf"}


def _course(course_dir: Path) -> Course:
    loaded = load_course(course_dir)
    if loaded.course is None or any(d.is_error for d in loaded.diagnostics):
        raise CourseError(loaded.diagnostics)
    return loaded.course


def _units(course: Course, language: str) -> list[Unit]:
    """Interface strings are units only for languages coursepack has no strings for."""
    from coursepack.ui import BUILT_IN_LANGUAGES

    units = course_units(course)
    if language.split("-")[0] in BUILT_IN_LANGUAGES:
        units = [u for u in units if not u.context.startswith("ui.")]
    return units


def extract(course_dir: Path, language: str, fmt: str) -> tuple[Path, int]:
    course = _course(course_dir)
    if language == course.config.language:
        raise UsageError(f"'{language}' is the course's own language")
    existing = translation_path(course.root, language)
    if existing is not None:
        raise UsageError(
            f"{existing.relative_to(course.root)} exists: use 'coursepack i18n update'"
        )
    path = course.root / LOCALE_DIR / f"{language}{FORMAT_SUFFIX[fmt]}"
    path.parent.mkdir(exist_ok=True)
    units = _units(course, language)
    write_file(path, units, course.id, language, course.config.language, None, course.root)
    return path, len(units)


@dataclass(frozen=True)
class UpdateReport:
    path: Path
    kept: int
    review: int
    new: int
    dropped: int


def update(course_dir: Path, languages: list[str] | None = None) -> list[UpdateReport]:
    course = _course(course_dir)
    reports = []
    for language in languages or available_languages(course.root):
        path = translation_path(course.root, language)
        if path is None:
            raise UsageError(f"no {LOCALE_DIR}/{language}.po or .xlf to update")
        old = _read(path)
        units = _units(course, language)
        merged = merge(units, old)
        review = sum(
            1
            for key, entry in merged.entries.items()
            if entry.needs_review and key not in old.entries
        )
        kept = sum(1 for key in merged.entries if key in old.entries)
        write_file(path, units, course.id, language, course.config.language, merged, course.root)
        reports.append(
            UpdateReport(
                path,
                kept,
                review,
                len(units) - len(merged.entries),
                len(set(old.entries) - set(merged.entries)) - review,
            )
        )
    return reports


def _read(path: Path) -> TranslationFile:
    try:
        return read_file(path)
    except TranslationFileError as exc:
        raise CourseError(exc.diagnostics) from exc


@dataclass(frozen=True)
class Coverage:
    language: str
    total: int
    translated: int
    review: int

    @property
    def missing(self) -> int:
        return self.total - self.translated - self.review

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def status(course_dir: Path) -> list[Coverage]:
    course = _course(course_dir)
    figures = []
    for language in available_languages(course.root):
        path = translation_path(course.root, language)
        assert path is not None and path.suffix in SUFFIXES
        entries = _read(path).entries
        units = _units(course, language)
        translated = sum(1 for u in units if u.key in entries and not entries[u.key].needs_review)
        review = sum(1 for u in units if u.key in entries and entries[u.key].needs_review)
        figures.append(Coverage(language, len(units), translated, review))
    return figures
