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
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand

from coursepack import __version__
from coursepack.errors import CourseError, CoursepackError, UsageError

if TYPE_CHECKING:
    from rich.status import Status

    from coursepack.diagnostics import Diagnostic


class _Command(TyperCommand):
    """Plain help for positional arguments: their metavar, never a Python type.

    Typer prints arguments as ``course_dir <path>`` and ``{paths}...``; authors
    should read ``COURSE`` and ``PATH...``, as in any Unix tool.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(_argument_usage(param))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [
            (_argument_name(p), _argument_help(p))
            for p in self.get_params(ctx)
            if isinstance(p, TyperArgument) and not p.hidden
        ]
        options = [
            record
            for p in self.get_params(ctx)
            if not isinstance(p, TyperArgument) and (record := p.get_help_record(ctx))
        ]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


def _argument_name(param: TyperArgument) -> str:
    name = param.metavar or (param.name or "").upper()
    return name + ("..." if param.nargs != 1 else "")


def _argument_usage(param: TyperArgument) -> str:
    name = _argument_name(param)
    return name if param.required else f"[{name}]"


def _argument_help(param: TyperArgument) -> str:
    if param.required:
        extra = "required"
    elif isinstance(param.show_default, str):
        extra = f"default: {param.show_default}"
    else:
        default = param.default
        extra = f"default: {getattr(default, 'value', default)}"
    return f"{param.help or ''}  [{extra}]"


app = typer.Typer(
    name="coursepack",
    help="Compile a course written as text files into SCORM 1.2, SCORM 2004, xAPI and cmi5 packages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help: no rich import on --help (fast start) and no type
    # placeholders such as '<bool>' after flags.
    rich_markup_mode=None,
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


@app.command(cls=_Command)
def build(
    course_dir: Annotated[
        Path, typer.Argument(metavar="COURSE", help="The course folder.", show_default="course")
    ] = Path("course"),
    formats: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMATS",
            help="Comma-separated formats (scorm12, scorm2004, xapi, cmi5, web) or 'all' "
            "(the four LMS formats).",
        ),
    ] = "all",
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Where packages are written.")
    ] = Path("dist"),
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warnings as errors.  [default: off]")
    ] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="LANGS",
            help="Comma-separated languages, or 'all' (source + locale/ files).  "
            "[default: the course's own language]",
        ),
    ] = "",
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help="Reuse lessons rendered by the last build (kept in $COURSEPACK_CACHE_DIR, "
            "else $XDG_CACHE_HOME/coursepack or ~/.cache/coursepack).",
        ),
    ] = True,
) -> None:
    """Build packages of a course into the output folder."""
    import os

    from coursepack.build import build as run_build
    from coursepack.render_cache import default_folder
    from coursepack.targets import parse_formats

    try:
        chosen = parse_formats(formats)
        with _progress() as report:
            languages = [part.strip() for part in lang.split(",") if part.strip()] or None
            result = run_build(
                course_dir, chosen, out, strict=strict, progress=report, languages=languages,
                cache_dir=default_folder(os.environ) if cache else None,
            )  # fmt: skip
    except CoursepackError as exc:
        _fail(exc)
    _print_diagnostics(result.diagnostics)
    for package in result.packages:
        typer.echo(f"{_shown(package.path)}  ({package.files} files, {package.size:,} bytes)")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class _PreviewLms(StrEnum):
    moodle = "moodle"
    openedx = "openedx"


class _PreviewFormat(StrEnum):
    scorm12 = "scorm12"
    scorm2004 = "scorm2004"
    xapi = "xapi"
    cmi5 = "cmi5"


@app.command(cls=_Command)
def preview(
    course_dir: Annotated[
        Path, typer.Argument(metavar="COURSE", help="The course folder.", show_default="course")
    ] = Path("course"),
    fmt: Annotated[
        _PreviewFormat,
        typer.Option("--format", "-f", help="The package the preview's LMS plays."),
    ] = _PreviewFormat.scorm2004,
    lang: Annotated[
        str,
        typer.Option("--lang", metavar="LANG", help="A translation to preview.  [default: source]"),
    ] = "",
    port: Annotated[
        int,
        typer.Option(
            "--port",
            metavar="N",
            help="Port on 127.0.0.1.  [default: a free one]",
            show_default=False,
        ),
    ] = 0,
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the preview in the web browser.")
    ] = True,
    lms: Annotated[
        _PreviewLms,
        typer.Option(
            "--lms",
            help="Whose SCORM player to play: Moodle's (strict formats, attempts) or Open "
            "edX's XBlock (no entry, no error codes).",
        ),
    ] = _PreviewLms.moodle,
    lrs: Annotated[
        str,
        typer.Option(
            "--lrs",
            metavar="URL",
            help="Also send xAPI/cmi5 statements to this LRS; credentials come from "
            "COURSEPACK_LRS_KEY and COURSEPACK_LRS_SECRET.",
        ),
    ] = "",
) -> None:
    """Play the course in a local LMS with an inspector; rebuild and reload on every change."""
    import os
    import signal
    import threading
    import webbrowser

    from coursepack.preview.app import Preview
    from coursepack.preview.lrs import forward_from_env

    # A service manager or `timeout` stops it with SIGTERM: clean up as for Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        forward = forward_from_env(lrs, dict(os.environ)) if lrs else None
        session = Preview(
            course_dir, fmt.value, language=lang or None, port=port, forward=forward,
            lms=lms.value,
        )  # fmt: skip
        with session:
            for line in session.state.broken:
                typer.echo(line, err=True)
            typer.echo(f"coursepack preview: {session.url}  (Ctrl-C stops it)")
            if open_browser:
                webbrowser.open(session.url)
            # Wake up now and then: Linux may deliver Ctrl-C to the watcher's thread, and
            # a wait without a timeout would never see it (Python runs signal handlers
            # in the main thread only, when it next runs).
            stopped = threading.Event()
            while not stopped.wait(0.25):
                pass
    except KeyboardInterrupt:
        typer.echo("coursepack preview: stopped")
    except OSError as exc:
        _fail(UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}"))
    except CoursepackError as exc:
        _fail(exc)


class _ReportFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    sarif = "sarif"


class _Profile(StrEnum):
    default = "default"
    moodle = "moodle"


@app.command(cls=_Command)
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Package zips or unpacked package folders."),
    ],
    profile: Annotated[
        _Profile,
        typer.Option(
            metavar="[default|moodle]", help="'moodle' makes Moodle-specific rules errors."
        ),
    ] = _Profile.default,
    schemas: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Folder with the official XSDs (scorm12/, scorm2004-4th/, cmi5/).  "
            "[default: none, structural rules only]",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings fail too.  [default: off]")
    ] = False,
    select: Annotated[
        str,
        typer.Option(
            metavar="CODES",
            help="Only these codes or prefixes, comma-separated (e.g. Z,S12-8).  "
            "[default: every rule]",
        ),
    ] = "",
    ignore: Annotated[
        str,
        typer.Option(
            metavar="CODES",
            help="Skip these codes or prefixes, comma-separated.  [default: none]",
        ),
    ] = "",
    report_format: Annotated[
        _ReportFormat,
        typer.Option("--format", metavar="[text|json|junit|github|sarif]", help="Output format."),
    ] = _ReportFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report here.  [default: standard output]",
        ),
    ] = None,
    check_crc: Annotated[
        bool,
        typer.Option(
            "--check-crc", help="Also read every entry to verify its CRC.  [default: off]"
        ),
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
    rendered = render(reports, report_format.value, [str(p) for p in paths])
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
        if report_format is not _ReportFormat.text:
            typer.echo(render(reports, "text"), nl=False)
    else:
        typer.echo(rendered, nl=False)
    failing = {Level.ERROR, Level.WARNING} if strict else {Level.ERROR}
    if any(f.level in failing for report in reports for f in report.findings):
        raise typer.Exit(1)


@app.command(cls=_Command)
def rules(
    profile: Annotated[
        _Profile,
        typer.Option(metavar="[default|moodle]", help="Show severities under this profile."),
    ] = _Profile.default,
) -> None:
    """Print the validator's rule catalogue: code, severity, what it checks, the fix."""
    from coursepack.validate.report import catalogue

    typer.echo(catalogue(profile.value), nl=False)


