"""SCORM 1.2 and SCORM 2004 manifest rules, and the Moodle profile (standards.md 1.D-1.F).

Moodle's manifest parser is not namespace-aware: it matches literal prefixed names
(``ADLCP:SCORMTYPE``) and decides the version from the exact schemaversion string.
So besides what the XSDs require, these rules look at prefixes and strings.
"""

from __future__ import annotations

import re
from copy import deepcopy as copy_tree

from lxml import etree

from coursepack.validate.engine import Context
from coursepack.validate.rules import Level

CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
CP13 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP13 = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PREFIXES = {ADLCP12: "adlcp", ADLCP13: "adlcp", ADLSEQ: "adlseq", ADLNAV: "adlnav", IMSSS: "imsss"}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
TIMESPAN_12 = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
TIME_LIMIT_ACTIONS = {"exit,message", "exit,no message", "continue,message", "continue,no message"}
HIDE_LMS_UI = {"previous", "continue", "exit", "exitAll", "abandon", "abandonAll", "suspendAll"}
MOODLE_2004_VERSION = re.compile(r"^(CAM )?1\.3$|^2004 (3rd|4th) Edition$")


def version_of(root: etree._Element | None) -> str:
    if root is None:
        return "scorm"
    return "scorm2004" if etree.QName(root).namespace == CP13 else "scorm12"


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def check(ctx: Context, name: str, root: etree._Element) -> None:
    version = version_of(root)
    cp = CP13 if version == "scorm2004" else CP12
    check_moodle_names(ctx, name, root)
    if etree.QName(root).localname != "manifest" or etree.QName(root).namespace not in (CP12, CP13):
        code = "S04-1" if version == "scorm2004" else "S12-1"
        ctx.add(code, f"the root element is {root.tag}, not an IMS CP manifest", name, _line(root))
        return
    if not root.get("identifier"):
        ctx.add(
            "S04-1" if version == "scorm2004" else "S12-1",
            "the manifest has no identifier",
            name,
            _line(root),
        )
    check_schemaversion(ctx, name, root, cp, version)
    # xs:ID collapses whitespace, so identifiers are compared stripped here; Moodle
    # compares raw strings, which check_padding reports (standards.md S12-7).
    resources = {
        r.get("identifier", "").strip(): r
        for r in root.iterfind(f"{{{cp}}}resources/{{{cp}}}resource")
    }
    check_padding(ctx, name, root, cp)
    check_identifiers(ctx, name, root, version)
    check_organizations(ctx, name, root, cp, version, resources)
    check_resources(ctx, name, root, cp, version, resources)
    if version == "scorm12":
        check_12_extensions(ctx, name, root)
    else:
        check_2004_extensions(ctx, name, root, cp)
    if ctx.options.schemas is not None:
        check_xsd(ctx, name, root, version)


def check_moodle_names(ctx: Context, name: str, root: etree._Element) -> None:
    """M1/M2: the literal names Moodle's case-folding, prefix-matching parser looks for."""
    if root.prefix is not None:
        ctx.add(
            "M1",
            f"manifest elements use the prefix '{root.prefix}:'; Moodle will import nothing",
            name,
            _line(root),
        )
    seen: set[tuple[str, str]] = set()
    # The namespace read off the Clark-notation tag, once per tag: a QName object per
    # element was the validator's cost on a manifest listing 10,000 files.
    namespaces: dict[str, str] = {}
    for element in root.iter(etree.Element):
        tag = element.tag
        namespace = namespaces.get(tag)
        if namespace is None:
            namespace = namespaces[tag] = _namespace(tag)
        expected = PREFIXES.get(namespace)
        if (
            expected
            and element.prefix != expected
            and (namespace or "", element.prefix or "") not in seen
        ):
            seen.add((namespace or "", element.prefix or ""))
            ctx.add(
                "M2",
                f"<{element.prefix}:{etree.QName(element).localname}> must use the prefix '{expected}:'",
                name,
                _line(element),
            )
        for key in element.attrib:
            attribute = key if isinstance(key, str) else key.decode()
            if not attribute.startswith("{"):
                continue
            attr_ns = _namespace(attribute)
            wanted = PREFIXES.get(attr_ns or "")
            if wanted:
                prefix = next((p for p, uri in element.nsmap.items() if uri == attr_ns), None)
                if prefix != wanted and (attr_ns or "", prefix or "") not in seen:
                    seen.add((attr_ns or "", prefix or ""))
                    ctx.add(
                        "M2",
                        f"attribute {etree.QName(attribute).localname} uses the prefix '{prefix}:', not '{wanted}:'",
                        name,
                        _line(element),
                    )


