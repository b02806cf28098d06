"""Hand-made packages for the validator tests: four small clean ones (SCORM 1.2,
SCORM 2004, tincan, cmi5), and one broken variant per rule.

Written by hand, not by coursepack's builder, so the validator is tested against
packages as other tools make them.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

PAGE = b"<!DOCTYPE html><html lang='en'><title>SCO</title><p>Hello</p></html>"

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.course" version="1"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org1">
    <organization identifier="org1">
      <title>Example course</title>
      <item identifier="item1" identifierref="res1" isvisible="true">
        <title>Lesson one</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.course" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="org1">
    <organization identifier="org1">
      <title>Example course</title>
      <item identifier="item1" identifierref="res1">
        <title>Lesson one</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="primary" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

TINCAN = """<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id="https://example.org/courses/example" type="http://adlnet.gov/expapi/activities/course">
      <name lang="en">Example course</name>
      <description lang="en">An example.</description>
      <launch lang="en">index.html</launch>
    </activity>
    <activity id="https://example.org/courses/example/q1" type="http://adlnet.gov/expapi/activities/cmi.interaction">
      <name lang="en">Question one</name>
    </activity>
  </activities>
</tincan>
"""

CMI5 = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/courses/example">
    <title><langstring lang="en">Example course</langstring></title>
    <description><langstring lang="en">An example.</langstring></description>
  </course>
  <objectives>
    <objective id="https://example.org/objectives/safety">
      <title><langstring lang="en">Safety</langstring></title>
      <description><langstring lang="en">Knows the rules.</langstring></description>
    </objective>
  </objectives>
  <au id="https://example.org/courses/example/au" moveOn="CompletedAndPassed" masteryScore="0.8">
    <title><langstring lang="en">The course</langstring></title>
    <description><langstring lang="en">All lessons.</langstring></description>
    <objectives><objective idref="https://example.org/objectives/safety"/></objectives>
    <url>index.html?lang=en</url>
  </au>
</courseStructure>
"""

BASES = {
    "scorm12": {"imsmanifest.xml": MANIFEST_12},
    "scorm2004": {"imsmanifest.xml": MANIFEST_2004},
    "xapi": {"tincan.xml": TINCAN},
    "cmi5": {"cmi5.xml": CMI5},
}


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes
    method: int = zipfile.ZIP_DEFLATED
    flag_bits: int = 0
    mode: int = 0o100644


@dataclass(frozen=True)
class Case:
    code: str
    base: str
    description: str
    edit: Callable[[list[Member]], list[Member]] = lambda members: members
    also: frozenset[str] = field(default_factory=frozenset)  # further codes the case implies


def members_of(base: str) -> list[Member]:
    files = {**BASES[base], "index.html": PAGE}
    return [
        Member(name, data if isinstance(data, bytes) else data.encode())
        for name, data in files.items()
    ]


