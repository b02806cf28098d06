"""The validator's rule catalogue: stable codes, default severities and fix hints.

Codes follow standards.md section 1. A rule marked ``moodle`` is a warning by default
and an error under ``--profile moodle``, because Moodle fails on it even when the
package is otherwise valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Rule:
    code: str
    level: Level
    title: str
    fix: str
    moodle: bool = False  # raised to error by --profile moodle


E, W, I = Level.ERROR, Level.WARNING, Level.INFO  # noqa: E741 - the catalogue reads as a table

_RULES = [
    # ---------------------------------------------------------------- ZIP container
    Rule("Z1", E, "unreadable or corrupt ZIP", "re-create the archive; check the upload or download was complete"),
    Rule("Z2", E, "encrypted entry", "zip without a password: LMSs cannot extract encrypted entries"),
    Rule("Z3", E, "unsupported compression method", "use deflate (8) or stored (0) only"),
    Rule("Z4", E, "unsafe entry name", "use relative names with '/' separators, no '..', no drive letters"),
    Rule("Z5", E, "duplicate entry", "remove the duplicate; which copy is extracted is undefined"),
    Rule("Z6", W, "names collide ignoring case, or a name is both file and folder", "rename one of them"),
    Rule("Z7", E, "reference to a missing file", "add the file, or fix the reference (letter case counts)"),
    Rule("Z8", W, "entry name encoding", "zip with UTF-8 names (flag bit 11), e.g. 'zip -UN=UTF8' or Python's zipfile"),
    Rule("Z9", E, "symlink or special file", "replace links with real files"),
    Rule("Z10", W, "file name needs escaping", "use only letters, digits, '.', '_', '-' and '/' in names"),
    Rule("Z11", W, "junk entry", "remove OS and editor leftovers (__MACOSX/, .DS_Store, Thumbs.db, .git/)"),
    Rule("Z12", W, "possible zip bomb", "check the archive; ratios over 100 or gigabytes of content are suspicious"),
    Rule("Z13", E, "no single package descriptor", "put exactly one imsmanifest.xml, cmi5.xml or tincan.xml at the root"),
    # ------------------------------------------------------------ package type
    Rule("P2", E, "imsmanifest.xml is not at the root", "zip the folder's contents, not the folder"),
    Rule("P5", W, "several descriptors", "keep one descriptor; Moodle always imports the package as SCORM"),
    Rule("P6", E, "no descriptor", "a package needs imsmanifest.xml, cmi5.xml or tincan.xml at its root"),
    # ------------------------------------------------------------------- XML
    Rule("X1", E, "XML is not well-formed", "fix the XML syntax (Moodle stops the import with 'XML error')"),
    Rule("X2", W, "DOCTYPE or entity declarations", "remove the DOCTYPE; entities are never expanded"),
    Rule("X3", E, "XML encoding is not UTF-8", "save the file as UTF-8 (Moodle's parser refuses UTF-16)", moodle=True),
    Rule("X4", W, "character or entity reference", "write the literal UTF-8 character instead", moodle=True),
    Rule("X6", E, "descriptor too large", "a manifest of this size is not a real manifest"),
    Rule("V1", E, "the validator failed", "a coursepack bug: please report it with the package"),
    # ------------------------------------------------------------- SCORM 1.2
    Rule("S12-1", E, "root is not an IMS CP 1.1.2 manifest with an identifier", "use <manifest identifier=…> in the imscp_rootv1p1p2 namespace"),
    Rule("S12-2", E, "schema/schemaversion", "write <schema>ADL SCORM</schema><schemaversion>1.2</schemaversion>"),
    Rule("S12-3", E, "not valid against the SCORM 1.2 XSDs", "fix the element named in the message"),
    Rule("S12-5", E, "organizations/@default", "name an existing organization in organizations/@default"),
    Rule("S12-6", E, "no organization with items", "add an organization with at least one item"),
    Rule("S12-7", E, "identifier not unique or not an NCName", "use unique identifiers: a letter first, no spaces or colons"),
    Rule("S12-8", E, "item refers to a missing resource", "point identifierref at a resource identifier"),
    Rule("S12-9", E, "leaf item without identifierref", "give every leaf item an identifierref"),
    Rule("S12-10", E, "adlcp:scormtype missing or wrong", "set adlcp:scormtype=\"sco\" (lower-case t in 1.2); without it Moodle treats the SCO as an asset and completes it at launch"),
    Rule("S12-11", E, "resource without type=\"webcontent\"", "add type=\"webcontent\""),
    Rule("S12-12", E, "launchable resource without an href", "give the resource the launch page's href"),
    Rule("S12-13", E, "dependency refers to a missing resource", "point dependency identifierref at a resource"),
    Rule("S12-14", I, "file in the zip not listed in the manifest", "list every file in <file> elements"),
    Rule("S12-15", E, "adlcp:masteryscore", "use a number 0..100; note that Moodle and scorm-again then set passed/failed from score.raw"),
    Rule("S12-16", E, "adlcp:maxtimeallowed", "use HHHH:MM:SS(.SS)"),
    Rule("S12-17", E, "adlcp:timelimitaction", "use exit,message | exit,no message | continue,message | continue,no message"),
    Rule("S12-18", E, "adlcp:datafromlms over 255 characters", "shorten it"),
    Rule("S12-21", E, "missing title", "give every organization and item a non-empty <title>"),
    Rule("S12-22", W, "SCORM 2004 constructs in a 1.2 manifest", "remove imsss/adlnav elements and camel-case scormType"),
    # ------------------------------------------------------------ SCORM 2004
    Rule("S04-1", E, "root is not an IMS CP 1.1 manifest with an identifier", "use <manifest identifier=…> in the imscp_v1p1 namespace"),
    Rule("S04-2", E, "schemaversion", "write <schemaversion>2004 4th Edition</schemaversion> exactly: Moodle treats any other string as SCORM 1.2"),
    Rule("S04-3", E, "not valid against the SCORM 2004 4th edition XSDs", "fix the element named in the message"),
    Rule("S04-4", E, "adlcp:scormType missing or wrong", "set adlcp:scormType=\"sco\" (camel case in 2004)"),
    Rule("S04-5", E, "identifier not unique or not an NCName", "use unique identifiers: a letter first, no spaces or colons"),
    Rule("S04-6", E, "organization/item structure", "resolve organizations/@default and identifierref; no identifierref on items with children"),
    Rule("S04-7", E, "launchable resource without an href", "give the SCO resource its launch page's href"),
    Rule("S04-8", E, "dependency refers to a missing resource", "point dependency identifierref at a resource"),
    Rule("S04-9", W, "xml:base above <resource>", "put the path in the resource href or in resource-level xml:base", moodle=True),
    Rule("S04-10", W, "adlcp:completionThreshold", "keep values in 0..1; Moodle ignores the attribute form, so set cmi.completion_status yourself", moodle=True),
    Rule("S04-12", W, "several SCOs without flow navigation", "add <imsss:controlMode flow=\"true\"/> so LMSs offer Continue/Previous"),
    Rule("S04-13", E, "objectives", "exactly one primaryObjective; minNormalizedMeasure in -1..1"),
    Rule("S04-15", E, "adlnav:hideLMSUI value", "use previous, continue, exit, exitAll, abandon, abandonAll or suspendAll"),
    Rule("S04-19", W, "sequencing features Moodle does not implement", "do not rely on them for Moodle"),
    Rule("S04-20", E, "missing title", "give every organization and item a non-empty <title>"),
    # ---------------------------------------------------------------- Moodle
    Rule("M1", W, "IMS CP elements have a prefix", "use the default namespace for manifest elements: Moodle matches literal names", moodle=True),
    Rule("M2", W, "extension prefix is not adlcp/imsss/adlseq/adlnav", "bind the ADL/IMS namespaces to exactly these prefixes", moodle=True),
    Rule("M7", I, "identifiers must stay stable between versions", "keep item and resource identifiers when you update the package"),
    Rule("M8", W, "external launch URL", "package the content: a cross-origin page cannot find the SCORM API", moodle=True),
    Rule("M9", I, "not playable in the Moodle app", "the Moodle app plays only single-organization SCORM 1.2 packages"),
    Rule("S04-16", W, "adlcp:location names a missing metadata file", "add the metadata file or remove adlcp:location"),
    Rule("M10", W, "padded identifier", "remove the spaces around the identifier: xs:ID ignores them, Moodle compares raw strings", moodle=True),
    Rule("M11", W, "prerequisites Moodle cannot evaluate", "Moodle evaluates only simple aicc_script prerequisites: use a single identifier or '|' lists without parentheses, or drop them", moodle=True),
    Rule("Z13", W, "SVG image that runs script", "remove <script>, event handlers and javascript: links: opened on its own, the SVG runs on the LMS's origin"),
    # ------------------------------------------------------------------ tincan
    Rule("TC1", E, "tincan.xml root", "the root is <tincan xmlns=\"http://projecttincan.com/tincan.xsd\"><activities><activity …>"),
    Rule("TC3", E, "activity id is not an absolute IRI, or repeats", "use unique absolute IRIs (https://…)"),
    Rule("TC4", E, "launchable activities", "exactly one activity has <launch>"),
    Rule("TC5", E, "launch file missing", "point <launch> at a file in the package"),
    Rule("TC6", W, "activity type is not an IRI", "use e.g. http://adlnet.gov/expapi/activities/course"),
    Rule("TC7", W, "name/description/launch without lang", "add lang=\"…\" to each (one element per language)"),
    Rule("TC8", W, "launch URL uses a launch parameter name", "rename the query parameter; the LMS adds endpoint, auth, actor, …"),
    # -------------------------------------------------------------------- cmi5
    Rule("C1", E, "cmi5.xml is not a valid course structure", "fix the element named in the message"),
    Rule("C2", E, "course/block/AU/objective id is not a unique absolute IRI", "use unique absolute IRIs"),
    Rule("C3", E, "title or description missing", "give the course, each block and each AU a title and description langstring"),
    Rule("C4", E, "AU url missing or not in the package", "point <url> at a file in the package"),
    Rule("C5", E, "AU url uses a reserved launch parameter", "rename it: endpoint, fetch, actor, registration and activityId are added by the LMS"),
    Rule("C6", E, "moveOn, masteryScore or launchMethod value", "use the values the cmi5 schema allows"),
    Rule("C7", W, "masteryScore has no effect", "use moveOn Passed, CompletedAndPassed or CompletedOrPassed with a masteryScore"),
    Rule("C8", E, "objective reference without a course objective", "declare the objective under course/objectives"),
    Rule("C9", E, "course or block without AUs", "add at least one AU"),
]  # fmt: skip

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


# Where each family of rules comes from (standards.md section 1), for `coursepack rules`.
REFERENCES = {
    "Z": "standards.md 1.A (ZIP container; APPNOTE, Moodle's scorm_validate_package)",
    "P": "standards.md 1.B (package type detection)",
    "X": "standards.md 1.C (XML; Moodle's scorm_parse_scorm)",
    "S12": "standards.md 1.D (SCORM 1.2 CAM and XSDs; Moodle's scormlib.php)",
    "S04": "standards.md 1.E (SCORM 2004 4th edition CAM and XSDs; Moodle's scormlib.php)",
    "M": "standards.md 1.F (Moodle's non-namespace-aware parser and player)",
    "TC": "standards.md 1.G (tincan.xml, Rustici launch guidelines)",
    "C": "standards.md 1.H (cmi5 specification sections 13-14)",
    "V": "the validator itself",
}


def reference(code: str) -> str:
    for prefix in sorted(REFERENCES, key=len, reverse=True):
        if code.startswith(prefix):
            return REFERENCES[prefix]
    return ""
