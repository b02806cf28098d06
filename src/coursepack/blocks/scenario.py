"""Branching scenarios ("Que feriez-vous ?"): a situation, choices, consequences.

Written in a lesson as a container of steps; a step's last bullet list whose items
are each one link to ``#<step id>`` is its choices, and a step without choices is an
ending. ``good``/``bad`` after a step id mark the consequence it shows; in a
``scored`` scenario a choice leading to a ``good`` step is correct and one leading to
a ``bad`` step incorrect::

    :::: scenario accueil Que feriez-vous ?
    ::: step debut
    Un participant de 15 ans vous demande votre numéro.

    - [Vous le lui donnez](#numero)
    - [Vous proposez la page de discussion](#discussion)
    :::
    ::: step numero bad
    …
    :::
    ::::

This module reads the structure (at load time, for tracking, state size and the
manifests) and builds the context of the ``blocks/scenario.html`` partial.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown_it.token import Token
from markupsafe import Markup

from coursepack.blocks.containers import collapse, split_info
from coursepack.diagnostics import Diagnostic, Location, error, warning
from coursepack.model import IDENTIFIER_PATTERN, Scenario, ScenarioStep

if TYPE_CHECKING:
    from coursepack.blocks.containers import BlockRenderer

OUTCOMES = ("good", "bad")
_ID = re.compile(IDENTIFIER_PATTERN)


def choice_list(tokens: Sequence[Token]) -> tuple[int, int] | None:
    """Start and end (exclusive) of the step's choice list in its tokens."""
    found = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "bullet_list_open" and token.level == tokens[0].level:
            end = _closing(tokens, index)
            if _all_fragment_links(tokens[index:end]):
                found = (index, end)
            index = end
            continue
        index += 1
    return found


