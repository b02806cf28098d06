"""Callouts (note, tip, important, warning, caution) and disclosures (details).

Two spellings, one result: GitHub's alert syntax ``> [!NOTE]`` and the container
``::: note`` … ``:::``. A callout is an ``<aside role="note">`` with a visible label
from the interface strings, so the kind never depends on colour alone (WCAG 1.4.1).
``::: details Summary`` renders a native ``<details>`` disclosure, which is keyboard-
operable without script; the print stylesheet opens it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import escape
from mdit_py_plugins.container import container_plugin

KINDS = ("note", "tip", "important", "warning", "caution")
_ALERT = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)


def _open(kind: str, label: str) -> str:
    return (
        f'<aside class="cp-callout cp-callout-{kind}" role="note" aria-label="{escape(label)}">\n'
        f'<p class="cp-callout-label">{escape(label)}</p>\n'
    )


def use_callouts(md: MarkdownIt, strings: Mapping[str, str]) -> None:
    labels = {kind: strings.get(f"callout_{kind}", kind.capitalize()) for kind in KINDS}
    for kind in KINDS:
        container_plugin(md, kind, render=_container_renderer(kind, labels[kind]))
    container_plugin(md, "details", render=_details)
    # After inline parsing, so a translated paragraph (swapped in before it) keeps
    # its marker and is recognised the same way.
    md.core.ruler.after("inline", "coursepack_alerts", _alerts)

    def blockquote_open(
        self: object, tokens: Sequence[Token], idx: int, options: object, env: object
    ) -> str:
        kind = tokens[idx].meta.get("callout")
        return _open(kind, labels[kind]) if kind else "<blockquote>\n"

    def blockquote_close(
        self: object, tokens: Sequence[Token], idx: int, options: object, env: object
    ) -> str:
        return "</aside>\n" if tokens[idx].meta.get("callout") else "</blockquote>\n"

    md.add_render_rule("blockquote_open", blockquote_open)
    md.add_render_rule("blockquote_close", blockquote_close)


def _container_renderer(kind: str, label: str):  # type: ignore[no-untyped-def]
    def render(
        self: object, tokens: Sequence[Token], idx: int, options: object, env: object
    ) -> str:
        return _open(kind, label) if tokens[idx].nesting == 1 else "</aside>\n"

    return render


def _details(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</div></details>\n"
    summary = token.info.strip().removeprefix("details").strip() or "…"
    return (
        f'<details class="cp-details"><summary>{escape(summary)}</summary>'
        '<div class="cp-details-body">\n'
    )


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
