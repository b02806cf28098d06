"""GitHub's alert syntax for callouts: ``> [!NOTE]`` … marks its blockquote.

The container spelling ``::: note`` gives the same block (see
:mod:`coursepack.blocks.containers`); both render through the theme's
``blocks/callout.html``, an ``<aside role="note">`` with a visible label from the
interface strings, so the kind never depends on colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_ALERT = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)


def use_callouts(md: MarkdownIt) -> None:
    # After inline parsing, so a translated paragraph (swapped in before it) keeps
    # its marker and is recognised the same way.
    md.core.ruler.after("inline", "coursepack_alerts", _alerts)


def _alerts(state: StateCore) -> None:
    """A blockquote whose first line is ``[!KIND]`` becomes a callout of that kind."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open" or index + 2 >= len(tokens):
            continue
        inline = tokens[index + 2]
        if inline.type != "inline":
            continue
        match = _ALERT.match(inline.content)
        if not match:
            continue
        kind = match.group(1).lower()
        token.meta = {**(token.meta or {}), "callout": kind}
        depth = 0
        for closing in tokens[index:]:
            if closing.type == "blockquote_open":
                depth += 1
            elif closing.type == "blockquote_close":
                depth -= 1
                if depth == 0:
                    closing.meta = {**(closing.meta or {}), "callout": kind}
                    break
        _drop_marker(inline)
        if not inline.children:
            # '[!NOTE]' alone in its paragraph: drop the empty paragraph it leaves.
            for hidden in tokens[index + 1 : index + 4]:
                hidden.hidden = True


def _drop_marker(inline: Token) -> None:
    """Remove '[!KIND]' (and the line break after it) from the paragraph's text."""
    children = list(inline.children or [])
    while children and children[0].type == "text":
        match = _ALERT.match(children[0].content)
        if not match:
            break
        rest = children[0].content[match.end() :]
        if rest:
            children[0].content = rest
            break
        children.pop(0)
        if children and children[0].type in {"softbreak", "hardbreak"}:
            children.pop(0)
        break
    inline.children = children
    inline.content = _ALERT.sub("", inline.content, count=1)
