"""Writing packages: reproducible ZIP bytes, written atomically.

Reproducible: entries sorted by name, one fixed timestamp (from :mod:`clock`),
fixed permissions, no extra fields, so the same course gives the same bytes.
Atomic: every package of a build is written to a temporary file beside its
destination and renamed into place only when all of them are complete.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from coursepack.errors import PackagingError

_FILE_MODE = 0o100644 << 16  # regular file, rw-r--r--
_STORED_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".mp4",
    ".webm",
    ".mp3",
    ".ogg",
    ".zip",
    ".woff2",
)


def zip_bytes(files: Mapping[str, bytes], when: datetime) -> bytes:
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, so the permission bits below are honoured
            info.external_attr = _FILE_MODE
            # Already-compressed media gain nothing from deflate (standards.md Z3:
            # only stored and deflate are portable).
            stored = name.lower().endswith(_STORED_SUFFIXES)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if any(ord(c) > 127 for c in name):
                info.flag_bits |= 0x800  # UTF-8 name (APPNOTE appendix D, standards.md Z8)
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def _check_destination(dest: Path) -> None:
    """A destination that could not take a file, or a link that would send the bytes
    elsewhere, is refused before anything is written."""
    if dest.is_symlink():
        raise PackagingError(f"cannot write '{dest}': it is a symbolic link")
    if dest.exists() and not dest.is_file():
        raise PackagingError(f"cannot write '{dest}': it is a folder or a special file")


def write_atomic(dest: Path, data: bytes) -> None:
    """One file, written to a temporary file beside it and renamed into place."""
    write_all({dest: data})


def write_all(packages: Mapping[Path, bytes]) -> None:
    """Write every package or none: temporary files first, then renames."""
    for dest in packages:
        _check_destination(dest)
    staged: list[tuple[Path, Path]] = []
    current: Path | None = None
    try:
        for dest, data in packages.items():
            current = dest
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
            tmp = Path(tmp_name)
            staged.append((tmp, dest))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            tmp.chmod(0o644)
        for staged_tmp, dest in staged:
            current = dest
            staged_tmp.replace(dest)
    except OSError as exc:
        # Name the destination the user asked for, never the temporary file.
        raise PackagingError(f"cannot write '{current}': {exc.strerror}") from exc
    finally:
        for leftover, _ in staged:
            leftover.unlink(missing_ok=True)
