"""The course glossary: built from the lessons' definition lists.

A definition list in a lesson (``Term`` then ``: definition``) is a glossary entry.
With ``glossary: true`` in course.yml the course gets a glossary page after the
appendix, listing every term in the collation order of the course's language, each
with its definition and the lessons that define it; and the first use of a term in
every lesson (outside headings, links, code and the definition itself) links to its
entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from coursepack.blocks import structure_parser

GLOSSARY_ID = "glossary"


@dataclass(frozen=True)
class Term:
    text: str  # plain text, as written in the lesson (translated in a translated course)
    definitions: tuple[str, ...]  # inline Markdown of each definition paragraph
    lesson_id: str
    anchor: str  # the entry's id on the glossary page

    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w){re.escape(self.text)}(?!\w)", re.IGNORECASE)


def _plain(inline: Token) -> str:
    return "".join(
        c.content for c in inline.children or [] if c.type in {"text", "code_inline"}
    ).strip()


def terms_of(body: str, lesson_id: str, translations: Mapping[str, str]) -> list[Term]:
    """The definition-list entries of one lesson body, translated where it is."""
    from coursepack.markdown import translate_rule

    md = structure_parser()
    md.core.ruler.before("inline", "coursepack_translate", translate_rule)
    tokens = md.parse(body, {"translations": translations})
    found: list[Term] = []
    current: str | None = None
    definitions: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "dt_open":
            if current:
                found.append(_term(current, definitions, lesson_id))
            current, definitions = _plain(tokens[index + 1]), []
        elif token.type == "inline" and current and _inside(tokens, index, "dd_open"):
            definitions.append(token.content)
        elif token.type == "dl_close" and current:
            found.append(_term(current, definitions, lesson_id))
            current, definitions = None, []
    return found


def _inside(tokens: Sequence[Token], index: int, opener: str) -> bool:
    depth = 0
    for token in reversed(tokens[:index]):
        if token.type == opener.replace("_open", "_close"):
            depth += 1
        elif token.type == opener:
            if depth == 0:
                return True
            depth -= 1
        elif token.type in {"dt_open", "dl_open"}:
            return False
    return False


def _term(text: str, definitions: list[str], lesson_id: str) -> Term:
    from coursepack.markdown import slugify

    return Term(text, tuple(definitions), lesson_id, f"{GLOSSARY_ID}--{slugify(text)}")


def use_term_links(md: MarkdownIt, terms: Sequence[Term]) -> None:
    """Link the first use of each term in a lesson to its glossary entry."""
    if not terms:
        return
    patterns = [(term, term.pattern()) for term in terms]

    def link(state: StateCore) -> None:
        linked: set[str] = set()
        skip = 0  # inside a heading or a definition term: never linked
        for token in state.tokens:
            if token.type in {"heading_open", "dt_open", "dd_open"}:
                skip += 1
            elif token.type in {"heading_close", "dt_close", "dd_close"}:
                skip -= 1
            elif token.type == "inline" and not skip and token.children:
                token.children = _link_children(token.children, patterns, linked, state)

    md.core.ruler.after("inline", "coursepack_terms", link)


def _link_children(
    children: list[Token],
    patterns: Sequence[tuple[Term, re.Pattern[str]]],
    linked: set[str],
    state: StateCore,
) -> list[Token]:
    out: list[Token] = []
    in_link = 0
    for child in children:
        if child.type == "link_open":
            in_link += 1
        elif child.type == "link_close":
            in_link -= 1
        if child.type != "text" or in_link:
            out.append(child)
            continue
        out.extend(_split(child, patterns, linked, state))
    return out


def _split(
    child: Token,
    patterns: Sequence[tuple[Term, re.Pattern[str]]],
    linked: set[str],
    state: StateCore,
) -> list[Token]:
    for term, pattern in patterns:
        if term.anchor in linked:
            continue
        match = pattern.search(child.content)
        if not match:
            continue
        linked.add(term.anchor)
        before = _text(child.content[: match.start()])
        opening = Token("link_open", "a", 1)
        opening.attrs = {"href": f"#{term.anchor}", "class": "cp-term"}
        opening.meta = {"glossary": True}
        inner = _text(match.group(0))
        closing = Token("link_close", "a", -1)
        after = _split(_text(child.content[match.end() :]), patterns, linked, state)
        return [t for t in (before, opening, inner, closing) if t.type != "text" or t.content] + [
            t for t in after if t.type != "text" or t.content
        ]
    return [child]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
