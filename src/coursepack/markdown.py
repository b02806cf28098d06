"""Markdown to HTML for lessons and quiz texts, with every local reference checked.

Raw HTML is escaped unless the lesson allows it, and then it is sanitised with nh3.
Local images and links are resolved against the lesson's folder, must exist inside
the course folder with the exact letter case (LMS web servers are case-sensitive,
standards.md Z7), and are rewritten to their place in the package. A link to another
lesson file becomes a link to that lesson inside the course.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

from coursepack.blocks import use_blocks
from coursepack.blocks.containers import BlockRenderer, Partial, collapse, replace_title, title_of
from coursepack.blocks.glossary import Term, use_term_links
from coursepack.blocks.media import Track, caption_tracks, kind_of, transcript_file
from coursepack.blocks.media import render as render_media
from coursepack.blocks.scenario import mark_choices
from coursepack.blocks.typography import typeset
from coursepack.diagnostics import Diagnostic, Location, error, warning
from coursepack.paths import OUTSIDE, case_hint, exists_exact, is_inside
from coursepack.theme import default_partial
from coursepack.ui import strings_for

ASSET_PREFIX = "assets"
LOCALE_DIR = "locale"

# What lesson HTML may contain when an author allows raw HTML: content markup only,
# nothing that runs script or loads from elsewhere.
_ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var", "audio", "video", "source", "track",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "lang", "dir", "title"},
    "a": {"href", "hreflang", "target"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "ol": {"start", "reversed", "type"},
    "audio": {"src", "controls"},
    "video": {"src", "controls", "width", "height", "poster"},
    "source": {"src", "type"},
    "track": {"src", "kind", "srclang", "label", "default"},
}


@dataclass(frozen=True)
class RenderedMarkdown:
    html: str
    assets: frozenset[str]  # course-relative POSIX paths of the files referenced
    # Package path -> bytes made by the build (narrower copies of wide images).
    generated: Mapping[str, bytes] = field(default_factory=dict)


@dataclass
class _Context:
    course_root: Path
    file: Path
    first_line: int
    source_lines: Sequence[str]
    lesson_anchors: Mapping[Path, str]
    language: str | None = None  # of a translation: locale/<language>/… overrides media
    anchor_prefix: str | None = None  # the lesson id: headings are '<lesson>--<slug>'
    page_language: str | None = None  # chooses a media's transcript
    heading_ids: frozenset[str] = frozenset()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assets: set[str] = field(default_factory=set)
    generated: dict[str, bytes] = field(default_factory=dict)

    def location(self, token_line: int | None, needle: str) -> Location:
        if token_line is None:
            return Location(self.file, self.first_line, 0)
        line = self.first_line + token_line
        col = 0
        # Block tokens span several lines: find the one holding the reference.
        for offset in range(token_line, len(self.source_lines)):
            found = self.source_lines[offset].find(needle)
            if found >= 0:
                line, col = self.first_line + offset, found + 1
                break
        return Location(self.file, line, col)


def make_parser(
    allow_html: bool,
    table_label: str,
    strings: Mapping[str, str] | None = None,
    language: str | None = None,
    terms: Sequence[Term] = (),
) -> MarkdownIt:
    """A parser for one configuration, reusable for every text of a build: what varies
    per text (its translations, its lessons's anchor prefix) comes in the parse env."""
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    # Before inline parsing: a translation is rendered (and escaped) like source text.
    md.core.ruler.before("inline", "coursepack_translate", translate_rule)
    use_blocks(md, language)
    use_term_links(md, terms)
    md.core.ruler.push("coursepack_heading_ids", _heading_ids)
    page_language = language or "en"

    def image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if token.meta.get("media"):
            return render_media(
                token, page_language, (strings or {}).get("transcript", "Transcript")
            )
        html = str(self.image(tokens, idx, options, env))
        if token.meta.get("zoom"):
            html = _zoomable(html, token, env["blocks"].strings)
        if token.meta.get("figure"):
            blocks: BlockRenderer = env["blocks"]
            caption = typeset(str(token.meta["figure"]), page_language)
            return blocks.finish(
                blocks.partial("figure", {"image": Markup(html), "caption": caption})
            )
        return html

    md.add_render_rule("image", image)
    # A wide table scrolls inside its own box on a phone; a keyboard user must be
    # able to reach and scroll it (WCAG 2.1.1), so the box is a labelled region.
    md.add_render_rule("table_open", lambda _self, tokens, idx, _options, env: _table_open(
        tokens, idx, env, table_label
    ))  # fmt: skip
    md.add_render_rule("table_close", lambda *_: "</table></div>\n")
    return md


def slugify(title: str) -> str:
    """A heading's fragment: lower case, accents removed, words joined by '-'."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "section"


def _table_open(tokens: Sequence[Token], idx: int, env: Any, table_label: str) -> str:
    """The scrolling box of a table, named after the section it is in: several tables
    on one page must not share one landmark name (axe 'landmark-unique')."""
    heading = next(
        (
            tokens[i + 1].content
            for i in range(idx - 1, -1, -1)
            if tokens[i].type == "heading_open" and i + 1 < len(tokens)
        ),
        "",
    )
    seen = env.setdefault("cp_tables", {}) if isinstance(env, dict) else {}
    key = heading or table_label
    seen[key] = seen.get(key, 0) + 1
    name = f"{heading} – {table_label}" if heading else table_label
    if seen[key] > 1:
        name += f" {seen[key]}"
    label = escape_html(name)
    return f'<div class="cp-table" role="region" tabindex="0" aria-label="{label}"><table>\n'


def _is_local(reference: str) -> bool:
    # Browsers read '\\host' and '/\\host' as network paths: never local.
    if "\\" in reference:
        return False
    parts = urlsplit(reference)
    return not parts.scheme and not parts.netloc and not reference.startswith("#")


def _check_local(reference: str, ctx: _Context, line: int | None, what: str) -> str | None:
    """The package path for a local reference, or ``None`` after reporting a problem."""
    parts = urlsplit(reference)
    relative = unquote(parts.path)
    where = ctx.location(line, reference)
    if not relative:
        return reference
    if "\\" in relative or any(ord(c) < 32 or ord(c) == 127 for c in relative):
        ctx.diagnostics.append(
            error(
                where,
                "CP414",
                f"{what} '{reference}': a file name with '\\' or a control character cannot "
                "go into a package (ZIP names use '/'); rename the file",
            )
        )
        return None
    target = (ctx.file.parent / relative).resolve()
    try:
        inside = PurePosixPath(target.relative_to(ctx.course_root).as_posix())
    except ValueError:
        ctx.diagnostics.append(
            error(where, "CP402", f"{what} '{reference}' points outside the course folder")
        )
        return None
    if target in ctx.lesson_anchors:
        anchor = ctx.lesson_anchors[target]
        return f"#{anchor}--{parts.fragment}" if parts.fragment else f"#{anchor}"
    if not exists_exact(ctx.course_root, inside):
        base = PurePosixPath(ctx.file.parent.resolve().relative_to(ctx.course_root).as_posix())
        hint = case_hint(ctx.course_root, inside, base=base)
        ctx.diagnostics.append(error(where, "CP401", f"{what} not found: '{reference}'{hint}"))
        return None
    if not is_inside(ctx.course_root, ctx.course_root.joinpath(*inside.parts)):
        ctx.diagnostics.append(error(where, "CP402", f"{what} '{reference}' {OUTSIDE}"))
        return None
    if ctx.language:
        # A translated image or caption file replaces the original in that language.
        override = PurePosixPath(LOCALE_DIR, ctx.language, *inside.parts)
        if exists_exact(ctx.course_root, override):
            if not is_inside(ctx.course_root, ctx.course_root.joinpath(*override.parts)):
                ctx.diagnostics.append(error(where, "CP402", f"'{override.as_posix()}' {OUTSIDE}"))
                return None
            inside = override
    problem = media_problem(ctx.course_root.joinpath(*inside.parts))
    if problem is not None:
        ctx.diagnostics.append(error(where, "CP411", f"{what} '{reference}' {problem}"))
        return None
    ctx.assets.add(inside.as_posix())
    suffix = f"#{parts.fragment}" if parts.fragment else ""
    return f"{ASSET_PREFIX}/{inside.as_posix()}{suffix}"


def _rewrite_inline(tokens: list[Token], ctx: _Context, line: int | None) -> None:
    for token in tokens:
        if token.type == "image":
            src = str(token.attrGet("src") or "")
            if not token.content.strip() and not token.children:
                ctx.diagnostics.append(
                    warning(ctx.location(line, src), "CP403", f"image '{src}' has no alt text")
                )
            kind = kind_of(src)
            if kind == "unsupported":
                ctx.diagnostics.append(
                    error(
                        ctx.location(line, src),
                        "CP413",
                        f"media '{src}' is in a format browsers cannot play: use MP4 or WebM "
                        "video, MP3, Ogg or M4A audio",
                    )
                )
            elif _is_local(src):
                rewritten = _check_local(src, ctx, line, "video" if kind == "video" else "image")
                if rewritten is not None:
                    token.attrSet("src", rewritten)
                    if kind in {"video", "audio"}:
                        _media(token, kind, rewritten, ctx, line, src)
                    else:
                        _check_image_size(ctx, line, src, token)
            else:
                ctx.diagnostics.append(
                    error(
                        ctx.location(line, src),
                        "CP404",
                        f"image '{src}' is not in the course: packages must work offline and load nothing from outside",
                    )
                )
            token.attrSet("loading", "lazy")
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if token.meta.get("scenario_choice") or token.meta.get("glossary"):
                pass  # a step of its scenario (checked at load), or a glossary entry
            elif _is_local(href):
                rewritten = _check_local(href, ctx, line, "link target")
                if rewritten is not None:
                    token.attrSet("href", rewritten)
            elif href.startswith("#") and ctx.anchor_prefix:
                fragment = href[1:]
                target = f"{ctx.anchor_prefix}--{fragment}"
                if target in ctx.heading_ids:
                    token.attrSet("href", f"#{target}")
                elif fragment not in ctx.lesson_anchors.values():
                    ctx.diagnostics.append(
                        error(
                            ctx.location(line, href),
                            "CP412",
                            f"link '{href}' names no heading of this lesson "
                            f"(its headings: {_fragments(ctx)})",
                        )
                    )
            elif not href.startswith("#"):
                # Leave the LMS frame safely (no window.opener, no referrer).
                token.attrSet("target", "_blank")
                token.attrSet("rel", "noopener noreferrer")
        if token.children:
            _rewrite_inline(token.children, ctx, line)


def _fragments(ctx: _Context) -> str:
    prefix = f"{ctx.anchor_prefix}--"
    names = sorted("#" + i.removeprefix(prefix) for i in ctx.heading_ids)
    return ", ".join(names) or "none"


def _media(
    token: Token, kind: str, rewritten: str, ctx: _Context, line: int | None, src: str
) -> None:
    """Caption tracks, poster and transcript from sibling files, packaged beside the
    media: ``clip.vtt``/``clip.fr.vtt``, ``clip.jpg``, ``clip.txt``/``clip.fr.txt``."""
    package_path = PurePosixPath(rewritten.split("#", 1)[0].removeprefix(f"{ASSET_PREFIX}/"))
    folder = ctx.course_root.joinpath(*package_path.parent.parts)
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    tracks = []
    for name, language in caption_tracks(names, package_path.stem):
        inside = package_path.parent / name
        ctx.assets.add(inside.as_posix())
        data = (folder / name).read_bytes()
        tracks.append(Track(f"{ASSET_PREFIX}/{inside.as_posix()}", language, data))
    if kind == "video" and not tracks:
        ctx.diagnostics.append(
            warning(
                ctx.location(line, src),
                "CP409",
                f"video '{src}' has no captions: add {package_path.stem}.vtt (or "
                f"{package_path.stem}.<language>.vtt) beside it",
            )
        )
    poster = next(
        (
            n
            for n in (package_path.stem + e for e in (".jpg", ".jpeg", ".png", ".webp"))
            if n in names
        ),
        None,
    )
    if poster and kind == "video":
        ctx.assets.add((package_path.parent / poster).as_posix())
        poster = f"{ASSET_PREFIX}/{(package_path.parent / poster).as_posix()}"
    transcript = transcript_file(names, package_path.stem, ctx.page_language)
    text = (folder / transcript).read_text("utf-8", errors="replace") if transcript else None
    token.meta["media"] = {
        "kind": kind,
        "tracks": tracks,
        "poster": poster if kind == "video" else None,
        "transcript": text,
    }


# Beyond these an image slows every learner on a phone connection for no visible gain
# on a course page's column.
IMAGE_WARN_BYTES = 2 * 1024 * 1024
IMAGE_WARN_WIDTH = 2560


def _check_image_size(ctx: _Context, line: int | None, src: str, token: Token) -> None:
    path = ctx.file.parent / unquote(urlsplit(src).path)
    dimensions = image_size(path)
    if dimensions is not None:
        # Known dimensions reserve the image's space: no layout shift while it loads.
        token.attrSet("width", str(dimensions[0]))
        token.attrSet("height", str(dimensions[1]))
        original = str(token.attrGet("src"))
        if dimensions[0] > COLUMN_WIDTH:
            token.meta = {**(token.meta or {}), "zoom": original}
        if dimensions[0] > RESIZED_WIDTH:
            _narrower_copy(ctx, path, original, dimensions, token)
    elif path.suffix.lower() == ".svg":
        # A diagram's text must stay readable on a phone: it can be opened full size.
        token.meta = {**(token.meta or {}), "zoom": str(token.attrGet("src"))}
    size = path.stat().st_size
    where = ctx.location(line, src)
    if size > IMAGE_WARN_BYTES:
        ctx.diagnostics.append(
            warning(
                where,
                "CP410",
                f"image '{src}' is {size / 1024 / 1024:.1f} MB; "
                f"keep images under {IMAGE_WARN_BYTES // 1024 // 1024} MB for learners on phones",
            )
        )
    width = dimensions[0] if dimensions else None
    if width is not None and width > IMAGE_WARN_WIDTH:
        ctx.diagnostics.append(
            warning(
                where,
                "CP410",
                f"image '{src}' is {width} px wide; "
                f"{IMAGE_WARN_WIDTH} px is the most any screen shows of it",
            )
        )


COLUMN_WIDTH = 760  # the lesson column's widest, in CSS pixels (theme.css --cp-measure)
RESIZED_WIDTH = 1600  # twice a phone's width: sharp on dense screens, light to load


def _narrower_copy(
    ctx: _Context, path: Path, original: str, dimensions: tuple[int, int], token: Token
) -> None:
    """A copy of a wide image at RESIZED_WIDTH, served through ``srcset``; the
    original stays for the zoom view. Kept only when it is really lighter."""
    if path.suffix.lower() not in {".png", ".jpg", ".jpeg", ".webp"}:
        return  # a GIF may be animated
    import io

    from PIL import Image, UnidentifiedImageError

    height = round(dimensions[1] * RESIZED_WIDTH / dimensions[0])
    out = io.BytesIO()
    try:
        with Image.open(path) as image:
            resized = image.resize((RESIZED_WIDTH, height), Image.Resampling.LANCZOS)
            kind = {".jpg": "JPEG", ".jpeg": "JPEG"}.get(path.suffix.lower(), image.format)
            resized.save(out, format=kind, **({"quality": 85} if kind == "JPEG" else {}))
    except (OSError, UnidentifiedImageError, ValueError):
        return
    data = out.getvalue()
    if len(data) >= path.stat().st_size:
        return
    relative = original.removeprefix(f"{ASSET_PREFIX}/")
    stem, dot, suffix = relative.rpartition(".")
    package_path = f"{ASSET_PREFIX}/_resized/{stem}-{RESIZED_WIDTH}w{dot}{suffix}"
    ctx.generated[package_path] = data
    token.attrSet("src", package_path)
    token.attrSet("srcset", f"{package_path} {RESIZED_WIDTH}w, {original} {dimensions[0]}w")
    token.attrSet("sizes", f"(max-width: {COLUMN_WIDTH}px) 100vw, {COLUMN_WIDTH}px")


def _zoomable(html: str, token: Token, strings: Mapping[str, str]) -> str:
    label = strings.get("zoom", "Enlarge the image")
    alt = token.content.strip()
    name = f"{label} ({alt})" if alt else label
    return (
        f'<button type="button" class="cp-zoom" data-src="{escape_html(str(token.meta["zoom"]))}" '
        f'aria-label="{escape_html(name)}">{html}</button>'
    )


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a raster image, read from its header only; ``None`` for
    others (an SVG scales to the column)."""
    if path.suffix.lower() not in {".png", ".jpg", ".jpeg", ".gif", ".webp"}:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return int(image.size[0]), int(image.size[1])
    except (OSError, UnidentifiedImageError, ValueError):
        return None


# Link texts that say nothing out of context (WCAG 2.4.4), in the languages the
# interface ships; compared after lower-casing and trimming punctuation.
_VAGUE_LINKS = {
    "click here", "here", "read more", "more", "link", "this link", "this page",
    "cliquez ici", "cliquer ici", "ici", "lire la suite", "en savoir plus", "plus", "ce lien", "lien",
}  # fmt: skip


def _check_headings(tokens: list[Token], ctx: _Context) -> None:
    """One h1 per page (the lesson title) and no skipped levels (WCAG 1.3.1)."""
    level = 1
    for token in tokens:
        if token.type != "heading_open":
            continue
        line = token.map[0] if token.map else None
        current = int(token.tag[1])
        if current == 1:
            ctx.diagnostics.append(
                warning(
                    ctx.location(line, "#"),
                    "CP405",
                    "the lesson title is the page's only h1: start sections at '##'",
                )
            )
        elif current > level + 1:
            ctx.diagnostics.append(
                warning(
                    ctx.location(line, "#"),
                    "CP407",
                    f"heading level {current} follows level {level}: do not skip levels",
                )
            )
        level = current


def _check_tables(tokens: list[Token], ctx: _Context) -> None:
    """A data table needs header cells that say what each column holds."""
    for index, token in enumerate(tokens):
        if token.type != "thead_open":
            continue
        texts = []
        for inner in tokens[index:]:
            if inner.type == "thead_close":
                break
            if inner.type == "inline":
                texts.append(inner.content.strip())
        if not any(texts):
            line = token.map[0] if token.map else None
            ctx.diagnostics.append(
                warning(
                    ctx.location(line, "|"), "CP408", "table without header text: name each column"
                )
            )


def _check_link_texts(tokens: list[Token], ctx: _Context, line: int | None) -> None:
    for index, token in enumerate(tokens):
        if token.type != "link_open":
            continue
        text = ""
        for inner in tokens[index + 1 :]:
            if inner.type == "link_close":
                break
            text += inner.content
        spoken = text.strip().strip(".:!…").casefold()
        href = str(token.attrGet("href") or "")
        if not spoken:
            ctx.diagnostics.append(
                warning(ctx.location(line, href), "CP406", f"link to '{href}' has no text")
            )
        elif spoken in _VAGUE_LINKS:
            ctx.diagnostics.append(
                warning(
                    ctx.location(line, text.strip()),
                    "CP406",
                    f"link text '{text.strip()}' does not say where it leads",
                )
            )


def _check_media(tokens: list[Token], ctx: _Context) -> None:
    """Video in raw HTML needs captions (WCAG 1.2.2): a <track kind="captions">."""
    # Inline HTML tokens have no line map of their own: use their paragraph's.
    located = [(t, top.map) for top in tokens for t in (top, *(top.children or []))]
    for token, block_map in located:
        if token.type not in {"html_block", "html_inline"} or "<video" not in token.content.lower():
            continue
        html = token.content.lower()
        if 'kind="captions"' not in html and 'kind="subtitles"' not in html:
            line = block_map[0] if block_map else None
            ctx.diagnostics.append(
                warning(
                    ctx.location(line, "<video"),
                    "CP409",
                    'video without captions: add <track kind="captions" src="….vtt" srclang="…">',
                )
            )


def render_markdown(
    text: str,
    *,
    course_root: Path,
    file: Path,
    first_line: int,
    allow_html: bool = False,
    lesson_anchors: Mapping[Path, str] | None = None,
    inline: bool = False,
    table_label: str = "Table",
    translations: Mapping[str, str] | None = None,
    language: str | None = None,
    strings: Mapping[str, str] | None = None,
    page_language: str | None = None,
    anchor_prefix: str | None = None,
    partial: Partial | None = None,
    terms: Sequence[Term] = (),
    parser: MarkdownIt | None = None,
) -> tuple[RenderedMarkdown, list[Diagnostic]]:
    ctx = _Context(
        course_root=course_root,
        file=file,
        first_line=first_line,
        source_lines=text.splitlines(),
        lesson_anchors=lesson_anchors or {},
        language=language,
        anchor_prefix=anchor_prefix,
        page_language=page_language,
    )
    md = parser or make_parser(allow_html, table_label, strings, page_language, terms)
    env = {"translations": translations or {}, "anchor_prefix": anchor_prefix}
    tokens = md.parseInline(text, env) if inline else md.parse(text, env)
    folded = collapse(tokens)
    mark_choices(folded)
    ctx.heading_ids = frozenset(
        str(t.attrGet("id")) for t in tokens if t.type == "heading_open" and t.attrGet("id")
    )
    for token in tokens:
        if token.type == "inline":
            line = token.map[0] if token.map else None
            _check_link_texts(token.children or [], ctx, line)
            _rewrite_inline(token.children or [], ctx, line)
    if not inline:
        _check_headings(tokens, ctx)
        _check_tables(tokens, ctx)
        _check_media(tokens, ctx)
        _unwrap_media(tokens)
    blocks = BlockRenderer(
        partial=partial or default_partial,
        strings=strings or strings_for(page_language or "en"),
        language=page_language or "en",
        prefix=anchor_prefix or "cp",
        clean=_sanitise if allow_html else None,
    )
    html = blocks.settle(md.renderer.render(folded, md.options, {"blocks": blocks}))
    return (
        RenderedMarkdown(html=html, assets=frozenset(ctx.assets), generated=ctx.generated),
        ctx.diagnostics,
    )


def translate_rule(state: StateCore) -> None:
    """Swap each block's inline Markdown (and each block title) for its translation."""
    translations: Mapping[str, str] = state.env.get("translations") or {}
    if not translations:
        return
    for token in state.tokens:
        if token.type == "inline" and token.content in translations:
            token.content = translations[token.content]
        elif (title := title_of(token)) and title in translations:
            replace_title(token, translations[title])


def _heading_ids(state: StateCore) -> None:
    """Stable heading ids for deep links, unique in the page: '<lesson>--<slug>' for
    h2-h4, deduplicated with -1, -2… (the rule of markdown-it-anchor)."""
    prefix = state.env.get("anchor_prefix")
    if not prefix:
        return
    slugs = {
        str(t.attrGet("id")) for t in state.tokens if t.type == "heading_open" and t.attrGet("id")
    }
    for index, token in enumerate(state.tokens):
        if (
            token.type != "heading_open"
            or token.tag not in {"h2", "h3", "h4"}
            or token.attrGet("id")
        ):
            continue
        inline = state.tokens[index + 1]
        title = "".join(
            c.content for c in inline.children or [] if c.type in {"text", "code_inline"}
        )
        base = slug = f"{prefix}--{slugify(title)}"
        counter = 1
        while slug in slugs:
            slug = f"{base}-{counter}"
            counter += 1
        slugs.add(slug)
        token.attrSet("id", slug)


def link_targets(text: str, *, html: bool = False) -> list[str]:
    """The link and image targets of inline Markdown, which a translation must keep;
    with ``html`` (lessons with allow_html), those of raw HTML too."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    targets = []
    for token in md.parseInline(text)[0].children or []:
        if token.type == "link_open":
            targets.append(str(token.attrGet("href")))
        elif token.type == "image":
            targets.append(str(token.attrGet("src")))
        elif html and token.type == "html_inline":
            # Raw HTML (allow_html lessons) follows the same rule as Markdown links.
            targets.extend(_HTML_TARGET.findall(token.content))
    for block in md.parse(text) if html else []:
        if block.type == "html_block":
            targets.extend(_HTML_TARGET.findall(block.content))
    return sorted(targets)


def _sanitise(html: str) -> str:
    attribute_filter: Callable[[str, str, str], str | None] = _keep_safe_urls
    cleaned: str = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        link_rel="noopener noreferrer",
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto"},
    )
    return cleaned


def _keep_safe_urls(tag: str, attribute: str, value: str) -> str | None:
    if attribute in {"src", "poster"} and not _is_local(value):
        return None  # media must come from the package (no tracking pixels)
    if attribute in {"id", "class"} and any(
        word.lower().startswith(RUNTIME_PREFIX) for word in value.split()
    ):
        return None  # the runtime's own names (cp-data, cp-step…) are not the author's
    if attribute == "target" and value != "_blank":
        return None  # never _top/_parent: content must not navigate the LMS's page
    return value


RUNTIME_PREFIX = "cp-"
_HTML_TARGET = re.compile(r"""\b(?:href|src|poster)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


_SVG_SCRIPT = re.compile(
    rb"<\s*(?:[\w-]+:)?(?:script|foreignObject|iframe|embed|object)\b|\son\w+\s*=|javascript:",
    re.IGNORECASE,
)


def media_problem(path: Path) -> str | None:
    """Why a media file must not be packaged: clicked, an SVG or HTML file opens as a
    page on the LMS's origin, outside the course's content security policy."""
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm", ".xhtml", ".xht"}:
        return "is an HTML file; link a page of the course or a PDF instead"
    if suffix in {".svg", ".svgz"} and _SVG_SCRIPT.search(path.read_bytes()):
        return "contains script (a <script>, an event handler or a javascript: link); remove it"
    return None


def _unwrap_media(tokens: list[Token]) -> None:
    """A paragraph that holds only a player, or only an image with a title (which
    becomes its caption), renders as a <figure> alone (a <figure> inside <p> is
    invalid HTML)."""
    for index, token in enumerate(tokens):
        children = token.children or []
        if token.type != "inline" or len(children) != 1:
            continue
        only = children[0]
        if only.type == "image" and only.attrGet("title") and not only.meta.get("media"):
            only.meta = {**(only.meta or {}), "figure": str(only.attrGet("title"))}
            del only.attrs["title"]
        elif not only.meta.get("media"):
            continue
        if index and tokens[index - 1].type == "paragraph_open":
            tokens[index - 1].hidden = True
        if index + 1 < len(tokens) and tokens[index + 1].type == "paragraph_close":
            tokens[index + 1].hidden = True
