"""Rendering: a loaded course -> HTML fragments, assets and the runtime's course data.

Everything expensive happens once, in :func:`render_course`; every target then asks
:meth:`RenderedCourse.page` for its launch page, which only assembles the already
rendered fragments with the theme's templates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import TemplateError
from markdown_it import MarkdownIt
from markupsafe import Markup

from coursepack.blocks.containers import Partial
from coursepack.blocks.glossary import GLOSSARY_ID, Term, terms_of
from coursepack.colours import contrast
from coursepack.diagnostics import Diagnostic, Location, error, warning
from coursepack.errors import CourseError
from coursepack.hashed_keys import HIDDEN_REVIEWS, hide, match_token, salt_for
from coursepack.markdown import ASSET_PREFIX, make_parser, render_markdown
from coursepack.model import (
    Course,
    FillIn,
    Lesson,
    Likert,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    Quiz,
    Scenario,
    ScenarioStep,
    SingleChoice,
    TrueFalse,
    interaction_id,
)
from coursepack.paths import exists_exact, is_inside
from coursepack.render_cache import CachedRender, RenderCache, disabled
from coursepack.state import NUMERIC_MAX_LENGTH
from coursepack.theme import Theme, resolve_theme
from coursepack.ui import direction, strings_for

LAUNCH_PAGE = "index.html"
# The runtime's own screens. A '-' cannot appear in an author's identifier, so these
# never collide with a lesson or a quiz.
COVER_ID = "cp-cover"
COMPLETION_ID = "cp-completion"
WORDS_PER_MINUTE = 180  # adult reading of instructional text, kept conservative
MINUTES_PER_QUESTION = 0.75
BRANDING_CSS = "theme/branding.css"
RUNTIME_DIR = "runtime"
# The interactive blocks' scripts, each shipped only when a lesson has that block.
BLOCK_SCRIPTS = (
    ('class="cp-tabs"', "block-tabs.js"),
    ('class="cp-cards-block"', "block-cards.js"),
    ('class="cp-zoom"', "block-zoom.js"),
    ("data-scenario=", "block-scenario.js"),
)
KEYS_SCRIPT = "keys.js"  # hashed answer keys (coursepack.hashed_keys)
LAZY_LESSONS = 100  # above this many lessons, each step's HTML waits until first shown


@dataclass(frozen=True)
class RenderedLesson:
    id: str
    title: str
    summary: str | None
    html: Markup
    module_id: str | None
    required: bool


@dataclass(frozen=True)
class RenderedChoice:
    id: str
    html: Markup
    feedback: Markup | None
    value: str | None = None  # the form value, when it must not be the id (hashed keys)


@dataclass(frozen=True)
class RenderedQuestion:
    id: str
    type: str
    prompt: Markup
    hint: Markup | None
    choices: tuple[RenderedChoice, ...]  # options, items, scale points or match targets
    prompts: tuple[RenderedChoice, ...]  # matching: the left-hand items
    feedback_correct: Markup | None
    feedback_incorrect: Markup | None
    attempts: int
    max_length: int


@dataclass(frozen=True)
class RenderedQuiz:
    id: str
    title: str
    intro: Markup | None
    kind: str  # "module" or "assessment"
    module_id: str | None
    pass_mark: int
    questions: tuple[RenderedQuestion, ...]


@dataclass(frozen=True)
class Step:
    """One screen of the course, in reading order."""

    kind: str  # "lesson" or "quiz"
    id: str
    title: str
    module_id: str | None


@dataclass(frozen=True)
class TargetPage:
    """What a target contributes to its launch page."""

    name: str
    scripts: tuple[str, ...]  # runtime files after core.js, in order
    connect_src: str = "'none'"
    data: Mapping[str, Any] = field(default_factory=dict)  # runtime data for the adapter


@dataclass(frozen=True)
class RenderedCourse:
    course: Course
    theme: Theme
    lessons: tuple[RenderedLesson, ...]
    quizzes: tuple[RenderedQuiz, ...]
    steps: tuple[Step, ...]
    assets: Mapping[str, Path]  # package path -> source file
    generated: Mapping[str, bytes]  # package path -> content made by the build (branding CSS)
    logo: str | None
    strings: Mapping[str, str]  # interface strings, in the course's language
    runtime_data: Mapping[str, Any]

    def page(self, target: TargetPage) -> bytes:
        """The course page; a broken or unsafe theme template is a located error."""
        from jinja2 import TemplateError

        try:
            return self._page(target)
        except TemplateError as exc:
            raise CourseError([self.theme.template_diagnostic(exc)]) from None

    def _page(self, target: TargetPage) -> bytes:
        context = self._context
        html = self.theme.jinja.get_template("course.html").render(
            **context,
            contents_html=self._contents_html,
            steps_html=self._steps_html,
            target=target,
            scripts=(*self.scripts, *target.scripts),
            runtime_json=Markup(_script_json({**self.runtime_data, "target": dict(target.data)})),
        )
        return html.encode("utf-8")

    @cached_property
    def _context(self) -> dict[str, Any]:
        """What every page template sees, whatever the target."""
        config = self.course.config
        lessons = {lesson.id: lesson for lesson in self.lessons}
        quizzes = {quiz.id: quiz for quiz in self.quizzes}
        modules = [
            {
                "id": module.id,
                "title": module.title,
                "description": module.entry.description,
                "lessons": [lessons[lesson.id] for lesson in module.lessons],
                "quiz": quizzes[module.quiz.id] if module.quiz else None,
            }
            for module in self.course.modules
        ]
        return {
            "course": config,
            "modules": modules,
            "assessment": quizzes[self.course.assessment.id] if self.course.assessment else None,
            "appendix": [lessons[lesson.id] for lesson in self.course.appendix]
            + ([lessons[GLOSSARY_ID]] if GLOSSARY_ID in lessons else []),
            "steps": self.steps,
            "t": self.strings,
            "direction": direction(config.language),
            "duration": duration_text(estimated_minutes(self.course), self.strings),
            "lazy_steps": self.lazy_steps(),
            "objectives": config.objectives,
            "certificate": config.certificate,
            "theme_files": [path for path in self.theme_static() if path.endswith(".css")]
            + [path for path in self.generated if path.endswith(".css")],
            "logo": self.logo,
        }

    # The contents and the pages are made once for all the packages of this course and
    # language: they cannot depend on the target, and each page template once per
    # format cost a fifth of a build.
    @cached_property
    def _contents_html(self) -> Markup:
        return Markup(self.theme.jinja.get_template("contents.html").render(**self._context))

    @cached_property
    def _steps_html(self) -> Markup:
        return Markup(self.theme.jinja.get_template("steps.html").render(**self._context))

    def theme_static(self) -> dict[str, Path]:
        return self.theme.static_files()

    def lazy_steps(self) -> bool:
        """A big course keeps every lesson and quiz as inert text until first shown
        (coursepack.theme.inert_step); without script it shows only the contents
        (small courses keep their steps in the page)."""
        return len(self.lessons) > LAZY_LESSONS

    @cached_property
    def scripts(self) -> tuple[str, ...]:
        """Runtime modules after core.js that the content needs, each only when used
        (every package pays for what it ships): each interactive block's script when a
        lesson has that block, the hashed-key checker when a quiz hides its answers."""
        blocks = tuple(
            script
            for mark, script in BLOCK_SCRIPTS
            if any(mark in lesson.html for lesson in self.lessons)
        )
        hashed = any(quiz.review in HIDDEN_REVIEWS for quiz in self.course.quizzes())
        return blocks + (KEYS_SCRIPT,) * hashed


# Inside <script type="application/json"> the HTML parser ends the element at "</"
# and changes its state at "<!--"; JSON's \\u escapes keep the text valid JSON while
# no such sequence appears. U+2028/2029 are escaped for older JSON-in-JS readers.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _script_json(data: Mapping[str, Any]) -> str:
    text = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return text.translate(_SCRIPT_ESCAPES)


# ------------------------------------------------------------------- rendering


@dataclass
class _Renderer:
    course_root: Path
    anchors: dict[Path, str]
    diagnostics: list[Diagnostic]
    assets: set[str]
    table_label: str = "Table"
    language: str | None = None  # set for a translated course: media overrides
    strings: Mapping[str, str] = field(default_factory=dict)  # block labels
    page_language: str | None = None  # typography rules and default caption track
    partial: Partial | None = None  # the theme's block partials
    generated: dict[str, bytes] = field(default_factory=dict)  # resized images
    terms: tuple[Term, ...] = ()  # glossary terms, linked from their first use in lessons
    parsers: dict[tuple[bool, bool, bool], MarkdownIt] = field(default_factory=dict)
    cache: RenderCache = field(default_factory=disabled)
    context_key: str = ""

    def parser(self, allow_html: bool, lesson: bool, *, inline: bool = False) -> MarkdownIt:
        """One Markdown parser per configuration for the whole build (building one
        per text cost as much as parsing it)."""
        key = (allow_html, lesson, inline)
        if key not in self.parsers:
            self.parsers[key] = (
                make_parser(False, "Table", None, self.page_language)
                if inline
                else make_parser(
                    allow_html, self.table_label, self.strings, self.page_language,
                    self.terms if lesson else (),
                )
            )  # fmt: skip
        return self.parsers[key]

    def _context_key(self) -> str:
        """What every text of this rendering shares, digested once."""
        if not self.context_key:
            self.context_key = self.cache.key(
                self.language, sorted(self.strings.items()), self.page_language,
                self.table_label, [repr(t) for t in self.terms],
                sorted((str(k), v) for k, v in self.anchors.items()),
            )  # fmt: skip
        return self.context_key

    def block(
        self,
        text: str,
        file: Path,
        line: int,
        *,
        allow_html: bool = False,
        translations: Mapping[str, str] | None = None,
        anchor_prefix: str | None = None,
    ) -> Markup:
        return self._cached(
            (
                text,
                str(file),
                line,
                allow_html,
                sorted((translations or {}).items()),
                anchor_prefix,
            ),
            lambda: self._render(
                text,
                file,
                line,
                allow_html=allow_html,
                table_label=self.table_label,
                translations=translations,
                language=self.language,
                strings=self.strings,
                anchor_prefix=anchor_prefix,
                partial=self.partial,
                terms=self.terms if anchor_prefix else (),
                parser=self.parser(allow_html, bool(anchor_prefix)),
            ),
        )

    def inline(self, text: str | None, where: Location | None) -> Markup | None:
        if text is None:
            return None
        file = where.file if where else self.course_root
        line = where.line if where else 0
        # Quiz texts (prompts, options, feedback) are many and short: cached like
        # lessons, they are a tenth of a rebuild less.
        parser = self.parser(False, False, inline=True)
        return self._cached(
            ("inline", text, str(file), line),
            lambda: self._render(text, file, line, inline=True, parser=parser),
        )

    def _render(self, text: str, file: Path, line: int, **options: Any) -> CachedRender:
        rendered, found = render_markdown(
            text,
            course_root=self.course_root,
            file=file,
            first_line=line,
            lesson_anchors=self.anchors,
            page_language=self.page_language,
            **options,
        )
        return CachedRender(rendered.html, rendered.assets, dict(rendered.generated), tuple(found))

    def _cached(self, made_from: tuple[object, ...], make: Callable[[], CachedRender]) -> Markup:
        """A rendering from the build cache, keyed by what it is made from and what
        every text of this rendering shares, or made now and kept there; its
        findings, assets and generated files are collected either way."""
        key = self.cache.key(self._context_key(), *made_from) if self.cache.enabled else ""
        cached = self.cache.get(key) if key else None
        if cached is None:
            cached = make()
            if key:
                self.cache.put(key, cached)
        self.diagnostics.extend(cached.diagnostics)
        self.assets.update(cached.assets)
        self.generated.update(cached.generated)
        return Markup(cached.html)

    def lesson(self, lesson: Lesson, module_id: str | None, required: bool) -> RenderedLesson:
        return RenderedLesson(
            id=lesson.id,
            title=lesson.title,
            summary=lesson.meta.summary,
            html=self.block(
                lesson.body,
                lesson.path,
                lesson.body_line,
                allow_html=lesson.meta.allow_html,
                translations=lesson.translations,
                anchor_prefix=lesson.id,
            ),
            module_id=module_id,
            required=required,
        )

    def question(self, question: Question, salt: str | None = None) -> RenderedQuestion:
        where = question.source
        choices: list[RenderedChoice] = []
        prompts: list[RenderedChoice] = []
        if isinstance(question, SingleChoice | MultipleResponse):
            choices = [
                RenderedChoice(
                    o.id,
                    self.inline(o.text, o.source) or Markup(),
                    self.inline(o.feedback, o.source),
                )
                for o in question.options
            ]
        elif isinstance(question, Ordering | Likert):
            items = question.items if isinstance(question, Ordering) else question.scale
            choices = [
                RenderedChoice(i.id, self.inline(i.text, i.source) or Markup(), None) for i in items
            ]
        elif isinstance(question, Matching):
            prompts = [
                RenderedChoice(p.id, self.inline(p.prompt, p.source) or Markup(), None)
                for p in question.pairs
            ]
            choices = [
                RenderedChoice(
                    p.id,
                    self.inline(p.match, p.source) or Markup(),
                    None,
                    match_token(salt, p.id) if salt else None,
                )
                for p in sorted(question.pairs, key=lambda p: p.match.casefold())
            ]
        feedback = question.feedback
        return RenderedQuestion(
            id=question.id,
            type=question.type,
            prompt=self.inline(question.prompt, where) or Markup(),
            hint=self.inline(question.hint, where),
            choices=tuple(choices),
            prompts=tuple(prompts),
            feedback_correct=self.inline(feedback.correct, feedback.source) if feedback else None,
            feedback_incorrect=self.inline(feedback.incorrect, feedback.source)
            if feedback
            else None,
            attempts=question.attempts,
            max_length=question.max_length if isinstance(question, FillIn) else NUMERIC_MAX_LENGTH,
        )

    def quiz(
        self,
        quiz: Quiz,
        kind: str,
        module_id: str | None,
        pass_mark: int,
        course_id: str = "",
        version: str = "",
    ) -> RenderedQuiz:
        intro = None
        if quiz.intro and quiz.source:
            intro = self.block(quiz.intro, quiz.source.file, quiz.source.line)
        return RenderedQuiz(
            id=quiz.id,
            title=quiz.title,
            intro=intro,
            kind=kind,
            module_id=module_id,
            pass_mark=quiz.pass_mark if quiz.pass_mark is not None else pass_mark,
            questions=tuple(
                self.question(
                    q, salt_for(course_id, version, q.id) if quiz.review in HIDDEN_REVIEWS else None
                )
                for q in quiz.questions
            ),
        )


def check_lessons(course_root: Path, lessons: Sequence[Lesson]) -> list[Diagnostic]:
    """Check lesson Markdown (references, headings) without a whole course.

    Used when the course cannot be rendered because of other errors, so a single
    run still reports every problem.
    """
    anchors = {lesson.path.resolve(): lesson.id for lesson in lessons}
    renderer = _Renderer(course_root.resolve(), anchors, [], set())
    for lesson in lessons:
        renderer.lesson(lesson, None, required=False)
    return renderer.diagnostics


# Text/background pairs of the theme that must reach 4.5:1 (WCAG 1.4.3).
CONTRAST_PAIRS = [
    ("text", "background"),
    ("muted", "background"),
    ("accent", "background"),
    ("accent_text", "accent"),
    ("text", "surface"),
    ("muted", "surface"),
    ("accent", "surface"),
]
_CUSTOM_PROPERTY = re.compile(r"--cp-([a-z-]+):\s*(#[0-9A-Fa-f]{6})\s*;")


def theme_colours(theme: Theme) -> dict[str, str]:
    """The colours the theme's CSS declares (--cp-accent-text -> accent_text)."""
    colours: dict[str, str] = {}
    for package_path, source in theme.static_files().items():
        if package_path.endswith(".css"):
            for name, value in _CUSTOM_PROPERTY.findall(source.read_text("utf-8")):
                colours[name.replace("-", "_")] = value.lower()
    return colours


