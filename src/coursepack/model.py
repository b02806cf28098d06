"""The course format: what authors write, validated in one place.

Three kinds of source file share these models:

* ``course.yml``           -> :class:`CourseConfig`
* lesson front matter     -> :class:`LessonMeta` (the Markdown body follows it)
* a quiz file (``*.yml``) -> :class:`Quiz`

Every mapping an author writes becomes a :class:`Node`, which remembers where it
was written (``source``) so that later stages can report located diagnostics.
Identifiers are declared by the author, never derived from titles or positions:
they become SCORM identifiers, interaction ids and xAPI activity ids, and Moodle
re-links learner data by identifier on re-upload (standards.md M7).

The loaded course (:class:`Course`, :class:`Module`, :class:`Lesson`) ties the
files together; it is built by :mod:`coursepack.loader`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from coursepack.diagnostics import Location

# Moodle accepts only [\w.] in short identifiers (standards.md 1.I) and SCORM wants
# xs:ID/NCName values (S12-7): a letter or underscore first, no hyphen, no colon.
IDENTIFIER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.]{0,63}$"
# Names of Object.prototype: as keys of the runtime's id maps they would blank a page
# or pollute every object (an id 'constructor' or '__proto__').
RESERVED_IDS = frozenset(
    {"constructor", "__proto__", "prototype", "hasOwnProperty", "isPrototypeOf",
     "propertyIsEnumerable", "toLocaleString", "toString", "valueOf", "__defineGetter__",
     "__defineSetter__", "__lookupGetter__", "__lookupSetter__"}
)  # fmt: skip


def _not_reserved(value: str) -> str:
    if value in RESERVED_IDS:
        raise ValueError(f"'{value}' is reserved by JavaScript; choose another identifier")
    return value


def _no_control_characters(value: str) -> str:
    # XML 1.0 cannot carry them (manifests, tincan.xml, XLIFF) and they break pages.
    bad = next((c for c in value if (ord(c) < 32 and c not in "\t\n\r") or c == "\x7f"), None)
    if bad is not None:
        raise ValueError(f"control character U+{ord(bad):04X} in text; remove it")
    return value


Identifier = Annotated[
    str,
    StringConstraints(pattern=IDENTIFIER_PATTERN),
    AfterValidator(_not_reserved),
    Field(
        description="Stable identifier: a letter or '_' first, then letters, digits, '_' "
        "or '.'; at most 64 characters. Never change it once learners have used the course."
    ),
]
NonEmptyText = Annotated[
    str,
    StringConstraints(min_length=1, strip_whitespace=True),
    AfterValidator(_no_control_characters),
]
Percent = Annotated[int, Field(ge=0, le=100)]
LanguageTag = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    Field(description="BCP 47 language tag, e.g. 'fr', 'en', 'pt-BR'."),
]
RelativePath = Annotated[
    str,
    StringConstraints(min_length=1),
    Field(description="A path relative to the course folder, with '/' separators."),
]


def _check_base_iri(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(
            "base_iri must be an absolute http(s) IRI, e.g. https://example.org/courses"
        )
    if parts.query or parts.fragment:
        raise ValueError("base_iri must not have a query or a fragment")
    return value.rstrip("/")


BaseIri = Annotated[str, AfterValidator(_check_base_iri)]


class Node(BaseModel):
    """A mapping written by an author; remembers where it was written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: SkipJsonSchema[Location | None] = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _attach_source(cls, data: Any, info: ValidationInfo) -> Any:
        # The loader passes located mappings (coursepack.yaml12), which know their own
        # line and column, and the file name in the validation context.
        context = info.context or {}
        lc = getattr(data, "lc", None)
        if lc is None or "file" not in context:
            return data
        if "source" in data:
            raise ValueError("'source' is not a key of the course format")
        located = dict(data)
        first_line = context.get("first_line", 1)
        located["source"] = Location(context["file"], lc.line + first_line, lc.col + 1)
        return located


# --------------------------------------------------------------------------- quiz


class Feedback(Node):
    correct: str | None = Field(default=None, description="Shown after a correct answer.")
    incorrect: str | None = Field(default=None, description="Shown after a wrong answer.")


class Choice(Node):
    id: Identifier
    text: NonEmptyText
    correct: bool = False
    feedback: str | None = Field(default=None, description="Shown when this option is chosen.")


class OrderItem(Node):
    id: Identifier
    text: NonEmptyText


