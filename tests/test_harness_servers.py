"""The test servers themselves: a failure inside one of their request handlers fails
the test that used it, and a page that goes away mid-response does not."""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.harness.server import HarnessServer, LoopbackServer


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/gone":
            raise BrokenPipeError("the page was closed")
        raise KeyError("cmi.core.lesson_status")


def _get(origin: str, path: str) -> None:
    # The handler failed: the client sees a closed connection.
    with contextlib.suppress(urllib.error.URLError, ConnectionError):
        urllib.request.urlopen(origin + path, timeout=5).read()


def test_a_request_handler_that_fails_fails_the_test() -> None:
    server = LoopbackServer(HarnessServer(("127.0.0.1", 0), _Handler))
    with pytest.raises(AssertionError, match=r"KeyError: 'cmi\.core\.lesson_status'"), server:
        _get(server.origin, "/commit")


def test_a_page_closed_mid_response_is_not_a_failure() -> None:
    with LoopbackServer(HarnessServer(("127.0.0.1", 0), _Handler)) as server:
        _get(server.origin, "/gone")
