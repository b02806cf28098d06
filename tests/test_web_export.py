"""`--format web`: the course as a plain website, from a web server and from file://,
progress kept in the browser, no request outside its own files."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from coursepack.build import build
from coursepack.loader import load_course
from coursepack.model import Course
from tests.conftest import COURSE
from tests.harness.learner import go_to, read_every_page, take_quiz
from tests.harness.static import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web")
    [package] = build(COURSE, ["web"], root / "dist").packages
    assert package.path.name == "securite_jeunes_wikimediens-1.0.0-web.zip"
    with zipfile.ZipFile(package.path) as archive:
        names = archive.namelist()
        archive.extractall(root / "site")
    assert "imsmanifest.xml" not in names and "index.html" in names
    return root / "site"


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course(COURSE).course
    assert loaded is not None
    return loaded


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    yield ctx
    ctx.close()


def open_site(context: BrowserContext, url: str, requests: list[str]) -> Page:
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.wait_for_selector("body[data-cp-ready]")
    return page


def test_the_web_export_is_not_built_by_all(tmp_path: Path) -> None:
    from coursepack.targets import parse_formats

    assert parse_formats("all") == ["scorm12", "scorm2004", "xapi", "cmi5"]
    assert parse_formats("web") == ["web"]


def test_the_site_works_over_http_resumes_after_reload_and_stays_on_its_own_files(
    context: BrowserContext, site: Path, course: Course
) -> None:
    requests: list[str] = []
    with serve(site) as url:
        page = open_site(context, url + "/index.html", requests)
        assert page.text_content("#cp-notice") == ""  # no "not connected" warning
        assert not page.is_visible(".cp-exit") and page.is_visible(".cp-reset")
        read_every_page(page.main_frame)
        assert course.assessment is not None
        take_quiz(page.main_frame, course.assessment)
        assert page.evaluate("() => document.querySelector('.cp-progress-bar').value") == 100
        page.close()
        again = open_site(context, url + "/index.html", requests)
        go_to(again.main_frame, course.assessment.id)
        assert "Vous avez réussi." in (again.text_content(".cp-step.cp-current .cp-result") or "")
        again.on("dialog", lambda dialog: dialog.accept())
        with again.expect_navigation():
            again.click(".cp-reset")
        again.wait_for_selector("body[data-cp-ready]")
        # Back to a fresh start, on the cover: no page viewed yet.
        attempts = (
            "() => Object.values(window.Coursepack.player.state.q).reduce((a, q) => a + q.n, 0)"
        )
        assert again.evaluate(attempts) == 0
        assert again.evaluate("() => window.Coursepack.player.state.s.length") == 0
        again.close()
        assert requests and all(r.startswith(url) for r in requests)


def test_the_site_works_from_file_urls(context: BrowserContext, site: Path, course: Course) -> None:
    requests: list[str] = []
    page = open_site(context, (site / "index.html").as_uri(), requests)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    quiz = next(iter(course.quizzes()))
    take_quiz(page.main_frame, quiz)
    assert "Vous avez réussi." in (page.text_content(".cp-step.cp-current .cp-result") or "")
    assert all(r.startswith("file://") for r in requests)
    assert errors == []
    page.close()