class MatchPair(Node):
    id: Identifier
    prompt: NonEmptyText = Field(description="The left-hand item.")
    match: NonEmptyText = Field(description="The right-hand item it belongs with.")


class QuestionBase(Node):
    id: Identifier
    prompt: NonEmptyText = Field(description="The question, in Markdown (inline).")
    hint: str | None = None
    feedback: Feedback | None = None
    weight: float = Field(default=1.0, ge=0, le=100)
    attempts: int = Field(default=1, ge=1, le=10, description="Tries allowed on this question.")


def _unique_ids(items: list[Choice] | list[OrderItem] | list[MatchPair], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{what} id '{item.id}' is used twice in this question")
        seen.add(item.id)


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    options: list[Choice] = Field(min_length=2, max_length=36)

    @model_validator(mode="after")
    def _one_correct(self) -> Self:
        _unique_ids(self.options, "option")
        if sum(option.correct for option in self.options) != 1:
            raise ValueError("a single_choice question needs exactly one correct option")
        return self


class MultipleResponse(QuestionBase):
    type: Literal["multiple_response"]
    options: list[Choice] = Field(min_length=2, max_length=36)

    @model_validator(mode="after")
    def _some_correct(self) -> Self:
        _unique_ids(self.options, "option")
        if not any(option.correct for option in self.options):
            raise ValueError("a multiple_response question needs at least one correct option")
        return self


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool


class FillIn(QuestionBase):
    type: Literal["fill_in"]
    answers: list[NonEmptyText] = Field(min_length=1, max_length=10)
    case_sensitive: bool = False
    max_length: int = Field(
        default=60,
        ge=1,
        le=250,
        description="Longest answer a learner can type; it bounds the resume state's size.",
    )

    @model_validator(mode="after")
    def _answers_fit(self) -> Self:
        for answer in self.answers:
            if len(answer) > self.max_length:
                raise ValueError(f"answer '{answer}' is longer than max_length ({self.max_length})")
        return self


class Numeric(QuestionBase):
    type: Literal["numeric"]
    # Finite only: NaN or infinity would make the page's runtime data invalid JSON.
    answer: FiniteFloat | None = Field(default=None, description="The exact answer.")
    tolerance: FiniteFloat = Field(default=0, ge=0, description="Accepted distance from 'answer'.")
    min: FiniteFloat | None = Field(default=None, description="Lowest accepted value (with max).")
    max: FiniteFloat | None = Field(default=None, description="Highest accepted value (with min).")

    @model_validator(mode="after")
    def _answer_or_range(self) -> Self:
        has_range = self.min is not None and self.max is not None
        if (self.answer is None) == (not has_range):
            raise ValueError("a numeric question needs either 'answer' or both 'min' and 'max'")
        if has_range and self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is greater than 'max'")
        return self

    def bounds(self) -> tuple[float, float]:
        """The accepted range; Decimal arithmetic so 3.14 - 0.01 is 3.13, not 3.1300000000000003."""
        if self.answer is None:
            assert self.min is not None and self.max is not None
            return self.min, self.max
        answer, tolerance = Decimal(str(self.answer)), Decimal(str(self.tolerance))
        return float(answer - tolerance), float(answer + tolerance)


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: list[MatchPair] = Field(min_length=2, max_length=36)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        _unique_ids(self.pairs, "pair")
        return self


class Ordering(QuestionBase):
    type: Literal["ordering"]
    items: list[OrderItem] = Field(
        min_length=2, max_length=36, description="The items, in the correct order."
    )

    @model_validator(mode="after")
    def _unique(self) -> Self:
        _unique_ids(self.items, "item")
        return self


class Likert(QuestionBase):
    """An unscored opinion question (survey)."""

    type: Literal["likert"]
    scale: list[OrderItem] = Field(min_length=2, max_length=11)
    weight: float = Field(default=0, ge=0, le=0)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        _unique_ids(self.scale, "scale point")
        return self


Question = Annotated[
    SingleChoice | MultipleResponse | TrueFalse | FillIn | Numeric | Matching | Ordering | Likert,
    Field(discriminator="type"),
]

QuestionType = Literal[
    "single_choice",
    "multiple_response",
    "true_false",
    "fill_in",
    "numeric",
    "matching",
    "ordering",
    "likert",
]


class Quiz(Node):
    id: Identifier
    title: NonEmptyText
    intro: str | None = Field(default=None, description="Markdown shown before the questions.")
    pass_mark: Percent | None = Field(
        default=None, description="Percentage needed to pass; the course's pass mark if unset."
    )
    attempts: int | None = Field(default=None, ge=1, description="Attempts allowed; unlimited.")
    shuffle_questions: bool = False
    shuffle_options: bool = False
    draw: int | None = Field(
        default=None, ge=1, description="Draw this many questions per attempt."
    )
    layout: Literal["all", "one_per_page"] | None = Field(
        default=None,
        description="'one_per_page': one question per screen with its own progress; "
        "'all': every question on one page. Default: one per page for the final "
        "assessment, all for module quizzes.",
    )
    review: Literal["answers", "feedback", "none"] = Field(
        default="answers",
        description="After submitting: show correct answers, feedback only, or nothing.",
    )
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _draw_fits(self) -> Self:
        if self.draw is not None and self.draw > len(self.questions):
            raise ValueError(
                f"'draw' is {self.draw} but the quiz has {len(self.questions)} questions"
            )
        return self


# ------------------------------------------------------------------------ lessons


class LessonMeta(Node):
    """The YAML front matter of a lesson file."""

    id: Identifier
    title: NonEmptyText
    summary: str | None = None
    allow_html: bool = Field(
        default=False, description="Keep raw HTML in the Markdown (sanitised); escaped otherwise."
    )


# ------------------------------------------------------------------------- course


class Tracking(Node):
    completion: Literal[
        "all_lessons", "percent_lessons", "assessment_passed", "all_lessons_and_assessment"
    ] = Field(default="all_lessons", description="When the course counts as completed.")
    completion_percent: Percent = Field(
        default=100, description="With completion 'percent_lessons': the share of lessons to view."
    )
    pass_mark: Percent = Field(default=80, description="Percentage to pass the final assessment.")
    scorm12_status: Literal[
        "passed_incomplete", "passed_failed", "completed_incomplete", "completed_failed"
    ] = Field(
        default="passed_incomplete",
        description="SCORM 1.2 only: the lesson_status pair the course reports.",
    )
    state_limit: Literal["error", "warning"] = Field(
        default="error",
        description="When the resume state could outgrow a target's suspend_data limit "
        "(4096 characters in SCORM 1.2): fail the build, or only warn.",
    )


HexColour = Annotated[
    str,
    StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$"),
    Field(description="A colour as #rrggbb."),
]


class Colours(Node):
    """Theme colours; every text/background pair is checked for 4.5:1 contrast."""

    accent: HexColour | None = Field(
        default=None, description="Links, buttons, focus of attention."
    )
    accent_text: HexColour | None = Field(default=None, description="Text on accent buttons.")
    text: HexColour | None = None
    background: HexColour | None = None
    muted: HexColour | None = Field(default=None, description="Secondary text.")
    surface: HexColour | None = Field(default=None, description="Header, panels and table heads.")


class Branding(Node):
    logo: RelativePath | None = Field(default=None, description="An image shown beside the title.")
    colours: Colours = Field(default_factory=Colours)


class ModuleEntry(Node):
    id: Identifier
    title: NonEmptyText
    description: str | None = None
    lessons: list[RelativePath] = Field(min_length=1, description="Lesson files, in order.")
    quiz: RelativePath | None = Field(default=None, description="The module's quiz file.")


class CourseConfig(Node):
    """``course.yml``."""

    id: Identifier
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$")]
    language: LanguageTag
    title: NonEmptyText
    description: NonEmptyText
    authors: list[NonEmptyText] = Field(default_factory=list)
    licence: str | None = Field(default=None, description="SPDX identifier, e.g. CC-BY-SA-4.0.")
    theme: str = Field(default="default", description="A theme name or a path to a theme folder.")
    branding: Branding = Field(default_factory=Branding)
    base_iri: BaseIri | None = Field(
        default=None,
        description="xAPI and cmi5: the absolute IRI under which the course's activity ids are made "
        "(e.g. https://example.org/courses). Keep it stable: LRS data is keyed by these ids.",
    )
    tracking: Tracking = Field(default_factory=Tracking)
    duration: int | None = Field(
        default=None,
        ge=1,
        le=10000,
        description="Estimated minutes to complete, shown on the cover page; computed from "
        "the lessons' words and the questions when absent.",
    )
    objectives: list[NonEmptyText] = Field(
        default_factory=list, description="Learning objectives, listed on the cover page."
    )
    certificate: bool = Field(
        default=False,
        description="Offer a printable certificate (learner's name, course, date, score) on "
        "the completion page once the course is completed.",
    )
    glossary: bool = Field(
        default=False,
        description="Add a glossary page made of the lessons' definition lists ('Term' then "
        "': definition'), and link the first use of each term in every lesson to it.",
    )
    navigation: Literal["free", "sequential"] = Field(
        default="free",
        description="'sequential' opens each page (and the final assessment) only once the "
        "pages before it are done, as Rise and Storyline can.",
    )
    modules: list[ModuleEntry] = Field(min_length=1)
    assessment: RelativePath | None = Field(default=None, description="The final assessment.")
    appendix: list[RelativePath] = Field(
        default_factory=list,
        description="Pages after the assessment (resources, glossary); not needed for completion.",
    )


# ------------------------------------------------------------------ loaded course


@dataclass(frozen=True)
class ScenarioStep:
    """One situation of a branching scenario; ``choices`` are the ids of the steps
    each choice leads to, in order (none: an ending)."""

    id: str
    outcome: Literal["good", "bad"] | None
    choices: tuple[str, ...]
    source: Location
    # Each choice's inline Markdown as written ('[Vous refusez](#refus)'): its text
    # names the choice in xAPI definitions (translated like any lesson text).
    choice_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A branching scenario written in a lesson (``:::: scenario``). Each decision is
    tracked as a ``choice`` interaction whose id is ``<scenario>.<step>``."""

    id: str
    scored: bool
    steps: tuple[ScenarioStep, ...]
    source: Location
    title: str = ""

    def outcome_of(self, step_id: str) -> str | None:
        return next((s.outcome for s in self.steps if s.id == step_id), None)

    def decisions(self) -> tuple[ScenarioStep, ...]:
        """The steps where the learner chooses, in the order written."""
        return tuple(step for step in self.steps if step.choices)

    def longest_path(self) -> int:
        """The most decisions one run can take."""
        return len(self.costliest_path(lambda _: 1))

    def costliest_path(self, cost: Callable[[str], int]) -> list[str]:
        """The steps chosen along the run whose chosen steps cost most (the first step
        is not chosen). Iterative, since a course may hold thousands of steps; a cycle,
        which the loader reports, is cut where it closes."""
        by_id = {step.id: step for step in self.steps}
        best: dict[str, tuple[int, str | None]] = {}  # step -> (cost after it, next step)
        for root in by_id:
            stack: list[tuple[str, bool]] = [(root, False)]
            visiting: set[str] = set()
            while stack:
                node, expanded = stack.pop()
                if node in best:
                    continue
                if not expanded:
                    visiting.add(node)
                    stack.append((node, True))
                    stack.extend(
                        (c, False) for c in by_id[node].choices if c in by_id and c not in visiting
                    )
                    continue
                visiting.discard(node)
                options = [(cost(c) + best[c][0], c) for c in by_id[node].choices if c in best]
                best[node] = max(options, default=(0, None))
        path: list[str] = []
        at = best.get(self.steps[0].id, (0, None))[1] if self.steps else None
        while at is not None and at not in path:
            path.append(at)
            at = best[at][1]
        return path


def interaction_id(scenario: Scenario, step: ScenarioStep) -> str:
    return f"{scenario.id}.{step.id}"


@dataclass(frozen=True)
class Lesson:
    meta: LessonMeta
    body: str
    path: Path
    body_line: int  # 1-based line of the first body line in the file
    # Inline Markdown of a block -> its translation (see coursepack.i18n.apply).
    translations: Mapping[str, str] = field(default_factory=dict)
    scenarios: tuple[Scenario, ...] = ()

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass(frozen=True)
class Module:
    entry: ModuleEntry
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def title(self) -> str:
        return self.entry.title


@dataclass(frozen=True)
class Course:
    root: Path
    config: CourseConfig
    modules: tuple[Module, ...]
    assessment: Quiz | None
    appendix: tuple[Lesson, ...]

    @property
    def id(self) -> str:
        return self.config.id

    def lessons(self) -> Iterator[Lesson]:
        for module in self.modules:
            yield from module.lessons
        yield from self.appendix

    def quizzes(self) -> Iterator[Quiz]:
        for module in self.modules:
            if module.quiz is not None:
                yield module.quiz
        if self.assessment is not None:
            yield self.assessment

    def scenarios(self) -> Iterator[Scenario]:
        for lesson in self.lessons():
            yield from lesson.scenarios

    @property
    def required_lessons(self) -> tuple[Lesson, ...]:
        """Lessons that count for completion (module lessons, not the appendix)."""
        return tuple(lesson for module in self.modules for lesson in module.lessons)
