"""A plain static website of the course: no LMS, no descriptor.

Progress and answers stay in the browser's ``localStorage``, with a control to reset
them. The site works from a web server and from ``file://`` (an offline copy on a USB
stick), with the same theme, accessibility and content security policy (no request
leaves the site). Built only on request (``--format web``), never by ``all``.
"""

from __future__ import annotations

from coursepack.diagnostics import Diagnostic
from coursepack.explain import EXIT, LAUNCH, PROGRESS, Row
from coursepack.model import Course
from coursepack.packaging import Content
from coursepack.render import RenderedCourse, TargetPage
from coursepack.targets.content import content_files

NAME = "web"
LABEL = "Web (static site)"
STATE_LIMIT: int | None = None  # localStorage holds megabytes
VALIDATED = False  # no SCORM/xAPI/cmi5 descriptor for the package validator to read
PAGE = TargetPage(name=NAME, scripts=("adapter-web.js",))


def check(course: Course) -> list[Diagnostic]:
    return []


def explain(course: Course) -> list[Row]:
    return [
        Row(LAUNCH, "localStorage", "read: the saved state and page of this course and version"),
        Row(PROGRESS, "localStorage", "written at each change; nothing leaves the browser"),
        Row(EXIT, "Reset my progress", "a header button clears this course's saved state"),
    ]


def build(rendered: RenderedCourse) -> dict[str, Content]:
    return content_files(rendered, PAGE)
