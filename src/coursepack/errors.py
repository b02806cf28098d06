"""The one base class for errors that are shown to the user without a traceback.

Library code raises a subclass of :class:`CoursepackError` for a problem the user can
fix (bad input, bad option, unwritable output); the CLI prints the message and exits
with the class's exit code. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coursepack.diagnostics import Diagnostic


class CoursepackError(Exception):
    """A user-facing error: printed as one line, no traceback."""

    exit_code = 1


class UsageError(CoursepackError):
    """Bad command-line usage or configuration (exit code 2)."""

    exit_code = 2


class CourseError(CoursepackError):
    """The course has error-level diagnostics; nothing was written."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        errors = sum(1 for d in self.diagnostics if d.is_error)
        super().__init__(f"the course has {errors} error(s); no package was written")


class PackagingError(CoursepackError):
    """A package could not be written (disk, permissions, a refused self-check)."""
