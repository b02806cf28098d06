"""Manifest identifiers derived from the course's stable id.

They depend on nothing but the course id, so a new version of the package keeps
them and Moodle re-links learners' tracking data on re-upload (standards.md M7).
"""

from __future__ import annotations

from dataclasses import dataclass


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
