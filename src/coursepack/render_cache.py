"""The build cache: the HTML of lessons and quiz texts rendered by an earlier build,
reused when nothing it was made from has changed.

An entry is keyed by the lesson's text and every setting of its rendering, and the
whole cache by a *salt*: coursepack's version and code, the theme's templates, and
every file of the course folder except its text sources (name, size, time, and
where a symbolic link leads). A changed image, caption, theme override or link
therefore renders every lesson again, so the reference checks (missing files,
letter case, links out of the course) are never skipped on a stale answer. The
cache is JSON (never pickle: a cache file must not be able to run code), lives
outside the course folder, keeps only what the last build used, and is replaced
atomically. A damaged or unreadable cache is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coursepack import __version__
from coursepack.diagnostics import Diagnostic, Location, Severity

FORMAT = 1
# Their contents are part of each entry's key (the lesson text) or are read by other
# stages (quizzes, translations), so their times do not invalidate every lesson.
TEXT_SOURCES = {".md", ".yml", ".yaml", ".po", ".pot", ".xlf", ".xliff"}


@dataclass(frozen=True)
class CachedRender:
    html: str
    assets: frozenset[str]
    generated: Mapping[str, bytes]
    diagnostics: tuple[Diagnostic, ...]


@dataclass
class RenderCache:
    """Open with :func:`open_cache`; ``save()`` after the build."""

    file: Path | None
    salt: str
    entries: dict[str, Any]
    used: dict[str, Any] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    @property
    def enabled(self) -> bool:
        return self.file is not None

    def key(self, *parts: object) -> str:
        digest = hashlib.sha256(self.salt.encode())
        digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
        return digest.hexdigest()

    def get(self, key: str) -> CachedRender | None:
        if self.file is None:
            return None
        raw = self.entries.get(key)
        found = _decode(raw) if raw is not None else None
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self.used[key] = raw
        return found

    def put(self, key: str, render: CachedRender) -> None:
        if self.file is not None:
            self.used[key] = _encode(render)

    def get_rows(self, key: str) -> list[list[Any]] | None:
        """A table of plain JSON values kept by ``put_rows`` (not counted as a
        rendering), or ``None``."""
        raw = self.entries.get(key) if self.file is not None else None
        if not isinstance(raw, dict) or not isinstance(raw.get("rows"), list):
            return None
        if not all(isinstance(row, list) for row in raw["rows"]):
            return None
        self.used[key] = raw
        return list(raw["rows"])

    def put_rows(self, key: str, rows: list[list[Any]]) -> None:
        if self.file is not None:
            self.used[key] = {"rows": rows}

    def save(self) -> None:
        if self.file is None:
            return
        payload = json.dumps({"format": FORMAT, "salt": self.salt, "entries": self.used})
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".render-", dir=self.file.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            Path(name).replace(self.file)
        except OSError:
            return  # a cache that cannot be written only costs time


def default_folder(environ: Mapping[str, str]) -> Path:
    """``$COURSEPACK_CACHE_DIR``, else ``$XDG_CACHE_HOME/coursepack``, else
    ``~/.cache/coursepack``."""
    if environ.get("COURSEPACK_CACHE_DIR"):
        return Path(environ["COURSEPACK_CACHE_DIR"])
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coursepack"


def disabled() -> RenderCache:
    return RenderCache(None, "", {})


def open_cache(folder: Path, course_root: Path) -> RenderCache:
    """The cache of this course folder under ``folder`` (never inside the course)."""
    root = course_root.resolve()
    if folder.resolve() == root or root in folder.resolve().parents:
        return disabled()
    name = hashlib.sha256(str(root).encode()).hexdigest()[:20]
    file = folder / f"render-{name}.json"
    salt = _salt(root)
    try:
        stored = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError):
        stored = None
    valid = (
        isinstance(stored, dict)
        and stored.get("format") == FORMAT
        and stored.get("salt") == salt
        and isinstance(stored.get("entries"), dict)
    )
    return RenderCache(file, salt, stored["entries"] if valid and stored else {})


def _salt(root: Path) -> str:
    """A theme is built in or a folder of the course: both trees are read."""
    from coursepack.theme import builtin_themes_dir

    digest = hashlib.sha256(f"{FORMAT} {__version__} {root}".encode())
    for tree, everything in ((Path(__file__).parent, True), (builtin_themes_dir(), True),
                             (root, False)):  # fmt: skip
        for line in _tree(tree, everything=everything):
            digest.update(line.encode())
    return digest.hexdigest()


def _tree(root: Path, *, everything: bool) -> Iterable[str]:
    """One line per file below ``root``: its name and what says it changed."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in {"__pycache__", ".git"})
        base = Path(folder)
        linked = [d for d in dirs if (base / d).is_symlink()]
        for name in sorted([*files, *linked]):
            path = base / name
            try:
                info = path.lstat()
            except OSError:
                continue
            line = path.relative_to(root).as_posix()
            if path.is_symlink():
                line += f" -> {path.readlink()} = {path.resolve()}"
            if everything or path.suffix.lower() not in TEXT_SOURCES:
                line += f" {info.st_size} {info.st_mtime_ns} {info.st_mode}"
            yield line + "\n"


def _encode(render: CachedRender) -> dict[str, Any]:
    return {
        "html": render.html,
        "assets": sorted(render.assets),
        "generated": {k: base64.b64encode(v).decode() for k, v in render.generated.items()},
        "diagnostics": [_diagnostic_row(d) for d in render.diagnostics],
    }


def _diagnostic_row(d: Diagnostic) -> list[object]:
    where = d.location
    return [str(where.file), where.line, where.col, d.severity.value, d.code, d.message]


def _decode(raw: Any) -> CachedRender | None:
    try:
        return CachedRender(
            html=str(raw["html"]),
            assets=frozenset(str(a) for a in raw["assets"]),
            generated={str(k): base64.b64decode(v) for k, v in raw["generated"].items()},
            diagnostics=tuple(
                Diagnostic(
                    Location(Path(f), int(line), int(col)), Severity(sev), str(code), str(msg)
                )
                for f, line, col, sev, code, msg in raw["diagnostics"]
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
