"""One preview: a temporary build folder, the first build, the server and the watcher.

Use it as a context manager; leaving it stops the watcher and the server and removes
the temporary folder, whatever happened.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from types import TracebackType

from coursepack.preview.builder import Builder
from coursepack.preview.lms import PreviewState
from coursepack.preview.lrs import Forward, Store
from coursepack.preview.server import PreviewServer
from coursepack.preview.watch import watch

FORMATS = ("scorm12", "scorm2004", "xapi", "cmi5")
LMS_PROFILES = ("moodle", "openedx")


class Preview:
    def __init__(
        self,
        course_dir: Path,
        fmt: str = "scorm2004",
        *,
        language: str | None = None,
        port: int = 0,
        forward: Forward | None = None,
        watching: bool = True,
        lms: str = "moodle",
    ) -> None:
        from coursepack.errors import UsageError

        if lms not in LMS_PROFILES:
            raise UsageError(f"--lms must be one of {', '.join(LMS_PROFILES)} (got {lms!r})")
        if fmt not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
        if not (course_dir / "course.yml").is_file():
            raise UsageError(f"'{course_dir}' is not a course folder (no course.yml)")
        self.course_dir = course_dir
        self.fmt = fmt
        self.language = language
        self.port = port
        self.forward = forward
        self.watching = watching
        self.lms = lms
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.server: PreviewServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    @property
    def state(self) -> PreviewState:
        assert self.server is not None
        return self.server.state

    def __enter__(self) -> Preview:
        self._tmp = tempfile.TemporaryDirectory(prefix="coursepack-preview-")
        builder = Builder(self.course_dir, self.fmt, self.language, Path(self._tmp.name))
        state = PreviewState(builder, Store(forward=self.forward), self.course_dir, self.lms)
        try:
            self.server = PreviewServer(state, self.port)
        except OSError:
            self._tmp.cleanup()
            raise
        state.rebuild()
        self.server.start()
        if self.watching:
            self._watcher = threading.Thread(
                target=watch, args=(self.course_dir, self._stop, state.rebuild), daemon=True
            )
            self._watcher.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self.server is not None:
            self.server.stop()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        if self._tmp is not None:
            self._tmp.cleanup()
