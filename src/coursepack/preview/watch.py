"""Watching a course folder: every saved change to a lesson, quiz, image, theme
override or translation triggers ``on_change`` once (changes are debounced)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path


def watch(folder: Path, stop: threading.Event, on_change: Callable[[], object]) -> None:
    """Block until ``stop`` is set, calling ``on_change`` after each batch of changes."""
    from watchfiles import watch as changes_of

    # watchfiles' default filter skips editors' swap and backup files and .git.
    for _changes in changes_of(
        folder, stop_event=stop, debounce=250, step=50, raise_interrupt=False
    ):
        on_change()
