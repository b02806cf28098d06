"""Code blocks: a labelled box that scrolls sideways inside itself, never the page.

A fence with a language (```python) shows that language as a visible label; the
box is a focusable region so keyboard users can scroll it (WCAG 2.1.1).
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import escape


def use_code(md: MarkdownIt) -> None:
    def fence(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
        token = tokens[idx]
        language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
        label = f'<span class="cp-code-label">{escape(language)}</span>' if language else ""
        name = f"{language} code" if language else "code"
        css = f' class="language-{escape(language)}"' if language else ""
        return (
            f'<div class="cp-code">{label}<pre role="region" tabindex="0" aria-label="{escape(name)}">'
            f"<code{css}>{escape(token.content)}</code></pre></div>\n"
        )

    md.add_render_rule("fence", fence)
