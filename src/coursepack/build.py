"""The build pipeline: load -> check -> render -> package, then write atomically.

Nothing is written unless every stage succeeded for every requested format: a
course with an error produces no package at all (and never writes into the course
folder).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coursepack.check import check, check_links
from coursepack.clock import build_time
from coursepack.diagnostics import Diagnostic, Location, error, has_errors, sorted_unique, warning
from coursepack.errors import CourseError, PackagingError, UsageError
from coursepack.loader import load_course
from coursepack.model import Course
from coursepack.packaging import commit, discard, stage, write_package
from coursepack.render import RenderedCourse, check_lessons, render_course
from coursepack.render_cache import RenderCache, disabled, open_cache
from coursepack.state import worst_case_size
from coursepack.targets import Target, get_target

Progress = Callable[[str], None]
MAX_WORKERS = 4  # beyond this, packages wait on the disk, not on zlib


@dataclass(frozen=True)
class BuiltPackage:
    format: str
    path: Path
    size: int
    files: int


@dataclass(frozen=True)
class BuildResult:
    packages: tuple[BuiltPackage, ...]
    diagnostics: tuple[Diagnostic, ...]
    reused: int = 0  # Markdown renderings (lessons, quiz texts) taken from the build cache
    rendered: int = 0  # Markdown renderings made afresh (counted only with a cache)


def package_name(course: Course, fmt: str, language: str | None = None) -> str:
    middle = f"-{language}" if language else ""
    return f"{course.id}-{course.config.version}{middle}-{fmt}.zip"


def languages_for(course: Course, requested: Sequence[str] | None) -> list[str | None]:
    """None: the source language only, named as before; else the named languages
    ('all': the source and every translation file in locale/)."""
    from coursepack.i18n.apply import available_languages

    if not requested:
        return [None]
    source = course.config.language
    if list(requested) == ["all"]:
        return [source, *[lang for lang in available_languages(course.root) if lang != source]]
    return list(dict.fromkeys(requested))


def localise(
    rendered: RenderedCourse, language: str, cache: RenderCache | None = None
) -> tuple[RenderedCourse | None, list[Diagnostic]]:
    """The course rendered in another language, from locale/<language>.po or .xlf."""
    from coursepack.i18n.apply import translate, translation_path
    from coursepack.markdown import LOCALE_DIR

    course = rendered.course
    if language == course.config.language:
        return rendered, []
    if translation_path(course.root, language) is None:
        where = course.config.source or Location(course.root / "course.yml")
        return None, [
            error(
                where,
                "CP905",
                f"no translation file {LOCALE_DIR}/{language}.po or .xlf (coursepack i18n extract --lang {language})",
            )
        ]
    translated = translate(course, language)
    if has_errors(translated.diagnostics):
        return None, translated.diagnostics
    localised, found = render_course(translated.course, translated.ui, localised=True, cache=cache)
    return localised, [*translated.diagnostics, *found]


def prepare(
    course_dir: Path, cache: RenderCache | None = None
) -> tuple[RenderedCourse | None, list[Diagnostic]]:
    """Load, check and render; the rendered course is ``None`` if anything failed."""
    loaded = load_course(course_dir)
    diagnostics = list(loaded.diagnostics)
    diagnostics.extend(check(loaded.course, loaded.lessons, loaded.quizzes))
    diagnostics.extend(check_links(course_dir))
    rendered = None
    if loaded.course is not None and not has_errors(diagnostics):
        rendered, found = render_course(loaded.course, cache=cache)
        diagnostics.extend(found)
    else:
        diagnostics.extend(check_lessons(course_dir, loaded.lessons))
    return rendered, sorted_unique(diagnostics)


def check_state_size(course: Course, target: Target) -> list[Diagnostic]:
    """The largest resume state must fit the target's suspend_data (never truncated)."""
    if target.STATE_LIMIT is None:
        return []
    size = worst_case_size(course)
    if size <= target.STATE_LIMIT:
        return []
    tracking = course.config.tracking
    where = tracking.source or course.config.source or Location(course.root / "course.yml")
    make = error if tracking.state_limit == "error" else warning
    return [
        make(
            where,
            "CP601",
            f"the resume state can reach {size:,} characters, more than {target.LABEL}'s "
            f"{target.STATE_LIMIT:,}: shorten identifiers, lower fill_in max_length, limit "
            "quiz attempts, or build another format",
        )
    ]


