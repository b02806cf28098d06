"""cmi5.xml course structure rules (standards.md 1.H, cmi5 spec section 13-14)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from lxml import etree

from coursepack.validate.engine import Context, split_url
from coursepack.validate.tincan import is_absolute_iri

CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
RESERVED = {"endpoint", "fetch", "actor", "registration", "activityId"}
MOVE_ON = {"Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"}
LAUNCH_METHODS = {"AnyWindow", "OwnWindow"}
MASTERY = re.compile(r"^(0(\.\d{1,4})?|1(\.0{1,4})?)$")
# RFC 3986 characters only: no spaces, controls, quotes or angle brackets.
VALID_URL = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")
# CourseStructure.xsd sequences, checked in code since no schema ships by default.
ORDER = {
    "courseStructure": ["course", "objectives", "au|block"],
    "course": ["title", "description", "*"],
    "block": ["title", "description", "objectives", "au|block"],
    "au": ["title", "description", "objectives", "url", "launchParameters", "entitlementKey"],
}


def _line(element: etree._Element) -> int | None:
    return element.sourceline if isinstance(element.sourceline, int) else None


def check(ctx: Context, name: str, root: etree._Element) -> None:
    c = f"{{{CMI5}}}"
    if root.tag != c + "courseStructure":
        ctx.add("C1", f"the root is {root.tag}, not {{{CMI5}}}courseStructure", name, _line(root))
        return
    course = root.find(c + "course")
    if course is None:
        ctx.add("C1", "no <course> element", name, _line(root))
        return
    objectives = {o.get("id") for o in root.iterfind(f"{c}objectives/{c}objective")}
    seen: set[str] = set()
    for element in [
        course,
        *root.iter(c + "block"),
        *root.iter(c + "au"),
        *root.iterfind(f"{c}objectives/{c}objective"),
    ]:
        ident = element.get("id") or ""
        local = etree.QName(element).localname
        if not is_absolute_iri(ident):
            ctx.add("C2", f"{local} id {ident!r} is not an absolute IRI", name, _line(element))
        elif ident in seen:
            ctx.add("C2", f"{local} id {ident!r} is used twice", name, _line(element))
        seen.add(ident)
        if local in {"course", "block", "au"}:
            for part in ("title", "description"):
                node = element.find(c + part)
                if node is None or node.find(c + "langstring") is None:
                    ctx.add(
                        "C3", f"{local} {ident!r} has no {part} langstring", name, _line(element)
                    )
        for ref in element.iterfind(f"{c}objectives/{c}objective"):
            if local != "courseStructure" and ref.get("idref") not in objectives:
                ctx.add(
                    "C8",
                    f"objective idref {ref.get('idref')!r} is not a course objective",
                    name,
                    _line(ref),
                )
    aus = list(root.iter(c + "au"))
    if not aus:
        ctx.add("C9", "the course has no AU", name, _line(course))
    for block in root.iter(c + "block"):
        if block.find(c + "au") is None and block.find(c + "block") is None:
            ctx.add("C9", f"block {block.get('id')!r} has no AU or block", name, _line(block))
    for au in aus:
        check_au(ctx, name, au)
    for element in [root, course, *root.iter(c + "block"), *aus]:
        check_order(ctx, name, element)
    if ctx.options.schemas is not None:
        from coursepack.validate.xsd import load_schema, validate_tree

        for error in validate_tree(root, load_schema(ctx.options.schemas, "cmi5"))[:20]:
            ctx.add("C1", error.message, name, error.line)


def check_au(ctx: Context, name: str, au: etree._Element) -> None:
    c = f"{{{CMI5}}}"
    url_element = au.find(c + "url")
    url = (url_element.text or "").strip() if url_element is not None else ""
    line = _line(url_element) if url_element is not None else _line(au)
    if not url:
        ctx.add("C4", f"au {au.get('id')!r} has no url", name, line)
    elif not VALID_URL.match(url):
        # cmi5 13.1.4.0-2: the url is a valid URL; a space or a control character is not.
        ctx.add("C4", f"au url {url!r} is not a valid URL (escape spaces as %20)", name, line)
    else:
        parts = split_url(url)
        standalone = getattr(ctx.source, "standalone", False)
        if not parts.scheme and standalone:
            ctx.add(
                "C4",
                f"au url {url!r} is relative, but a course structure imported alone needs "
                "absolute AU urls (cmi5 14.2)",
                name,
                line,
            )
        elif not parts.scheme:
            ctx.resolve(parts.path, "", name, line, code="C4")
        reserved = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} & RESERVED
        if reserved:
            ctx.add(
                "C5",
                f"au url uses reserved launch parameter(s) {', '.join(sorted(reserved))}",
                name,
                line,
            )
    move_on = au.get("moveOn", "NotApplicable")
    if move_on not in MOVE_ON:
        ctx.add("C6", f"moveOn {move_on!r}", name, _line(au))
    mastery = au.get("masteryScore")
    if mastery is not None and not MASTERY.match(mastery):
        ctx.add(
            "C6",
            f"masteryScore {mastery!r} is not a decimal in 0..1 with at most 4 places",
            name,
            _line(au),
        )
    if au.get("launchMethod", "AnyWindow") not in LAUNCH_METHODS:
        ctx.add("C6", f"launchMethod {au.get('launchMethod')!r}", name, _line(au))
    if mastery is not None and move_on in {"Completed", "NotApplicable"}:
        ctx.add(
            "C7",
            f"masteryScore with moveOn {move_on}: the score never affects satisfaction",
            name,
            _line(au),
        )


def check_order(ctx: Context, name: str, element: etree._Element) -> None:
    """Children in the order CourseStructure.xsd requires (C1), e.g. <url> after
    <description> in an AU; elements of other namespaces (extensions) are skipped."""
    order = ORDER[etree.QName(element).localname]
    position = 0
    for child in element:
        if not isinstance(child.tag, str) or etree.QName(child).namespace != CMI5:
            continue
        local = etree.QName(child).localname
        slot = next(
            (i for i, names in enumerate(order) if local in names.split("|") or names == "*"),
            None,
        )
        if slot is None:
            continue
        if slot < position:
            ctx.add(
                "C1",
                f"<{local}> comes after <{order[position].split('|')[0]}> in "
                f"<{etree.QName(element).localname}>; the course structure schema requires "
                f"the order {', '.join(order)}",
                name,
                _line(child),
            )
            return
        position = slot
