"""Located diagnostics: what every stage reports instead of raising on bad input.

A diagnostic points at ``file:line:col`` (1-based, as compilers and editors expect)
and carries a stable code, so CI logs and tests can match on it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file; ``line``/``col`` are 1-based, 0 means unknown."""

    file: Path
    line: int = 0
    col: int = 0

    def display(self, relative_to: Path | None = None) -> str:
        base = relative_to if relative_to is not None else Path.cwd()
        try:
            shown = os.path.relpath(self.file, base)
        except ValueError:  # another drive on Windows
            shown = str(self.file)
        if shown.startswith(".." + os.sep + ".." + os.sep):
            shown = str(self.file)
        text = shown.replace(os.sep, "/")
        if self.line:
            text += f":{self.line}"
            if self.col:
                text += f":{self.col}"
        return text

    def at(self, line: int, col: int = 0) -> Location:
        return Location(self.file, line, col)


@dataclass(frozen=True, order=True)
class Diagnostic:
    location: Location
    severity: Severity = field(compare=False)
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, relative_to: Path | None = None) -> str:
        where = self.location.display(relative_to)
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]"


def error(location: Location, code: str, message: str) -> Diagnostic:
    return Diagnostic(location, Severity.ERROR, code, message)


def warning(location: Location, code: str, message: str) -> Diagnostic:
    return Diagnostic(location, Severity.WARNING, code, message)


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    return any(d.is_error or (strict and d.severity is Severity.WARNING) for d in diagnostics)


def sorted_unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file/line order, each reported once."""
    return sorted(set(diagnostics))