@app.command(cls=_Command)
def explain(
    course_dir: Annotated[
        Path, typer.Argument(metavar="COURSE", help="The course folder.", show_default="course")
    ] = Path("course"),
    formats: Annotated[
        str,
        typer.Option("--format", "-f", metavar="FORMATS", help="Comma-separated formats or 'all'."),
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


@app.command(cls=_Command)
def schema(
    kind: Annotated[
        _SchemaKind,
        typer.Argument(metavar="KIND", help="Which file's schema: course, lesson or quiz."),
    ] = _SchemaKind.course,
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


@app.command(cls=_Command)
def init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The folder to create.")],
) -> None:
    """Create a small working course (one module, two lessons, a quiz) to start from."""
    from coursepack.scaffold import scaffold

    try:
        written = scaffold(directory)
    except CoursepackError as exc:
        _fail(exc)
    typer.echo(f"created {_shown(directory)} ({len(written)} files); build it with:")
    typer.echo(f"  coursepack build {_shown(directory)}")


i18n = typer.Typer(
    help="Translate a course with PO or XLIFF files.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(i18n, name="i18n")


class _TranslationFormat(StrEnum):
    po = "po"
    xliff = "xliff"


@i18n.command("extract", cls=_Command)
def i18n_extract(
    course_dir: Annotated[
        Path, typer.Argument(metavar="COURSE", help="The course folder.", show_default="course")
    ] = Path("course"),
    lang: Annotated[
        str, typer.Option("--lang", metavar="LANG", help="The target language (BCP 47).")
    ] = "en",
    file_format: Annotated[
        _TranslationFormat,
        typer.Option("--format", metavar="[po|xliff]", help="PO (gettext) or XLIFF 2.0."),
    ] = _TranslationFormat.po,
) -> None:
    """Write locale/LANG.po (or .xlf) with every translatable text of the course."""
    from coursepack.i18n.workflow import extract

    try:
        path, count = extract(course_dir, lang, file_format.value)
    except CoursepackError as exc:
        _fail(exc)
    typer.echo(f"{_shown(path)}: {count} units to translate")


@i18n.command("update", cls=_Command)
def i18n_update(
    course_dir: Annotated[
        Path, typer.Argument(metavar="COURSE", help="The course folder.", show_default="course")
    ] = Path("course"),
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="LANGS",
            help="Only these languages (comma-separated).  [default: every locale/ file]",
        ),
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


@i18n.command("status", cls=_Command)
def i18n_status(
    course_dir: Annotated[
        Path, typer.Argument(metavar="COURSE", help="The course folder.", show_default="course")
    ] = Path("course"),
    min_coverage: Annotated[
        float,
        typer.Option(
            "--min-coverage", metavar="PERCENT", help="Fail (exit 1) below this percentage."
        ),
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
