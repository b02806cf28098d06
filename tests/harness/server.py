"""The life cycle every test server shares: 127.0.0.1 only, a free port, a daemon
thread, stopped (shutdown, close, join) when the ``with`` block ends, and a failure
inside a request handler fails the test instead of vanishing into stderr."""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from socketserver import BaseRequestHandler
from types import TracebackType
from typing import Self


class HarnessServer(ThreadingHTTPServer):
    """Keeps what went wrong while handling a request. A browser that closes the page
    while a response is being written (an unload beacon, a closed tab) is not an
    error: the LMS cannot answer a page that is gone either."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: Callable[..., BaseRequestHandler]
    ) -> None:
        self.failures: list[str] = []
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        self.failures.append(traceback.format_exc())


class LoopbackServer:
    def __init__(self, server: HarnessServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        # After the test's own failure (if any), a handler's failure is the news.
        if exc is None and self._server.failures:
            failure = self._server.failures[0]
            raise AssertionError("a test server's request handler failed:\n" + failure)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"
