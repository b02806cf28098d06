"""Language-aware typography, applied to text at render time, never to code, URLs
or HTML attributes (only ``text`` tokens are touched).

French spacing (Imprimerie nationale conventions): a narrow no-break space (U+202F)
before ``; ! ?``, a no-break space (U+00A0) before ``:`` and ``%`` and inside
guillemets. Other languages are added as rows of :data:`RULES`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

NNBSP = "\u202f"
NBSP = "\u00a0"

Rule = tuple[re.Pattern[str], str]
RULES: dict[str, tuple[Rule, ...]] = {
    "fr": (
        (re.compile(r"(?<=[^\s\u00a0\u202f;!?])[ \u00a0\u202f]*([;!?])"), NNBSP + r"\1"),
        (re.compile(r"(?<=\S)[ \u00a0\u202f]+(:)(?=\s|$)"), NBSP + r"\1"),
        (re.compile(r"(?<=\d)[ \u00a0\u202f]*%"), NBSP + "%"),
        (re.compile(r"«[ \u00a0\u202f]*"), "«" + NBSP),
        (re.compile(r"[ \u00a0\u202f]*»"), NBSP + "»"),
    ),
}


def typeset(text: str, language: str) -> str:
    for pattern, replacement in RULES.get(language.split("-")[0].lower(), ()):
        text = pattern.sub(replacement, text)
    return text


def use_typography(md: MarkdownIt, language: str) -> None:
    if language.split("-")[0].lower() not in RULES:
        return

    def apply(state: StateCore) -> None:
        for token in state.tokens:
            for child in token.children or []:
                if child.type == "text":
                    child.content = typeset(child.content, language)

    md.core.ruler.push("coursepack_typography", apply)
