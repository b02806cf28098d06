"""Unit tests of the runtime's pure functions, run in Chromium on the shipped core.js."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from coursepack.loader import load_course
from coursepack.render import render_course
from coursepack.state import worst_case_size, worst_case_state
from coursepack.targets.content import runtime_script
from tests.conftest import COURSE, FIXTURES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def runtime(chromium: Browser) -> Iterator[Page]:
    page = chromium.new_page()
    page.set_content("<!DOCTYPE html><title>runtime</title>")
    page.add_script_tag(content=runtime_script("core.js").decode("utf-8"))
    yield page
    page.close()


def js(page: Page, body: str, *args: Any) -> Any:
    """Run ``body`` with ``I`` = the runtime's internals and ``a`` = the arguments."""
    script = "(a) => { const I = window.Coursepack.internals; " + body + " }"
    return page.evaluate(script, list(args))


def course_data(name: str = "all_types") -> dict[str, Any]:
    course = load_course(FIXTURES / name if name != "flagship" else COURSE).course
    assert course is not None
    rendered, _ = render_course(course)
    return dict(rendered.runtime_data)


QUIZ = {
    "id": "exam", "passMark": 50, "shuffleQuestions": True, "shuffleOptions": True, "draw": None,
    "questions": [{"id": f"q{i}", "type": "single_choice", "weight": 1, "options": ["a", "b", "c", "d"],
                   "correct": ["a"]} for i in range(10)],
}  # fmt: skip


def test_the_same_seed_and_attempt_give_the_same_layout(runtime: Page) -> None:
    same = js(
        runtime,
        "return JSON.stringify(I.layout(a[0], 42, 1)) === JSON.stringify(I.layout(a[0], 42, 1));",
        QUIZ,
    )
    assert same is True


def test_each_attempt_gets_its_own_layout(runtime: Page) -> None:
    orders = js(runtime, "return [1,2,3,4].map(n => I.layout(a[0], 42, n).order.join());", QUIZ)
    assert len(set(orders)) == 4


def test_a_draw_picks_distinct_questions_from_the_pool(runtime: Page) -> None:
    quiz = {**QUIZ, "draw": 4}
    drawn = js(runtime, "return I.layout(a[0], 7, 1).order;", quiz)
    assert len(drawn) == 4 and len(set(drawn)) == 4
    assert set(drawn) <= {f"q{i}" for i in range(10)}


def test_rng_is_deterministic_and_in_range(runtime: Page) -> None:
    values = js(runtime, "const r = I.rng(123), s = I.rng(123); return [r(), r(), s(), s()];")
    assert values[:2] == values[2:]
    assert all(0 <= v < 1 for v in values)


@pytest.mark.parametrize(
    ("key", "response", "expected"),
    [
        ({"type": "single_choice", "correct": ["b"]}, "b", True),
        ({"type": "single_choice", "correct": ["b"]}, "a", False),
        ({"type": "multiple_response", "correct": ["a", "c"]}, "c,a", True),
        ({"type": "multiple_response", "correct": ["a", "c"]}, "a", False),
        ({"type": "true_false", "correct": False}, "0", True),
        (
            {"type": "fill_in", "correct": ["Wikimédia"], "caseSensitive": False},
            "  wikimédia ",
            True,
        ),
        ({"type": "fill_in", "correct": ["Wiki"], "caseSensitive": True}, "wiki", False),
        ({"type": "numeric", "min": 3.13, "max": 3.15}, "3,14", True),
        ({"type": "numeric", "min": 3.13, "max": 3.15}, "3.2", False),
        ({"type": "numeric", "min": 1, "max": 1}, "one", False),
        ({"type": "matching", "pairs": ["x", "y"]}, "y:y,x:x", True),
        ({"type": "matching", "pairs": ["x", "y"]}, "x:y,y:x", False),
        ({"type": "ordering", "correct": ["a", "b", "c"]}, "a,b,c", True),
        ({"type": "ordering", "correct": ["a", "b", "c"]}, "b,a,c", False),
        ({"type": "likert"}, "good", None),
        ({"type": "single_choice", "correct": ["b"]}, None, False),
    ],
)
def test_scoring_of_each_question_type(
    runtime: Page, key: dict[str, Any], response: Any, expected: Any
) -> None:
    assert js(runtime, "return I.isCorrect(a[0], a[1]);", key, response) is expected


def test_quiz_score_is_weighted_and_ignores_likert_and_undrawn_questions(runtime: Page) -> None:
    quiz = {
        "passMark": 60,
        "questions": [
            {"id": "a", "type": "true_false", "weight": 3, "correct": True},
            {"id": "b", "type": "true_false", "weight": 1, "correct": True},
            {"id": "c", "type": "likert", "weight": 0},
            {"id": "d", "type": "true_false", "weight": 5, "correct": True},
        ],
    }
    outcome = js(
        runtime, "return I.scoreQuiz(a[0], ['a','b','c'], {a: '1', b: '0', c: 'x'});", quiz
    )
    assert outcome == {
        "percent": 75,
        "passed": True,
        "verdicts": {"a": True, "b": False, "c": None},
    }


def test_state_round_trips_through_encoding(runtime: Page) -> None:
    data = course_data()
    state = {"v": 2, "k": 99, "s": ["intro"], "q": {"exam": {"n": 2, "b": 62.5, "p": 1, "o": 1,
             "r": {"q_single": "b", "q_match": "one:one"}, "t": {"q_tries": 1}}}}  # fmt: skip
    text = json.dumps(state, separators=(",", ":"))
    again = js(runtime, "return I.encodeState(I.decodeState(a[0], a[1]));", text, data)
    assert json.loads(again) == state


@pytest.mark.parametrize(
    "saved",
    [
        '{"v":1,"seen":["intro"]}',
        "not json",
        "",
        '{"v":2,"s":"intro","q":[]}',
        "null",
        "[]",
        '{"v":2,"s":[],"q":{"exam":{"n":"x","b":500,"r":[1],"t":"z"}}}',
    ],
)
def test_older_or_damaged_state_starts_fresh_without_error(runtime: Page, saved: str) -> None:
    state = json.loads(
        js(runtime, "return I.encodeState(I.decodeState(a[0], a[1]));", saved, course_data())
    )
    assert (state["v"], state["s"], state["q"]) == (2, [], {})


@pytest.mark.parametrize("name", ["all_types", "flagship"])
def test_python_worst_case_state_is_exactly_what_the_runtime_writes(
    runtime: Page, name: str
) -> None:
    """state.py mirrors the runtime's encoding: its worst case must survive the
    runtime's decode/encode unchanged, so the size bound is the runtime's size."""
    course = load_course(FIXTURES / name if name != "flagship" else COURSE).course
    assert course is not None
    worst = json.dumps(worst_case_state(course), ensure_ascii=False, separators=(",", ":"))
    again = js(
        runtime, "return I.encodeState(I.decodeState(a[0], a[1]));", worst, course_data(name)
    )
    assert json.loads(again) == json.loads(worst)
    assert len(again) == worst_case_size(course)