def check_schemaversion(
    ctx: Context, name: str, root: etree._Element, cp: str, version: str
) -> None:
    metadata = root.find(f"{{{cp}}}metadata")
    schema = _text(metadata.find(f"{{{cp}}}schema")) if metadata is not None else ""
    schemaversion_element = (
        metadata.find(f"{{{cp}}}schemaversion") if metadata is not None else None
    )
    value = _text(schemaversion_element)
    line = _line(schemaversion_element) if schemaversion_element is not None else _line(root)
    if version == "scorm12":
        if schema != "ADL SCORM" or value != "1.2":
            ctx.add(
                "S12-2",
                f"schema {schema!r} / schemaversion {value!r}; expected 'ADL SCORM' / '1.2'",
                name,
                line,
            )
        return
    if value == "2004 4th Edition" and schema == "ADL SCORM":
        return
    if MOODLE_2004_VERSION.match(value):
        ctx.add(
            "S04-2",
            f"schemaversion {value!r} is an older SCORM 2004 edition, which Moodle plays as "
            "SCORM 2004; the rules checked here are those of the 4th edition",
            name,
            line,
            level=Level.INFO,
            fix="nothing to do for Moodle; write '2004 4th Edition' if the package follows it",
        )
    else:
        ctx.add(
            "S04-2",
            f"schemaversion {value!r}: Moodle will treat this package as SCORM 1.2 and never create API_1484_11",
            name,
            line,
        )


def check_padding(ctx: Context, name: str, root: etree._Element, cp: str) -> None:
    """An identifierref padded differently from its resource: schema-valid, but Moodle's
    raw string comparison cannot resolve it, so the item cannot be launched there."""
    raw = {r.get("identifier", "") for r in root.iterfind(f"{{{cp}}}resources/{{{cp}}}resource")}
    for item in root.iter(f"{{{cp}}}item"):
        ref = item.get("identifierref")
        if ref is None or ref in raw:
            continue
        if ref.strip() in {r.strip() for r in raw}:
            ctx.add(
                "M10",
                f"padded identifier: item {item.get('identifier')!r} refers to {ref!r}, which "
                "matches a resource only once spaces are ignored; Moodle cannot launch it",
                name,
                _line(item),
            )


def _namespace(tag: str) -> str:
    return tag[1 : tag.index("}")] if tag.startswith("{") else ""


def check_identifiers(ctx: Context, name: str, root: etree._Element, version: str) -> None:
    code = "S04-5" if version == "scorm2004" else "S12-7"
    seen: dict[str, int | None] = {}
    for element in root.iter(etree.Element):
        local = element.tag.rpartition("}")[2]
        value = (
            element.get("identifier")
            if local in {"manifest", "organization", "item", "resource"}
            else None
        )
        if local == "sequencing" and element.get("ID"):
            value = element.get("ID")
        if value is None:
            continue
        value = value.strip()  # xs:ID collapses surrounding whitespace
        if not NCNAME.match(value):
            ctx.add(
                code, f"identifier {value!r} is not a valid xs:ID (NCName)", name, _line(element)
            )
        if value in seen:
            ctx.add(
                code,
                f"identifier {value!r} is used twice (first on line {seen[value]})",
                name,
                _line(element),
            )
        else:
            seen[value] = _line(element)


