"""Package targets: one small module per standard over the shared rendering.

Each target module defines ``NAME``, ``LABEL`` and ``build(rendered) -> files``
(package path -> bytes). Modules are imported only when a build asks for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Protocol

from coursepack.diagnostics import Diagnostic
from coursepack.errors import UsageError
from coursepack.explain import Row
from coursepack.model import Course
from coursepack.packaging import Content
from coursepack.render import RenderedCourse

# Name -> module, in the order builds write them.
TARGETS: Mapping[str, str] = {
    "scorm12": "coursepack.targets.scorm12",
    "scorm2004": "coursepack.targets.scorm2004",
    "xapi": "coursepack.targets.xapi",
    "cmi5": "coursepack.targets.cmi5",
    "web": "coursepack.targets.web",
}
# What 'all' builds: the LMS and LRS packages ('web' is built only when named).
ALL = ("scorm12", "scorm2004", "xapi", "cmi5")


class Target(Protocol):
    NAME: str
    LABEL: str
    STATE_LIMIT: int | None  # characters of resume state the standard guarantees
    VALIDATED: bool  # the package has a descriptor coursepack validate checks

    def build(self, rendered: RenderedCourse) -> dict[str, Content]: ...

    def explain(self, course: Course) -> list[Row]: ...

    def check(self, course: Course) -> list[Diagnostic]: ...


def get_target(name: str) -> Target:
    if name not in TARGETS:
        known = ", ".join(TARGETS)
        raise UsageError(f"unknown format '{name}' (known formats: {known})")
    module: Target = importlib.import_module(TARGETS[name])
    return module


def parse_formats(text: str | None) -> list[str]:
    if not text or text == "all":
        return list(ALL)
    names = [part.strip() for part in text.split(",") if part.strip()]
    for name in names:
        get_target(name)
    return list(dict.fromkeys(names))
