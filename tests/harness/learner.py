"""A learner who drives a course through its real user interface (Playwright)."""

from __future__ import annotations

from playwright.sync_api import Frame

from coursepack.model import (
    FillIn,
    Likert,
    Matching,
    MultipleResponse,
    Numeric,
    Ordering,
    Question,
    Quiz,
    SingleChoice,
    TrueFalse,
)


def by_id(element_id: str) -> str:
    # Course ids may contain '.', which CSS reads as a class selector.
    return f'[id="{element_id}"]'


def go_to(frame: Frame, step_id: str) -> None:
    """Through the contents menu, opening it first where it is collapsed (phones)."""
    if frame.is_visible(".cp-menu-toggle"):
        frame.click(".cp-menu-toggle")
    frame.click(f'#cp-toc [data-step-link="{step_id}"]')
    frame.wait_for_selector(f"{by_id(step_id)}.cp-current")


def read_every_page(frame: Frame) -> None:
    """Start at the first page and press Next until the last one."""
    while True:
        frame.wait_for_selector(".cp-step.cp-current")
        if frame.is_disabled(".cp-next"):
            return
        frame.click(".cp-next")


def _reorder(frame: Frame, qid: str, wanted: list[str]) -> None:
    for position, item in enumerate(wanted):
        while True:
            current = frame.eval_on_selector_all(
                f"{by_id(qid)} [data-item]", "els => els.map(e => e.dataset.item)"
            )
            if current.index(item) <= position:
                break
            frame.click(f'{by_id(qid)} [data-item="{item}"] [data-move="-1"]')


def answer(frame: Frame, question: Question, *, correctly: bool) -> None:
    qid = f"q-{question.id}"
    if isinstance(question, SingleChoice | MultipleResponse):
        for option in question.options:
            if option.correct == correctly or (
                not correctly and isinstance(question, MultipleResponse)
            ):
                frame.check(by_id(f"{qid}-{option.id}"))
                if isinstance(question, SingleChoice):
                    break
    elif isinstance(question, TrueFalse):
        value = question.answer if correctly else not question.answer
        frame.check(by_id(f"{qid}-{'true' if value else 'false'}"))
    elif isinstance(question, FillIn):
        frame.fill(by_id(f"{qid}-input"), question.answers[0] if correctly else "je ne sais pas")
    elif isinstance(question, Numeric):
        value = question.answer if question.answer is not None else question.min
        assert value is not None
        frame.fill(by_id(f"{qid}-input"), str(value if correctly else value + 1000))
    elif isinstance(question, Matching):
        ids = [pair.id for pair in question.pairs]
        targets = ids if correctly else ids[1:] + ids[:1]
        for source, target in zip(ids, targets, strict=True):
            frame.select_option(by_id(f"{qid}-{source}"), target)
    elif isinstance(question, Ordering):
        order = [item.id for item in question.items]
        _reorder(frame, qid, order if correctly else list(reversed(order)))
    elif isinstance(question, Likert):
        frame.check(by_id(f"{qid}-{question.scale[0].id}"))


def shown_questions(frame: Frame, quiz: Quiz) -> list[Question]:
    """The questions of the current attempt (all of them, unless the quiz draws), in
    the order the learner meets them (one per page or all on one)."""
    ids = frame.eval_on_selector_all(
        f"{by_id(quiz.id)} [data-question]:not([hidden])", "els => els.map(e => e.dataset.question)"
    )
    questions = {q.id: q for q in quiz.questions}
    return [questions[i] for i in ids]


def is_paged(frame: Frame, quiz: Quiz) -> bool:
    return bool(frame.eval_on_selector(by_id(quiz.id), "e => e.classList.contains('cp-paged')"))


def answer_in_turn(frame: Frame, quiz: Quiz, questions: list[Question], wrong: set[str]) -> None:
    """Answer the questions in the order shown, turning pages in a paged quiz."""
    paged = is_paged(frame, quiz)
    for index, question in enumerate(questions):
        answer(frame, question, correctly=question.id not in wrong)
        if paged and index < len(questions) - 1:
            frame.click(f"{by_id(quiz.id)} .cp-q-next")


def start(frame: Frame) -> None:
    """Leave the cover page by its Start (or Resume) button."""
    frame.click(".cp-start")
    frame.wait_for_selector(".cp-step.cp-current:not(.cp-cover)")


def drawn(quiz: Quiz) -> int:
    return quiz.draw or len(quiz.questions)


def take_quiz(frame: Frame, quiz: Quiz, *, wrong: int = 0, navigate: bool = True) -> None:
    """Answer every question, the first ``wrong`` scored ones incorrectly, and submit."""
    if navigate:
        go_to(frame, quiz.id)
    # With a pool ('draw'), only the questions this attempt shows are answered.
    shown = shown_questions(frame, quiz)
    scored = [q for q in shown if q.weight > 0]
    wrong_ids = {q.id for q in scored[:wrong]}
    answer_in_turn(frame, quiz, shown, wrong_ids)
    frame.click(f"{by_id(quiz.id)} .cp-submit")
    frame.wait_for_selector(f"{by_id(quiz.id)} .cp-result:not(:empty)")


def retry_quiz(frame: Frame, quiz: Quiz) -> None:
    frame.click(f"{by_id(quiz.id)} .cp-retry")
