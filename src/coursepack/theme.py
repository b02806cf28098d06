"""Themes: where templates and static files come from.

Lookup order, as in MkDocs: the course's own ``overrides/`` folder, then the chosen
theme, then the default theme. A template can extend the default explicitly with
the ``default/`` prefix (``{% extends "default/base.html" %}``). Jinja runs with
autoescape and ``StrictUndefined``, so a missing variable fails the build instead
of producing an empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from coursepack.diagnostics import Diagnostic, Location, error
from coursepack.errors import UsageError
from coursepack.paths import is_inside

DEFAULT_THEME = "default"
OVERRIDES_DIR = "overrides"


def builtin_themes_dir() -> Path:
    # Installed: the wheel carries themes/ inside the package. From a source
    # checkout (editable install): the repository's top-level themes/ folder.
    packaged = Path(str(resources.files("coursepack"))) / "themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


@dataclass(frozen=True)
class Theme:
    """The ordered folders a course's pages are made from (most specific first)."""

    folders: tuple[Path, ...]

    @property
    def default_folder(self) -> Path:
        return self.folders[-1]

    def environment(self) -> Environment:
        chain = [FileSystemLoader(str(folder / "templates")) for folder in self.folders]
        default = FileSystemLoader(str(self.default_folder / "templates"))
        # Override templates come from course folders (pull requests, strangers): run
        # them sandboxed, so a template cannot reach Python objects (issue: template
        # injection ran shell commands through cycler.__init__.__globals__).
        env = SandboxedEnvironment(
            loader=ChoiceLoader([PrefixLoader({DEFAULT_THEME: default}), *chain]),
            autoescape=select_autoescape(default_for_string=True, default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["inert_step"] = inert_step
        return env

    @cached_property
    def jinja(self) -> Environment:
        """The theme's one environment: templates compile once per build, not per page."""
        return self.environment()

    def render_partial(self, kind: str, context: Mapping[str, Any]) -> str:
        """A block's partial, ``templates/blocks/<kind>.html`` (see coursepack.blocks)."""
        return self.jinja.get_template(f"blocks/{kind}.html").render(**context)

    def template_diagnostic(self, exc: Exception) -> Diagnostic:
        """Where a template failed: the innermost frame in one of the theme's templates."""
        import traceback

        folders = [(folder / "templates").resolve() for folder in self.folders]
        where = Location(folders[0])
        for frame in traceback.extract_tb(exc.__traceback__):
            path = Path(frame.filename)
            if any(folder in path.parents for folder in folders):
                where = Location(path, frame.lineno or 0)
        line = getattr(exc, "lineno", None)
        name = getattr(exc, "filename", None)
        if name and line:
            where = Location(Path(name), line)
        message = str(getattr(exc, "message", None) or exc)
        return error(where, "CP802", f"theme template: {message}")

    def static_files(self) -> dict[str, Path]:
        """Package path (under ``theme/``) -> file; more specific folders win."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            if not static.is_dir():
                continue
            for path in sorted(static.rglob("*")):
                # A link out of the theme folder is never packaged (issue: a course's
                # overrides/static/ linked to /etc/passwd).
                if path.is_file() and is_inside(folder, path):
                    files["theme/" + path.relative_to(static).as_posix()] = path
        return dict(sorted(files.items()))


def resolve_theme(course_root: Path, name: str) -> Theme:
    builtin = builtin_themes_dir()
    default = builtin / DEFAULT_THEME
    if not (default / "templates").is_dir():
        raise UsageError(f"the default theme is missing from '{builtin}': reinstall coursepack")
    if "/" in name or "\\" in name or name.startswith("."):
        chosen = (course_root / name).resolve()
        # A theme folder must be inside the course: a course from a pull request must
        # not make the build read templates or files from elsewhere on the machine.
        if course_root.resolve() not in chosen.parents:
            raise UsageError(
                f"theme '{name}' is outside the course folder: use a built-in theme name "
                "or a folder inside the course"
            )
    else:
        chosen = builtin / name
    if not (chosen / "templates").is_dir() and not (chosen / "static").is_dir():
        raise UsageError(f"theme '{name}' not found (looked for '{chosen}')")
    folders: list[Path] = []
    overrides = course_root / OVERRIDES_DIR
    if overrides.is_dir():
        folders.append(overrides)
    if chosen != default:
        folders.append(chosen)
    folders.append(default)
    return Theme(folders=tuple(folders))


def default_partial(kind: str, context: Mapping[str, Any]) -> str:
    """A block rendered with the default theme (for checks that have no course theme)."""
    return Theme((builtin_themes_dir() / DEFAULT_THEME,)).render_partial(kind, context)


def inert_step(html: str, step_id: str, lazy: bool) -> Markup:
    """A step's whole section, for a big course, as the text of one inert script
    element that the runtime turns into the section when it is first shown
    (core.js, Player.inflate): the browser parses one element per step, not the
    thousands of nodes of every lesson and quiz, so the launch page opens in a time
    independent of the course's size. The text is the section's HTML with the two
    sequences that would end or change a script element's raw text ("</" and
    "<!--", HTML §13.2.5.4) escaped; the runtime undoes exactly that."""
    if not lazy:
        return Markup(html)
    text = str(html).strip().replace("</", "<\\/").replace("<!--", "<\\!--")
    return Markup(
        f'<script type="text/x-coursepack-step" class="cp-lazy" id="cp-src-{escape(step_id)}">'
        f"{text}</script>\n"
    )