DARK_SURFACE = "#22262e"  # the default theme's dark surface (theme.css)


def lighten_to(colour: str, background: str, ratio: float = 4.5) -> str:
    """``colour`` mixed with white, in 5 % steps, until it reaches ``ratio`` on
    ``background`` (WCAG 1.4.3)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    for step in range(21):
        mix = step / 20
        candidate = "#" + "".join(f"{round(c + (255 - c) * mix):02x}" for c in (red, green, blue))
        if contrast(candidate, background) >= ratio:
            return candidate
    return "#ffffff"


def branding(course: Course, theme: Theme) -> tuple[dict[str, bytes], str | None, list[Diagnostic]]:
    """The course's colours as a CSS file, its logo, and contrast problems (CP801)."""
    config = course.config.branding
    chosen = {k: v for k, v in config.colours.model_dump(exclude={"source"}).items() if v}
    problems: list[Diagnostic] = []
    where = config.colours.source or config.source or course.config.source or Location(course.root)
    effective = {**theme_colours(theme), **chosen}
    for foreground, background in CONTRAST_PAIRS:
        if foreground not in effective or background not in effective:
            continue
        if foreground not in chosen and background not in chosen:
            continue
        ratio = contrast(effective[foreground], effective[background])
        if ratio < 4.5:
            problems.append(
                error(
                    where,
                    "CP801",
                    f"colour {foreground} {effective[foreground]} on {background} "
                    f"{effective[background]} has a contrast of {ratio:.2f}:1; WCAG AA needs 4.5:1",
                )
            )
    files: dict[str, bytes] = {}
    if chosen:
        lines = [
            f"  --cp-{name.replace('_', '-')}: {value};" for name, value in sorted(chosen.items())
        ]
        if "accent" in chosen:
            # The brand's accent, lightened until it reads on the dark scheme's surface.
            lines.append(f"  --cp-dark-accent: {lighten_to(chosen['accent'], DARK_SURFACE)};")
        files[BRANDING_CSS] = (":root {\n" + "\n".join(lines) + "\n}\n").encode()
    logo = None
    if config.logo is not None:
        relative = PurePosixPath(config.logo)
        if (
            relative.is_absolute()
            or ".." in relative.parts
            or not exists_exact(course.root, relative)
            or not is_inside(course.root, course.root.joinpath(*relative.parts))
        ):
            problems.append(
                error(
                    where if config.source is None else config.source,
                    "CP202",
                    f"file not found: '{config.logo}'",
                )
            )
        else:
            logo = f"{ASSET_PREFIX}/{relative.as_posix()}"
    return files, logo, problems


