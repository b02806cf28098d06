"""Audio and video: ``![Caption](../media/clip.mp4)`` becomes a player.

The media type is decided by the file extension. A video gets its caption tracks
from sibling WebVTT files: ``clip.vtt``, or one per language, ``clip.fr.vtt``,
``clip.en.vtt``; the page language's track is the default. Files are packaged and
served as same-origin files, so tracks also work from ``file://``. No autoplay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from markdown_it.token import Token
from markupsafe import escape

VIDEO = {".mp4": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg", ".m4v": "video/mp4"}
AUDIO = {".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".m4a": "audio/mp4",
         ".wav": "audio/wav", ".opus": "audio/ogg"}  # fmt: skip
UNSUPPORTED = {".avi", ".mov", ".wmv", ".flv", ".mkv", ".mpg", ".mpeg", ".3gp"}


# A caption file up to this size is written into the page as a data: URL: Chromium
# refuses to load a <track> file from file:// (a unique origin), so an offline copy
# of the package would lose its captions. Larger files are linked (HTTP only).
INLINE_TRACK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Track:
    src: str  # package path
    language: str | None
    data: bytes = b""

    @property
    def url(self) -> str:
        if not self.data or len(self.data) > INLINE_TRACK_BYTES:
            return self.src
        import base64

        return "data:text/vtt;base64," + base64.b64encode(self.data).decode("ascii")


def kind_of(path: str) -> str | None:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in VIDEO:
        return "video"
    if suffix in AUDIO:
        return "audio"
    if suffix in UNSUPPORTED:
        return "unsupported"
    return None


def caption_tracks(folder_names: Sequence[str], stem: str) -> list[tuple[str, str | None]]:
    """(file name, language) of the WebVTT files beside a media file."""
    found: list[tuple[str, str | None]] = []
    for name in sorted(folder_names):
        if not name.lower().endswith(".vtt"):
            continue
        base = name[:-4]
        if base == stem:
            found.append((name, None))
        elif base.startswith(stem + ".") and base[len(stem) + 1 :].replace("-", "").isalnum():
            found.append((name, base[len(stem) + 1 :]))
    return found


def transcript_file(folder_names: Sequence[str], stem: str, language: str | None) -> str | None:
    """``clip.<language>.txt``, else ``clip.txt``: the media's transcript, if any."""
    names = set(folder_names)
    candidates = [f"{stem}.{language.split('-')[0]}.txt"] if language else []
    return next((n for n in [*candidates, f"{stem}.txt"] if n in names), None)


def render(token: Token, page_language: str, transcript_label: str = "Transcript") -> str:
    meta = token.meta["media"]
    tag = meta["kind"]
    caption = token.content
    src = escape(str(token.attrGet("src") or ""))
    tracks = ""
    for track in meta["tracks"]:
        language = track.language or page_language
        default = " default" if language.split("-")[0] == page_language.split("-")[0] else ""
        tracks += (
            f'<track kind="captions" src="{escape(track.url)}" srclang="{escape(language)}" '
            f'label="{escape(language_name(language, page_language))}"{default}>'
        )
    label = f' aria-label="{escape(caption)}"' if caption else ""
    poster = f' poster="{escape(meta["poster"])}"' if meta.get("poster") else ""
    player = f'<{tag} controls preload="metadata" src="{src}"{poster}{label}>{tracks}</{tag}>'
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    transcript = ""
    if meta.get("transcript"):
        paragraphs = "".join(
            f"<p>{escape(' '.join(part.split()))}</p>"
            for part in str(meta["transcript"]).split("\n\n")
            if part.strip()
        )
        transcript = (
            f'<details class="cp-details cp-transcript"><summary>{escape(transcript_label)}'
            f'</summary><div class="cp-details-body">{paragraphs}</div></details>'
        )
    return f'<figure class="cp-media cp-media-{tag}">{player}{figcaption}{transcript}</figure>'


def language_name(code: str, page_language: str) -> str:
    """'fr' -> 'Français' on a French page (CLDR names from Babel); the code if unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code, sep="-").get_display_name(Locale.parse(page_language, sep="-"))
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code
