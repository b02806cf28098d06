"""Validating one package: container rules, type detection, then the descriptor rules.

Each check reports a :class:`Finding` with a code from :mod:`rules`; the severity
comes from the catalogue and the chosen profile. The engine never raises on bad
input: every problem, however hostile the archive, becomes a finding.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from lxml import etree

from coursepack.validate.rules import RULES, Level
from coursepack.validate.source import (
    READ_LIMIT,
    Entry,
    Source,
    SourceError,
    TooLarge,
    ZipSource,
    open_source,
)
from coursepack.xmlutil import hardened_parser

DESCRIPTORS = ("imsmanifest.xml", "cmi5.xml", "tincan.xml")
JUNK = re.compile(
    r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|\.git/|[^/]*~$|[^/]*\.swp$)", re.I
)
# RFC 3986 pchar plus '/': legal in an href as written (Captivate's 'name@2x.png').
# Space, '#', '?', '%', '\\', control and non-ASCII characters must be escaped (Z10).
SAFE_NAME = re.compile(r"^[A-Za-z0-9._\-/@:~!$&'()*+,;=]+$")
# A name no name rule (Z4, Z8, Z10, Z11) can object to: ASCII URL characters, no '\\',
# no ':' (drive letters), no '..', not starting with '/', at most NAME_LIMIT long.
PLAIN_NAME = re.compile(
    r"(?!.*\.\.)[A-Za-z0-9._\-@~!$&'()*+,;=][A-Za-z0-9._\-/@~!$&'()*+,;=]{0,1023}"
)
JUNK_OR_ZIP = re.compile(JUNK.pattern + r"|\.zip$", re.I)
BOMB_RATIO = 100
BOMB_TOTAL = 2 * 1024**3
FINDINGS_PER_RULE = 100


_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")


# A reference needs URL parsing only with one of these; a path needs normalising only
# with an empty, '.' or '..' segment (or a trailing '/').
_URL_MARKS = re.compile(r"[:?#%]")
_NOT_NORMAL = re.compile(r"(?:^|/)\.{1,2}(?:/|$)|//|/$|^$")


def printable(text: str) -> str:
    """Text from a package (entry names, values) made safe for a terminal, JSON and
    XML reports: valid UTF-8, no ANSI escapes, control characters shown as \\xNN."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = _ANSI.sub("", text)
    return "".join(
        c
        if ord(c) >= 32 and not 0x7F <= ord(c) < 0xA0 and c not in "\ufffe\uffff"
        else f"\\x{ord(c):02x}"
        for c in text
    )


def split_url(value: str) -> SplitResult:
    """urlsplit that never raises: a malformed URL (e.g. an unclosed IPv6 '[')
    reads as a relative path, which the reference checks then report."""
    try:
        return urlsplit(value)
    except ValueError:
        return SplitResult("", "", value, "", "")


@dataclass(frozen=True)
class Finding:
    code: str
    level: Level
    message: str
    member: str | None = None
    line: int | None = None
    own_fix: str | None = None  # when the rule's usual fix would be wrong for this case

    @property
    def fix(self) -> str:
        return self.own_fix or RULES[self.code].fix


@dataclass
class Options:
    profile: str = "default"  # or "moodle"
    schemas: Path | None = None
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    check_crc: bool = False


@dataclass
class PackageReport:
    path: str
    kind: str  # scorm12, scorm2004, cmi5, xapi or unknown
    findings: list[Finding] = field(default_factory=list)

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level is level)