def _closing(tokens: Sequence[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        depth += (
            tokens[index].nesting
            if tokens[index].type.endswith("_list_open")
            or tokens[index].type.endswith("_list_close")
            else 0
        )
        if depth == 0:
            return index + 1
    return len(tokens)


def choice_links(tokens: Sequence[Token]) -> list[Token]:
    """The inline token of each choice (one link each)."""
    return [t for t in tokens if t.type == "inline"]


def _all_fragment_links(tokens: Sequence[Token]) -> bool:
    inlines = [t for t in tokens if t.type == "inline"]
    items = [t for t in tokens if t.type == "list_item_open"]
    if not inlines or len(inlines) != len(items):
        return False
    return all(target_of(inline) is not None for inline in inlines)


def target_of(inline: Token) -> str | None:
    children = [
        c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())
    ]
    if len(children) < 2 or children[0].type != "link_open" or children[-1].type != "link_close":
        return None
    if any(c.type == "link_open" for c in children[1:]):
        return None
    href = str(children[0].attrGet("href") or "")
    return href[1:] if href.startswith("#") and len(href) > 1 else None


# ------------------------------------------------------------------ structure


def scenarios_in(
    tokens: Sequence[Token], file: Path, first_line: int
) -> tuple[list[Scenario], list[Diagnostic]]:
    """The scenarios of a lesson (``tokens`` parsed with inline children)."""
    found: list[Scenario] = []
    problems: list[Diagnostic] = []
    for block in _blocks(collapse(tokens), "scenario"):
        where = Location(file, first_line + (block.map[0] if block.map else 0), 1)
        scenario = _scenario(block, where, file, first_line, problems)
        if scenario is not None:
            found.append(scenario)
    return found, problems


def _blocks(tokens: Sequence[Token], kind: str) -> list[Token]:
    found: list[Token] = []
    for token in tokens:
        if token.type == "cp_block":
            if token.meta["kind"] == kind:
                found.append(token)
            else:
                found.extend(_blocks(token.children or [], kind))
    return found


def _scenario(
    block: Token, where: Location, file: Path, first_line: int, problems: list[Diagnostic]
) -> Scenario | None:
    words, title = split_info("scenario", block.info)
    if not words or not _ID.match(words[0]):
        problems.append(
            error(where, "CP415", "a scenario starts ':::: scenario <id> [scored] Title' "
                  "(the id: a letter first, then letters, digits, '_' or '.')")
        )  # fmt: skip
        return None
    if not title:
        problems.append(warning(where, "CP415", f"scenario '{words[0]}' has no title"))
    steps: list[ScenarioStep] = []
    for token in block.children or []:
        if token.type != "cp_block" or token.meta["kind"] != "step":
            continue
        at = Location(file, first_line + (token.map[0] if token.map else 0), 1)
        step = _step(token, at, problems)
        if step is not None:
            if any(s.id == step.id for s in steps):
                problems.append(error(at, "CP415", f"step '{step.id}' is defined twice"))
                continue
            steps.append(step)
    if not steps:
        problems.append(
            error(where, "CP415", f"scenario '{words[0]}' has no '::: step <id>' block")
        )
        return None
    scenario = Scenario(words[0], len(words) > 1, tuple(steps), where, title)
    problems.extend(_graph_problems(scenario))
    return scenario


def _step(token: Token, at: Location, problems: list[Diagnostic]) -> ScenarioStep | None:
    words, _ = split_info("step", token.info)
    if (
        not words
        or not _ID.match(words[0])
        or len(words) > 2
        or words[1:] not in ([], ["good"], ["bad"])
    ):
        problems.append(
            error(
                at, "CP415", "a step starts '::: step <id>', optionally followed by 'good' or 'bad'"
            )
        )
        return None  # fmt: skip
    children = token.children or []
    span = choice_list(children)
    inlines = choice_links(children[span[0] : span[1]]) if span else []
    targets = tuple(target for inline in inlines if (target := target_of(inline)) is not None)
    outcome = words[1] if len(words) > 1 else None
    texts = tuple(inline.content for inline in inlines)
    return ScenarioStep(words[0], outcome, targets, at, texts)  # type: ignore[arg-type]


def _graph_problems(scenario: Scenario) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    ids = {step.id for step in scenario.steps}
    for step in scenario.steps:
        for target in step.choices:
            if target not in ids:
                problems.append(
                    error(step.source, "CP415", f"choice leads to '#{target}', which is no step "
                          f"of scenario '{scenario.id}' (its steps: {', '.join(sorted(ids))})")
                )  # fmt: skip
    if not scenario.steps[0].choices:
        problems.append(error(scenario.steps[0].source, "CP415", "the first step offers no choice"))
    cycle = _cycle(scenario)
    if cycle:
        problems.append(
            error(scenario.source, "CP415", f"scenario '{scenario.id}' loops ({' → '.join(cycle)}); "
                  "a learner who wants to try again uses the restart button")
        )  # fmt: skip
    reached = _reachable(scenario)
    for step in scenario.steps:
        if step.id not in reached:
            problems.append(warning(step.source, "CP415", f"no choice leads to step '{step.id}'"))
    return problems


def _reachable(scenario: Scenario) -> set[str]:
    by_id = {step.id: step for step in scenario.steps}
    seen: set[str] = set()
    todo = [scenario.steps[0].id]
    while todo:
        current = todo.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        todo.extend(by_id[current].choices)
    return seen


def _cycle(scenario: Scenario) -> list[str]:
    """One loop of the step graph, as the ids along it (iterative: a course may hold
    thousands of steps)."""
    by_id = {step.id: step for step in scenario.steps}
    done: set[str] = set()
    for root in by_id:
        if root in done:
            continue
        path: list[str] = [root]
        on_path = {root}
        iterators = [iter(by_id[root].choices)]
        while iterators:
            target = next(iterators[-1], None)
            if target is None:
                node = path.pop()
                done.add(node)
                on_path.discard(node)
                iterators.pop()
                continue
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target in by_id and target not in done:
                path.append(target)
                on_path.add(target)
                iterators.append(iter(by_id[target].choices))
    return []


# ------------------------------------------------------------------ rendering


def mark_choices(folded: Sequence[Token]) -> None:
    """Flag the links that are scenario choices: they name steps, not headings."""
    for block in _blocks(folded, "step"):
        children = block.children or []
        span = choice_list(children)
        for inline in choice_links(children[span[0] : span[1]]) if span else []:
            for child in inline.children or []:
                if child.type == "link_open":
                    child.meta = {**(child.meta or {}), "scenario_choice": True}


def scenario_context(
    blocks: BlockRenderer,
    token: Token,
    body: Callable[[Sequence[Token]], Markup],
    inline: Callable[[Sequence[Token]], Markup],
) -> dict[str, Any]:
    words, title = split_info("scenario", token.info)
    scenario_id = words[0] if words else "scenario"
    steps = []
    intro: list[Token] = []
    for child in token.children or []:
        if child.type != "cp_block" or child.meta["kind"] != "step":
            intro.append(child)
            continue
        step_words, _ = split_info("step", child.info)
        children = child.children or []
        span = choice_list(children)
        choices = []
        if span:
            for item in choice_links(children[span[0] : span[1]]):
                words_ = [
                    c for c in item.children or [] if c.type not in {"link_open", "link_close"}
                ]
                choices.append({"to": target_of(item), "html": inline(words_)})
            rest = [*children[: span[0]], *children[span[1] :]]
        else:
            rest = list(children)
        outcome = step_words[1] if len(step_words) > 1 else None
        steps.append(
            {
                "id": step_words[0] if step_words else "",
                "dom_id": f"{blocks.prefix}--{scenario_id}--{step_words[0] if step_words else ''}",
                "outcome": outcome,
                "outcome_label": blocks.strings.get(f"scenario_{outcome}", "") if outcome else "",
                "body": body(rest),
                "choices": choices,
            }
        )
    return {
        "id": scenario_id,
        "dom_id": f"{blocks.prefix}--{scenario_id}",
        "title": blocks.title(title),
        "scored": len(words) > 1,
        "intro": body(intro),
        "steps": steps,
        "t": blocks.strings,
    }
