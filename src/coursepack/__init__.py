"""coursepack: compile a plain-text course into SCORM, xAPI and cmi5 packages."""

from __future__ import annotations

__version__ = "0.1.0"
