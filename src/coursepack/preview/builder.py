"""Builds for the preview: each into its own numbered folder of a temporary directory.

A build is the very package an LMS would receive (``coursepack.build.build``),
unpacked. A build that fails keeps the last good one running and says why, with the
located diagnostics. Nothing is written into the course folder.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from coursepack.diagnostics import Diagnostic
from coursepack.xmlutil import parse_bytes

KEEP = 2  # the running build and the one before it (a page may still be loading it)


@dataclass(frozen=True)
class Launch:
    """What the LMS reads from the package's descriptor."""

    href: str
    activity_id: str = ""  # xAPI course activity, cmi5 AU id
    mastery: str | None = None  # 1.2 masteryscore, 2004 minNormalizedMeasure, cmi5 masteryScore
    move_on: str = ""  # cmi5
    course_id: str = ""  # cmi5: the course, which the LMS states "satisfied"


@dataclass(frozen=True)
class Build:
    number: int
    folder: Path
    launch: Launch
    diagnostics: tuple[Diagnostic, ...]


class Builder:
    def __init__(self, course_dir: Path, fmt: str, language: str | None, workdir: Path) -> None:
        self.course_dir = course_dir
        self.fmt = fmt
        self.language = language
        self.workdir = workdir
        self.count = 0

    def build(self) -> Build:
        """The next build; raises ``CourseError`` (with diagnostics) when it fails."""
        from coursepack.build import build

        self.count += 1
        out = self.workdir / "out"
        shutil.rmtree(out, ignore_errors=True)
        languages = [self.language] if self.language else None
        result = build(
            self.course_dir, [self.fmt], out, languages=languages, cache_dir=self.workdir / "cache"
        )
        folder = self.workdir / f"build-{self.count}"
        with zipfile.ZipFile(result.packages[0].path) as archive:
            archive.extractall(folder)
        old = self.workdir / f"build-{self.count - KEEP}"
        shutil.rmtree(old, ignore_errors=True)
        return Build(self.count, folder, read_launch(folder, self.fmt), result.diagnostics)


def read_launch(folder: Path, fmt: str) -> Launch:
    if fmt in {"scorm12", "scorm2004"}:
        tree = parse_bytes((folder / "imsmanifest.xml").read_bytes())
        resource = tree.find("{*}resources/{*}resource")
        href = resource.get("href", "index.html") if resource is not None else "index.html"
        mastery = tree.findtext(".//{*}masteryscore") or tree.findtext(".//{*}minNormalizedMeasure")
        return Launch(href, mastery=mastery)
    if fmt == "xapi":
        tree = parse_bytes((folder / "tincan.xml").read_bytes())
        activity = tree.find("{*}activities/{*}activity")
        if activity is None:
            return Launch("index.html")
        return Launch(activity.findtext("{*}launch") or "index.html", activity.get("id", ""))
    tree = parse_bytes((folder / "cmi5.xml").read_bytes())
    au = tree.find(".//{*}au")
    if au is None:
        return Launch("index.html")
    course = tree.find("{*}course")
    return Launch(
        au.findtext("{*}url") or "index.html",
        au.get("id", ""),
        au.get("masteryScore"),
        au.get("moveOn", "NotApplicable"),
        course.get("id", "") if course is not None else "",
    )
