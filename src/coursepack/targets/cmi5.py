"""cmi5 packages: ``cmi5.xml`` (the course structure, one AU) and the shared content
with the cmi5 adapter (cmi5 spec sections 13-14, standards.md 1.H, 2.4)."""

from __future__ import annotations

from lxml import etree

from coursepack.activities import course_iri
from coursepack.diagnostics import Diagnostic
from coursepack.explain import EXIT, LAUNCH, STATUS, SUBMIT, Row
from coursepack.model import Course
from coursepack.packaging import Content
from coursepack.render import LAUNCH_PAGE, RenderedCourse
from coursepack.targets.lrs_common import build_package, check_base_iri, statement_rows
from coursepack.xmlutil import sub_element, to_bytes

NAME = "cmi5"
VALIDATED = True
LABEL = "cmi5"
STATE_LIMIT = None
DESCRIPTOR = "cmi5.xml"
CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


def check(course: Course) -> list[Diagnostic]:
    return check_base_iri(course, LABEL)


def move_on(course: Course) -> str:
    """The LMS's satisfaction rule, from the course's tracking settings."""
    completion = course.config.tracking.completion
    if course.assessment is None:
        return "Completed"
    if completion == "assessment_passed":
        return "Passed"
    return "CompletedAndPassed"


def mastery_score(course: Course) -> str | None:
    if course.assessment is None:
        return None
    return f"{course.config.tracking.pass_mark / 100:.4f}".rstrip("0").rstrip(".")


def _text(parent: etree._Element, tag: str, value: str, language: str) -> None:
    c = f"{{{CMI5}}}"
    node = sub_element(parent, c + tag)
    sub_element(node, c + "langstring", value, lang=language)


def descriptor(course: Course) -> bytes:
    config = course.config
    language = config.language
    c = f"{{{CMI5}}}"
    root = etree.Element(c + "courseStructure", nsmap={None: CMI5})  # type: ignore[dict-item]
    course_element = sub_element(root, c + "course", id=course_iri(config))
    _text(course_element, "title", config.title, language)
    _text(course_element, "description", config.description, language)
    attributes = {
        "id": f"{course_iri(config)}/au",
        "moveOn": move_on(course),
        "launchMethod": "AnyWindow",
    }
    mastery = mastery_score(course)
    if mastery is not None:
        attributes["masteryScore"] = mastery
    au = sub_element(root, c + "au", attrib=attributes)
    _text(au, "title", config.title, language)
    _text(au, "description", config.description, language)
    sub_element(au, c + "url", LAUNCH_PAGE)
    return to_bytes(root)


def build(rendered: RenderedCourse) -> dict[str, Content]:
    return build_package(rendered, NAME, "adapter-cmi5.js", DESCRIPTOR, descriptor(rendered.course))


def explain(course: Course) -> list[Row]:
    rows = [
        Row(LAUNCH, "fetch", "POST once per launch; the token is kept for reloads"),
        Row(
            LAUNCH,
            "State API GET",
            "LMS.LaunchData (contextTemplate, launchMode, masteryScore, returnURL)",
        ),
        Row(LAUNCH, "initialized", "first statement of the session (cmi5 category)"),
        *statement_rows(course),
    ]
    if course.assessment is not None:
        rows.append(
            Row(
                SUBMIT,
                "passed / failed",
                "final assessment vs masteryScore: once per session, one passed per registration, no failed after it",
            )
        )
    rows += [
        Row(
            STATUS,
            "State API PUT",
            "stateId coursepack.state, within 2 s of a change (Normal mode only)",
        ),
        Row(
            EXIT, "terminated", "on Save and exit: last statement, result.duration; then returnURL"
        ),
    ]
    return rows