def _terms(lesson: Lesson, cache: RenderCache) -> list[Term]:
    """A lesson's glossary entries; from the build cache when its text is unchanged
    (finding them parses every lesson, a third of a cached rebuild of the flagship)."""
    if not cache.enabled:
        return terms_of(lesson.body, lesson.id, lesson.translations)
    key = cache.key("terms", lesson.body, lesson.id, sorted(lesson.translations.items()))
    rows = cache.get_rows(key)
    try:
        if rows is not None:
            return [Term(str(text), tuple(map(str, defs)), str(of), str(anchor))
                    for text, defs, of, anchor in rows]  # fmt: skip
    except (TypeError, ValueError):
        pass  # a damaged entry: found again below
    found = terms_of(lesson.body, lesson.id, lesson.translations)
    cache.put_rows(key, [[t.text, list(t.definitions), t.lesson_id, t.anchor] for t in found])
    return found


def render_course(
    course: Course,
    ui: Mapping[str, str] | None = None,
    *,
    localised: bool = False,
    cache: RenderCache | None = None,
) -> tuple[RenderedCourse, list[Diagnostic]]:
    """``ui`` holds translated interface strings (a translation file's ui.* units);
    ``localised`` says the course is a translation, whose media may be overridden
    under locale/<language>/; lessons rendered by an earlier build come from ``cache``."""
    theme = resolve_theme(course.root, course.config.theme)
    anchors = {lesson.path.resolve(): lesson.id for lesson in course.lessons()}
    strings = strings_for(course.config.language, ui)
    renderer = _Renderer(
        course.root,
        anchors,
        [],
        set(),
        strings["table"],
        course.config.language if localised else None,
        strings,
        course.config.language,
        theme.render_partial,
    )
    if cache is not None:
        renderer.cache = cache
    if course.config.glossary:
        renderer.terms = tuple(
            term for lesson in course.lessons() for term in _terms(lesson, renderer.cache)
        )
    try:
        rendered, diagnostics = _render_all(course, theme, renderer, strings)
    except TemplateError as exc:
        raise CourseError([theme.template_diagnostic(exc)]) from None
    return rendered, diagnostics


