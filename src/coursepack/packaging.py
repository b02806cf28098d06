"""Writing packages: reproducible ZIP bytes, written atomically.

Reproducible: entries sorted by name, one fixed timestamp (from :mod:`clock`),
fixed permissions, no extra fields, so the same course gives the same bytes.
Atomic: every package of a build is written to a temporary file beside its
destination and renamed into place only when all of them are complete.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from coursepack.errors import PackagingError

_FILE_MODE = 0o100644 << 16  # regular file, rw-r--r--
# Already-compressed formats: deflate gains nothing and costs time (standards.md Z3:
# only stored and deflate are portable, so these are stored).
_STORED_SUFFIXES = frozenset(
    {
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".heic",
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".ogv",
        ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac",
        ".zip", ".gz", ".7z", ".woff", ".woff2", ".svgz", ".pdf",
    }
)  # fmt: skip
_SNIFF_BYTES = 64 * 1024
_CHUNK = 1024 * 1024

# A package file: bytes made by the build, or a course file copied in chunks (a 500 MB
# video is never held in memory).
Content = bytes | Path


def _stored(name: str, content: Content) -> bool:
    if Path(name).suffix.lower() in _STORED_SUFFIXES:
        return True
    # Unknown type: store it when its first 64 KiB barely compress.
    head = content[:_SNIFF_BYTES] if isinstance(content, bytes) else _head(content)
    return len(head) >= 4096 and len(zlib.compress(head, 1)) > 0.95 * len(head)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_SNIFF_BYTES)


def write_zip(files: Mapping[str, Content], when: datetime, target: BinaryIO) -> None:
    """The reproducible ZIP of ``files`` into ``target``, streaming course files."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(target, "w") as archive:
        for name in sorted(files):
            content = files[name]
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, so the permission bits below are honoured
            info.external_attr = _FILE_MODE
            stored = _stored(name, content)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if any(ord(c) > 127 for c in name):
                info.flag_bits |= 0x800  # UTF-8 name (APPNOTE appendix D, standards.md Z8)
            if isinstance(content, bytes):
                archive.writestr(info, content, compresslevel=9)
                continue
            # The size known up front makes the same ZIP64 choice writestr makes, so a
            # streamed entry's bytes are those of an in-memory one.
            info.file_size = content.stat().st_size
            info._compresslevel = 9  # type: ignore[attr-defined]  # what writestr sets
            with content.open("rb") as source, archive.open(info, "w") as sink:
                shutil.copyfileobj(source, sink, _CHUNK)


def zip_bytes(files: Mapping[str, Content], when: datetime) -> bytes:
    buffer = io.BytesIO()
    write_zip(files, when, buffer)
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
    """Write every file or none: temporary files first, then renames."""
    staged: list[tuple[Path, Path]] = []
    try:
        for dest, data in packages.items():
            tmp = stage(dest)
            staged.append((tmp, dest))
            _write(dest, tmp, lambda handle, data=data: handle.write(data))  # type: ignore[misc]
        commit(staged)
    finally:
        discard(staged)


def stage(dest: Path) -> Path:
    """A new temporary file beside ``dest``, which is checked first."""
    _check_destination(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise PackagingError(f"cannot write '{dest}': {exc.strerror}") from exc
    os.close(fd)
    return Path(name)


def write_package(dest: Path, tmp: Path, files: Mapping[str, Content], when: datetime) -> None:
    """The package's ZIP into its staged temporary file, synced to disk."""
    _write(dest, tmp, lambda handle: write_zip(files, when, handle))


def _write(dest: Path, tmp: Path, fill: Callable[[BinaryIO], object]) -> None:
    try:
        with tmp.open("wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
    except OSError as exc:
        # Name the destination the user asked for, never the temporary file.
        raise PackagingError(f"cannot write '{dest}': {exc.strerror}") from exc


def commit(staged: list[tuple[Path, Path]]) -> list[Path]:
    """Rename every staged file into place, all of them once all are written. A
    destination that already holds the same bytes is left alone (its date too), so an
    unchanged package is not rewritten. Returns the destinations actually replaced."""
    replaced: list[Path] = []
    current: Path | None = None
    try:
        for tmp, dest in staged:
            current = dest
            if dest.is_file() and _same_bytes(tmp, dest):
                continue
            tmp.replace(dest)
            replaced.append(dest)
    except OSError as exc:
        raise PackagingError(f"cannot write '{current}': {exc.strerror}") from exc
    return replaced


def discard(staged: list[tuple[Path, Path]]) -> None:
    for tmp, _ in staged:
        tmp.unlink(missing_ok=True)


def _same_bytes(first: Path, second: Path) -> bool:
    if first.stat().st_size != second.stat().st_size:
        return False
    with first.open("rb") as a, second.open("rb") as b:
        while True:
            chunk = a.read(_CHUNK)
            if chunk != b.read(_CHUNK):
                return False
            if not chunk:
                return True
