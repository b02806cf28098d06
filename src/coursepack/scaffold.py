"""``coursepack init``: a small course that builds as is, to start from."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from coursepack.errors import UsageError


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(("__", ".")):
            continue
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            found.extend(_walk(entry, name + "/"))
        else:
            found.append((name, entry.read_bytes()))
    return found


def scaffold(directory: Path) -> list[Path]:
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(f"'{directory}' exists and is not empty")
    written: list[Path] = []
    for name, data in _walk(resources.files("coursepack") / "starter"):
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
