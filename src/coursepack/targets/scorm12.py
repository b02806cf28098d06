"""SCORM 1.2 packages: ``imsmanifest.xml`` and the shared content.

The manifest is Moodle-safe (standards.md 1.D, 1.F): IMS CP elements unprefixed,
the ``adlcp`` prefix exactly, schemaversion exactly ``1.2``, ``adlcp:scormtype``
(lower-case t) on the SCO, every file listed. One SCO with in-course navigation,
which Moodle, its mobile app and Open edX's SCORM block all handle.
"""

from __future__ import annotations

from coursepack.diagnostics import Diagnostic
from coursepack.explain import EXIT, LAUNCH, PROGRESS, STATUS, SUBMIT, Row
from coursepack.model import Course
from coursepack.packaging import Content
from coursepack.render import RenderedCourse, TargetPage
from coursepack.state import worst_case_size
from coursepack.targets.content import content_files
from coursepack.targets.imscp import add_sco_resource, single_sco_manifest
from coursepack.xmlutil import sub_element, to_bytes

NAME = "scorm12"
VALIDATED = True
LABEL = "SCORM 1.2"
MANIFEST = "imsmanifest.xml"
# cmi.suspend_data is a CMIString4096 (standards.md 1.I). Moodle allows more only
# while its admin setting scormstandard is off; other LMSs enforce 4096.
STATE_LIMIT = 4096

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
# IMS CP elements unprefixed (default namespace): Moodle matches literal names (M1).
NSMAP: dict[str | None, str] = {None: IMSCP, "adlcp": ADLCP}
PAGE = TargetPage(name=NAME, scripts=("adapter-scorm12.js",))


def mastery_score(rendered: RenderedCourse) -> int | None:
    """``adlcp:masteryscore``, only where the course reports passed/failed.

    With a mastery score, Moodle (masteryoverride) and scorm-again (mastery_override)
    rewrite lesson_status to passed/failed from score.raw on LMSFinish (standards.md
    S12-15). The runtime judges with the same pass mark, so the LMS agrees with it;
    a course reporting completed/incomplete must not carry one.
    """
    tracking = rendered.course.config.tracking
    if rendered.course.assessment is None or tracking.scorm12_status != "passed_failed":
        return None
    return tracking.pass_mark


def manifest(rendered: RenderedCourse, files: list[str]) -> bytes:
    config = rendered.course.config
    built = single_sco_manifest(config, IMSCP, NSMAP, "1.2", {"isvisible": "true"})
    mastery = mastery_score(rendered)
    if mastery is not None:
        sub_element(built.item, f"{{{ADLCP}}}masteryscore", str(mastery))
    # adlcp:scormtype, lower-case t in SCORM 1.2 (standards.md S12-10).
    add_sco_resource(built, config, f"{{{ADLCP}}}scormtype", files)
    return to_bytes(built.root)


def _status_rule(course: Course) -> str:
    tracking = course.config.tracking
    success, otherwise = tracking.scorm12_status.split("_")
    if course.assessment is not None and success == "passed":
        done = (
            f"passed once the final assessment is passed and '{tracking.completion}' is met "
            "(Moodle completes the activity on 'passed')"
        )
    else:
        done = f"completed when the completion rule '{tracking.completion}' is met"
    rest = (
        "failed after a failed assessment, else incomplete"
        if otherwise == "failed"
        else "incomplete"
    )
    return f"{done}; {rest}; failed once every attempt of the final is used up without a pass"


def check(course: Course) -> list[Diagnostic]:
    return []


def explain(course: Course) -> list[Row]:
    limit = f"resume state, at most {worst_case_size(course):,} characters (limit {STATE_LIMIT:,})"
    rows = [
        Row(LAUNCH, "LMSInitialize", '""'),
        Row(LAUNCH, "cmi.core.lesson_mode", "read: review/browse never change status or score"),
        Row(LAUNCH, "cmi.core.lesson_status", "read; 'not attempted' becomes incomplete"),
        Row(LAUNCH, "cmi.suspend_data", "read, with cmi.core.lesson_location, to resume"),
        Row(PROGRESS, "cmi.core.lesson_location", "id of the page on screen"),
        Row(PROGRESS, "cmi.suspend_data", limit),
        Row(
            PROGRESS,
            "cmi.core.exit",
            'suspend until done (or the final is used up without a pass), then ""',
        ),
        Row(STATUS, "cmi.core.lesson_status", _status_rule(course)),
        Row(STATUS, "LMSCommit", '"" at each page turn and status change; drafts within 2 s'),
    ]
    if course.assessment is not None:
        rows += [
            Row(STATUS, "cmi.core.score.min", "0"),
            Row(STATUS, "cmi.core.score.max", "100"),
            Row(
                STATUS,
                "cmi.core.score.raw",
                "best final-assessment score, percent; a pass is sent only with the "
                "completion rule met (Moodle's masteryscore override would report it)",
            ),
        ]
    if any(True for _ in course.quizzes()):
        rows += [
            Row(
                SUBMIT,
                "cmi.interactions.n.id",
                "question id; n is the question's fixed place in the course (a new "
                "attempt overwrites it)",
            ),
            Row(
                SUBMIT,
                "cmi.interactions.n.type",
                "choice, true-false, fill-in, numeric, matching, sequencing, likert",
            ),
            Row(SUBMIT, "cmi.interactions.n.time", "HH:MM:SS"),
            Row(
                SUBMIT,
                "cmi.interactions.n.correct_responses.0.pattern",
                "e.g. a,c or 1.a,2.b (not for likert)",
            ),
            Row(SUBMIT, "cmi.interactions.n.weighting", "question weight"),
            Row(SUBMIT, "cmi.interactions.n.student_response", "the answer, when one was given"),
            Row(SUBMIT, "cmi.interactions.n.result", "correct, wrong or neutral"),
        ]
    rows += [
        Row(EXIT, "cmi.core.session_time", "HH:MM:SS (two or more hour digits)"),
        Row(EXIT, "LMSFinish", '"": the only call at unload (it stores everything)'),
    ]
    return rows


def build(rendered: RenderedCourse) -> dict[str, Content]:
    files = content_files(rendered, PAGE)
    files[MANIFEST] = manifest(rendered, sorted(files))
    return files
