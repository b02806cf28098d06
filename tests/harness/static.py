"""A plain static web server (no LMS) on 127.0.0.1, for content opened on its own."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.harness.server import HarnessServer, check_failures


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = HarnessServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    failed: BaseException | None = None
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    except BaseException as exc:
        failed = exc
        raise
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        check_failures(server, failed)