def zip_members(members: list[Member]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are the point of Z5
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = member.mode << 16
            info.compress_type = member.method
            archive.writestr(info, member.data)
    data = buffer.getvalue()
    for member in members:
        if member.flag_bits:
            data = _set_flags(data, member.name.encode(), member.flag_bits)
    return data


def _set_flags(data: bytes, name: bytes, bits: int) -> bytes:
    """Set general-purpose flag bits in the local and central headers of one entry
    (zipfile rewrites the flags it writes, so an 'encrypted' entry is made here)."""
    out = bytearray(data)
    for signature, flag_at, name_len_at, name_at in (
        (b"PK\x03\x04", 6, 26, 30),
        (b"PK\x01\x02", 8, 28, 46),
    ):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            length = int.from_bytes(out[start + name_len_at : start + name_len_at + 2], "little")
            if bytes(out[start + name_at : start + name_at + length]) == name:
                flags = int.from_bytes(out[start + flag_at : start + flag_at + 2], "little") | bits
                out[start + flag_at : start + flag_at + 2] = flags.to_bytes(2, "little")
            start += 4
    return bytes(out)


def package(case: Case) -> bytes:
    return zip_members(case.edit(members_of(case.base)))


def replace(name: str, old: str, new: str) -> Callable[[list[Member]], list[Member]]:
    def edit(members: list[Member]) -> list[Member]:
        out = []
        for member in members:
            if member.name == name:
                text = member.data.decode()
                assert old in text, (name, old)
                member = Member(member.name, text.replace(old, new, 1).encode())
            out.append(member)
        return out

    return edit


def add(*extra: Member) -> Callable[[list[Member]], list[Member]]:
    return lambda members: [*members, *extra]


def rename(old: str, new: str) -> Callable[[list[Member]], list[Member]]:
    return lambda members: [
        Member(new if m.name == old else m.name, m.data, m.method) for m in members
    ]


M12 = M04 = "imsmanifest.xml"

CASES = [
    # container
    Case("Z2", "scorm12", "encrypted entry", add(Member("secret.html", b"x", flag_bits=0x1))),
    Case("Z3", "scorm12", "bzip2 entry", add(Member("big.html", b"x" * 100, method=zipfile.ZIP_BZIP2))),
    Case("Z4", "scorm12", "zip-slip entry", add(Member("../evil.html", b"x"))),
    Case("Z5", "scorm12", "duplicate entry", add(Member("index.html", PAGE))),
    Case("Z6", "scorm12", "case collision", add(Member("INDEX.html", PAGE))),
    Case("Z7", "scorm12", "href with wrong case", replace(M12, 'href="index.html">', 'href="Index.html">')),
    Case("Z9", "scorm12", "symlink", add(Member("link.html", b"/etc/passwd", mode=0o120777))),
    Case("Z10", "scorm12", "space in a name", add(Member("my page.html", b"x"))),
    Case("Z11", "scorm12", "macOS junk", add(Member("__MACOSX/._index.html", b"x"))),
    Case("Z12", "scorm12", "compression ratio over 100", add(Member("zeros.bin", bytes(4 * 1024 * 1024)))),
    # type detection
    Case("P2", "scorm12", "manifest in a subfolder", rename("imsmanifest.xml", "course/imsmanifest.xml")),
    Case("P5", "scorm12", "two descriptors", add(Member("tincan.xml", TINCAN.encode()))),
    Case("P6", "scorm12", "no descriptor", lambda ms: [m for m in ms if m.name != "imsmanifest.xml"]),
    # XML
    Case("X1", "scorm12", "malformed XML", replace(M12, "</manifest>", "</manifest")),
    Case("X2", "scorm12", "DOCTYPE", replace(M12, '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE manifest>')),
    Case("X3", "scorm12", "UTF-16 manifest", lambda ms: [Member(m.name, m.data.decode().replace("UTF-8", "UTF-16").encode("utf-16")) if m.name == M12 else m for m in ms]),
    Case("X4", "scorm12", "numeric character reference", replace(M12, "<title>Lesson one</title>", "<title>Le&#231;on one</title>")),
    # SCORM 1.2
    Case("S12-1", "scorm12", "manifest without identifier", replace(M12, 'identifier="com.example.course" ', "")),
    Case("S12-2", "scorm12", "schemaversion 1.3 in a 1.2 manifest", replace(M12, "<schemaversion>1.2</schemaversion>", "<schemaversion>1.3</schemaversion>")),
    Case("S12-5", "scorm12", "dangling default organization", replace(M12, 'default="org1"', 'default="org9"')),
    Case("S12-7", "scorm12", "identifier with a space", replace(M12, 'identifier="item1"', 'identifier="item 1"')),
    Case("S12-8", "scorm12", "dangling identifierref", replace(M12, 'identifierref="res1"', 'identifierref="res9"')),
    Case("S12-9", "scorm12", "leaf item without identifierref", replace(M12, ' identifierref="res1"', "")),
    Case("S12-10", "scorm12", "missing scormtype", replace(M12, ' adlcp:scormtype="sco"', "")),
    Case("S12-11", "scorm12", "resource type is not webcontent", replace(M12, 'type="webcontent"', 'type="web"')),
    Case("S12-13", "scorm12", "dangling dependency", replace(M12, '<file href="index.html"/>', '<file href="index.html"/><dependency identifierref="res9"/>')),
    Case("S12-15", "scorm12", "mastery score over 100", replace(M12, "<title>Lesson one</title>", "<title>Lesson one</title><adlcp:masteryscore>150</adlcp:masteryscore>")),
    Case("S12-17", "scorm12", "bad timelimitaction", replace(M12, "<title>Lesson one</title>", "<title>Lesson one</title><adlcp:timelimitaction>stop</adlcp:timelimitaction>")),
    Case("S12-21", "scorm12", "empty item title", replace(M12, "<title>Lesson one</title>", "<title></title>")),
    Case("S12-22", "scorm12", "camel-case scormType in 1.2", replace(M12, 'adlcp:scormtype="sco"', 'adlcp:scormtype="sco" adlcp:scormType="sco"')),
    # SCORM 2004
    Case("S04-2", "scorm2004", "inexact schemaversion", replace(M04, "2004 4th Edition", "2004 4th edition")),
    Case("S04-4", "scorm2004", "missing scormType", replace(M04, ' adlcp:scormType="sco"', "")),
    Case("S04-5", "scorm2004", "duplicate identifier", replace(M04, 'identifier="item1"', 'identifier="org1"')),
    Case("S04-6", "scorm2004", "dangling identifierref", replace(M04, 'identifierref="res1"', 'identifierref="res9"')),
    Case("S04-9", "scorm2004", "xml:base on the manifest", replace(M04, 'version="1"', 'version="1" xml:base="content/"')),
    Case("S04-10", "scorm2004", "completionThreshold above 1", replace(M04, "<title>Lesson one</title>", '<title>Lesson one</title><adlcp:completionThreshold minProgressMeasure="1.5"/>')),
    Case("S04-13", "scorm2004", "minNormalizedMeasure out of range", replace(M04, "<imsss:minNormalizedMeasure>0.8", "<imsss:minNormalizedMeasure>1.8")),
    Case("S04-15", "scorm2004", "bad hideLMSUI", replace(M04, "<title>Lesson one</title>", "<title>Lesson one</title><adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>menu</adlnav:hideLMSUI></adlnav:navigationInterface></adlnav:presentation>")),
    Case("S04-20", "scorm2004", "organization without title", replace(M04, "<title>Example course</title>", "<title> </title>")),
    # Moodle profile
    Case("M1", "scorm12", "prefixed CP elements", lambda ms: [Member(m.name, _prefix_cp(m.data)) if m.name == M12 else m for m in ms]),
    Case("M2", "scorm2004", "scormType under another prefix", lambda ms: _cp2(ms)),
    Case("M8", "scorm12", "external launch URL", replace(M12, 'href="index.html">', 'href="https://example.org/sco.html">')),
    # tincan
    Case("TC1", "xapi", "wrong root", lambda ms: _tincan_root(ms)),
    Case("TC3", "xapi", "relative activity id", replace("tincan.xml", 'id="https://example.org/courses/example"', 'id="example"')),
    Case("TC4", "xapi", "two launchable activities", replace("tincan.xml", "<name lang=\"en\">Question one</name>", "<name lang=\"en\">Question one</name><launch lang=\"en\">index.html</launch>")),
    Case("TC5", "xapi", "launch file missing", replace("tincan.xml", ">index.html</launch>", ">start.html</launch>")),
    Case("TC6", "xapi", "type is not an IRI", replace("tincan.xml", 'type="http://adlnet.gov/expapi/activities/course"', 'type="course"')),
    Case("TC7", "xapi", "name without lang", replace("tincan.xml", '<name lang="en">Example course</name>', "<name>Example course</name>")),
    Case("TC8", "xapi", "launch query uses endpoint", replace("tincan.xml", ">index.html</launch>", ">index.html?endpoint=x</launch>")),
    # cmi5
    Case("C2", "cmi5", "AU id not absolute", replace("cmi5.xml", 'au id="https://example.org/courses/example/au"', 'au id="au1"')),
    Case("C3", "cmi5", "AU without description", replace("cmi5.xml", '<description><langstring lang="en">All lessons.</langstring></description>', "")),
    Case("C4", "cmi5", "AU url missing from the package", replace("cmi5.xml", "<url>index.html?lang=en</url>", "<url>start.html</url>")),
    Case("C5", "cmi5", "reserved launch parameter", replace("cmi5.xml", "<url>index.html?lang=en</url>", "<url>index.html?endpoint=x</url>")),
    Case("C6", "cmi5", "masteryScore over 1", replace("cmi5.xml", 'masteryScore="0.8"', 'masteryScore="1.5"')),
    Case("C7", "cmi5", "masteryScore with NotApplicable", replace("cmi5.xml", 'moveOn="CompletedAndPassed"', 'moveOn="NotApplicable"')),
    Case("C8", "cmi5", "unknown objective idref", replace("cmi5.xml", 'idref="https://example.org/objectives/safety"', 'idref="https://example.org/objectives/other"')),
]  # fmt: skip


def _prefix_cp(data: bytes) -> bytes:
    text = data.decode().replace(
        'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
        'xmlns:imscp="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
    )
    for tag in (
        "manifest",
        "metadata",
        "schema",
        "schemaversion",
        "organizations",
        "organization",
        "title",
        "item",
        "resources",
        "resource",
        "file",
    ):
        text = text.replace(f"<{tag}", f"<imscp:{tag}").replace(f"</{tag}>", f"</imscp:{tag}>")
    return text.encode()


def _cp2(members: list[Member]) -> list[Member]:
    edit = replace(
        M04,
        ' adlcp:scormType="sco"',
        ' xmlns:cp2="http://www.adlnet.org/xsd/adlcp_v1p3" cp2:scormType="sco"',
    )
    return edit(members)


def _tincan_root(members: list[Member]) -> list[Member]:
    return replace(
        "tincan.xml",
        '<tincan xmlns="http://projecttincan.com/tincan.xsd">',
        '<tincan xmlns="http://example.org/other">',
    )(members)
