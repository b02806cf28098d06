"""Accessible, responsive, private pages: axe-core on every page, a keyboard-only
run, screenshots at phone and desktop widths, the network log, theming, and the
build-time accessibility lint. Results and screenshots go to test-artifacts/."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from typer.testing import CliRunner

from coursepack.build import BuildResult, build
from coursepack.cli import app
from coursepack.loader import load_course
from coursepack.markdown import render_markdown
from tests.conftest import COURSE, FIXTURES, ROOT
from tests.harness.learner import by_id, go_to, take_quiz
from tests.harness.lms import Lms
from tests.harness.session import open_session, unpack
from tests.harness.static import serve

ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def unpacked(flagship: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("a11y")
    return {p.format: unpack(p.path, root / p.format) for p in flagship.packages}


def axe_page(browser: Browser, url: str, width: int) -> Page:
    # The package's CSP forbids injected scripts, as it should; the audit bypasses it.
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-cp-ready]")
    page.add_script_tag(content=AXE.read_text("utf-8"))
    return page


def violations(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))"
    )
    return found


def audit_every_step(page: Page, label: str) -> dict[str, list[dict[str, Any]]]:
    results = {}
    steps = page.evaluate("() => window.Coursepack.player.steps.map(s => s.id)")
    for index, step in enumerate(steps):
        page.evaluate(f"() => window.Coursepack.player.show({index}, true)")
        results[f"{label}:{step}"] = violations(page)
    return results


def save_artifact(name: str, data: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004", "xapi", "cmi5"])
def test_axe_finds_no_violation_on_any_page(
    chromium: Browser, unpacked: dict[str, Path], fmt: str
) -> None:
    with serve(unpacked[fmt]) as url:
        page = axe_page(chromium, url + "/index.html", 1280)
        results = audit_every_step(page, fmt)
        page.context.close()
    save_artifact(f"axe-{fmt}.json", results)
    assert {step: found for step, found in results.items() if found} == {}
    course = load_course(COURSE).course
    assert course is not None
    # Every lesson and quiz, and the cover, completion and glossary pages.
    pages = len(list(course.lessons())) + len(list(course.quizzes())) + 3
    assert len(results) == pages


@pytest.mark.browser
def test_axe_finds_no_violation_on_a_phone_with_menu_feedback_and_results(
    chromium: Browser, unpacked: dict[str, Path]
) -> None:
    course = load_course(COURSE).course
    assert course is not None and course.assessment is not None
    with serve(unpacked["scorm12"]) as url:
        page = axe_page(chromium, url + "/index.html", 360)
        results = audit_every_step(page, "360")
        page.click(".cp-menu-toggle")
        results["360:menu-open"] = violations(page)
        page.click(".cp-menu-toggle")
        first_quiz = next(iter(course.quizzes()))
        take_quiz(page.main_frame, first_quiz, wrong=2)  # review: answers shown
        results["360:quiz-feedback"] = violations(page)
        take_quiz(page.main_frame, course.assessment, wrong=3)
        results["360:assessment-results"] = violations(page)
        page.context.close()
    save_artifact("axe-phone.json", results)
    assert {step: found for step, found in results.items() if found} == {}


@pytest.mark.browser
def test_a_module_and_its_quiz_can_be_completed_with_the_keyboard_only(
    chromium: Browser, unpacked: dict[str, Path]
) -> None:
    with serve(unpacked["scorm12"]) as url:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")

        def focused() -> dict[str, str]:
            result: dict[str, str] = page.evaluate(
                "() => ({id: document.activeElement.id, cls: document.activeElement.className,"
                " tag: document.activeElement.tagName, text: document.activeElement.textContent.trim()})"
            )
            return result

        def tab_to(check: Callable[[dict[str, str]], bool], limit: int = 80) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                if check(focused()):
                    return
            raise AssertionError(f"never reached by Tab; last focus {focused()}")

        page.keyboard.press("Tab")
        assert "cp-skip" in focused()["cls"]  # the skip link comes first
        tab_to(lambda f: "cp-start" in f["cls"])  # the cover's Start button
        page.keyboard.press("Enter")
        assert focused()["tag"] == "H1"
        for _ in range(4):  # the other three lessons of module 1, then its quiz
            tab_to(lambda f: "cp-next" in f["cls"])
            page.keyboard.press("Enter")
            assert focused()["tag"] == "H1"  # focus moves to the new page's heading
        assert focused()["id"] == "quiz_m1-title"
        tab_to(lambda f: f["id"] == "q-m1_q_pseudonyme-a")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert page.is_checked(by_id("q-m1_q_pseudonyme-c"))
        for option in ("a", "b", "d"):
            tab_to(lambda f, o=option: f["id"] == f"q-m1_q_signaux-{o}")
            page.keyboard.press("Space")
        tab_to(lambda f: f["id"] == "q-m1_q_exif-true")
        page.keyboard.press("Space")
        for pair in ("conflit", "harcelement", "menace"):
            tab_to(lambda f, p=pair: f["id"] == f"q-m1_q_reaction-{p}")
            for _ in range(4):
                if page.eval_on_selector(by_id(f"q-m1_q_reaction-{pair}"), "s => s.value") == pair:
                    break
                page.keyboard.press("ArrowDown")
        tab_to(lambda f: "cp-submit" in f["cls"])
        page.keyboard.press("Enter")
        assert "cp-result" in focused()["cls"]  # the result is announced and focused
        assert "Votre score\u00a0: 100\u00a0%" in (page.text_content("#quiz_m1 .cp-result") or "")
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_lesson_quiz_and_results_fit_the_screen(
    chromium: Browser, unpacked: dict[str, Path], width: int
) -> None:
    course = load_course(COURSE).course
    assert course is not None and course.assessment is not None
    with serve(unpacked["scorm12"]) as url:
        page = chromium.new_page(viewport={"width": width, "height": 800})
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        ARTIFACTS.mkdir(exist_ok=True)
        overflow = "() => document.documentElement.scrollWidth - window.innerWidth"
        widest = {}
        for step in course.lessons():
            go_to(page.main_frame, step.id) if width > 720 else page.evaluate(
                f"() => window.Coursepack.player.show(window.Coursepack.player.indexOf('{step.id}'), true)"
            )
            widest[step.id] = page.evaluate(overflow)
        page.screenshot(path=str(ARTIFACTS / f"lesson-{width}.png"))
        page.evaluate(
            f"() => window.Coursepack.player.show(window.Coursepack.player.indexOf('{course.assessment.id}'), true)"
        )
        page.screenshot(path=str(ARTIFACTS / f"quiz-{width}.png"), full_page=True)
        widest["quiz"] = page.evaluate(overflow)
        take_quiz(page.main_frame, course.assessment, wrong=2)
        page.screenshot(path=str(ARTIFACTS / f"results-{width}.png"), full_page=True)
        widest["results"] = page.evaluate(overflow)
        page.close()
    assert {k: v for k, v in widest.items() if v > 0} == {}


@pytest.mark.browser
def test_a_full_scorm_run_requests_nothing_outside_the_package(
    chromium: Browser, unpacked: dict[str, Path]
) -> None:
    course = load_course(COURSE).course
    assert course is not None
    with Lms() as lms:
        session = open_session(chromium, lms, unpacked["scorm12"])
        requests: list[str] = []
        session.page.on("request", lambda request: requests.append(request.url))
        session.page.reload()
        session.page.wait_for_selector("#content")
        frame = session.page.frame_locator("#content").locator("body.cp-js")
        frame.wait_for()
        content = session.page.frames[1]
        from tests.harness.learner import read_every_page

        read_every_page(content)
        for quiz in course.quizzes():
            take_quiz(content, quiz)
        content.click(".cp-exit")
        allowed = (
            f"{lms.origin}/content/",
            f"{lms.origin}/player.html",
            f"{lms.origin}/scorm-again/",
            f"{lms.origin}/commit",
            "data:",
        )
        outside = [url for url in requests if not url.startswith(allowed)]
    assert outside == []
    assert any(url.endswith("/content/index.html") for url in requests)


@pytest.mark.browser
def test_theme_override_and_branding_render(chromium: Browser, tmp_path: Path) -> None:
    result = build(FIXTURES / "themed", ["scorm12"], tmp_path / "dist")
    folder = unpack(result.packages[0].path, tmp_path / "unpacked")
    with serve(folder) as url:
        page = axe_page(chromium, url + "/index.html", 1280)
        page.click(".cp-start")
        assert page.text_content(".cp-current .brand-note") == "Published by Example Org"
        assert page.get_attribute(".cp-logo", "src") == "assets/media/logo.svg"
        colour = page.eval_on_selector(".cp-next", "e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(107, 44, 145)"
        assert violations(page) == []
        page.context.close()


def test_low_contrast_branding_is_rejected_with_a_located_message(
    copy_fixture: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = copy_fixture("themed")
    monkeypatch.chdir(course.parent)
    config = course / "course.yml"
    config.write_text(
        config.read_text("utf-8").replace('accent: "#6b2c91"', 'accent: "#ffcc00"'), "utf-8"
    )
    result = CliRunner().invoke(app, ["build", "themed", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "themed/course.yml:10:5: error: colour accent #ffcc00 on background #ffffff has a contrast "
        "of 1.51:1; WCAG AA needs 4.5:1 [CP801]"
    )
    assert "colour accent_text #ffffff on accent #ffcc00" in result.stderr
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------- build-time lint


def lint(text: str, tmp_path: Path, *, allow_html: bool = False) -> list[str]:
    lesson = tmp_path / "lesson.md"
    lesson.write_text(text, "utf-8")
    _, found = render_markdown(
        text, course_root=tmp_path, file=lesson, first_line=5, allow_html=allow_html
    )
    return [f"{d.location.line}:{d.location.col} {d.code} {d.message}" for d in found]


def test_vague_link_text_is_a_warning(tmp_path: Path) -> None:
    assert lint(
        "Intro.\n\nPour lire la charte, [cliquez ici](https://example.org/charte).\n", tmp_path
    ) == ["7:23 CP406 link text 'cliquez ici' does not say where it leads"]


def test_skipped_heading_level_is_a_warning(tmp_path: Path) -> None:
    assert lint("## Section\n\n#### Detail\n", tmp_path) == [
        "7:1 CP407 heading level 4 follows level 2: do not skip levels"
    ]


def test_table_without_header_text_is_a_warning(tmp_path: Path) -> None:
    assert lint("|   |   |\n|---|---|\n| a | b |\n", tmp_path) == [
        "5:1 CP408 table without header text: name each column"
    ]


def test_video_without_captions_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "clip.mp4").write_bytes(b"")
    found = lint('<video controls src="clip.mp4"></video>\n', tmp_path, allow_html=True)
    assert found == [
        '5:1 CP409 video without captions: add <track kind="captions" src="….vtt" srclang="…">'
    ]


def test_image_without_alt_text_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"")
    assert lint("![](a.png)\n", tmp_path) == ["5:5 CP403 image 'a.png' has no alt text"]


def test_external_links_leave_safely(tmp_path: Path) -> None:
    rendered, _ = render_markdown(
        "[La charte](https://example.org/charte)",
        course_root=tmp_path,
        file=tmp_path / "l.md",
        first_line=1,
    )
    assert 'target="_blank" rel="noopener noreferrer"' in rendered.html


@pytest.fixture(autouse=True, scope="module")
def _artifacts_folder() -> Iterator[None]:
    ARTIFACTS.mkdir(exist_ok=True)
    yield