def check_organizations(
    ctx: Context,
    name: str,
    root: etree._Element,
    cp: str,
    version: str,
    resources: dict[str, etree._Element],
) -> None:
    v12 = version == "scorm12"
    organizations = root.find(f"{{{cp}}}organizations")
    orgs = organizations.findall(f"{{{cp}}}organization") if organizations is not None else []
    default = organizations.get("default") if organizations is not None else None
    ids = {(o.get("identifier") or "").strip() for o in orgs}
    structure = "S12-5" if v12 else "S04-6"
    if organizations is not None and default is None and orgs:
        ctx.add(
            structure,
            "organizations has no default; the LMS picks the first",
            name,
            _line(organizations),
            level=Level.WARNING,
        )
    elif default is not None and default.strip() not in ids and organizations is not None:
        # Moodle then launches the first SCO: a portability problem, not a broken import.
        ctx.add(
            structure,
            f"organizations default {default!r} names no organization (Moodle falls back to "
            "the first one)",
            name,
            _line(organizations),
            level=Level.WARNING,
        )
    if not any(o.find(f"{{{cp}}}item") is not None for o in orgs):
        if v12:
            level = Level.WARNING if resources else None
            ctx.add(
                "S12-6",
                "no organization with items; Moodle makes one entry per resource",
                name,
                level=level,
            )
        else:
            ctx.add("S04-6", "no organization with items", name)
    if len(orgs) > 1 or not v12:
        ctx.add("M9", "the Moodle app plays only single-organization SCORM 1.2 packages", name)
    title_code = "S12-21" if v12 else "S04-20"
    sco_count = 0
    for org in orgs:
        title = org.find(f"{{{cp}}}title")
        if not _text(title):
            ctx.add(
                title_code, f"organization {org.get('identifier')!r} has no title", name, _line(org)
            )
        for item in org.iter(f"{{{cp}}}item"):
            check_item(ctx, name, item, cp, v12, resources, title_code)
            ref = item.get("identifierref")
            resource = resources.get((ref or "").strip())
            if resource is not None and _scorm_type(resource, v12) == "sco":
                sco_count += 1
        if not v12 and sco_count > 1:
            flow = org.find(f"{{{IMSSS}}}sequencing/{{{IMSSS}}}controlMode")
            if flow is None or flow.get("flow") != "true":
                ctx.add(
                    "S04-12",
                    f'organization {org.get("identifier")!r} has {sco_count} SCOs without controlMode flow="true"',
                    name,
                    _line(org),
                    level=Level.INFO,
                )


def check_item(
    ctx: Context,
    name: str,
    item: etree._Element,
    cp: str,
    v12: bool,
    resources: dict[str, etree._Element],
    title_code: str,
) -> None:
    ident = item.get("identifier")
    if not _text(item.find(f"{{{cp}}}title")):
        ctx.add(title_code, f"item {ident!r} has no title", name, _line(item))
    elif len(_text(item.find(f"{{{cp}}}title"))) > 200:
        ctx.add(
            title_code,
            f"item {ident!r} has a title over 200 characters",
            name,
            _line(item),
            level=Level.WARNING,
        )
    children = item.findall(f"{{{cp}}}item")
    ref = item.get("identifierref")
    structure = "S12-9" if v12 else "S04-6"
    if ref is None and not children:
        ctx.add(
            structure,
            f"leaf item {ident!r} has no identifierref: nothing to launch",
            name,
            _line(item),
        )
    elif ref is not None and children:
        ctx.add(
            structure,
            f"item {ident!r} has children and an identifierref",
            name,
            _line(item),
            level=Level.WARNING if v12 else None,
        )
    if ref is not None and ref.strip() not in resources:
        ctx.add(
            "S12-8" if v12 else "S04-6",
            f"item {ident!r} refers to missing resource {ref!r}",
            name,
            _line(item),
        )


def _scorm_type(resource: etree._Element, v12: bool) -> str | None:
    if v12:
        return resource.get(f"{{{ADLCP12}}}scormtype")
    return resource.get(f"{{{ADLCP13}}}scormType")