def _render_all(
    course: Course, theme: Theme, renderer: _Renderer, strings: Mapping[str, str]
) -> tuple[RenderedCourse, list[Diagnostic]]:
    pass_mark = course.config.tracking.pass_mark
    lessons: list[RenderedLesson] = []
    quizzes: list[RenderedQuiz] = []
    steps: list[Step] = [Step("cover", COVER_ID, course.config.title, None)]
    for module in course.modules:
        for lesson in module.lessons:
            lessons.append(renderer.lesson(lesson, module.id, required=True))
            steps.append(Step("lesson", lesson.id, lesson.title, module.id))
        if module.quiz is not None:
            quizzes.append(
                renderer.quiz(
                    module.quiz, "module", module.id, pass_mark, course.id, course.config.version
                )
            )
            steps.append(Step("quiz", module.quiz.id, module.quiz.title, module.id))
    if course.assessment is not None:
        quizzes.append(
            renderer.quiz(
                course.assessment, "assessment", None, pass_mark, course.id, course.config.version
            )
        )
        steps.append(Step("quiz", course.assessment.id, course.assessment.title, None))
    steps.append(Step("completion", COMPLETION_ID, strings["completion_title"], None))
    for lesson in course.appendix:
        lessons.append(renderer.lesson(lesson, None, required=False))
        steps.append(Step("lesson", lesson.id, lesson.title, None))
    glossary = (
        _glossary(course, theme, renderer, strings, lessons) if course.config.glossary else None
    )
    if glossary is not None:
        lessons.append(glossary)
        steps.append(Step("glossary", glossary.id, glossary.title, None))

    generated, logo, problems = branding(course, theme)
    renderer.diagnostics.extend(problems)
    if logo is not None:
        renderer.assets.add(logo.removeprefix(ASSET_PREFIX + "/"))
    assets = {
        f"{ASSET_PREFIX}/{relative}": course.root / relative for relative in sorted(renderer.assets)
    }
    rendered = RenderedCourse(
        course=course,
        theme=theme,
        lessons=tuple(lessons),
        quizzes=tuple(quizzes),
        steps=tuple(steps),
        assets=assets,
        generated={**generated, **dict(sorted(renderer.generated.items()))},
        logo=logo,
        strings=strings,
        runtime_data=runtime_data(
            course,
            steps,
            pass_mark,
            strings,
            {
                q.id: " ".join(q.prompt.striptags().split())
                for quiz in quizzes
                for q in quiz.questions
            },
        ),
    )
    return rendered, renderer.diagnostics


