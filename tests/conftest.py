"""Shared fixtures: the flagship course built once, a real Chromium, a real LMS."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from coursepack.build import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
XSD_DIR = SHARED / "reference" / "xsd"
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
