"""Themes: where templates and static files come from.

Lookup order, as in MkDocs: the course's own ``overrides/`` folder, then the chosen
theme, then the default theme. A template can extend the default explicitly with
the ``default/`` prefix (``{% extends "default/base.html" %}``). Jinja runs with
autoescape and ``StrictUndefined``, so a missing variable fails the build instead
of producing an empty string.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)

from coursepack.errors import UsageError

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
        env = Environment(
            loader=ChoiceLoader([PrefixLoader({DEFAULT_THEME: default}), *chain]),
            autoescape=select_autoescape(default_for_string=True, default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        return env

    def static_files(self) -> dict[str, Path]:
        """Package path (under ``theme/``) -> file; more specific folders win."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            if not static.is_dir():
                continue
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    files["theme/" + path.relative_to(static).as_posix()] = path
        return dict(sorted(files.items()))


def resolve_theme(course_root: Path, name: str) -> Theme:
    builtin = builtin_themes_dir()
    default = builtin / DEFAULT_THEME
    if not (default / "templates").is_dir():
        raise UsageError(f"the default theme is missing from '{builtin}': reinstall coursepack")
    if "/" in name or name.startswith("."):
        chosen = (course_root / name).resolve()
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