def _glossary(
    course: Course,
    theme: Theme,
    renderer: _Renderer,
    strings: Mapping[str, str],
    lessons: Sequence[RenderedLesson],
) -> RenderedLesson | None:
    """The glossary page: one entry per term (merged by spelling, in the collation of
    the course's language), its definition and the lessons that define or use it."""
    where = course.config.source or Location(course.root / "course.yml")
    if not renderer.terms:
        renderer.diagnostics.append(
            warning(where, "CP416", "glossary: true, but no lesson has a definition list "
                    "('Term' on one line, ': definition' on the next)")
        )  # fmt: skip
        return None
    titles = {lesson.id: lesson.title for lesson in course.lessons()}
    entries: dict[str, dict[str, Any]] = {}
    for term in renderer.terms:
        entry = entries.setdefault(
            term.anchor,
            {"id": term.anchor, "term": term.text, "definitions": [], "uses": []},
        )
        if not entry["definitions"]:
            entry["definitions"] = [renderer.inline(d, where) for d in term.definitions]
    for entry in entries.values():
        link = f'href="#{entry["id"]}"'
        defined = {t.lesson_id for t in renderer.terms if t.anchor == entry["id"]}
        entry["uses"] = [
            {"id": lesson.id, "title": titles[lesson.id]}
            for lesson in lessons
            if lesson.id in defined or link in lesson.html
        ]
    ordered = sorted(entries.values(), key=lambda e: collation_key(e["term"]))
    html = theme.render_partial("glossary", {"entries": ordered, "t": strings})
    return RenderedLesson(GLOSSARY_ID, strings["glossary"], None, Markup(html), None, False)


