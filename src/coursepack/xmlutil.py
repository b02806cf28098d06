"""The one hardened XML parser and the serializer every writer uses.

Parsing: no entity resolution, no DTD loading, no network (standards.md X2), and
huge-tree protection left on. Writing: UTF-8 with a declaration and literal
characters, never numeric character references, because Moodle's manifest
pre-processor rewrites ``&`` and shows ``&#233;`` literally (standards.md X4).
"""

from __future__ import annotations

from lxml import etree


def hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_bytes(data: bytes) -> etree._ElementTree:
    """Parse untrusted XML; raises ``etree.XMLSyntaxError`` on malformed input."""
    root = etree.fromstring(data, parser=hardened_parser())
    return etree.ElementTree(root)


def to_bytes(root: etree._Element) -> bytes:
    # encoding="UTF-8" writes non-ASCII characters literally (no &#...; references).
    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return body


def sub_element(
    parent: etree._Element,
    tag: str,
    text: str | None = None,
    attrib: dict[str, str] | None = None,
    **attributes: str,
) -> etree._Element:
    """Append a child element with optional text.

    ``attrib`` takes attribute names that are not Python identifiers (Clark names
    such as ``{namespace}scormType``); plain names can be keyword arguments.
    """
    element = etree.SubElement(parent, tag, {**(attrib or {}), **attributes})
    if text is not None:
        element.text = text
    return element
