"""Reading a package without trusting it: a ZIP (file or bytes) or an unpacked folder.

Nothing is extracted to disk. Only the central directory is listed; a member is
read only when a rule needs it, through a bounded read, so a zip bomb or a 50 MB
manifest costs at most the bound in memory.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

CRC_BUDGET = 2 * 1024**3  # bytes inflated by --check-crc at most
READ_LIMIT = 16 * 1024 * 1024  # the largest descriptor the validator reads


class SourceError(Exception):
    """The package cannot be listed at all (becomes finding Z1 or Z8)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class TooLarge(Exception):
    """A member is larger than the read limit."""


class Entry(NamedTuple):
    """One member of a package. A named tuple: a package may list 100,000 entries,
    and a frozen dataclass took longer to build than zipfile took to list them."""

    name: str
    size: int  # uncompressed, as declared
    compressed: int
    is_dir: bool
    encrypted: bool = False
    method: int = 0
    utf8_flag: bool = True
    mode: int = 0o100644  # Unix mode bits, when the archive records them


class ZipSource:
    def __init__(self, label: str, data: bytes | Path) -> None:
        self.label = label
        self._file: io.BufferedReader | io.BytesIO = (
            io.BytesIO(data) if isinstance(data, bytes) else data.open("rb")
        )
        try:
            self._zip = zipfile.ZipFile(self._file)
        except zipfile.BadZipFile as exc:
            self._file.close()
            raise SourceError("Z1", f"not a readable ZIP archive: {exc}") from exc
        except UnicodeDecodeError as exc:
            self._file.close()
            raise SourceError(
                "Z8", "entry names are flagged as UTF-8 but are not valid UTF-8"
            ) from exc
        except Exception as exc:  # zipfile leaks struct, zlib and value errors on damaged input
            self._file.close()
            raise SourceError("Z1", f"not a readable ZIP archive: {exc}") from exc
        self.entries = [self._entry(info) for info in self._zip.infolist()]

    @staticmethod
    def _entry(info: zipfile.ZipInfo) -> Entry:
        mode = info.external_attr >> 16 if info.create_system == 3 else 0o100644
        return Entry(
            name=info.filename,
            size=info.file_size,
            compressed=info.compress_size,
            is_dir=info.filename.endswith("/"),  # ZipInfo.is_dir() fails on an empty name
            encrypted=bool(info.flag_bits & 0x1),
            method=info.compress_type,
            utf8_flag=bool(info.flag_bits & 0x800),
            mode=mode or 0o100644,
        )

    def read(self, name: str, limit: int = READ_LIMIT) -> bytes:
        info = self._zip.getinfo(name)
        if info.file_size > limit:
            raise TooLarge(name)
        try:
            with self._zip.open(info) as member:
                data = member.read(limit + 1)
        except RuntimeError as exc:  # an encrypted member, and no password
            raise SourceError("Z2", f"cannot read '{name}': {exc}") from exc
        except Exception as exc:  # damaged data: zlib, lzma, struct or zipfile errors
            raise SourceError("Z1", f"cannot read '{name}': {exc}") from exc
        if len(data) > limit:  # the declared size lied
            raise TooLarge(name)
        return data

    def check_crc(self) -> Iterator[tuple[str, str]]:
        """Stream every member; yield (name, problem) for each whose CRC does not match.

        Each local header is inflated once, however many central-directory records
        point at it, and at most CRC_BUDGET bytes in all (41 records on one 1 GB entry
        once took 2.5 minutes); what is left unchecked is reported."""
        inflated = 0
        checked: set[int] = set()
        for info in self._zip.infolist():
            if info.filename.endswith("/") or info.flag_bits & 0x1:
                continue
            if info.header_offset in checked:
                continue
            checked.add(info.header_offset)
            if inflated + info.file_size > CRC_BUDGET:
                limit = CRC_BUDGET // 1024**3
                yield info.filename, f"and the entries after it were not checked (over {limit} GiB)"
                return
            inflated += info.file_size
            try:
                with self._zip.open(info) as member:
                    while member.read(1 << 20):
                        pass
            except Exception:  # any failure to inflate or verify is a corrupt entry
                yield info.filename, "is corrupt (CRC or data error)"

    def close(self) -> None:
        self._zip.close()
        self._file.close()


class FolderSource:
    """An unpacked package; symbolic links are reported, never followed."""

    def __init__(self, label: str, folder: Path) -> None:
        self.label = label
        self._root = folder
        self.entries: list[Entry] = []
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            dirnames.sort()
            base = Path(dirpath)
            for name in sorted(filenames) + [d for d in dirnames if (base / d).is_symlink()]:
                path = base / name
                info = path.lstat()
                relative = path.relative_to(folder).as_posix()
                self.entries.append(
                    Entry(
                        name=relative,
                        size=info.st_size,
                        compressed=info.st_size,
                        is_dir=False,
                        mode=info.st_mode,
                    )
                )

    def read(self, name: str, limit: int = READ_LIMIT) -> bytes:
        path = self._root / name
        if path.is_symlink() or not stat.S_ISREG(path.lstat().st_mode):
            raise SourceError("Z9", f"'{name}' is not a regular file")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(name)
        return data

    def check_crc(self) -> Iterator[tuple[str, str]]:
        return iter(())

    def close(self) -> None:
        pass


class StructureSource:
    """A cmi5 course structure given alone (cmi5 14.2: an LMS may import cmi5.xml by
    itself when every AU url is absolute): one entry, 'cmi5.xml'."""

    standalone = True

    def __init__(self, label: str, path: Path) -> None:
        self.label = label
        self._path = path
        size = path.stat().st_size
        self.entries = [Entry(name="cmi5.xml", size=size, compressed=size, is_dir=False)]

    def read(self, name: str, limit: int = READ_LIMIT) -> bytes:
        with self._path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(name)
        return data

    def check_crc(self) -> Iterator[tuple[str, str]]:
        return iter(())

    def close(self) -> None:
        pass


Source = ZipSource | FolderSource | StructureSource


def open_source(path: Path) -> Source:
    if path.is_dir():
        return FolderSource(path.name, path)
    if path.suffix.lower() == ".xml":
        return StructureSource(path.name, path)
    return ZipSource(path.name, path)
