"""What the xAPI and cmi5 targets share: the launch page's adapter data, the base-IRI
check, and the statements both send (for ``coursepack explain``)."""

from __future__ import annotations

from coursepack.activities import activity_data, decision_definition
from coursepack.diagnostics import Diagnostic, Location, error
from coursepack.explain import PROGRESS, STATUS, SUBMIT, Row
from coursepack.hashed_keys import HIDDEN_REVIEWS
from coursepack.model import Course, Question, interaction_id
from coursepack.packaging import Content
from coursepack.render import RenderedCourse, TargetPage
from coursepack.targets.content import content_files

# The LRS is named only at launch, so the page may connect to any https origin
# (and to loopback, for local LRSs and tests); nothing else leaves the package.
CONNECT_SRC = "https: http://localhost:* http://127.0.0.1:*"


def build_package(
    rendered: RenderedCourse, name: str, adapter: str, descriptor: str, descriptor_bytes: bytes
) -> dict[str, Content]:
    """The shared content with the LRS client and one adapter, plus the descriptor."""
    page = TargetPage(
        name=name,
        scripts=("lrs.js", adapter),
        connect_src=CONNECT_SRC,
        data=adapter_data(rendered),
    )
    files = content_files(rendered, page)
    files[descriptor] = descriptor_bytes
    return files


def check_base_iri(course: Course, label: str) -> list[Diagnostic]:
    if course.config.base_iri is not None:
        return []
    where = course.config.source or Location(course.root / "course.yml")
    return [
        error(
            where,
            "CP701",
            f"{label} packages need 'base_iri' in course.yml, the absolute IRI under which "
            "activity ids are made (e.g. base_iri: https://example.org/courses)",
        )
    ]


def adapter_data(rendered: RenderedCourse) -> dict[str, object]:
    prompts = {q.id: q.prompt.striptags() for quiz in rendered.quizzes for q in quiz.questions}
    questions: dict[str, tuple[Question, str]] = {
        q.id: (q, " ".join(prompts[q.id].split()))
        for quiz in rendered.course.quizzes()
        for q in quiz.questions
    }
    # A quiz that keeps its answers out of the page keeps them out of the definitions.
    hidden = {
        q.id
        for quiz in rendered.course.quizzes()
        if quiz.review in HIDDEN_REVIEWS
        for q in quiz.questions
    }
    course = rendered.course
    decisions = {
        interaction_id(scenario, step): decision_definition(
            scenario, step, lesson.translations, course.config.language
        )
        for lesson in course.lessons()
        for scenario in lesson.scenarios
        for step in scenario.decisions()
    }
    return activity_data(
        course.config, questions, [q.id for q in course.quizzes()], decisions, hidden
    )


def statement_rows(course: Course, verb_prefix: str = "") -> list[Row]:
    rows = [
        Row(
            PROGRESS, "experienced", "a lesson, the first time it is shown (object: …/lesson/<id>)"
        ),
    ]
    if any(True for _ in course.quizzes()):
        rows += [
            Row(
                SUBMIT,
                "answered",
                "object …/question/<id> with its interaction definition; result.response, result.success",
            ),
        ]
    return [
        *rows,
        Row(
            STATUS,
            verb_prefix + "completed",
            "once, when the completion rule is met (result.completion, result.duration)",
        ),
    ]