def check_resources(
    ctx: Context,
    name: str,
    root: etree._Element,
    cp: str,
    version: str,
    resources: dict[str, etree._Element],
) -> None:
    v12 = version == "scorm12"
    referenced = {(i.get("identifierref") or "").strip() for i in root.iter(f"{{{cp}}}item")}
    listed: set[str] = set()
    manifest_base = root.get(f"{{{XML_NS}}}base")
    container = root.find(f"{{{cp}}}resources")
    if not v12 and (
        manifest_base or (container is not None and container.get(f"{{{XML_NS}}}base"))
    ):
        ctx.add(
            "S04-9", "xml:base on <manifest> or <resources> is ignored by Moodle", name, _line(root)
        )
    for ident, resource in resources.items():
        line = _line(resource)
        scorm_type = _scorm_type(resource, v12)
        type_code = "S12-10" if v12 else "S04-4"
        wrong_case = resource.get(
            f"{{{ADLCP13 if v12 else ADLCP12}}}{'scormType' if v12 else 'scormtype'}"
        )
        other_case = resource.get(
            f"{{{ADLCP12 if v12 else ADLCP13}}}{'scormType' if v12 else 'scormtype'}"
        )
        if scorm_type is None:
            hint = (
                " (it is spelled with the other letter case or namespace)"
                if wrong_case or other_case
                else ""
            )
            if ident in referenced:
                ctx.add(
                    type_code,
                    f"resource {ident!r} has no {'adlcp:scormtype' if v12 else 'adlcp:scormType'}{hint}: Moodle treats it as an asset and marks it completed at launch",
                    name,
                    line,
                )
        elif scorm_type not in {"sco", "asset"}:
            ctx.add(
                type_code,
                f"resource {ident!r} has scorm type {scorm_type!r}; use sco or asset",
                name,
                line,
            )
        if v12 and (wrong_case or other_case):
            ctx.add(
                "S12-22", f"resource {ident!r} uses the SCORM 2004 spelling scormType", name, line
            )
        if resource.get("type") != "webcontent" and v12:
            ctx.add("S12-11", f"resource {ident!r} has type {resource.get('type')!r}", name, line)
        base = resource.get(f"{{{XML_NS}}}base") or ""
        href = resource.get("href")
        if href is None:
            if ident in referenced or scorm_type == "sco":
                ctx.add(
                    "S12-12" if v12 else "S04-7",
                    f"resource {ident!r} is launchable but has no href",
                    name,
                    line,
                )
        elif re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            ctx.add("M8", f"resource {ident!r} launches external URL {href!r}", name, line)
        else:
            ctx.resolve(href.split("?")[0], base, name, line)
        for file in resource.iterfind(f"{{{cp}}}file"):
            file_href = file.get("href") or ""
            # Moodle never reads <file>: a missing listed file only matters to LMSs
            # that copy files by their list.
            found = ctx.resolve(file_href, base, name, _line(file), level=Level.WARNING)
            if found:
                listed.add(found)
        for dependency in resource.iterfind(f"{{{cp}}}dependency"):
            if (dependency.get("identifierref") or "").strip() not in resources:
                ctx.add(
                    "S12-13" if v12 else "S04-8",
                    f"dependency {dependency.get('identifierref')!r} of {ident!r} names no resource",
                    name,
                    _line(dependency),
                )
    unlisted = sorted(
        ctx.names - listed - {name} - {n for n in ctx.names if n.endswith((".xsd", ".dtd"))}
    )
    if unlisted and resources:
        sample = ", ".join(unlisted[:5]) + (" …" if len(unlisted) > 5 else "")
        ctx.add("S12-14", f"{len(unlisted)} file(s) not listed in any <file>: {sample}", name)


def check_12_extensions(ctx: Context, name: str, root: etree._Element) -> None:
    for element in root.iter(f"{{{ADLCP12}}}masteryscore"):
        try:
            ok = 0 <= float(_text(element)) <= 100
        except ValueError:
            ok = False
        if not ok:
            ctx.add(
                "S12-15",
                f"masteryscore {_text(element)!r} is not a number in 0..100",
                name,
                _line(element),
            )
    for element in root.iter(f"{{{ADLCP12}}}maxtimeallowed"):
        if not TIMESPAN_12.match(_text(element)) or len(_text(element)) > 13:
            ctx.add(
                "S12-16",
                f"maxtimeallowed {_text(element)!r} is not HHHH:MM:SS(.SS)",
                name,
                _line(element),
            )
    for element in root.iter(f"{{{ADLCP12}}}timelimitaction"):
        if _text(element) not in TIME_LIMIT_ACTIONS:
            ctx.add("S12-17", f"timelimitaction {_text(element)!r}", name, _line(element))
    for element in root.iter(f"{{{ADLCP12}}}prerequisites"):
        check_prerequisites(ctx, name, element)
    for element in root.iter(f"{{{ADLCP12}}}datafromlms"):
        if len(element.text or "") > 255:
            ctx.add("S12-18", "datafromlms is over 255 characters", name, _line(element))
    for namespace in (IMSSS, ADLNAV, ADLCP13, ADLSEQ):
        found = next(root.iter(f"{{{namespace}}}*"), None)
        if found is not None:
            ctx.add(
                "S12-22",
                f"SCORM 2004 element <{found.prefix}:{etree.QName(found).localname}> in a 1.2 manifest",
                name,
                _line(found),
            )
            break