def estimated_minutes(course: Course) -> int:
    """``duration`` from course.yml, else reading time plus answering time, rounded up
    to five minutes."""
    if course.config.duration is not None:
        return course.config.duration
    words = sum(len(lesson.body.split()) for lesson in course.required_lessons)
    questions = sum(quiz.draw or len(quiz.questions) for quiz in course.quizzes())
    minutes = words / WORDS_PER_MINUTE + questions * MINUTES_PER_QUESTION
    return max(5, 5 * -(-int(minutes) // 5))


def duration_text(minutes: int, strings: Mapping[str, str]) -> str:
    if minutes < 60:
        return strings["duration_min"].format(n=minutes)
    return strings["duration_hm"].format(h=minutes // 60, m=f"{minutes % 60:02d}")


def collation_key(text: str) -> tuple[str, str]:
    """Alphabetical order as a reader expects it: accents and case second."""
    import unicodedata

    base = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return (base, text)


# ------------------------------------------------------------- runtime course data


def answer_key(question: Question, prompt_text: str) -> dict[str, Any]:
    """What the in-browser quiz engine needs to score and report a question."""
    key: dict[str, Any] = {"id": question.id, "type": question.type, "weight": question.weight}
    key["attempts"] = question.attempts
    key["text"] = prompt_text
    if isinstance(question, SingleChoice | MultipleResponse):
        key["options"] = [o.id for o in question.options]
        key["correct"] = [o.id for o in question.options if o.correct]
    elif isinstance(question, TrueFalse):
        key["correct"] = question.answer
    elif isinstance(question, Numeric):
        if question.answer is not None:
            key["answer"] = question.answer
        key["min"], key["max"] = question.bounds()
    elif isinstance(question, Matching):
        key["pairs"] = [p.id for p in question.pairs]
    elif isinstance(question, Ordering):
        key["correct"] = [i.id for i in question.items]
    elif isinstance(question, Likert):
        key["scale"] = [i.id for i in question.scale]
    else:  # FillIn
        key["correct"] = list(question.answers)
        key["caseSensitive"] = question.case_sensitive
        key["maxLength"] = question.max_length
    return key


def runtime_data(
    course: Course,
    steps: list[Step],
    pass_mark: int,
    strings: Mapping[str, str],
    prompts: Mapping[str, str],
) -> dict[str, Any]:
    config = course.config
    tracking = config.tracking
    quizzes = []
    for quiz in course.quizzes():
        is_assessment = quiz is course.assessment
        quizzes.append(
            {
                "id": quiz.id,
                "assessment": is_assessment,
                "passMark": quiz.pass_mark if quiz.pass_mark is not None else pass_mark,
                "attempts": quiz.attempts,
                "shuffleQuestions": quiz.shuffle_questions,
                "shuffleOptions": quiz.shuffle_options,
                "draw": quiz.draw,
                "review": quiz.review,
                "layout": quiz.layout or ("one_per_page" if is_assessment else "all"),
                "questions": [
                    hide(q, answer_key(q, prompts[q.id]), salt_for(config.id, config.version, q.id))
                    if quiz.review in HIDDEN_REVIEWS
                    else answer_key(q, prompts[q.id])
                    for q in quiz.questions
                ],
            }
        )
    return {
        "course": {
            "id": config.id,
            "version": config.version,
            "title": config.title,
            "language": config.language,
        },
        "tracking": {
            "completion": tracking.completion,
            "completionPercent": tracking.completion_percent,
            "passMark": tracking.pass_mark,
            "scorm12Status": tracking.scorm12_status,
            "scored": course.assessment is not None,
            "navigation": config.navigation,
        },
        "steps": [{"kind": s.kind, "id": s.id, "module": s.module_id} for s in steps],
        "required": [lesson.id for lesson in course.required_lessons],
        "quizzes": quizzes,
        "scenarios": [
            scenario_data(scenario, lesson.translations)
            for lesson in course.lessons()
            for scenario in lesson.scenarios
        ],
        "strings": dict(strings),
    }


def decision_key(scenario: Scenario, step: ScenarioStep, title: str) -> dict[str, Any]:
    """A scenario decision as the runtime reports it: a ``choice`` interaction whose
    response is the id of the step the learner went to."""
    good = [t for t in step.choices if scenario.outcome_of(t) == "good"]
    return {
        "id": interaction_id(scenario, step),
        "type": "scenario",
        "weight": 1 if scenario.scored else 0,
        "options": list(step.choices),
        "correct": good if scenario.scored else [],
        "text": title,
    }


def scenario_data(scenario: Scenario, translations: Mapping[str, str]) -> dict[str, Any]:
    title = " ".join(translations.get(scenario.title, scenario.title).split())
    return {
        "id": scenario.id,
        "scored": scenario.scored,
        "first": scenario.steps[0].id,
        "outcomes": {step.id: step.outcome for step in scenario.steps if step.outcome},
        "decisions": [decision_key(scenario, step, title) for step in scenario.decisions()],
    }
