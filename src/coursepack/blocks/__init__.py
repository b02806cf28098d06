"""Authoring blocks: the Markdown vocabulary beyond CommonMark that lessons can use.

Each module owns one kind of block and plugs into the markdown-it parser:
callouts (``> [!NOTE]`` and ``::: note``), disclosures, tabs, flip cards, steps and
branching scenarios (containers), audio and video with caption tracks, definition
lists, and language-aware typography. Every container renders through a theme
partial (``templates/blocks/<kind>.html``) to accessible HTML that prints expanded.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from coursepack.blocks.callouts import use_callouts
from coursepack.blocks.code import use_code
from coursepack.blocks.containers import use_block_rendering, use_containers
from coursepack.blocks.typography import use_typography


def structure_parser() -> MarkdownIt:
    """The block structure every lesson is read with: the same blocks, and so the
    same inline pieces (translation units), as when it is rendered."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    use_containers(md)
    md.use(deflist_plugin)
    return md


def use_blocks(md: MarkdownIt, language: str | None) -> None:
    use_containers(md)
    use_callouts(md)
    use_code(md)
    use_block_rendering(md)
    md.use(deflist_plugin)
    if language:
        use_typography(md, language)
