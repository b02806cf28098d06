"""IMS Content Packaging pieces shared by the SCORM 1.2 and 2004 manifests: the
stable identifiers, the manifest with its schema metadata, one organization with
one item, and the single SCO resource that lists every file.

Identifiers depend on nothing but the course id, so a new version of the package
keeps them and Moodle re-links learners' tracking data on re-upload (standards.md
M7). IMS CP elements stay unprefixed: Moodle matches literal names (M1).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from coursepack.model import CourseConfig
from coursepack.render import LAUNCH_PAGE
from coursepack.xmlutil import sub_element


@dataclass(frozen=True)
class ScormIdentifiers:
    manifest: str
    organization: str
    item: str
    resource: str


def scorm_identifiers(course_id: str) -> ScormIdentifiers:
    return ScormIdentifiers(
        manifest=f"{course_id}.manifest",
        organization=f"{course_id}.org",
        item=f"{course_id}.sco",
        resource=f"{course_id}.res",
    )


@dataclass(frozen=True)
class Manifest:
    """A manifest under construction: the root and its one item."""

    root: etree._Element
    item: etree._Element
    cp: str  # the IMS CP namespace in Clark notation, "{…}"


def single_sco_manifest(
    config: CourseConfig,
    namespace: str,
    nsmap: dict[str | None, str],
    schemaversion: str,
    item_attributes: dict[str, str],
) -> Manifest:
    ids = scorm_identifiers(config.id)
    cp = f"{{{namespace}}}"
    root = etree.Element(
        cp + "manifest",
        {"identifier": ids.manifest, "version": config.version},
        nsmap=nsmap,  # type: ignore[arg-type]  # lxml-stubs omit the None (default) prefix
    )
    metadata = sub_element(root, cp + "metadata")
    sub_element(metadata, cp + "schema", "ADL SCORM")
    sub_element(metadata, cp + "schemaversion", schemaversion)
    organizations = sub_element(root, cp + "organizations", default=ids.organization)
    organization = sub_element(organizations, cp + "organization", identifier=ids.organization)
    sub_element(organization, cp + "title", config.title)
    item = sub_element(
        organization,
        cp + "item",
        attrib={"identifier": ids.item, "identifierref": ids.resource, **item_attributes},
    )
    sub_element(item, cp + "title", config.title)
    return Manifest(root=root, item=item, cp=cp)


def add_sco_resource(
    manifest: Manifest, config: CourseConfig, scorm_type: str, files: list[str]
) -> None:
    """The SCO resource, after the item's extension elements (the XSDs fix the order)."""
    cp = manifest.cp
    resources = sub_element(manifest.root, cp + "resources")
    resource = sub_element(
        resources,
        cp + "resource",
        attrib={
            "identifier": scorm_identifiers(config.id).resource,
            "type": "webcontent",
            scorm_type: "sco",
            "href": LAUNCH_PAGE,
        },
    )
    for name in files:
        sub_element(resource, cp + "file", href=name)
