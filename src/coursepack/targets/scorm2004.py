"""SCORM 2004 4th edition packages: ``imsmanifest.xml`` and the shared content.

Moodle-safe (standards.md 1.E, 1.F): schemaversion exactly ``2004 4th Edition``
(Moodle treats any other string as SCORM 1.2), ``adlcp:scormType`` (camel case) on
the SCO, prefixes exactly ``adlcp``/``imsss``. One SCO, no sequencing rules that
Moodle would ignore; the primary objective carries the pass mark as
``minNormalizedMeasure``, which conformant LMSs compare with ``cmi.score.scaled``
and Moodle passes to the SCO as ``cmi.scaled_passing_score``.
"""

from __future__ import annotations

from lxml import etree

from coursepack.datamodel import BUDGET, worst_case_commit_bytes
from coursepack.diagnostics import Diagnostic, Location, error, warning
from coursepack.explain import EXIT, LAUNCH, PROGRESS, STATUS, SUBMIT, Row
from coursepack.model import Course
from coursepack.packaging import Content
from coursepack.render import RenderedCourse, TargetPage
from coursepack.state import worst_case_size
from coursepack.targets.content import content_files
from coursepack.targets.imscp import add_sco_resource, single_sco_manifest
from coursepack.xmlutil import sub_element, to_bytes

NAME = "scorm2004"
VALIDATED = True
LABEL = "SCORM 2004 4th edition"
MANIFEST = "imsmanifest.xml"
STATE_LIMIT = 64000  # cmi.suspend_data, 4th edition (standards.md 1.I)

IMSCP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
# IMS CP elements unprefixed (default namespace): Moodle matches literal names (M1).
NSMAP: dict[str | None, str] = {None: IMSCP, "adlcp": ADLCP, "imsss": IMSSS}
PAGE = TargetPage(name=NAME, scripts=("adapter-scorm2004.js",))


def _sequencing(item: etree._Element, rendered: RenderedCourse) -> None:
    ss = f"{{{IMSSS}}}"
    sequencing = sub_element(item, ss + "sequencing")
    if rendered.course.assessment is not None:
        objectives = sub_element(sequencing, ss + "objectives")
        primary = sub_element(
            objectives, ss + "primaryObjective", objectiveID="assessment", satisfiedByMeasure="true"
        )
        measure = rendered.course.config.tracking.pass_mark / 100
        sub_element(primary, ss + "minNormalizedMeasure", f"{measure:.2f}")
    # The SCO reports completion and success itself (standards.md S04-12 defaults).
    sub_element(
        sequencing,
        ss + "deliveryControls",
        completionSetByContent="true",
        objectiveSetByContent="true",
    )


def manifest(rendered: RenderedCourse, files: list[str]) -> bytes:
    config = rendered.course.config
    built = single_sco_manifest(config, IMSCP, NSMAP, "2004 4th Edition", {})
    _sequencing(built.item, rendered)
    # adlcp:scormType, camel case in SCORM 2004 (standards.md S04-4).
    add_sco_resource(built, config, f"{{{ADLCP}}}scormType", files)
    return to_bytes(built.root)


def check(course: Course) -> list[Diagnostic]:
    """Moodle posts the whole data model on every commit and, at unload, by beacon:
    a learner path that could outgrow the budget would lose data (standards.md 3.6)."""
    size = worst_case_commit_bytes(course)
    if size <= BUDGET:
        return []
    where = course.config.source or Location(course.root / "course.yml")
    # state_limit: warning is the author's choice to accept the risk (an LMS other than
    # Moodle, or a course too large for one SCO), as for CP601.
    make = error if course.config.tracking.state_limit == "error" else warning
    return [
        make(
            where,
            "CP602",
            f"the SCORM 2004 data model can reach {size:,} bytes as Moodle posts it, more than "
            f"the {BUDGET:,}-byte budget that fits one unload beacon: fewer questions, shorter "
            "identifiers or fill_in max_length, or build SCORM 1.2",
        )
    ]


def explain(course: Course) -> list[Row]:
    tracking = course.config.tracking
    limit = f"resume state, at most {worst_case_size(course):,} characters (limit {STATE_LIMIT:,})"
    rows = [
        Row(LAUNCH, "Initialize", '""'),
        Row(LAUNCH, "cmi.mode", "read: review/browse never change status or score"),
        Row(
            LAUNCH,
            "cmi.entry",
            "read; unless 'ab-initio', a valid cmi.suspend_data (and cmi.location) resumes",
        ),
        Row(PROGRESS, "cmi.location", "id of the page on screen"),
        Row(PROGRESS, "cmi.suspend_data", limit),
        Row(
            PROGRESS,
            "cmi.exit",
            "suspend until completed (or the final is used up without a pass), then normal",
        ),
        Row(
            PROGRESS,
            "cmi.progress_measure",
            "share of lessons viewed, kept below 1 until the completion rule is met",
        ),
        Row(
            STATUS,
            "cmi.completion_status",
            f"completed when '{tracking.completion}' is met or the final is used up, "
            "else incomplete; never back to incomplete after an earlier completed",
        ),
        Row(
            STATUS,
            "cmi.success_status",
            "passed/failed from the final assessment, else unknown"
            if course.assessment is not None
            else "unknown (no assessment)",
        ),
        Row(STATUS, "Commit", '"" at each page turn and status change; drafts within 2 s'),
    ]
    if course.assessment is not None:
        rows += [
            Row(STATUS, "cmi.score.scaled", "best score / 100"),
            Row(
                STATUS,
                "cmi.score.raw",
                "best final-assessment score, percent (Moodle grades from it)",
            ),
            Row(STATUS, "cmi.score.min", "0"),
            Row(STATUS, "cmi.score.max", "100"),
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
            Row(SUBMIT, "cmi.interactions.n.timestamp", "YYYY-MM-DDThh:mm:ss.ssZ"),
            Row(
                SUBMIT,
                "cmi.interactions.n.description",
                "the question, plain text, at most 100 characters",
            ),
            Row(
                SUBMIT,
                "cmi.interactions.n.correct_responses.0.pattern",
                "e.g. a[,]c, 1[.]a, 3.13[:]3.15 (not for likert)",
            ),
            Row(SUBMIT, "cmi.interactions.n.weighting", "question weight"),
            Row(SUBMIT, "cmi.interactions.n.learner_response", "the answer, when one was given"),
            Row(SUBMIT, "cmi.interactions.n.result", "correct, incorrect or neutral"),
        ]
    rows += [
        Row(EXIT, "cmi.session_time", "PT#H#M#S (no weeks, at most 2 decimals)"),
        Row(EXIT, "Terminate", '"": the only call at unload (Moodle sends one beacon)'),
    ]
    return rows


def build(rendered: RenderedCourse) -> dict[str, Content]:
    files = content_files(rendered, PAGE)
    files[MANIFEST] = manifest(rendered, sorted(files))
    return files
