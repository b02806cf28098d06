"""The real Learning Record Store for the tests: LearningLocker's xapi-statements
(npm), run without databases (memory models, local storage, test auth and events),
on 127.0.0.1 only (tests/harness/loopback.js), on a free port; stopped by the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "node_modules" / "xapi-statements" / "dist" / "index.js"
PRELOAD = Path(__file__).resolve().parent / "loopback.js"
AUTH = "Basic dGVzdDp0ZXN0"  # test:test; AUTH_REPO=test accepts any client
HEADERS = {"X-Experience-API-Version": "1.0.3", "Authorization": AUTH}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Lrs:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xAPI/"
        self._dir = Path(tempfile.mkdtemp(prefix="lrs-"))
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Lrs:
        if not SERVER.exists():
            raise RuntimeError("xapi-statements is not installed: run 'npm ci'")
        env = {
            **os.environ,
            "MODELS_REPO": "memory",
            "STORAGE_REPO": "local",
            "AUTH_REPO": "test",
            "EVENTS_REPO": "test",
            "EXPRESS_PORT": str(self.port),
            "FS_LOCAL_STORAGE_DIR": str(self._dir / "storage"),
            "EXPRESS_MORGAN_DIRECTORY": str(self._dir / "logs"),
            "WINSTON_CONSOLE_LEVEL": "error",
        }
        self._process = subprocess.Popen(
            ["node", "-r", str(PRELOAD), str(SERVER)],
            cwd=self._dir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "about", timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the LRS did not start")

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        shutil.rmtree(self._dir, ignore_errors=True)

    def statements(self, registration: str | None = None) -> list[dict[str, Any]]:
        """Every stored statement (oldest first), following 'more' links."""
        query = "statements?limit=500&ascending=true"
        if registration:
            query += f"&registration={registration}"
        found: list[dict[str, Any]] = []
        url: str | None = self.url + query
        while url:
            request = urllib.request.Request(url, headers=HEADERS)
            with urllib.request.urlopen(request, timeout=10) as response:
                page = json.load(response)
            found.extend(page["statements"])
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
        return found
