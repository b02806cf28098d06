"""A plain static web server (no LMS) on 127.0.0.1, for content opened on its own."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.harness.server import HarnessServer, LoopbackServer


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    with LoopbackServer(HarnessServer(("127.0.0.1", 0), handler)) as server:
        yield server.origin
