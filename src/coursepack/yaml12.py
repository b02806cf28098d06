"""Reading YAML 1.2 into mappings and sequences that know their line and column.

Two readers give the same result. The fast one parses with libyaml (PyYAML's C
parser) and resolves plain scalars by the YAML 1.2 core schema itself, so ``no``
stays a string. It covers what course files contain; on anything else (a syntax
error, a duplicate key, an empty value, an explicit tag, a merge key, a date, a
number written in base 8, 16 or 2 or with ``_``, a Unicode line separator) it steps
aside and ruamel.yaml's round-trip loader reads the text, so every message and every
value stays ruamel's. ruamel's pure-Python scanner is about twenty times slower
than libyaml (issue 17), which made it half of a large course's build.

Both readers return ``dict``/``list`` subclasses with ruamel's position interface:
``.lc.line``, ``.lc.col``, ``.lc.key(k)``, ``.lc.value(k)``, ``.lc.item(i)`` (all
0-based) and ``.fa.flow_style()``.
"""

from __future__ import annotations

import re
from typing import Any

LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")
# YAML 1.2 core schema (spec 10.3.2), restricted to the forms handled here.
NULL = frozenset({"", "~", "null", "Null", "NULL"})
TRUE = frozenset({"true", "True", "TRUE"})
FALSE = frozenset({"false", "False", "FALSE"})
INT = re.compile(r"[-+]?[0-9]+")
FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# Forms ruamel resolves to something else than a string, left to it: dates and
# times, special floats, prefixed or grouped integers, merge and value keys.
OTHERS = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[-+]?0[bBoOxX].*|[-+]?[0-9._]*_[0-9._eE+-]*|<<|="
)
PLAIN = "coursepack:plain"
DEFAULT = "coursepack:default"


class _StepAside(Exception):
    """The fast reader does not handle this text; ruamel reads it."""


class Positions:
    """ruamel's ``LineCol`` interface, filled from libyaml's marks."""

    __slots__ = ("col", "item_marks", "key_marks", "line", "value_marks")

    def __init__(self, line: int, col: int) -> None:
        self.line = line
        self.col = col
        self.key_marks: dict[Any, tuple[int, int]] = {}
        self.value_marks: dict[Any, tuple[int, int]] = {}
        self.item_marks: list[tuple[int, int]] = []

    def key(self, k: Any) -> tuple[int, int]:
        return self.key_marks[k]

    def value(self, k: Any) -> tuple[int, int]:
        return self.value_marks[k]

    def item(self, i: int) -> tuple[int, int]:
        return self.item_marks[i]


class Format:
    """ruamel's ``Format`` interface: whether a collection was written ``{...}``/``[...]``."""

    __slots__ = ("_flow",)

    def __init__(self, flow: bool) -> None:
        self._flow = flow

    def flow_style(self) -> bool:
        return self._flow


class LocatedMap(dict[Any, Any]):
    lc: Positions
    fa: Format


class LocatedSeq(list[Any]):
    lc: Positions
    fa: Format


def load(text: str) -> Any:
    """The YAML 1.2 document in ``text``; raises ruamel's errors for a bad document."""
    if not LINE_SEPARATORS.search(text):
        try:
            return _fast(text)
        except _StepAside:
            pass
    return _ruamel().load(text)


def _ruamel() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.version = (1, 2)
    yaml.allow_duplicate_keys = False
    return yaml


def _fast(text: str) -> Any:
    try:
        import yaml
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        raise _StepAside from None

    class _Composer(CParser):
        # libyaml composes; tags are left unresolved so YAML 1.1's rules never apply.
        def descend_resolver(self, *_: Any) -> None:
            return None

        def ascend_resolver(self, *_: Any) -> None:
            return None

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is yaml.ScalarNode and implicit[0]:
                return PLAIN
            return DEFAULT

    composer = _Composer(text)
    try:
        node = composer.get_single_node()
    except yaml.YAMLError:
        raise _StepAside from None
    finally:
        composer.dispose()
    return None if node is None else _build(node, yaml)


def _build(node: Any, yaml: Any) -> Any:
    if node.tag not in (PLAIN, DEFAULT):
        raise _StepAside
    if node.tag == PLAIN and node.value == "":
        raise _StepAside  # ruamel places an empty value at the next line
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node.value) if node.tag == PLAIN else node.value
    mark = node.start_mark
    positions = Positions(mark.line, mark.column)
    if isinstance(node, yaml.SequenceNode):
        seq = LocatedSeq()
        for item in node.value:
            positions.item_marks.append((item.start_mark.line, item.start_mark.column))
            seq.append(_build(item, yaml))
        seq.lc, seq.fa = positions, Format(bool(node.flow_style))
        return seq
    mapping = LocatedMap()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _StepAside
        key = _build(key_node, yaml)
        if key in mapping or key is None:
            raise _StepAside  # ruamel words the duplicate-key error
        positions.key_marks[key] = (key_node.start_mark.line, key_node.start_mark.column)
        positions.value_marks[key] = (value_node.start_mark.line, value_node.start_mark.column)
        mapping[key] = _build(value_node, yaml)
    mapping.lc, mapping.fa = positions, Format(bool(node.flow_style))
    return mapping


def _scalar(text: str) -> Any:
    if text in NULL:
        return None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    if text[0] in "0123456789+-.<=":
        if INT.fullmatch(text):
            return int(text)
        if OTHERS.fullmatch(text):
            raise _StepAside
        if FLOAT.fullmatch(text):
            return float(text)
    return text