def check_prerequisites(ctx: Context, name: str, element: etree._Element) -> None:
    """Moodle evaluates aicc_script prerequisites with its own small evaluator: an AND
    ('&') always evaluates false there (the SCO stays locked), and parentheses can
    raise a PHP parse error (standards.md 1.D, issue reports from real packages)."""
    expression = _text(element)
    if not expression:
        return
    if "&" in expression:
        problem = "uses '&' (AND), which Moodle always evaluates as false: the SCO stays locked"
    elif "(" in expression or ")" in expression or "~" in expression:
        problem = "uses parentheses or '~', which Moodle's evaluator can fail on"
    else:
        return
    ctx.add("M11", f"prerequisites {expression!r} {problem}", name, _line(element))


def check_2004_extensions(ctx: Context, name: str, root: etree._Element, cp: str) -> None:
    for element in root.iter(f"{{{ADLCP13}}}location"):
        if _text(element):
            ctx.resolve(_text(element), "", name, _line(element), code="S04-16")
    for element in root.iter(f"{{{ADLCP13}}}completionThreshold"):
        for attribute in ("minProgressMeasure", "progressWeight"):
            value = element.get(attribute)
            if value is not None and not _unit(value, 0, 1):
                ctx.add(
                    "S04-10",
                    f"{attribute} {value!r} is outside 0..1",
                    name,
                    _line(element),
                    level=Level.ERROR,
                )
        # Moodle reads the 4th-edition attribute minProgressMeasure (scormlib.php ->
        # cmi.completion_threshold) and ignores the 3rd-edition element text
        # (standards.md S04-10, corrected turn 2).
        if _text(element):
            ctx.add(
                "S04-10",
                f"completionThreshold as element text ({_text(element)!r}) is the 3rd-edition "
                "form, which Moodle ignores; use the attribute minProgressMeasure",
                name,
                _line(element),
            )
    for sequencing in root.iter(f"{{{IMSSS}}}objectives"):
        primaries = sequencing.findall(f"{{{IMSSS}}}primaryObjective")
        if len(primaries) != 1:
            ctx.add(
                "S04-13",
                f"objectives has {len(primaries)} primaryObjective elements",
                name,
                _line(sequencing),
            )
        for measure in sequencing.iter(f"{{{IMSSS}}}minNormalizedMeasure"):
            if not _unit(_text(measure), -1, 1):
                ctx.add(
                    "S04-13",
                    f"minNormalizedMeasure {_text(measure)!r} is outside -1..1",
                    name,
                    _line(measure),
                )
    for element in root.iter(f"{{{ADLNAV}}}hideLMSUI"):
        if _text(element) not in HIDE_LMS_UI:
            ctx.add("S04-15", f"hideLMSUI {_text(element)!r}", name, _line(element))
    unsupported = [
        (f"{{{ADLCP13}}}data", "shared data (adlcp:data)"),
        (f"{{{ADLSEQ}}}objectives", "extended objective maps (adlseq:objectives)"),
        (f"{{{ADLSEQ}}}rollupConsiderations", "rollup considerations"),
        (f"{{{IMSSS}}}randomizationControls", "selection and randomization"),
    ]
    for tag, label in unsupported:
        used = next(root.iter(tag), None)
        if used is not None:
            ctx.add("S04-19", f"uses {label}, which Moodle does not implement", name, _line(used))


def _unit(text: str, low: float, high: float) -> bool:
    try:
        return low <= float(text) <= high
    except ValueError:
        return False


def check_xsd(ctx: Context, name: str, root: etree._Element, version: str) -> None:
    from coursepack.validate.xsd import load_schema, validate_tree

    assert ctx.options.schemas is not None
    code = "S04-3" if version == "scorm2004" else "S12-3"
    for error in validate_tree(_without_lom(root), load_schema(ctx.options.schemas, version))[:20]:
        ctx.add(code, error.message, name, error.line)


LOM_NAMESPACES = (
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
    "http://ltsc.ieee.org/xsd/LOM",
    "http://www.imsglobal.org/xsd/imsmd_v1p2",
)


def _without_lom(root: etree._Element) -> etree._Element:
    """The manifest without its inline LOM metadata, which is validated laxly: the LOM
    schema is not loaded (libxml2 rejects imsmd_rootv1p2p1.xsd), and the CP schema's
    strict wildcard would otherwise reject every Adapt or Storyline 1.2 export."""
    copy = copy_tree(root)
    for element in list(copy.iter(etree.Element)):
        if etree.QName(element).namespace in LOM_NAMESPACES:
            parent = element.getparent()
            if parent is not None and etree.QName(parent).namespace not in LOM_NAMESPACES:
                parent.remove(element)
    return copy
