"""tincan.xml rules (standards.md 1.G). No freely licensed tincan.xsd exists, so the
structure is checked in code (TC9)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from lxml import etree

from coursepack.validate.engine import Context, split_url
from coursepack.validate.rules import Level

TINCAN = "http://projecttincan.com/tincan.xsd"
LAUNCH_PARAMETERS = {
    "endpoint", "auth", "actor", "registration", "activity_id", "activity_platform",
    "Accept-Language", "grouping", "content_token", "content_endpoint",
}  # fmt: skip


def _line(element: etree._Element) -> int | None:
    return element.sourceline if isinstance(element.sourceline, int) else None


def is_absolute_iri(value: str) -> bool:
    parts = split_url(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in {"urn", "tag", "mailto"})


def check(ctx: Context, name: str, root: etree._Element, base: str) -> None:
    t = f"{{{TINCAN}}}"
    if root.tag != t + "tincan":
        ctx.add("TC1", f"the root is {root.tag}, not {{{TINCAN}}}tincan", name, _line(root))
        return
    activities = root.findall(f"{t}activities/{t}activity")
    if not activities:
        ctx.add("TC1", "no activities/activity", name, _line(root))
        return
    seen: set[str] = set()
    launchable = []
    for activity in activities:
        ident = activity.get("id") or ""
        if not is_absolute_iri(ident):
            ctx.add("TC3", f"activity id {ident!r} is not an absolute IRI", name, _line(activity))
        elif ident in seen:
            ctx.add("TC3", f"activity id {ident!r} is used twice", name, _line(activity))
        seen.add(ident)
        kind = activity.get("type")
        if kind is not None and not is_absolute_iri(kind):
            ctx.add("TC6", f"activity type {kind!r} is not an IRI", name, _line(activity))
        for tag in ("name", "description", "launch"):
            for element in activity.findall(t + tag):
                if element.get("lang") is None:
                    ctx.add("TC7", f"<{tag}> has no lang attribute", name, _line(element))
        launches = activity.findall(t + "launch")
        if launches or activity.find(t + "resource") is not None:
            launchable.append(activity)
        for launch in launches:
            check_launch(ctx, name, launch, base)
    if len(launchable) > 1:
        ids = ", ".join(repr(a.get("id")) for a in launchable)
        ctx.add(
            "TC4",
            f"{len(launchable)} activities have <launch> or <resource> ({ids}); only one may",
            name,
            _line(launchable[1]),
        )
    elif not any(a.find(t + "launch") is not None for a in activities):
        ctx.add("TC4", "no activity has <launch>: the LMS has nothing to start", name, _line(root))


def check_launch(ctx: Context, name: str, launch: etree._Element, base: str) -> None:
    url = (launch.text or "").strip()
    parts = split_url(url)
    if not url:
        ctx.add("TC5", "<launch> is empty", name, _line(launch))
        return
    if parts.scheme:
        ctx.add(
            "TC5",
            f"launch {url!r} is outside the package",
            name,
            _line(launch),
            level=Level.WARNING,
        )
    elif ctx.resolve(parts.path, base, name, _line(launch), code="TC5") is None:
        pass
    used = {key for key, _ in parse_qsl(parts.query, keep_blank_values=True)} & LAUNCH_PARAMETERS
    if used:
        ctx.add("TC8", f"launch query uses {', '.join(sorted(used))}", name, _line(launch))
