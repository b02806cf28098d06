"""The fast YAML reader gives exactly ruamel's values and positions, or steps aside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coursepack import yaml12

ROOT = Path(__file__).resolve().parents[1]


def _sources() -> list[Path]:
    folders = [
        ROOT / "course",
        ROOT / "tests" / "fixtures",
        ROOT / "src" / "coursepack" / "starter",
    ]
    found = [
        path
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.suffix in {".yml", ".yaml", ".md"}
    ]
    return found


def _yaml_of(path: Path) -> str | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".md":
        return text
    if not text.startswith("---\n") or "\n---\n" not in text:
        return None
    return text[4:].split("\n---\n", 1)[0] + "\n"


def _same(fast: Any, slow: Any, where: str) -> None:
    if isinstance(slow, dict):
        assert isinstance(fast, dict), where
        assert list(fast) == list(slow), where
        assert (fast.lc.line, fast.lc.col) == (slow.lc.line, slow.lc.col), where
        assert fast.fa.flow_style() == bool(slow.fa.flow_style()), where
        for key in slow:
            assert tuple(fast.lc.key(key)) == tuple(slow.lc.key(key)), f"{where}/{key}"
            assert tuple(fast.lc.value(key)) == tuple(slow.lc.value(key)), f"{where}/{key}"
            _same(fast[key], slow[key], f"{where}/{key}")
    elif isinstance(slow, list):
        assert isinstance(fast, list) and len(fast) == len(slow), where
        assert (fast.lc.line, fast.lc.col) == (slow.lc.line, slow.lc.col), where
        for i, item in enumerate(slow):
            assert tuple(fast.lc.item(i)) == tuple(slow.lc.item(i)), f"{where}[{i}]"
            _same(fast[i], item, f"{where}[{i}]")
    else:
        assert type(fast) in type(slow).__mro__ or (fast is None and slow is None), where
        assert fast == slow, where


def _ruamel_or_none(text: str) -> Any:
    try:
        return ("ok", yaml12._ruamel().load(text))
    except Exception:
        return ("error", None)


def test_fast_reader_matches_ruamel_on_every_course_file_of_the_repository() -> None:
    checked = 0
    for path in _sources():
        text = _yaml_of(path)
        if text is None:
            continue
        outcome, slow = _ruamel_or_none(text)
        if outcome == "error":
            with pytest.raises(yaml12._StepAside):
                yaml12._fast(text)
            continue
        _same(yaml12._fast(text), slow, str(path.relative_to(ROOT)))
        checked += 1
    assert checked > 60


SCALARS = [
    "no", "yes", "on", "off", "y", "n", "true", "True", "TRUE", "tRue", "false", "null",
    "Null", "NULL", "~", "010", "+5", "-0", "00", "1e3", "1E3", "1.", "3.", "1.5", "-.5",
    ".5", "+.5", "-5.", "1.0e+3", "+1.5", "0.1", "12e-3", "1.0.0", "1:20", "18:30",
    "1:2:3", "v1.2", "1,5", "1e", "e3", "+", "Attention !", "'010'", '"1.5"', "'it''s'",
    '"\\u00e9"', "a # comment", "[a, b]", "{a: 1, b: [2]}", "|\n  x\n", ">\n  folded\n  text\n",
    "&anchor x",
]  # fmt: skip


@pytest.mark.parametrize("scalar", SCALARS)
def test_fast_reader_resolves_scalars_by_yaml_1_2_as_ruamel_does(scalar: str) -> None:
    text = f"k: {scalar}\n"
    _same(yaml12._fast(text), yaml12._ruamel().load(text), scalar)


ASIDE = ["", "0o10", "0x1F", "0b101", "1_000", ".inf", "-.INF", ".nan", "2024-01-02",
         "2024-1-2 10:00", "!!str 010", "!custom x", "<<", "="]  # fmt: skip


@pytest.mark.parametrize("scalar", ASIDE)
def test_fast_reader_steps_aside_for_forms_it_does_not_resolve(scalar: str) -> None:
    with pytest.raises(yaml12._StepAside):
        yaml12._fast(f"k: {scalar}\n")


def test_a_duplicate_key_is_left_to_ruamel_which_refuses_it() -> None:
    with pytest.raises(yaml12._StepAside):
        yaml12._fast("a: 1\na: 2\n")
    with pytest.raises(Exception, match="duplicate key"):
        yaml12.load("a: 1\na: 2\n")


def test_a_unicode_line_separator_is_left_to_ruamel() -> None:
    # libyaml (YAML 1.1) counts U+2028 as a line break, YAML 1.2 does not: the line
    # numbers of every later diagnostic would move.
    value = yaml12.load("a: x\u2028y\nb: 2\n")
    assert value["b"] == 2 and value.lc.key("b") == (1, 0)


def test_the_flagship_course_takes_the_fast_path() -> None:
    for path in _sources():
        if path.is_relative_to(ROOT / "course"):
            text = _yaml_of(path)
            if text is not None:
                yaml12._fast(text)
