"""Loading a course folder: files -> :class:`~coursepack.model.Course` plus diagnostics.

YAML is read as YAML 1.2 by :mod:`coursepack.yaml12`, so ``no`` stays a string and
every mapping and sequence knows its line and column. Validation errors
from the models are mapped back onto those positions. Loading goes on after a
problem wherever it can, so one run reports every problem in the course.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.error import MarkedYAMLError

from coursepack import yaml12
from coursepack.diagnostics import Diagnostic, Location, error, sorted_unique, warning
from coursepack.errors import UsageError
from coursepack.model import (
    Course,
    CourseConfig,
    Lesson,
    LessonMeta,
    Module,
    ModuleEntry,
    Quiz,
    Scenario,
)
from coursepack.paths import OUTSIDE, case_hint, exists_exact, is_inside

COURSE_FILE = "course.yml"
QUIZ_SUFFIXES = {".yml", ".yaml"}
FRONT_MATTER_FENCE = "---"

M = TypeVar("M", bound=BaseModel)


@dataclass
class _Collector:
    """Diagnostics gathered while loading one course."""

    items: list[Diagnostic] = field(default_factory=list)
    # Lesson references as written, lower-cased: a file named with other letter case
    # already has its error, so it is not also "unlisted".
    mentioned: set[str] = field(default_factory=set)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)


def _parse_yaml(text: str, where: Location, out: _Collector) -> Any:
    """Parse YAML text whose first line is ``where.line``; ``None`` on a syntax error."""
    try:
        return yaml12.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = where.line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 0
        problem = exc.problem or exc.context or "invalid YAML"
        out.add(error(where.at(line, col), "CP101", f"invalid YAML: {problem}"))
    except Exception as exc:  # ruamel raises several unrelated classes (e.g. duplicate keys)
        out.add(error(where, "CP101", f"invalid YAML: {exc}"))
    return None


# ------------------------------------------------------------- error positions


def _position(node: Any, key: Any, *, of_key: bool) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if isinstance(node, dict):
            line, col = lc.key(key) if of_key else lc.value(key)
        elif isinstance(node, list):
            line, col = lc.item(key)
        else:
            return None
    except (KeyError, IndexError, TypeError):
        return None
    return line + 1, col + 1


def _locate(raw: Any, loc: Sequence[int | str], start: Location, *, of_key: bool) -> Location:
    """Walk a pydantic error path through the YAML tree to the best position."""
    node = raw
    best = (
        start.at(node.lc.line + start.line, node.lc.col + 1) if getattr(node, "lc", None) else start
    )
    for i, key in enumerate(loc):
        last = i == len(loc) - 1
        # Discriminated unions insert the tag ('single_choice') into the path; it is
        # not a key of the YAML mapping, so skip it.
        if isinstance(node, dict) and key not in node:
            continue
        if isinstance(node, list) and not (isinstance(key, int) and key < len(node)):
            continue
        position = _position(node, key, of_key=of_key and last)
        if position is not None:
            best = start.at(position[0] + start.line - 1, position[1])
        node = node[key]
        if getattr(node, "lc", None) is not None and not last:
            best = start.at(node.lc.line + start.line, node.lc.col + 1)
    return best


def _message(err: ErrorDetails) -> tuple[str, str]:
    """A stable code and a readable message for one pydantic error."""
    loc = err["loc"]
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    kind = err["type"]
    if kind == "extra_forbidden":
        return "CP102", f"unknown key '{name}'"
    if kind == "missing":
        return "CP103", f"missing required key '{name}'"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx") or {}
        return "CP104", (
            f"unknown question type {ctx.get('tag', '')!s}; expected one of {ctx.get('expected_tags', '')}"
        )
    if kind == "union_tag_not_found":
        return "CP103", "missing required key 'type'"
    if kind == "value_error":
        text = str(err["msg"]).removeprefix("Value error, ")
        return "CP106", text
    if kind == "string_pattern_mismatch" and name in {"id", "version", "language"}:
        hint = {
            "id": "an identifier starts with a letter or '_' and uses only letters, digits, '_' and '.'",
            "version": "a version uses letters, digits, '.', '_', '+' and '-'",
            "language": "use a BCP 47 tag such as 'fr' or 'pt-BR'",
        }[name]
        return "CP105", f"invalid '{name}' {err['input']!r}: {hint}"
    where = f"'{name}': " if name else ""
    return "CP105", f"{where}{err['msg'][0].lower()}{err['msg'][1:]}"


def _node_at(raw: Any, loc: Sequence[int | str]) -> Any:
    """The YAML node a pydantic error path leads to (skipping union tags), or ``None``."""
    node = raw
    for key in loc:
        if isinstance(node, dict) and key in node:  # noqa: SIM114 (typed apart for mypy)
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        elif not isinstance(node, dict):
            return None
    return node


def _flow_comma(raw: Any, err: ErrorDetails) -> str | None:
    """The text an unquoted comma cut in two inside a ``{...}`` mapping, if that is the error.

    In a flow mapping such as ``{id: a, text: Yes, even commercially}`` YAML ends the
    value at the comma and reads ``even commercially`` as a key without a value.
    """
    if err["type"] != "extra_forbidden":
        return None
    mapping = _node_at(raw, err["loc"][:-1])
    name = err["loc"][-1]
    layout = getattr(mapping, "fa", None)
    if not isinstance(mapping, dict) or layout is None or not layout.flow_style():
        return None
    if mapping.get(name) is not None:
        return None
    keys = list(mapping)
    index = keys.index(name)
    if index == 0:
        return None
    before = keys[index - 1]
    previous = mapping[before]
    if not isinstance(previous, str):
        return None
    text = f"{previous}, {name}"
    return (
        f"unquoted comma in '{{...}}': the text of '{before}' stops at its comma; "
        f'quote it: {before}: "{text}"'
    )


def _item_shape(model: type[BaseModel]) -> str:
    fields = [
        name for name, info in model.model_fields.items() if info.is_required() and name != "source"
    ]
    return "{" + ", ".join(fields) + "}"


def _wrong_item(err: ErrorDetails, models: dict[str, type[BaseModel]]) -> str | None:
    """'each item needs {id, text}' for a list item that is not a mapping."""
    if err["type"] not in {"model_type", "model_attributes_type", "dict_type"}:
        return None
    loc = err["loc"]
    if len(loc) < 2 or not isinstance(loc[-1], int):
        return None
    ctx = err.get("ctx") or {}
    model = models.get(str(ctx.get("class_name", "")))
    if model is None:
        return None
    return f"'{loc[-2]}': each item needs {_item_shape(model)}"


def _as_string_hint(err: ErrorDetails) -> str | None:
    loc = err["loc"]
    if err["type"] != "string_type" or not loc or loc[-1] not in {"version", "id"}:
        return None
    value = err["input"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return f"'{loc[-1]}' is read as a number; write it as a string: {loc[-1]}: \"{value}\""


def _validate(model: type[M], raw: Any, where: Location, out: _Collector) -> M | None:
    if not isinstance(raw, dict):
        out.add(error(where, "CP105", "expected a mapping of keys to values"))
        return None
    try:
        return model.model_validate(raw, context={"file": where.file, "first_line": where.line})
    except ValidationError as exc:
        models = _models_by_name()
        reported_lists: set[tuple[int | str, ...]] = set()
        for err in exc.errors():
            code, message = _message(err)
            loc: Sequence[int | str] = err["loc"]
            of_key = err["type"] == "extra_forbidden"
            if (hint := _flow_comma(raw, err)) is not None:
                code, message = "CP107", hint
            elif (hint := _wrong_item(err, models)) is not None:
                # One message per list, at the list, in the author's words.
                if tuple(loc[:-1]) in reported_lists:
                    continue
                reported_lists.add(tuple(loc[:-1]))
                code, message, loc, of_key = "CP105", hint, loc[:-1], True
            elif (hint := _as_string_hint(err)) is not None:
                message = hint
            elif not loc and err["type"] == "value_error":
                # A rule about the whole mapping that names one of its keys ('draw')
                # is shown at that key.
                named = next(
                    (k for k in raw if isinstance(k, str) and message.startswith(f"'{k}'")), None
                )
                if named is not None:
                    loc = (named,)
            location = _locate(raw, loc, where, of_key=of_key)
            out.add(error(location, code, message))
    return None


def _models_by_name() -> dict[str, type[BaseModel]]:
    from coursepack import model as models

    return {
        name: value
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, BaseModel)
    }


# ------------------------------------------------------------------- file access


def _resolve(course_root: Path, reference: str, where: Location, out: _Collector) -> Path | None:
    """A course-relative reference as a file inside the course folder, or ``None``."""
    posix = PurePosixPath(reference)
    if posix.is_absolute() or ".." in posix.parts or "\\" in reference:
        out.add(
            error(
                where,
                "CP201",
                f"'{reference}' must be a relative path inside the course folder, with '/' separators",
            )
        )
        return None
    path = course_root.joinpath(*posix.parts)
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        out.add(error(where, "CP202", f"'{reference}' is {kind}, not a file the course can use"))
        return None
    if not exists_exact(course_root, posix):
        out.add(
            error(where, "CP202", f"file not found: '{reference}'{case_hint(course_root, posix)}")
        )
        return None
    if not is_inside(course_root, path):
        out.add(error(where, "CP207", f"'{reference}' {OUTSIDE}"))
        return None
    if not path.is_file():
        out.add(error(where, "CP202", f"'{reference}' is not a regular file"))
        return None
    return path


def _read_text(path: Path, where: Location, out: _Collector) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        out.add(error(where, "CP203", f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
    except OSError as exc:
        out.add(error(where, "CP203", f"cannot read file: {exc.strerror}"))
    return None


def _value_location(node: Any, key: Any, file: Location) -> Location:
    position = _position(node, key, of_key=False)
    return file.at(*position) if position else file


# ------------------------------------------------------------------------ pieces


def load_lesson(path: Path, out: _Collector) -> Lesson | None:
    start = Location(path, 1, 1)
    text = _read_text(path, start, out)
    if text is None:
        return None
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FRONT_MATTER_FENCE:
        out.add(
            error(
                start,
                "CP301",
                "a lesson starts with YAML front matter between '---' lines (with at least 'id' and 'title')",
            )
        )
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FRONT_MATTER_FENCE), None)
    if end is None:
        out.add(error(start, "CP301", "the front matter has no closing '---' line"))
        return None
    raw = _parse_yaml("".join(lines[1:end]), Location(path, 2, 1), out)
    if raw is None:
        if end == 1 or not "".join(lines[1:end]).strip():
            out.add(error(start.at(2, 1), "CP103", "missing required keys 'id' and 'title'"))
        return None
    meta = _validate(LessonMeta, raw, Location(path, 2, 1), out)
    if meta is None:
        return None
    body = "".join(lines[end + 1 :])
    scenarios: tuple[Scenario, ...] = ()
    if ":::" in body:
        from coursepack.blocks import structure_parser
        from coursepack.blocks.scenario import scenarios_in

        found, problems = scenarios_in(structure_parser().parse(body), path, end + 2)
        scenarios = tuple(found)
        for problem in problems:
            out.add(problem)
    return Lesson(meta=meta, body=body, path=path, body_line=end + 2, scenarios=scenarios)


def load_quiz(path: Path, out: _Collector) -> Quiz | None:
    start = Location(path, 1, 1)
    text = _read_text(path, start, out)
    if text is None:
        return None
    raw = _parse_yaml(text, start, out)
    if raw is None:
        return None
    return _validate(Quiz, raw, start, out)


def _load_lessons(
    course_root: Path, seq: Any, file: Location, seen: dict[Path, Location], out: _Collector
) -> tuple[Lesson, ...]:
    lessons: list[Lesson] = []
    if not isinstance(seq, list):
        return ()
    for index, reference in enumerate(seq):
        if not isinstance(reference, str):
            continue  # the model reports the wrong type
        where = _value_location(seq, index, file)
        out.mentioned.add(reference.lower())
        path = _resolve(course_root, reference, where, out)
        if path is None:
            continue
        if path in seen:
            out.add(
                error(where, "CP204", f"'{reference}' is already used at {seen[path].display()}")
            )
            continue
        seen[path] = where
        lesson = load_lesson(path, out)
        if lesson is not None:
            lessons.append(lesson)
    return tuple(lessons)


def _load_quiz_ref(
    course_root: Path, node: Any, key: str, file: Location, out: _Collector
) -> Quiz | None:
    reference = node.get(key) if isinstance(node, dict) else None
    if not isinstance(reference, str):
        return None
    where = _value_location(node, key, file)
    if PurePosixPath(reference).suffix.lower() not in QUIZ_SUFFIXES:
        out.add(
            error(
                where,
                "CP205",
                f"'{key}' names a quiz file (.yml), but '{reference}' is not one; "
                "lessons go under 'lessons:'",
            )
        )
        return None
    path = _resolve(course_root, reference, where, out)
    return load_quiz(path, out) if path is not None else None


# ------------------------------------------------------------------------ course

LESSONS_DIR = "lessons"


def _unlisted_lessons(
    root: Path, listed: dict[Path, Location], mentioned: set[str]
) -> list[Diagnostic]:
    """A lesson file that no module lists is usually a forgotten line in course.yml."""
    folder = root / LESSONS_DIR
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.rglob("*.md") if p.is_file() and not p.is_symlink())
    return [
        warning(
            Location(path),
            "CP206",
            f"'{path.relative_to(root).as_posix()}' is not listed in {COURSE_FILE}; "
            "add it to a module's 'lessons' (or 'appendix') or remove it",
        )
        for path in found
        if path not in listed and path.relative_to(root).as_posix().lower() not in mentioned
    ]


@dataclass(frozen=True)
class LoadResult:
    """What was loaded, and every problem found while loading.

    ``course`` is set when ``course.yml`` itself is valid, even if some lesson or
    quiz was not: the checks then still run on everything that did load, so one run
    reports all problems. ``lessons`` and ``quizzes`` hold every file that loaded.
    """

    course: Course | None
    lessons: tuple[Lesson, ...]
    quizzes: tuple[Quiz, ...]
    diagnostics: list[Diagnostic]


def load_course(course_root: Path) -> LoadResult:
    root = course_root.resolve()
    config_path = root / COURSE_FILE
    if not config_path.is_file():
        raise UsageError(f"no {COURSE_FILE} in '{course_root}': is this a course folder?")
    if not is_inside(root, config_path):
        raise UsageError(f"{COURSE_FILE} {OUTSIDE}")
    out = _Collector()
    file = Location(config_path, 1, 1)
    text = _read_text(config_path, file, out)
    raw = _parse_yaml(text, file, out) if text is not None else None
    if raw is None and text is not None and not out.items:
        out.add(error(file, "CP103", f"{COURSE_FILE} is empty: it needs at least id, version, "
                      "language, title, description and modules"))  # fmt: skip
    config = _validate(CourseConfig, raw, file, out) if raw is not None else None

    # Go on from the raw tree even when course.yml is invalid, so the lessons and
    # quizzes it names are checked in the same run.
    seen: dict[Path, Location] = {}
    modules: list[Module] = []
    all_lessons: list[Lesson] = []
    all_quizzes: list[Quiz] = []
    raw_modules = raw.get("modules") if isinstance(raw, dict) else None
    for index, raw_module in enumerate(raw_modules if isinstance(raw_modules, list) else []):
        if not isinstance(raw_module, dict):
            continue
        lessons = _load_lessons(root, raw_module.get("lessons"), file, seen, out)
        quiz = _load_quiz_ref(root, raw_module, "quiz", file, out)
        all_lessons.extend(lessons)
        all_quizzes.extend([quiz] if quiz else [])
        if config is not None and index < len(config.modules):
            modules.append(Module(entry=config.modules[index], lessons=lessons, quiz=quiz))
    assessment = _load_quiz_ref(root, raw, "assessment", file, out)
    all_quizzes.extend([assessment] if assessment else [])
    appendix = _load_lessons(
        root, raw.get("appendix") if isinstance(raw, dict) else None, file, seen, out
    )
    all_lessons.extend(appendix)

    if raw is not None:
        out.items.extend(_unlisted_lessons(root, seen, out.mentioned))

    course = None
    if config is not None:
        course = Course(
            root=root,
            config=config,
            modules=tuple(modules),
            assessment=assessment,
            appendix=appendix,
        )
    return LoadResult(
        course=course,
        lessons=tuple(all_lessons),
        quizzes=tuple(all_quizzes),
        diagnostics=sorted_unique(out.items),
    )


__all__ = ["COURSE_FILE", "LoadResult", "ModuleEntry", "load_course", "load_lesson", "load_quiz"]
