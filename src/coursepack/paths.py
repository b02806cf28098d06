"""Path rules shared by the loader and the renderer."""

from __future__ import annotations

import functools
import os
import posixpath
from pathlib import Path, PurePosixPath


def exists_exact(root: Path, relative: PurePosixPath) -> bool:
    """``root/relative`` is a file with exactly this letter case.

    Checked part by part because macOS and Windows file systems ignore case, while
    the LMS's web server will not (standards.md Z7).
    """
    current = root
    for part in relative.parts:
        if part not in _names(current):
            return False
        current = current / part
    return current.is_file()


def _names(folder: Path) -> frozenset[str]:
    """The entries of a folder, listed once per version of the folder: a reference
    check per lesson must not list the folder again (10,000 lessons took 1 min 45 s)."""
    try:
        stamp = folder.stat().st_mtime_ns
    except OSError:
        return frozenset()
    return _listing(str(folder), stamp)


@functools.lru_cache(maxsize=4096)
def _listing(folder: str, stamp: int) -> frozenset[str]:
    # Keyed by the folder's modification time: an added or removed file changes it,
    # so a long-lived process (preview) never sees a stale listing.
    try:
        return frozenset(child.name for child in Path(folder).iterdir())
    except OSError:
        return frozenset()


def case_match(root: Path, relative: PurePosixPath) -> PurePosixPath | None:
    """The real path of a file that matches ``relative`` only when letter case is ignored."""
    current = root
    found: list[str] = []
    for part in relative.parts:
        try:
            names = sorted(child.name for child in current.iterdir())
        except OSError:
            return None
        exact = part if part in names else None
        match = exact or next((name for name in names if name.lower() == part.lower()), None)
        if match is None:
            return None
        found.append(match)
        current = current / match
    return PurePosixPath(*found) if current.is_file() and found else None


def case_hint(root: Path, relative: PurePosixPath, *, base: PurePosixPath | None = None) -> str:
    """'` (did you mean 'X'?)`' when a file differs from ``relative`` only in letter case.

    ``base`` is the folder the reference was written from; the suggestion is given
    relative to it, as the author would write it.
    """
    match = case_match(root, relative)
    if match is None or match == relative:
        return ""
    shown = match.as_posix()
    if base is not None:
        shown = posixpath.relpath(shown, base.as_posix() or ".")
    return f" (did you mean '{shown}'? web servers are case-sensitive)"


def is_inside(root: Path, path: Path) -> bool:
    """``path``, with every symbolic link followed, lies inside ``root``.

    Course folders come from pull requests and strangers: a link to
    ``/proc/self/environ`` or ``/etc/passwd`` must never be read into a package.
    """
    # Strings, not Path.resolve: this runs for every file a course names, and
    # pathlib's objects cost more than the lstat calls themselves.
    try:
        real = os.path.realpath(path, strict=True)
        base = os.path.realpath(root, strict=True)
    except (OSError, RuntimeError, ValueError):
        return False
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


OUTSIDE = "is a symbolic link to a file outside the course folder; copy the file into the course"
