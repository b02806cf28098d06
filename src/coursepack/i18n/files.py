"""Translation files: gettext PO (through Babel) and XLIFF 2.0 (on lxml).

Both map a unit's (context, source) to a target and a "needs review" flag: PO's
``fuzzy``, XLIFF's ``state="initial"`` on a unit that has a target. A file names its
course (PO ``Project-Id-Version``, XLIFF ``<file original>``) so that a file
for another course is refused. Reading never half-applies: any problem raises
:class:`TranslationFileError` with a location.
"""

from __future__ import annotations

import difflib
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from lxml import etree

from coursepack.clock import build_time
from coursepack.diagnostics import Diagnostic, Location, error
from coursepack.i18n.units import Unit
from coursepack.packaging import write_atomic
from coursepack.xmlutil import hardened_parser, sub_element, to_bytes

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
SUFFIXES = (".po", ".xlf")


class TranslationFileError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Entry:
    target: str
    needs_review: bool
    line: int


@dataclass
class TranslationFile:
    path: Path
    course_id: str
    language: str
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)


def unit_id(context: str, source: str) -> str:
    return "u" + hashlib.sha256(f"{context}\x04{source}".encode()).hexdigest()[:16]


def _relative(location: Location, base: Path) -> tuple[str, int]:
    try:
        name = location.file.relative_to(base).as_posix()
    except ValueError:
        name = location.file.name
    return name, location.line


# -------------------------------------------------------------------------- PO


def write_po_file(path: Path, units: list[Unit], course_id: str, language: str, source_language: str,
                  translations: TranslationFile | None, base: Path) -> None:  # fmt: skip
    # The course id travels in the standard Project-Id-Version header.
    when = build_time()  # never the wall clock: the same course gives the same file
    catalog = Catalog(
        locale=language.replace("-", "_"),
        project=course_id,
        version="",
        creation_date=when,
        revision_date=when,
        header_comment=f"# {language} translation of the coursepack course '{course_id}' (from {source_language}).\n#",
        fuzzy=False,
    )
    for unit in units:
        entry = translations.entries.get(unit.key) if translations else None
        flags = ["fuzzy"] if entry and entry.needs_review else []
        catalog.add(
            unit.source,
            string=entry.target if entry else "",
            locations=[_relative(unit.location, base)],
            auto_comments=[unit.note],
            flags=flags,
            context=unit.context,
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, include_previous=False)
    write_atomic(path, buffer.getvalue())


def read_po_file(path: Path) -> TranslationFile:
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except PoFileError as exc:
        line = int(getattr(exc, "lineno", 0) or 0) + 1  # Babel counts lines from 0
        raise TranslationFileError(
            [error(Location(path, line, 0), "CP901", f"invalid PO file: {exc}")]
        ) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise TranslationFileError(
            [error(Location(path, 1, 0), "CP901", f"invalid PO file: {exc}")]
        ) from exc
    except LookupError as exc:  # a Content-Type charset Python does not know
        raise TranslationFileError(
            [error(Location(path, 1, 0), "CP901", f"invalid PO file: unknown charset ({exc})")]
        ) from exc
    course_id = (catalog.project or "").strip()
    if course_id in {"", "PROJECT"}:  # Babel's stand-in when the header has none
        raise TranslationFileError(
            [
                error(
                    Location(path, 1, 0),
                    "CP904",
                    "the header has no Project-Id-Version naming the course; "
                    "start from 'coursepack i18n extract'",
                )
            ]
        )
    language = str(catalog.locale).replace("_", "-") if catalog.locale else ""
    result = TranslationFile(path=path, course_id=course_id, language=language)
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        target = message.string if isinstance(message.string, str) else ""
        if target:
            result.entries[(message.context or "", message.id)] = Entry(
                target, message.fuzzy, message.lineno or 0
            )
    return result


# ----------------------------------------------------------------------- XLIFF


