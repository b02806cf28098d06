"""Container blocks (``::: kind …`` / ``:::``) and how every block reaches its theme
partial.

Parsing registers the containers with markdown-it. Before rendering, each container
(and each GitHub alert, ``> [!NOTE]``) is folded into one ``cp_block`` token whose
children are the tokens inside it; the renderer then renders the children and hands
the result to the theme's ``blocks/<kind>.html`` partial, so a theme can restyle or
restructure any block without touching Python (the MkDocs way: templates own HTML).

Nesting uses longer fences for the outer block, as in MkDocs Material and
markdown-it-container: ``:::: tabs`` holds ``::: tab Title`` blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.container import container_plugin

from coursepack.blocks.typography import typeset

CALLOUTS = ("note", "tip", "important", "warning", "caution")
# Containers and the words of their opening line before the title.
CONTAINERS: Mapping[str, int] = {
    **{kind: 1 for kind in CALLOUTS},
    "details": 1,
    "tabs": 1,
    "tab": 1,
    "cards": 1,
    "card": 1,
    "steps": 1,
    "scenario": 2,  # 'scenario <id> [scored] Title'
    "step": 1,  # 'step <id> [good|bad]': no title
}
# Blocks that only make sense inside their group, and that group.
MEMBERS: Mapping[str, str] = {"tab": "tabs", "card": "cards", "step": "scenario"}

Partial = Callable[[str, Mapping[str, Any]], str]
_SLOT = re.compile("\ue000[0-9]+\ue001")


def use_containers(md: MarkdownIt) -> None:
    for name in CONTAINERS:
        container_plugin(md, name)


def kind_of(token: Token) -> str | None:
    """The container kind a token opens or closes (``None`` for other tokens)."""
    if token.type.startswith("container_") and token.type.rsplit("_", 1)[-1] in {"open", "close"}:
        name = token.type[len("container_") :].rsplit("_", 1)[0]
        return name if name in CONTAINERS else None
    if token.type in {"blockquote_open", "blockquote_close"} and token.meta.get("callout"):
        return "callout"
    return None


def split_info(kind: str, info: str) -> tuple[list[str], str]:
    """('scenario', 'scenario accueil scored Que faire ?') -> (['accueil', 'scored'],
    'Que faire ?'): the words that configure the block, then its title."""
    words = info.strip().split()
    if not words or words[0] != kind:
        return [], ""
    words = words[1:]
    if kind == "scenario":
        count = 2 if len(words) > 1 and words[1] == "scored" else 1
        return words[:count], " ".join(words[count:])
    if kind == "step":
        return words, ""
    return [], " ".join(words)


def title_of(token: Token) -> str:
    kind = kind_of(token)
    if kind is None or kind == "callout" or not token.type.endswith("_open"):
        return ""
    return split_info(kind, token.info)[1]


def replace_title(token: Token, translated: str) -> None:
    kind = kind_of(token)
    if kind is None or kind == "callout":
        return
    words, _ = split_info(kind, token.info)
    token.info = " ".join([kind, *words, translated])


def collapse(tokens: Sequence[Token]) -> list[Token]:
    """Fold each container into one ``cp_block`` token holding its inner tokens."""
    top: list[Token] = []
    stack: list[Token] = []
    for token in tokens:
        kind = kind_of(token)
        if kind is not None and token.nesting == 1:
            block = Token("cp_block", "div", 0)
            block.map = token.map
            block.info = token.info
            block.meta = {"kind": kind, "callout": token.meta.get("callout")}
            block.children = []
            stack.append(block)
            continue
        if kind is not None and token.nesting == -1 and stack:
            block = stack.pop()
            (stack[-1].children if stack else top).append(block)  # type: ignore[union-attr]
            continue
        (stack[-1].children if stack else top).append(token)  # type: ignore[union-attr]
    while stack:  # an unclosed container runs to the end of the document
        block = stack.pop()
        (stack[-1].children if stack else top).append(block)  # type: ignore[union-attr]
    return top


def walk(tokens: Sequence[Token]) -> list[Token]:
    """Every token of a folded stream, depth first (inline children excluded)."""
    found: list[Token] = []
    for token in tokens:
        found.append(token)
        if token.type == "cp_block":
            found.extend(walk(token.children or []))
    return found


@dataclass
class BlockRenderer:
    """Renders ``cp_block`` tokens through the theme's partials. One per page part:
    it numbers tabs and cards so their ids are unique in the launch page."""

    partial: Partial
    strings: Mapping[str, str]
    language: str
    prefix: str
    # Set when the lesson allows raw HTML: the author's HTML is cleaned, while the
    # partials' own markup (buttons, ARIA, cp- classes) is kept aside in slots and put
    # back after cleaning, so the sanitiser never sees or strips it.
    clean: Callable[[str], str] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    slots: dict[str, str] = field(default_factory=dict)

    def finish(self, html: str) -> str:
        if self.clean is None:
            return html
        key = f"\ue000{len(self.slots)}\ue001"
        self.slots[key] = html
        return key

    def settle(self, html: str) -> str:
        if self.clean is None:
            return html
        return _SLOT.sub(lambda m: self.slots.get(m.group(0), ""), self.clean(html))

    def next_id(self, kind: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return f"{self.prefix}--{kind}-{self.counts[kind]}"

    def title(self, text: str) -> str:
        return typeset(text, self.language)

    def render(self, md: MarkdownIt, token: Token, env: Any) -> str:
        kind = token.meta["kind"]

        def body(tokens: Sequence[Token]) -> Markup:
            return Markup(self.settle(md.renderer.render(list(tokens), md.options, env)))

        return self.finish(self._render(kind, token, body, md, env))

    def _render(
        self,
        kind: str,
        token: Token,
        body: Callable[[Sequence[Token]], Markup],
        md: MarkdownIt,
        env: Any,
    ) -> str:
        children = token.children or []

        _, title = split_info(kind, token.info)
        if kind == "callout" or kind in CALLOUTS:
            callout = token.meta.get("callout") or kind
            label = self.strings.get(f"callout_{callout}", callout.capitalize())
            context = {"kind": callout, "label": title or label, "body": body(children)}
            return self.partial("callout", context)
        if kind in {"tabs", "cards"}:
            member = "tab" if kind == "tabs" else "card"
            items = [
                {"id": self.next_id(member), "title": self.title(split_info(member, c.info)[1]),
                 "body": body(c.children or [])}
                for c in children if c.type == "cp_block" and c.meta["kind"] == member
            ]  # fmt: skip
            others = [
                c for c in children if not (c.type == "cp_block" and c.meta["kind"] == member)
            ]
            context = {"id": self.next_id(kind), "items": items, "intro": body(others)}
            return self.partial(kind, context)
        if kind == "scenario":
            from coursepack.blocks.scenario import scenario_context

            def inline(tokens: Sequence[Token]) -> Markup:
                renderer: Any = md.renderer
                return Markup(self.settle(renderer.renderInline(list(tokens), md.options, env)))

            return self.partial("scenario", scenario_context(self, token, body, inline))
        if kind in MEMBERS:  # a lone tab/card/step: its content, as a plain section
            return self.partial(
                "details", {"summary": self.title(title) or "…", "body": body(children)}
            )
        context = {"id": self.next_id(kind), "title": self.title(title), "body": body(children)}
        if kind == "details":
            context["summary"] = context["title"] or "…"
        return self.partial(kind, context)


def use_block_rendering(md: MarkdownIt) -> None:
    def cp_block(self: object, tokens: Sequence[Token], idx: int, options: object, env: Any) -> str:
        blocks: BlockRenderer = env["blocks"]
        return blocks.render(md, tokens[idx], env)

    md.add_render_rule("cp_block", cp_block)
