"""The files every package shares: launch page, runtime, theme and course assets."""

from __future__ import annotations

from importlib import resources

from coursepack.packaging import Content
from coursepack.render import LAUNCH_PAGE, RUNTIME_DIR, RenderedCourse, TargetPage

CORE_SCRIPT = "core.js"


def runtime_script(name: str) -> bytes:
    """The minified build of a runtime module (runtime/min/, made by
    scripts/minify.mjs from the readable source beside it), or the source itself."""
    runtime = resources.files("coursepack") / "runtime"
    minified = runtime / "min" / name
    return (minified if minified.is_file() else runtime / name).read_bytes()


def content_files(rendered: RenderedCourse, page: TargetPage) -> dict[str, Content]:
    """The launch page and runtime (made now), and the theme's and course's files,
    named, not read: the package streams them (coursepack.packaging)."""
    files: dict[str, Content] = {LAUNCH_PAGE: rendered.page(page)}
    for name in (CORE_SCRIPT, *rendered.scripts, *page.scripts):
        files[f"{RUNTIME_DIR}/{name}"] = runtime_script(name)
    for package_path, source in rendered.theme_static().items():
        files[package_path] = source
    for package_path, source in rendered.assets.items():
        files[package_path] = source
    files.update(rendered.generated)
    return dict(sorted(files.items()))
