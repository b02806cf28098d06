"""Authoring blocks: the Markdown vocabulary beyond CommonMark that lessons can use.

Each module owns one kind of block and plugs into the markdown-it parser:
callouts (``> [!NOTE]`` and ``::: note``) and disclosures (``::: details``), audio
and video with caption tracks, heading ids for deep links, definition lists, and
language-aware typography. Every block renders to accessible HTML that prints
expanded and is styled by the theme (``cp-callout``, ``cp-media``, ``cp-details``…).
"""

from __future__ import annotations

from collections.abc import Mapping

from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin

from coursepack.blocks.callouts import use_callouts
from coursepack.blocks.code import use_code
from coursepack.blocks.typography import use_typography


def use_blocks(md: MarkdownIt, strings: Mapping[str, str], language: str | None) -> None:
    use_callouts(md, strings)
    use_code(md)
    md.use(deflist_plugin)
    if language:
        use_typography(md, language)
