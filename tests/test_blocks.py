"""Authoring blocks: golden HTML (Pelican-style), language-aware typography, media with
caption tracks, deep links, their diagnostics, and the blocks in Chromium (axe,
keyboard, deep links, print)."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from coursepack.build import build
from coursepack.errors import CourseError
from tests.conftest import FIXTURES
from tests.harness.session import unpack
from tests.harness.static import serve

GOLDEN = Path(__file__).parent / "golden"
NNBSP, NBSP = "\u202f", "\u00a0"


def page_of(package: Path) -> str:
    with zipfile.ZipFile(package) as archive:
        return archive.read("index.html").decode("utf-8")


def prose(page: str, lesson: str) -> str:
    section = page.split(f'id="{lesson}"', 1)[1]
    return section.split('<div class="cp-prose">', 1)[1].split("\n  </div>\n</section>", 1)[0]


@pytest.fixture(scope="module")
def blocks_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("blocks")
    return page_of(build(FIXTURES / "blocks", ["scorm12"], out).packages[0].path)


@pytest.mark.parametrize("lesson", ["blocs", "medias", "interactifs"])
def test_blocks_render_as_the_golden_html(blocks_page: str, lesson: str) -> None:
    golden = GOLDEN / f"blocks-{lesson}.html"
    actual = prose(blocks_page, lesson)
    if os.environ.get("COURSEPACK_UPDATE_GOLDEN") == "1":
        golden.write_text(actual, "utf-8")
    assert actual == golden.read_text("utf-8")


def test_french_typography_spaces_punctuation_but_never_code(blocks_page: str) -> None:
    html = prose(blocks_page, "blocs")
    assert f"Une note{NBSP}: rien d'urgent{NNBSP}!" in html
    assert f"«{NBSP}cette{NBSP}» règle{NNBSP};" in html
    assert f"80{NBSP}%" in html
    assert "<code>a ? b : c</code>" in html


def test_callouts_have_a_visible_label_from_the_interface_strings(blocks_page: str) -> None:
    html = prose(blocks_page, "blocs")
    labels = re.findall(r'<p class="cp-callout-label">([^<]+)</p>', html)
    assert labels == ["Note", "Attention", "Astuce", "Prudence"]


def test_a_video_gets_its_caption_tracks_and_they_are_packaged(
    tmp_path: Path,
) -> None:
    result = build(FIXTURES / "blocks", ["scorm12"], tmp_path / "out")
    with zipfile.ZipFile(result.packages[0].path) as archive:
        names = set(archive.namelist())
        manifest = archive.read("imsmanifest.xml").decode()
    for name in ("atelier.webm", "atelier.fr.vtt", "atelier.en.vtt", "extrait.mp3"):
        assert f"assets/media/{name}" in names
        assert f'href="assets/media/{name}"' in manifest
    html = prose(page_of(result.packages[0].path), "medias")
    assert 'srclang="fr" label="Français" default>' in html
    assert 'srclang="en" label="Anglais">' in html
    assert "autoplay" not in html


def _edit(course: Path, lesson: str, text: str) -> None:
    (course / "lessons" / lesson).write_text(text, "utf-8")


def _build_errors(course: Path, tmp_path: Path) -> list[str]:
    try:
        result = build(course, ["scorm12"], tmp_path / "out")
    except CourseError as exc:
        return [d.format(course.parent) for d in exc.diagnostics]
    return [d.format(course.parent) for d in result.diagnostics]


def test_a_video_without_captions_is_a_located_warning(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("blocks")
    (course / "media" / "atelier.fr.vtt").unlink()
    (course / "media" / "atelier.en.vtt").unlink()
    assert _build_errors(course, tmp_path) == [
        "blocks/lessons/medias.md:7:31: warning: video '../media/atelier.webm' has no captions: "
        "add atelier.vtt (or atelier.<language>.vtt) beside it [CP409]"
    ]


def test_a_missing_video_and_an_unsupported_format_are_located_errors(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("blocks")
    _edit(
        course,
        "medias.md",
        "---\nid: medias\ntitle: Médias\n---\n![Perdue](../media/perdue.webm)\n\n"
        "![Ancienne](../media/ancienne.avi)\n",
    )
    assert _build_errors(course, tmp_path) == [
        "blocks/lessons/medias.md:5:11: error: video not found: '../media/perdue.webm' [CP401]",
        "blocks/lessons/medias.md:7:13: error: media '../media/ancienne.avi' is in a format "
        "browsers cannot play: use MP4 or WebM video, MP3, Ogg or M4A audio [CP413]",
    ]


def test_a_link_to_a_missing_section_is_a_located_error(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("blocks")
    lesson = course / "lessons" / "blocs.md"
    lesson.write_text(lesson.read_text("utf-8") + "\nVoir [ailleurs](#nulle-part).\n", "utf-8")
    assert _build_errors(course, tmp_path) == [
        "blocks/lessons/blocs.md:38:17: error: link '#nulle-part' names no heading of this "
        "lesson (its headings: #details-et-definitions, #du-code, #les-encadres) [CP412]"
    ]


@pytest.mark.browser
def test_blocks_work_in_chromium_with_keyboard_deep_links_and_print(
    chromium: Browser, tmp_path: Path
) -> None:
    result = build(FIXTURES / "blocks", ["scorm12"], tmp_path / "out")
    folder = unpack(result.packages[0].path, tmp_path / "unpacked")
    from tests.test_accessibility import axe_page

    with serve(folder) as url:
        page = axe_page(chromium, url + "/index.html", 1280)
        page.click(".cp-start")
        violations = page.evaluate(
            "async () => (await axe.run(document.querySelector('.cp-step.cp-current'))).violations"
            ".map(v => v.id)"
        )
        assert violations == []
        summary = page.locator(".cp-details:not(.cp-transcript) > summary")
        summary.focus()
        page.keyboard.press("Enter")
        assert page.get_attribute(".cp-details:not(.cp-transcript)", "open") == ""
        page.click("a[href='#medias--la-video']")
        page.wait_for_selector("#medias.cp-current")
        assert page.evaluate("() => document.activeElement.id") == "medias--la-video"
        tracks = page.evaluate("() => document.querySelector('video').textTracks.length")
        assert tracks == 2
        page.click(".cp-prev")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        assert page.get_attribute(".cp-details:not(.cp-transcript)", "open") == ""
        page.context.close()


def test_raster_images_carry_their_dimensions_so_the_page_does_not_shift(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    from PIL import Image

    course = copy_fixture("blocks")
    Image.new("RGB", (640, 360), "white").save(course / "media" / "photo.png")
    lesson = course / "lessons" / "medias.md"
    lesson.write_text(lesson.read_text("utf-8") + "\n![Une photo](../media/photo.png)\n", "utf-8")
    result = build(course, ["scorm12"], tmp_path / "out")
    html = prose(page_of(result.packages[0].path), "medias")
    assert (
        '<img src="assets/media/photo.png" alt="Une photo" width="640" height="360" loading="lazy" />'
    ) in html