@dataclass
class Context:
    source: Source
    options: Options
    report: PackageReport
    names: set[str] = field(default_factory=set)
    folded: dict[str, str] = field(default_factory=dict)
    per_rule: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        code: str,
        message: str,
        member: str | None = None,
        line: int | None = None,
        level: Level | None = None,
        fix: str | None = None,
    ) -> None:
        rule = RULES[code]
        if self.options.select and not any(code.startswith(s) for s in self.options.select):
            return
        if any(
            code == i or code.startswith(i + "-") or (i.isalpha() and code.startswith(i))
            for i in self.options.ignore
        ):
            return
        chosen = level or rule.level
        if rule.moodle and self.options.profile == "moodle" and chosen is not Level.INFO:
            chosen = Level.ERROR
        # Bounded output on any input: a tiny zip once made 4.6 million findings.
        seen = self.per_rule.get(code, 0) + 1
        self.per_rule[code] = seen
        if seen > FINDINGS_PER_RULE:
            return
        shown = printable(member) if member is not None else None
        self.report.findings.append(Finding(code, chosen, printable(message), shown, line, fix))

    def close(self) -> None:
        """One closing finding per rule that reported more than the cap."""
        for code, seen in sorted(self.per_rule.items()):
            if seen > FINDINGS_PER_RULE:
                kept = next(f for f in self.report.findings if f.code == code)
                self.report.findings.append(
                    Finding(code, kept.level, f"and {seen - FINDINGS_PER_RULE:,} more like these")
                )

    def resolve(
        self,
        href: str,
        base: str,
        member: str,
        line: int | None,
        code: str = "Z7",
        level: Level | None = None,
    ) -> str | None:
        """Check a reference inside the package (Z7); return the entry name if it exists."""
        # Most references are plain relative paths: no URL parsing for those (10,000
        # file entries in a manifest).
        if href.startswith("//") or _URL_MARKS.search(href):
            parts = split_url(href)
            if parts.scheme or parts.netloc:
                return None
            path = unquote(parts.path)
        else:
            path = href
        joined = posixpath.join(base, path) if base else path
        target = posixpath.normpath(joined) if _NOT_NORMAL.search(joined) else joined
        if target.startswith("../") or target == "..":
            self.add(code, f"'{href}' points outside the package", member, line)
            return None
        if target in self.names:
            return target
        other = self.folded.get(target.lower())
        if other is not None:
            self.add(
                code,
                f"'{href}' not found; '{other}' exists with different letter case",
                member,
                line,
                level=level,
            )
        else:
            self.add(code, f"'{href}' not found in the package", member, line, level=level)
        return None

    def read_xml(self, name: str) -> etree._Element | None:
        try:
            data = self.source.read(name, READ_LIMIT)
        except TooLarge:
            self.add("X6", f"'{name}' is larger than {READ_LIMIT // (1024 * 1024)} MiB", name)
            return None
        except SourceError as exc:
            self.add(exc.code, str(exc), name)
            return None
        check_xml_bytes(self, name, data)
        try:
            root = etree.fromstring(data, parser=hardened_parser())
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if isinstance(exc.lineno, int) else None
            self.add("X1", f"not well-formed: {exc.msg}", name, line)
            return None
        docinfo = root.getroottree().docinfo
        if getattr(docinfo, "doctype", "") or getattr(docinfo, "internalDTD", None) is not None:
            self.add("X2", "has a DOCTYPE; entities and DTDs are never processed", name)
        return root


