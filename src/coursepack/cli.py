"""The command line: the only place that prints and chooses exit codes.

Exit codes: 0 success, 1 the input has errors (or warnings under --strict), 2 bad
usage or configuration. Diagnostics go to stderr, results to stdout. Heavy modules
are imported inside the commands so that ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from coursepack import __version__
from coursepack.errors import CourseError, CoursepackError, UsageError

if TYPE_CHECKING:
    from rich.status import Status

    from coursepack.diagnostics import Diagnostic

app = typer.Typer(
    name="coursepack",
    help="Compile a course written as text files into SCORM 1.2, SCORM 2004, xAPI and cmi5 packages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_diagnostics(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        typer.echo(diagnostic.format(), err=True)


def _fail(exc: CoursepackError) -> NoReturn:
    if isinstance(exc, CourseError):
        _print_diagnostics(exc.diagnostics)
    typer.echo(f"coursepack: error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coursepack {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """coursepack: write a course once, ship it to any LMS."""


@app.command()
def build(
    course_dir: Annotated[Path, typer.Argument(help="The course folder.")] = Path("course"),
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Comma-separated formats (scorm12, scorm2004, xapi, cmi5) or 'all'.",
        ),
    ] = "all",
    out: Annotated[Path, typer.Option("--out", "-o", help="Where packages are written.")] = Path(
        "dist"
    ),
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="Comma-separated languages, or 'all' (source + locale/ files)."
        ),
    ] = "",
) -> None:
    """Build packages of a course into the output folder."""
    from coursepack.build import build as run_build
    from coursepack.targets import parse_formats

    try:
        chosen = parse_formats(formats)
        with _progress() as report:
            languages = [part.strip() for part in lang.split(",") if part.strip()] or None
            result = run_build(
                course_dir, chosen, out, strict=strict, progress=report, languages=languages
            )
    except CoursepackError as exc:
        _fail(exc)
    _print_diagnostics(result.diagnostics)
    for package in result.packages:
        typer.echo(f"{_shown(package.path)}  ({package.files} files, {package.size:,} bytes)")


class _ReportFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


class _Profile(StrEnum):
    default = "default"
    moodle = "moodle"


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Package zips or unpacked package folders.")],
    profile: Annotated[
        _Profile, typer.Option(help="'moodle' makes Moodle-specific rules errors.")
    ] = _Profile.default,
    schemas: Annotated[
        Path | None,
        typer.Option(help="Folder with the official XSDs (scorm12/, scorm2004-4th/, cmi5/)."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    select: Annotated[
        str, typer.Option(help="Only these codes or prefixes, comma-separated (e.g. Z,S12-8).")
    ] = "",
    ignore: Annotated[
        str, typer.Option(help="Skip these codes or prefixes, comma-separated.")
    ] = "",
    report_format: Annotated[
        _ReportFormat, typer.Option("--format", help="Output format.")
    ] = _ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here.")
    ] = None,
    check_crc: Annotated[
        bool, typer.Option("--check-crc", help="Also read every entry to verify its CRC.")
    ] = False,
) -> None:
    """Check SCORM 1.2/2004, xAPI and cmi5 packages before upload (exit 1 on errors)."""
    from coursepack.validate.engine import Options, validate_path
    from coursepack.validate.report import render
    from coursepack.validate.rules import Level

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _fail(UsageError(f"no such file or folder: {', '.join(missing)}"))
    if schemas is not None and not schemas.is_dir():
        _fail(UsageError(f"--schemas: '{schemas}' is not a folder"))
    options = Options(
        profile=profile.value,
        schemas=schemas,
        select=frozenset(c.strip() for c in select.split(",") if c.strip()),
        ignore=frozenset(c.strip() for c in ignore.split(",") if c.strip()),
        check_crc=check_crc,
    )
    try:
        reports = [validate_path(path, options) for path in paths]
    except CoursepackError as exc:
        _fail(exc)
    rendered = render(reports, report_format.value)
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
        if report_format is not _ReportFormat.text:
            typer.echo(render(reports, "text"), nl=False)
    else:
        typer.echo(rendered, nl=False)
    failing = {Level.ERROR, Level.WARNING} if strict else {Level.ERROR}
    if any(f.level in failing for report in reports for f in report.findings):
        raise typer.Exit(1)


@app.command()
def explain(
    course_dir: Annotated[Path, typer.Argument(help="The course folder.")] = Path("course"),
    formats: Annotated[
        str, typer.Option("--format", "-f", help="Comma-separated formats or 'all'.")
    ] = "all",
) -> None:
    """Print which data elements each package sends to the LMS, and when."""
    from coursepack.build import prepare
    from coursepack.diagnostics import has_errors
    from coursepack.explain import format_rows
    from coursepack.targets import get_target, parse_formats

    try:
        chosen = parse_formats(formats)
        rendered, diagnostics = prepare(course_dir)
    except CoursepackError as exc:
        _fail(exc)
    if rendered is None or has_errors(diagnostics):
        _fail(CourseError(diagnostics))
    for index, name in enumerate(chosen):
        target = get_target(name)
        title = f"{target.LABEL} ({name}): {rendered.course.config.title}"
        typer.echo(
            ("\n" if index else "") + format_rows(title, target.explain(rendered.course)), nl=False
        )


class _SchemaKind(StrEnum):
    course = "course"
    lesson = "lesson"
    quiz = "quiz"


@app.command()
def schema(
    kind: Annotated[_SchemaKind, typer.Argument(help="Which file's schema.")] = _SchemaKind.course,
) -> None:
    """Print the JSON Schema of course.yml, of lesson front matter or of a quiz file."""
    import json

    from pydantic import BaseModel

    from coursepack.model import CourseConfig, LessonMeta, Quiz

    models: dict[str, type[BaseModel]] = {
        "course": CourseConfig,
        "lesson": LessonMeta,
        "quiz": Quiz,
    }
    model = models[kind.value]
    document = model.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True))


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="The folder to create.")],
) -> None:
    """Create a small working course (one module, two lessons, a quiz) to start from."""
    from coursepack.scaffold import scaffold

    try:
        written = scaffold(directory)
    except CoursepackError as exc:
        _fail(exc)
    typer.echo(f"created {_shown(directory)} ({len(written)} files); build it with:")
    typer.echo(f"  coursepack build {_shown(directory)}")


i18n = typer.Typer(help="Translate a course with PO or XLIFF files.", no_args_is_help=True)
app.add_typer(i18n, name="i18n")


class _TranslationFormat(StrEnum):
    po = "po"
    xliff = "xliff"


@i18n.command("extract")
def i18n_extract(
    course_dir: Annotated[Path, typer.Argument(help="The course folder.")] = Path("course"),
    lang: Annotated[str, typer.Option("--lang", help="The target language (BCP 47).")] = "en",
    file_format: Annotated[
        _TranslationFormat, typer.Option("--format", help="PO (gettext) or XLIFF 2.0.")
    ] = _TranslationFormat.po,
) -> None:
    """Write locale/LANG.po (or .xlf) with every translatable text of the course."""
    from coursepack.i18n.workflow import extract

    try:
        path, count = extract(course_dir, lang, file_format.value)
    except CoursepackError as exc:
        _fail(exc)
    typer.echo(f"{_shown(path)}: {count} units to translate")


@i18n.command("update")
def i18n_update(
    course_dir: Annotated[Path, typer.Argument(help="The course folder.")] = Path("course"),
    lang: Annotated[
        str, typer.Option("--lang", help="Only these languages (comma-separated).")
    ] = "",
) -> None:
    """Merge source changes into the translation files (changed units need review)."""
    from coursepack.i18n.workflow import update

    try:
        reports = update(course_dir, [p.strip() for p in lang.split(",") if p.strip()] or None)
    except CoursepackError as exc:
        _fail(exc)
    for r in reports:
        typer.echo(
            f"{_shown(r.path)}: {r.kept} kept, {r.review} to review, {r.new} new, {r.dropped} dropped"
        )


@i18n.command("status")
def i18n_status(
    course_dir: Annotated[Path, typer.Argument(help="The course folder.")] = Path("course"),
    min_coverage: Annotated[
        float, typer.Option("--min-coverage", help="Fail (exit 1) below this percentage.")
    ] = 0.0,
) -> None:
    """Translated, to-review and missing units per language."""
    from coursepack.i18n.workflow import status

    try:
        figures = status(course_dir)
    except CoursepackError as exc:
        _fail(exc)
    for c in figures:
        typer.echo(
            f"{c.language}: {c.translated}/{c.total} translated ({c.percent:.1f} %), "
            f"{c.review} to review, {c.missing} missing"
        )
    low = [c.language for c in figures if c.percent < min_coverage]
    if low:
        typer.echo(
            f"coursepack: error: below {min_coverage:g} % coverage: {', '.join(low)}", err=True
        )
        raise typer.Exit(1)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _progress:
    """A status line on a terminal; silent in CI and when output is piped."""

    def __enter__(self) -> Callable[[str], None]:
        self._status: Status | None = None
        if sys.stderr.isatty():
            from rich.console import Console

            self._status = Console(stderr=True).status("building")
            self._status.start()
        return self._update

    def _update(self, message: str) -> None:
        if self._status is not None:
            self._status.update(message)

    def __exit__(self, *exc_info: object) -> None:
        if self._status is not None:
            self._status.stop()


def main() -> None:
    app()
