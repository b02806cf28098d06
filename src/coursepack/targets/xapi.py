"""xAPI packages: ``tincan.xml`` (Rustici's "tincan launch" packaging) and the shared
content with the xAPI adapter (standards.md 1.G, 2.3)."""

from __future__ import annotations

from lxml import etree

from coursepack.activities import (
    ASSESSMENT_TYPE,
    COURSE_TYPE,
    INTERACTION_TYPE,
    LESSON_TYPE,
    MODULE_TYPE,
    SIMULATION_TYPE,
    activity_iri,
    course_iri,
)
from coursepack.diagnostics import Diagnostic
from coursepack.explain import EXIT, LAUNCH, STATUS, SUBMIT, Row
from coursepack.model import Course, interaction_id
from coursepack.packaging import Content
from coursepack.render import LAUNCH_PAGE, RenderedCourse
from coursepack.targets.lrs_common import build_package, check_base_iri, statement_rows
from coursepack.xmlutil import sub_element, to_bytes

NAME = "xapi"
VALIDATED = True
LABEL = "xAPI (tincan.xml)"
STATE_LIMIT = None  # the State API has no small limit
DESCRIPTOR = "tincan.xml"
TINCAN = "http://projecttincan.com/tincan.xsd"


def check(course: Course) -> list[Diagnostic]:
    return check_base_iri(course, LABEL)


def _activity(
    parent: etree._Element, iri: str, kind: str, name: str, language: str
) -> etree._Element:
    t = f"{{{TINCAN}}}"
    activity = sub_element(parent, t + "activity", id=iri, type=kind)
    sub_element(activity, t + "name", name, lang=language)
    return activity


def descriptor(course: Course) -> bytes:
    """Exactly one launchable activity, the course (TC4); the others name its parts."""
    config = course.config
    language = config.language
    t = f"{{{TINCAN}}}"
    root = etree.Element(t + "tincan", nsmap={None: TINCAN})  # type: ignore[dict-item]
    activities = sub_element(root, t + "activities")
    main = _activity(activities, course_iri(config), COURSE_TYPE, config.title, language)
    sub_element(main, t + "description", config.description, lang=language)
    sub_element(main, t + "launch", LAUNCH_PAGE, lang=language)
    for module in course.modules:
        _activity(
            activities,
            activity_iri(config, "module", module.id),
            MODULE_TYPE,
            module.title,
            language,
        )
    for lesson in course.lessons():
        _activity(
            activities,
            activity_iri(config, "lesson", lesson.id),
            LESSON_TYPE,
            lesson.title,
            language,
        )
    for quiz in course.quizzes():
        _activity(
            activities, activity_iri(config, "quiz", quiz.id), ASSESSMENT_TYPE, quiz.title, language
        )
        for question in quiz.questions:
            _activity(
                activities,
                activity_iri(config, "question", question.id),
                INTERACTION_TYPE,
                question.prompt,
                language,
            )
    for scenario in course.scenarios():
        _activity(
            activities,
            activity_iri(config, "scenario", scenario.id),
            SIMULATION_TYPE,
            scenario.title or scenario.id,
            language,
        )
        for step in scenario.decisions():
            _activity(
                activities,
                activity_iri(config, "decision", interaction_id(scenario, step)),
                INTERACTION_TYPE,
                scenario.title or scenario.id,
                language,
            )
    return to_bytes(root)


def build(rendered: RenderedCourse) -> dict[str, Content]:
    return build_package(rendered, NAME, "adapter-xapi.js", DESCRIPTOR, descriptor(rendered.course))


def explain(course: Course) -> list[Row]:
    rows = [
        Row(LAUNCH, "attempted", "first launch (no bookmark yet); later launches: initialized"),
        Row(LAUNCH, "State API GET", "stateId coursepack.state: resume location and state"),
        *statement_rows(course),
    ]
    if course.assessment is not None or any(True for _ in course.quizzes()):
        rows.append(
            Row(
                SUBMIT,
                "passed / failed",
                "per quiz (object …/quiz/<id>) and, for the final assessment, the course, with result.score",
            )
        )
    rows += [
        Row(STATUS, "State API PUT", "stateId coursepack.state, within 2 s of a change"),
        Row(
            EXIT,
            "terminated / suspended",
            "terminated when completed or passed, else suspended; result.duration",
        ),
    ]
    return rows
