"""Driving one LMS session in Chromium and reading what the LMS holds."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Frame, Page

from tests.harness.lms import Lms, import_package
from tests.harness.moodle import MoodleLms

API = {"scorm12": "window.API", "scorm2004": "window.API_1484_11"}
SETTER = {"scorm12": "LMSSetValue", "scorm2004": "SetValue"}
FIRST = {"scorm12": "LMSInitialize", "scorm2004": "Initialize"}
LAST = {"scorm12": "LMSFinish", "scorm2004": "Terminate"}


def nest(flat: dict[str, str]) -> dict[str, Any]:
    """'cmi.core.score.raw' -> {'core': {'score': {'raw': …}}}, the shape scorm-again's
    data model has, so one assertion reads both LMS layers."""
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        parts = key.removeprefix("cmi.").split(".")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


@dataclass
class Session:
    standard: str
    page: Page
    frame: Frame
    errors: list[str] = field(default_factory=list)
    kind: str = "scorm-again"  # or "moodle" / "lenient": which LMS layer holds the API

    def cmi(self) -> dict[str, Any]:
        if self.kind in {"moodle", "lenient"}:
            return nest(self.page.evaluate("() => window.lmsData()"))
        data: dict[str, Any] = self.page.evaluate(
            f"() => JSON.parse(JSON.stringify({API[self.standard]}.cmi))"
        )
        return data

    def interactions(self) -> list[dict[str, Any]]:
        """The LMS's interaction records in index order (scorm-again keys them by index)."""
        raw = self.cmi()["interactions"]
        return [raw[key] for key in sorted((k for k in raw if k.isdigit()), key=int)]

    def calls(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.page.evaluate("() => window.lmsCalls")
        return found

    def methods(self) -> list[str]:
        return [call["method"] for call in self.calls()]

    def set_values(self) -> list[tuple[str, str]]:
        return [
            (c["args"][0], c["args"][1])
            for c in self.calls()
            if c["method"] == SETTER[self.standard]
        ]

    def save_and_exit(self) -> None:
        self.frame.click(".cp-exit")
        self.frame.wait_for_selector(".cp-exit:disabled")

    def close(self) -> None:
        self.page.close()


def unpack(package: Path, folder: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    return folder


def open_session(
    browser: Browser, lms: Lms | MoodleLms, folder: Path, previous: dict[str, Any] | None = None
) -> Session:
    package = import_package(folder)
    url = lms.launch(package, previous)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    session = Session(package.standard, page, page.main_frame, kind=lms.kind)
    page.on("pageerror", lambda exc: session.errors.append(str(exc)))
    page.goto(url)
    element = page.wait_for_selector("#content")
    assert element is not None
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_selector("body.cp-js")
    session.frame = frame
    return session
