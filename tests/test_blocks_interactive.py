"""Interactive blocks: tabs, flip cards, image zoom and branching scenarios — their
structure diagnostics, their keyboard patterns in Chromium, what a scenario decision
sends to scorm-again and to the LRS, its resume, captions from file://, and the
printed page with every block expanded."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page

from coursepack.build import build
from coursepack.errors import CourseError
from tests.conftest import FIXTURES
from tests.harness.learner import go_to
from tests.harness.lms import Lms
from tests.harness.session import open_session, unpack
from tests.harness.static import serve
from tests.test_accessibility import ARTIFACTS, axe_page, violations

SCENARIO_TITLE = "Un jeune vous écrit en privé"


def _errors(course: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(CourseError) as caught:
        build(course, ["scorm12"], tmp_path / "out")
    return [d.format(course.parent) for d in caught.value.diagnostics if d.is_error]


def _replace(lesson: Path, old: str, new: str) -> None:
    text = lesson.read_text("utf-8")
    assert old in text
    lesson.write_text(text.replace(old, new, 1), "utf-8")


def test_a_choice_leading_to_no_step_is_a_located_error(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("blocks")
    _replace(course / "lessons" / "interactifs.md", "(#discussion)\n:::", "(#ailleurs)\n:::")
    assert _errors(course, tmp_path) == [
        "blocks/lessons/interactifs.md:46:1: error: choice leads to '#ailleurs', which is no "
        "step of scenario 'accueil' (its steps: debut, discussion, numero) [CP415]"
    ]


def test_a_scenario_that_loops_is_a_located_error(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("blocks")
    _replace(course / "lessons" / "interactifs.md", "public](#discussion)", "public](#debut)")
    assert _errors(course, tmp_path) == [
        "blocks/lessons/interactifs.md:43:1: error: scenario 'accueil' loops (debut → numero "
        "→ debut); a learner who wants to try again uses the restart button [CP415]"
    ]


def test_a_scenario_without_an_id_is_a_located_error(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("blocks")
    _replace(
        course / "lessons" / "interactifs.md",
        ":::: scenario accueil scored",
        ":::: scenario 1accueil",
    )
    assert _errors(course, tmp_path) == [
        "blocks/lessons/interactifs.md:43:1: error: a scenario starts ':::: scenario <id> "
        "[scored] Title' (the id: a letter first, then letters, digits, '_' or '.') [CP415]"
    ]


def test_block_titles_and_choices_are_translation_units() -> None:
    from coursepack.i18n.units import markdown_blocks

    body = (FIXTURES / "blocks" / "lessons" / "interactifs.md").read_text("utf-8")
    units = [text for text, _ in markdown_blocks(body.split("---\n", 2)[2])]
    for expected in (
        "En ligne",
        "Pédopiégeage",
        "Signaler un problème",
        SCENARIO_TITLE,
        "[Vous lui donnez votre numéro](#numero)",
        "Que faites-vous ?",
    ):
        assert expected in units
    assert not any(unit.startswith(":::") for unit in units)


def test_the_glossary_page_lists_each_term_and_the_lessons_that_define_or_use_it(
    tmp_path: Path,
) -> None:
    from tests.test_blocks import page_of, prose

    html = prose(page_of(build(FIXTURES / "blocks", ["scorm12"], tmp_path).packages[0].path),
                 "glossary")  # fmt: skip
    assert '<dt id="glossary--pedopiegeage" tabindex="-1">Pédopiégeage</dt>' in html
    assert "<dd>Manipulation progressive d'un mineur.</dd>" in html
    assert (
        '<dd class="cp-glossary-uses">Dans les leçons\u00a0: <a href="#blocs">Tous les blocs</a>, '
        '<a href="#interactifs">Blocs interactifs</a></dd>'
    ) in html


def test_only_the_first_use_of_a_term_in_a_lesson_links_to_the_glossary(tmp_path: Path) -> None:
    from tests.test_blocks import page_of, prose

    html = prose(page_of(build(FIXTURES / "blocks", ["scorm12"], tmp_path).packages[0].path),
                 "interactifs")  # fmt: skip
    assert html.count('class="cp-term"') == 1
    assert '<a href="#glossary--pedopiegeage" class="cp-term">pédopiégeage</a> et de ses' in html


def test_a_glossary_without_definitions_is_a_warning(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("minimal")
    config = course / "course.yml"
    config.write_text(config.read_text("utf-8") + "glossary: true\n", "utf-8")
    result = build(course, ["scorm12"], tmp_path / "out")
    assert [d.format(course.parent) for d in result.diagnostics] == [
        "minimal/course.yml:1:1: warning: glossary: true, but no lesson has a definition list "
        "('Term' on one line, ': definition' on the next) [CP416]"
    ]


# ------------------------------------------------------------------ in Chromium


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("blocks-interactive")
    result = build(FIXTURES / "blocks", ["scorm12", "scorm2004", "xapi"], root / "dist")
    return {p.format: unpack(p.path, root / p.format) for p in result.packages}


@pytest.fixture
def page(chromium: Browser, packages: dict[str, Path]) -> Iterator[Page]:
    with serve(packages["scorm12"]) as url:
        opened = axe_page(chromium, url + "/index.html", 1280)
        go_to(opened.main_frame, "interactifs")
        yield opened
        opened.context.close()


@pytest.mark.browser
def test_tabs_follow_the_aria_tabs_pattern_with_the_keyboard(page: Page) -> None:
    first, second = "#interactifs--tab-1-tab", "#interactifs--tab-2-tab"
    assert page.is_visible("#interactifs--tab-1") and page.is_hidden("#interactifs--tab-2")
    page.focus(first)
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.id") == "interactifs--tab-2-tab"
    page.keyboard.press("Enter")
    assert page.get_attribute(second, "aria-selected") == "true"
    assert page.get_attribute(first, "aria-selected") == "false"
    assert page.get_attribute(first, "tabindex") == "-1"
    assert page.is_hidden("#interactifs--tab-1") and page.is_visible("#interactifs--tab-2")
    page.keyboard.press("Home")
    assert page.evaluate("() => document.activeElement.id") == "interactifs--tab-1-tab"


@pytest.mark.browser
def test_a_flip_card_turns_with_the_keyboard(page: Page) -> None:
    front = ".cp-card-front[aria-controls='interactifs--card-1']"
    assert page.is_hidden("#interactifs--card-1")
    page.focus(front)
    page.keyboard.press("Enter")
    assert page.get_attribute(front, "aria-expanded") == "true"
    page.wait_for_selector("#interactifs--card-1", state="visible")
    page.keyboard.press("Space")
    assert page.get_attribute(front, "aria-expanded") == "false"
    assert page.is_hidden("#interactifs--card-1")


@pytest.mark.browser
def test_a_wide_image_opens_in_a_zoom_dialog_that_escape_closes(page: Page) -> None:
    page.focus(".cp-zoom")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.querySelector('.cp-zoom-dialog').open") is True
    assert page.get_attribute(".cp-zoom-dialog img", "src") == "assets/media/schema.png"
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.querySelector('.cp-zoom-dialog').open") is False
    assert page.evaluate("() => document.activeElement.className") == "cp-zoom"


@pytest.mark.browser
def test_a_scenario_shows_one_step_then_the_consequence_of_the_choice(page: Page) -> None:
    assert page.is_visible("#interactifs--accueil--debut")
    assert page.is_hidden("#interactifs--accueil--numero")
    assert page.is_hidden("#interactifs--accueil--discussion")
    page.focus("a[data-to='numero']")
    page.keyboard.press("Enter")
    assert page.is_visible("#interactifs--accueil--numero")
    assert page.evaluate("() => document.activeElement.id") == "interactifs--accueil--numero"
    assert page.get_attribute("a[data-to='numero']", "aria-current") == "step"
    assert page.get_attribute("#interactifs--accueil--debut a[data-to='discussion']",
                              "aria-disabled") == "true"  # fmt: skip
    page.click("#interactifs--accueil--numero a[data-to='discussion']")
    assert page.is_visible("#interactifs--accueil--discussion")
    page.click(".cp-scenario-restart")
    assert page.is_hidden("#interactifs--accueil--numero")
    assert page.evaluate("() => document.activeElement.id") == "interactifs--accueil--debut"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
def test_every_blocks_page_has_no_axe_violation(
    chromium: Browser, packages: dict[str, Path], width: int
) -> None:
    with serve(packages["scorm12"]) as url:
        page = axe_page(chromium, url + "/index.html", width)
        found = {}
        for step in ["cp-cover", "blocs", "medias", "interactifs", "cp-completion", "glossary"]:
            page.evaluate(
                f"() => Coursepack.player.show(Coursepack.player.indexOf('{step}'), true)"
            )
            if step == "interactifs":
                page.click("a[data-to='numero']")
                page.click(".cp-card-front")
            found[step] = violations(page)
        page.context.close()
    assert found == {
        "cp-cover": [], "blocs": [], "medias": [], "interactifs": [], "cp-completion": [],
        "glossary": [],
    }  # fmt: skip


def _decide(frame: Frame) -> None:
    go_to(frame, "interactifs")
    frame.click("a[data-to='numero']")
    frame.click("#interactifs--accueil--numero a[data-to='discussion']")


@pytest.mark.browser
def test_a_scenario_decision_is_a_choice_interaction_in_scorm12(
    chromium: Browser, packages: dict[str, Path]
) -> None:
    with Lms() as lms:
        session = open_session(chromium, lms, packages["scorm12"])
        _decide(session.frame)
        first, second = session.interactions()[:2]
        session.close()
    assert {k: first[k] for k in ("id", "type", "student_response", "result", "weighting")} == {
        "id": "accueil.debut",
        "type": "choice",
        "student_response": "numero",
        "result": "wrong",
        "weighting": "1",
    }
    assert first["correct_responses"]["0"]["pattern"] == "discussion"
    assert (second["id"], second["student_response"], second["result"]) == (
        "accueil.numero",
        "discussion",
        "correct",
    )


@pytest.mark.browser
def test_a_scenario_decision_is_a_choice_interaction_in_scorm2004_and_resumes(
    chromium: Browser, packages: dict[str, Path]
) -> None:
    with Lms() as lms:
        session = open_session(chromium, lms, packages["scorm2004"])
        _decide(session.frame)
        first = session.interactions()[0]
        session.save_and_exit()
        saved = session.cmi()
        session.close()
        assert {k: first[k] for k in ("id", "type", "learner_response", "result")} == {
            "id": "accueil.debut",
            "type": "choice",
            "learner_response": "numero",
            "result": "incorrect",
        }
        assert first["description"] == SCENARIO_TITLE
        assert json.loads(saved["suspend_data"])["c"] == {"accueil": ["numero", "discussion"]}
        again = open_session(chromium, lms, packages["scorm2004"], lms.last_cmi)
        go_to(again.frame, "interactifs")
        assert again.frame.is_visible("#interactifs--accueil--discussion")
        assert again.frame.get_attribute("a[data-to='numero']", "aria-current") == "step"
        again.close()


@pytest.mark.browser
def test_a_scenario_decision_is_an_answered_statement_in_the_lrs(
    chromium: Browser, packages: dict[str, Path]
) -> None:
    from tests.harness.lrs import Lrs
    from tests.test_lrs_runtime import ACTOR, by_verb, open_page, wait_for

    iri = "https://example.org/courses/blocks"
    registration = str(uuid.uuid4())
    with Lrs() as lrs, Lms() as lms:
        lms.state.lrs_url = lrs.url
        lms.serve_package(packages["xapi"])
        page, frame, errors = open_page(chromium, lms.xapi_launch(ACTOR, registration, iri))
        go_to(frame, "interactifs")
        frame.click("a[data-to='numero']")
        answered = wait_for(lambda: by_verb(lrs.statements(registration), "answered"))
        page.close()
    statement = answered[0]
    assert statement["object"]["id"] == f"{iri}/decision/accueil.debut"
    assert statement["result"] == {"response": "numero", "success": False}
    definition = statement["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert definition["correctResponsesPattern"] == ["discussion"]
    assert [c["id"] for c in definition["choices"]] == ["numero", "discussion"]
    assert definition["choices"][0]["description"] == {"fr": "Vous lui donnez votre numéro"}
    parents = statement["context"]["contextActivities"]["parent"]
    assert [p["id"] for p in parents] == [f"{iri}/scenario/accueil"]
    assert errors == []


@pytest.mark.browser
def test_captions_load_from_the_unpacked_package_over_file_urls(
    chromium: Browser, packages: dict[str, Path]
) -> None:
    page = chromium.new_page()
    page.goto((packages["scorm12"] / "index.html").as_uri())
    page.wait_for_selector("body[data-cp-ready]")
    loaded = page.evaluate(
        """async () => {
          const video = document.querySelector('video');
          [...video.textTracks].forEach(t => { t.mode = 'hidden'; });
          await new Promise(r => setTimeout(r, 1000));
          return [...video.querySelectorAll('track')].map(t => [t.srclang, t.readyState,
            t.track.cues.length]);
        }"""
    )
    page.close()
    assert loaded == [["en", 2, 1], ["fr", 2, 1]]  # 2: HTMLTrackElement.LOADED


@pytest.mark.browser
def test_the_printed_page_shows_every_block_expanded(
    chromium: Browser, packages: dict[str, Path]
) -> None:
    from pypdf import PdfReader

    with serve(packages["scorm12"]) as url:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        go_to(page.main_frame, "interactifs")
        page.emulate_media(media="print")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "blocks-print.png"), full_page=True)
        pdf = page.pdf(format="A4")
        page.close()
    (ARTIFACTS / "blocks-print.pdf").write_bytes(pdf)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    for hidden_on_screen in (
        "Deux adultes au moins sont présents.",  # the second tab
        "Manipulation progressive d'un mineur, souvent en ligne.",  # a card's back
        "Les échanges restent publics et visibles des autres adultes.",  # a later step
    ):
        assert hidden_on_screen in text


def test_a_theme_override_of_a_block_partial_replaces_its_html(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    from tests.test_blocks import page_of, prose

    course = copy_fixture("blocks")
    partials = course / "overrides" / "templates" / "blocks"
    partials.mkdir(parents=True)
    (partials / "callout.html").write_text(
        '<div class="my-callout" data-kind="{{ kind }}"><b>{{ label }}</b>{{ body }}</div>\n',
        "utf-8",
    )
    html = prose(page_of(build(course, ["scorm12"], tmp_path / "out").packages[0].path), "blocs")
    assert '<div class="my-callout" data-kind="note"><b>Note</b><p>Une note' in html
    assert "cp-callout" not in html


def test_a_wide_photo_is_served_through_srcset_by_a_lighter_copy(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    import zipfile

    from PIL import Image

    from tests.test_blocks import page_of, prose

    course = copy_fixture("blocks")
    photo = Image.effect_noise((3000, 1500), 64).convert("RGB")
    photo.save(course / "media" / "photo.jpg", quality=90)
    lesson = course / "lessons" / "medias.md"
    lesson.write_text(lesson.read_text("utf-8") + "\n![Une photo](../media/photo.jpg)\n", "utf-8")
    package = build(course, ["scorm12"], tmp_path / "out").packages[0].path
    html = prose(page_of(package), "medias")
    copy = "assets/_resized/media/photo-1600w.jpg"
    assert (
        f'<button type="button" class="cp-zoom" data-src="assets/media/photo.jpg" '
        f'aria-label="Agrandir l’image (Une photo)"><img src="{copy}" alt="Une photo" '
        f'width="3000" height="1500" srcset="{copy} 1600w, assets/media/photo.jpg 3000w" '
        f'sizes="(max-width: 760px) 100vw, 760px" loading="lazy" /></button>'
    ) in html
    with zipfile.ZipFile(package) as archive:
        sizes = {i.filename: i.file_size for i in archive.infolist()}
        manifest = archive.read("imsmanifest.xml").decode()
    assert sizes[copy] < sizes["assets/media/photo.jpg"]
    assert f'href="{copy}"' in manifest


def test_a_scenario_counts_in_the_worst_case_state_and_data_model(
    copy_fixture: Callable[[str], Path],
) -> None:
    from coursepack.datamodel import worst_case_commit_bytes
    from coursepack.loader import load_course
    from coursepack.state import worst_case_state

    course = load_course(FIXTURES / "blocks").course
    assert course is not None
    assert worst_case_state(course)["c"] == {"accueil": ["numero", "discussion"]}
    without = copy_fixture("blocks")
    lesson = without / "lessons" / "interactifs.md"
    text = lesson.read_text("utf-8")
    lesson.write_text(text[: text.index("## Un scénario")], "utf-8")
    plain = load_course(without).course
    assert plain is not None
    assert "c" not in worst_case_state(plain)
    assert worst_case_commit_bytes(course) > worst_case_commit_bytes(plain) + 2 * 200


def test_a_scenario_thousands_of_steps_deep_loads_without_overflowing(
    copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("blocks")
    steps = "".join(
        f"::: step s{i}\nÉtape {i}.\n\n- [Suite](#s{i + 1})\n:::\n\n" for i in range(3000)
    )
    lesson = course / "lessons" / "interactifs.md"
    lesson.write_text(
        lesson.read_text("utf-8")
        + f"\n:::: scenario long Long\n{steps}::: step s3000 good\nFin.\n:::\n::::\n",
        "utf-8",
    )
    from coursepack.loader import load_course

    loaded = load_course(course).course
    assert loaded is not None
    long = next(s for s in loaded.scenarios() if s.id == "long")
    assert long.longest_path() == 3000


@pytest.mark.browser
def test_blocks_mirror_in_a_right_to_left_course(
    chromium: Browser, copy_fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    course = copy_fixture("blocks")
    config = course / "course.yml"
    config.write_text(config.read_text("utf-8").replace("language: fr", "language: ar"), "utf-8")
    folder = unpack(build(course, ["scorm12"], tmp_path / "out").packages[0].path, tmp_path / "u")
    with serve(folder) as url:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url + "/index.html")
        page.wait_for_selector("body[data-cp-ready]")
        assert page.evaluate("() => document.documentElement.dir") == "rtl"
        go_to(page.main_frame, "blocs")
        # Logical properties: the callout's accent border is on the right in RTL.
        borders = page.eval_on_selector(
            ".cp-callout",
            "e => { const s = getComputedStyle(e); return [s.borderRightWidth, s.borderLeftWidth]; }",
        )
        assert borders[0] != "0px" and borders[1] == "0px"
        go_to(page.main_frame, "interactifs")
        # Tabs follow the reading direction: ArrowLeft moves to the next tab.
        page.focus("#interactifs--tab-1-tab")
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("() => document.activeElement.id") == "interactifs--tab-2-tab"
        page.close()