def self_check(name: str, staged: Path) -> None:
    """Run the validator on a package before it is renamed into place; refuse one with
    an error."""
    from coursepack.validate.engine import Options, validate_path
    from coursepack.validate.report import text
    from coursepack.validate.rules import Level

    report = validate_path(staged, Options(profile="moodle"))
    report.path = name
    if any(f.level is Level.ERROR for f in report.findings):
        raise PackagingError(
            "the package failed coursepack's own validation (a coursepack bug; please report it):\n"
            + text([report])
        )


def build(
    course_dir: Path,
    formats: Sequence[str],
    out_dir: Path,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    languages: Sequence[str] | None = None,
    cache_dir: Path | None = None,
) -> BuildResult:
    """``cache_dir``: where lessons rendered by an earlier build are kept (none if ``None``)."""
    report = progress or (lambda _message: None)
    course_root = course_dir.resolve()
    out = out_dir.resolve()
    if out == course_root or course_root in out.parents:
        raise UsageError("the output folder must not be inside the course folder")
    report("loading and checking the course")
    cache = open_cache(cache_dir, course_root) if cache_dir is not None else disabled()
    rendered, diagnostics = prepare(course_dir, cache)
    if rendered is None or has_errors(diagnostics, strict=strict):
        raise CourseError(diagnostics)
    diagnostics = list(diagnostics)
    variants: list[tuple[str | None, RenderedCourse]] = []
    for language in languages_for(rendered.course, languages):
        report(f"rendering {language or rendered.course.config.language}")
        localised, found = localise(rendered, language, cache) if language else (rendered, [])
        diagnostics.extend(found)
        if localised is not None:
            variants.append((language, localised))
    targets = [get_target(fmt) for fmt in formats]
    for target in targets:
        diagnostics.extend(target.check(rendered.course))
        diagnostics.extend(check_state_size(rendered.course, target))
    if has_errors(diagnostics, strict=strict):
        raise CourseError(sorted_unique(diagnostics))
    when = build_time()
    jobs = [
        _Job(language, variant, fmt, target, out / package_name(variant.course, fmt, language))
        for language, variant in variants
        for fmt, target in zip(formats, targets, strict=True)
    ]
    for job in jobs:
        report(f"packaging {job.target.LABEL} {job.language or ''}".strip())
    built = _package_all(jobs, when)
    cache.save()
    return BuildResult(
        packages=tuple(built),
        diagnostics=tuple(sorted_unique(diagnostics)),
        reused=cache.hits,
        rendered=cache.misses,
    )


@dataclass(frozen=True)
class _Job:
    language: str | None
    variant: RenderedCourse
    fmt: str
    target: Target
    path: Path


def _package_all(jobs: Sequence[_Job], when: datetime) -> list[BuiltPackage]:
    """Every package, each streamed to a temporary file beside its destination, then
    all renamed into place, or none (and no output folder made for nothing). Packages
    are made in parallel threads: zlib releases the GIL, and each package's bytes
    depend only on its own inputs."""
    made = _missing_folders({job.path.parent for job in jobs})
    staged: list[tuple[Path, Path]] = []
    try:
        for job in jobs:
            staged.append((stage(job.path), job.path))
        workers = max(1, min(len(jobs), os.cpu_count() or 1, MAX_WORKERS))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [
                pool.submit(_package, job, tmp, when)
                for job, (tmp, _) in zip(jobs, staged, strict=True)
            ]
            built = [future.result() for future in futures]
        commit(staged)
        made = []
        return built
    finally:
        discard(staged)
        for folder in sorted(made, reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _missing_folders(folders: set[Path]) -> list[Path]:
    missing: set[Path] = set()
    for folder in folders:
        while not folder.exists() and folder != folder.parent:
            missing.add(folder)
            folder = folder.parent
    return sorted(missing)


def _package(job: _Job, tmp: Path, when: datetime) -> BuiltPackage:
    files = job.target.build(job.variant)
    write_package(job.path, tmp, files, when)
    if job.target.VALIDATED:
        self_check(job.path.name, tmp)
    return BuiltPackage(format=job.fmt, path=job.path, size=tmp.stat().st_size, files=len(files))
