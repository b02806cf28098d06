"""Path rules shared by the loader and the renderer."""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def exists_exact(root: Path, relative: PurePosixPath) -> bool:
    """``root/relative`` is a file with exactly this letter case.

    Checked part by part because macOS and Windows file systems ignore case, while
    the LMS's web server will not (standards.md Z7).
    """
    current = root
    for part in relative.parts:
        try:
            if part not in {child.name for child in current.iterdir()}:
                return False
        except OSError:
            return False
        current = current / part
    return current.is_file()
