"""Validation of descriptors against the official XSDs, from a folder the user names.

coursepack does not ship the schemas (standards.md section 4); ``--schemas DIR`` points
at a folder holding ``scorm12/``, ``scorm2004-4th/`` and ``cmi5/`` sets. A manifest
uses several namespaces, so each is validated through a small wrapper schema that
imports every namespace's XSD. libxml2 quirks handled here: SCORM 1.2's
``ims_xml.xsd`` binds the xml namespace in a way libxml2 rejects, so it is answered
with the W3C ``xml.xsd``; ``imsmd_rootv1p2p1.xsd`` is left out (libxml2 finds it
non-deterministic), so inline 1.2 LOM metadata is validated laxly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from coursepack.errors import UsageError
from coursepack.xmlutil import hardened_parser

SCORM12_SET = {
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "scorm12/imscp_rootv1p1p2.xsd",
    "http://www.adlnet.org/xsd/adlcp_rootv1p2": "scorm12/adlcp_rootv1p2.xsd",
}
SCORM2004_SET = {
    "http://www.imsglobal.org/xsd/imscp_v1p1": "scorm2004-4th/imscp_v1p1.xsd",
    "http://www.adlnet.org/xsd/adlcp_v1p3": "scorm2004-4th/adlcp_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlseq_v1p3": "scorm2004-4th/adlseq_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlnav_v1p3": "scorm2004-4th/adlnav_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imsss": "scorm2004-4th/imsss_v1p0.xsd",
}
CMI5_SET = {
    "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd": "cmi5/CourseStructure.xsd",
}
SCHEMA_SETS = {"scorm12": SCORM12_SET, "scorm2004": SCORM2004_SET, "cmi5": CMI5_SET}
XML_XSD = "scorm2004-4th/xml.xsd"


class _LocalOnly(etree.Resolver):
    """Resolves schema imports inside the schema folder; never the network."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str, public_id: str, context: object) -> object:  # type: ignore[override]
        name = system_url.rsplit("/", 1)[-1]
        if name == "ims_xml.xsd" or system_url == "http://www.w3.org/2001/xml.xsd":
            return self.resolve_filename(str(self.folder / XML_XSD), context)  # type: ignore[attr-defined]
        for candidate in sorted(self.folder.rglob(name)):
            return self.resolve_filename(str(candidate), context)  # type: ignore[attr-defined]
        return None


@dataclass(frozen=True)
class SchemaError:
    line: int
    message: str


def load_schema(folder: Path, kind: str) -> etree.XMLSchema:
    members = SCHEMA_SETS[kind]
    for relative in members.values():
        if not (folder / relative).is_file():
            raise UsageError(f"schema folder '{folder}' has no {relative}")
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(folder / rel).resolve().as_uri()}"/>'
        for ns, rel in members.items()
    )
    wrapper = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'targetNamespace="urn:coursepack:wrapper">{imports}</xs:schema>'
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_LocalOnly(folder))
    document = etree.fromstring(wrapper.encode(), parser=parser, base_url=str(folder) + "/")
    return etree.XMLSchema(document)


def validate(data: bytes, schema: etree.XMLSchema) -> list[SchemaError]:
    return validate_tree(etree.fromstring(data, parser=hardened_parser()), schema)


def validate_tree(root: etree._Element, schema: etree.XMLSchema) -> list[SchemaError]:
    if schema.validate(etree.ElementTree(root)):
        return []
    log: list[etree._LogEntry] = list(schema.error_log)  # type: ignore[call-overload]
    return [SchemaError(entry.line, entry.message) for entry in log]