ENCODING = re.compile(rb"^<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
CHAR_REF = re.compile(rb"&#[0-9]+;|&#x[0-9A-Fa-f]+;")
ENTITY_REF = re.compile(rb"&([A-Za-z_][A-Za-z0-9._-]*);")
PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def check_xml_bytes(ctx: Context, name: str, data: bytes) -> None:
    """X3 and X4: what Moodle's pre-processing and expat parser do to a descriptor."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        ctx.add("X3", "is UTF-16; Moodle's parser accepts UTF-8 only", name)
        return
    declared = ENCODING.match(data.lstrip(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower() not in {b"utf-8", b"utf8", b"us-ascii", b"ascii"}:
        ctx.add("X3", f"declares encoding {declared.group(1).decode()!r}; use UTF-8", name)
    # Moodle's '&' rewrite applies to imsmanifest.xml only: elsewhere '&#34;' is
    # ordinary, valid XML (standards.md X4, corrected turn 2).
    references = CHAR_REF.finditer(data) if posixpath.basename(name) == "imsmanifest.xml" else ()
    for match in references:
        line = data.count(b"\n", 0, match.start()) + 1
        ctx.add(
            "X4",
            f"character reference {match.group().decode()} is shown literally by Moodle",
            name,
            line,
        )
        break
    for match in ENTITY_REF.finditer(data):
        if match.group(1) not in PREDEFINED:
            line = data.count(b"\n", 0, match.start()) + 1
            ctx.add("X4", f"entity &{match.group(1).decode()}; is undefined in XML", name, line)
            break


# ------------------------------------------------------------------ container


def check_container(ctx: Context) -> None:
    entries = ctx.source.entries
    counts = Counter(e.name for e in entries)
    for name, count in sorted(counts.items()):
        if count > 1:
            ctx.add("Z5", f"'{name}' appears {count} times", name)
    total = 0
    folded: dict[str, str] = {}
    files = {e.name for e in entries if not e.is_dir}
    # "Is this file also a folder?" by looking up 'name/' among the sorted names: no
    # set of every ancestor (one 65,000-character nested name once took 1 GB).
    ordered = sorted({e.name for e in entries})
    reported_names = 0
    for entry in entries:
        name = entry.name
        total += entry.size
        # Most names pass every name rule; one regex says so (10,000 entries).
        plain = PLAIN_NAME.fullmatch(name) is not None and not JUNK_OR_ZIP.search(name)
        if not plain and (problem := unsafe_name(name)):
            ctx.add("Z4", f"'{name}': {problem}", name)
            continue
        if entry.encrypted:
            ctx.add("Z2", f"'{name}' is encrypted", name)
        if entry.method not in (0, 8):
            level = Level.WARNING if entry.method in (12, 14) else None
            ctx.add("Z3", f"'{name}' uses compression method {entry.method}", name, level=level)
        kind = entry.mode & 0o170000
        if kind and kind not in (0o100000, 0o040000):
            ctx.add("Z9", f"'{name}' is a symbolic link or special file", name)
        if not plain:
            reported_names += _name_findings(ctx, entry, reported_names)
        if (
            entry.compressed
            and entry.size / entry.compressed > BOMB_RATIO
            and entry.size > 1024 * 1024
        ):
            ctx.add("Z12", f"'{name}' expands {entry.size // entry.compressed}-fold", name)
        if not entry.is_dir:
            lower = name.lower()
            if lower in folded and folded[lower] != name:
                ctx.add("Z6", f"'{name}' and '{folded[lower]}' differ only in letter case", name)
            folded.setdefault(lower, name)
            if _is_folder(ordered, name):
                ctx.add("Z6", f"'{name}' is both a file and a folder", name)
    check_svg_scripts(ctx, entries)
    if total > BOMB_TOTAL:
        ctx.add("Z12", f"the package expands to {total / 1024**3:.1f} GiB")
    if ctx.options.check_crc:
        for name, problem in ctx.source.check_crc():
            ctx.add("Z1", f"'{name}' {problem}", name)
    ctx.names = files
    ctx.folded = folded


SVG_SCRIPT = re.compile(
    rb"<\s*(?:[\w-]+:)?(?:script|foreignObject)\b|\son\w+\s*=|javascript:", re.IGNORECASE
)
SVG_READ_LIMIT = 4 * 1024 * 1024


def check_svg_scripts(ctx: Context, entries: list[Entry]) -> None:
    """Z13: an SVG opened on its own (a click on the image) is a page on the LMS's
    origin, outside the course's content security policy."""
    for entry in entries:
        if entry.is_dir or not entry.name.lower().endswith(".svg") or unsafe_name(entry.name):
            continue
        if entry.size > SVG_READ_LIMIT:
            continue
        try:
            data = ctx.source.read(entry.name, SVG_READ_LIMIT)
        except (SourceError, TooLarge):
            continue
        if SVG_SCRIPT.search(data):
            ctx.add("Z13", f"'{entry.name}' contains script", entry.name)


def _name_findings(ctx: Context, entry: Entry, reported: int) -> int:
    """Z8, Z11 and Z10 for one name; how many Z10 it reported (at most 20 in all)."""
    name = entry.name
    if not entry.utf8_flag and not name.isascii():
        ctx.add("Z8", f"'{name}' has a non-ASCII name without the UTF-8 flag", name)
    if JUNK.search(name):
        ctx.add("Z11", f"'{name}' is junk", name)
    elif name.lower().endswith(".zip"):
        ctx.add(
            "Z11", f"'{name}' is a zip inside the package (was the package zipped twice?)", name
        )
    if not entry.is_dir and not SAFE_NAME.match(name) and reported < 20:
        ctx.add("Z10", f"'{name}' has characters that must be escaped in URLs", name)
        return 1
    return 0


def _is_folder(ordered: list[str], name: str) -> bool:
    prefix = name + "/"
    index = bisect.bisect_left(ordered, prefix)
    return index < len(ordered) and ordered[index].startswith(prefix)


NAME_LIMIT = 1024  # characters; no LMS or file system takes longer paths
_DRIVE = re.compile(r"[A-Za-z]:")


def unsafe_name(name: str) -> str | None:
    if not name:
        return "is empty"
    if len(name) > NAME_LIMIT:
        return f"is {len(name):,} characters long (at most {NAME_LIMIT:,})"
    if "\x00" in name:
        return "contains a NUL byte"
    if "\\" in name:
        return "uses '\\' (ZIP names use '/')"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    if ".." in name and ".." in name.split("/"):  # 10,000 PurePosixPath objects cost more
        return "climbs out of the package with '..'"
    return None


# ------------------------------------------------------------------ detection


def detect(ctx: Context) -> str | None:
    """The package descriptor at the root (P1-P6), or ``None``."""
    at_root = [d for d in DESCRIPTORS if d in ctx.names]
    nested = sorted(n for n in ctx.names if "/" in n and posixpath.basename(n) in DESCRIPTORS)
    if len(at_root) > 1:
        ctx.add("P5", f"several descriptors at the root: {', '.join(at_root)}")
    if at_root:
        return at_root[0]
    for name in nested:
        if name.endswith("/imsmanifest.xml"):
            ctx.add(
                "P2",
                f"'{name}' is not at the root: Moodle refuses the package (badimsmanifestlocation)",
                name,
            )
            return None
    tincan = [n for n in nested if n.endswith("/tincan.xml")]
    if len(tincan) == 1 and _only_wrapping_folders(ctx.names, tincan[0]):
        return tincan[0]
    if tincan:
        ctx.add("Z13", f"tincan.xml in a subfolder beside other files: {', '.join(tincan)}")
        return None
    ctx.add("P6", "no imsmanifest.xml, cmi5.xml or tincan.xml at the root")
    return None


def _only_wrapping_folders(names: set[str], descriptor: str) -> bool:
    """tincan.xml may sit in a folder when every folder above holds only that folder."""
    prefix = posixpath.dirname(descriptor) + "/"
    return all(name.startswith(prefix) for name in names)


def validate_source(source: Source, options: Options) -> PackageReport:

    report = PackageReport(path=printable(source.label), kind="unknown")
    ctx = Context(source=source, options=options, report=report)
    check_container(ctx)
    descriptor = detect(ctx)
    if descriptor is not None:
        try:
            check_descriptor(ctx, descriptor)
        except Exception as exc:  # a validator bug must not end a CI run in a traceback
            ctx.add(
                "V1",
                f"the validator failed on '{descriptor}': {type(exc).__name__}: {exc}",
                descriptor,
            )
    ctx.close()
    return report


def check_descriptor(ctx: Context, descriptor: str) -> None:
    from coursepack.validate import cmi5, scorm, tincan

    report = ctx.report
    base = posixpath.dirname(descriptor)
    root = ctx.read_xml(descriptor)
    if posixpath.basename(descriptor) == "imsmanifest.xml":
        report.kind = scorm.version_of(root)
        if root is not None:
            scorm.check(ctx, descriptor, root)
    elif descriptor == "cmi5.xml":
        report.kind = "cmi5"
        if root is not None:
            cmi5.check(ctx, descriptor, root)
    else:
        report.kind = "xapi"
        if root is not None:
            tincan.check(ctx, descriptor, root, base)


def validate_path(path: Path, options: Options) -> PackageReport:
    try:
        source = open_source(path)
    except SourceError as exc:
        report = PackageReport(path=path.name, kind="unknown")
        report.findings.append(Finding(exc.code, Level.ERROR, str(exc)))
        return report
    try:
        return validate_source(source, options)
    finally:
        source.close()


def validate_bytes(label: str, data: bytes, options: Options) -> PackageReport:
    try:
        source = ZipSource(label, data)
    except SourceError as exc:
        return PackageReport(
            path=label, kind="unknown", findings=[Finding(exc.code, Level.ERROR, str(exc))]
        )
    try:
        return validate_source(source, options)
    finally:
        source.close()