def write_xliff_file(path: Path, units: list[Unit], course_id: str, language: str, source_language: str,
                     translations: TranslationFile | None, base: Path) -> None:  # fmt: skip
    x = f"{{{XLIFF}}}"
    root = etree.Element(
        x + "xliff",
        {"version": "2.0", "srcLang": source_language, "trgLang": language},
        nsmap={None: XLIFF},  # type: ignore[dict-item]
    )
    file = sub_element(root, x + "file", id="f1", original=course_id)
    for unit in units:
        element = sub_element(file, x + "unit", id=unit_id(*unit.key), name=unit.context)
        notes = sub_element(element, x + "notes")
        where, line = _relative(unit.location, base)
        sub_element(notes, x + "note", f"{where}:{line}", category="location")
        sub_element(notes, x + "note", unit.note)
        entry = translations.entries.get(unit.key) if translations else None
        state = "translated" if entry and not entry.needs_review else "initial"
        segment = sub_element(element, x + "segment", state=state)
        sub_element(segment, x + "source", unit.source)
        if entry:
            sub_element(segment, x + "target", entry.target)
    write_atomic(path, to_bytes(root))


def read_xliff_file(path: Path) -> TranslationFile:
    try:
        root = etree.fromstring(path.read_bytes(), parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else 0
        raise TranslationFileError(
            [error(Location(path, line, 0), "CP901", f"invalid XLIFF: {exc.msg}")]
        ) from exc
    x = f"{{{XLIFF}}}"
    if root.tag != x + "xliff" or root.get("version") != "2.0":
        line = root.sourceline if isinstance(root.sourceline, int) else 1
        raise TranslationFileError(
            [error(Location(path, line, 0), "CP901", "not an XLIFF 2.0 file")]
        )
    file = root.find(x + "file")
    result = TranslationFile(
        path=path,
        course_id=file.get("original", "") if file is not None else "",
        language=root.get("trgLang", ""),
    )
    for unit in root.iter(x + "unit"):
        segment = unit.find(x + "segment")
        source = segment.find(x + "source") if segment is not None else None
        target = segment.find(x + "target") if segment is not None else None
        if source is None or target is None or not (target.text or "").strip():
            continue
        assert segment is not None
        review = segment.get("state", "initial") == "initial"
        line = target.sourceline if isinstance(target.sourceline, int) else 0
        result.entries[(unit.get("name", ""), source.text or "")] = Entry(
            target.text or "", review, line
        )
    return result


# ---------------------------------------------------------------- both formats


def read_file(path: Path) -> TranslationFile:
    return read_po_file(path) if path.suffix == ".po" else read_xliff_file(path)


def write_file(path: Path, units: list[Unit], course_id: str, language: str, source_language: str,
               translations: TranslationFile | None, base: Path) -> None:  # fmt: skip
    writer = write_po_file if path.suffix == ".po" else write_xliff_file
    writer(path, units, course_id, language, source_language, translations, base)


def merge(units: list[Unit], old: TranslationFile) -> TranslationFile:
    """Keep unchanged translations; carry a changed unit's old translation over,
    marked for review, when its context is the same and its source close enough;
    drop translations of units that are gone."""
    merged = TranslationFile(path=old.path, course_id=old.course_id, language=old.language)
    wanted = {unit.key for unit in units}
    leftovers: dict[str, list[tuple[str, Entry]]] = {}
    for (context, source), entry in old.entries.items():
        if (context, source) not in wanted:
            leftovers.setdefault(context, []).append((source, entry))
    for unit in units:
        if unit.key in old.entries:
            merged.entries[unit.key] = old.entries[unit.key]
            continue
        best, score = None, 0.0
        for source, entry in leftovers.get(unit.context, []):
            ratio = difflib.SequenceMatcher(None, source, unit.source).ratio()
            if ratio > score:
                best, score = entry, ratio
        if best is not None and score >= 0.6:
            merged.entries[unit.key] = Entry(best.target, True, 0)
    return merged
