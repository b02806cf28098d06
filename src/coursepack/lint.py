"""Item lint: located warnings about quiz items that give the answer away or teach
nothing after a mistake.

Test-wise learners pick the longest option, and notice that multiple-response items
always have exactly one wrong option; a final assessment without a pool shows the
same items at every attempt; ``review: feedback`` shows nothing for an item without
feedback; a fill-in item with one accepted answer marks reasonable variants wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from coursepack.diagnostics import Diagnostic, Location, warning
from coursepack.model import Course, FillIn, Likert, MultipleResponse, Question, Quiz, SingleChoice

# A quiz needs this many single-choice items before "usually the longest" means much.
MIN_SINGLE_CHOICE = 3


def _where(node: Quiz | Question) -> Location:
    return node.source or Location(Path())


def longest_is_correct(quiz: Quiz) -> list[Diagnostic]:
    items = [q for q in quiz.questions if isinstance(q, SingleChoice)]
    if len(items) < MIN_SINGLE_CHOICE:
        return []
    giveaways = 0
    for item in items:
        correct = next(o for o in item.options if o.correct)
        others = [len(o.text) for o in item.options if not o.correct]
        if len(correct.text) > max(others):
            giveaways += 1
    if giveaways * 2 <= len(items):
        return []
    return [
        warning(
            _where(quiz),
            "CP521",
            f"in {giveaways} of {len(items)} single-choice items the correct option is the "
            "longest: learners can guess it; vary the lengths",
        )
    ]


def one_wrong_option_everywhere(quiz: Quiz) -> list[Diagnostic]:
    items = [q for q in quiz.questions if isinstance(q, MultipleResponse)]
    if len(items) < 2:
        return []
    wrong = {sum(1 for o in item.options if not o.correct) for item in items}
    if wrong != {1}:
        return []
    return [
        warning(
            _where(quiz),
            "CP522",
            f"all {len(items)} multiple-response items have exactly one wrong option: "
            "learners can guess the pattern; vary the number of wrong options",
        )
    ]


def missing_feedback(quiz: Quiz) -> list[Diagnostic]:
    if quiz.review != "feedback":
        return []
    found = []
    for question in quiz.questions:
        if isinstance(question, Likert):
            continue
        feedback = question.feedback
        if feedback is None or not feedback.correct or not feedback.incorrect:
            found.append(
                warning(
                    _where(question),
                    "CP523",
                    f"'{question.id}' has no correct and incorrect feedback, but the quiz "
                    "shows only feedback after submitting (review: feedback)",
                )
            )
    return found


def unpooled_assessment(course: Course) -> list[Diagnostic]:
    quiz = course.assessment
    if quiz is None or not (quiz.attempts is None or quiz.attempts > 1):
        return []
    if quiz.draw is not None and quiz.draw < len(quiz.questions):
        return []
    return [
        warning(
            _where(quiz),
            "CP524",
            "the final assessment allows several attempts but has no pool: every attempt "
            "shows the same items; add questions and set 'draw'",
        )
    ]


def single_answer_fill_in(quiz: Quiz) -> list[Diagnostic]:
    return [
        warning(
            _where(question),
            "CP525",
            f"fill-in '{question.id}' accepts one answer only: add the plural, synonyms or "
            "the number in words",
        )
        for question in quiz.questions
        if isinstance(question, FillIn) and len(question.answers) == 1
    ]


def lint_items(course: Course) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    quizzes: Iterable[Quiz] = course.quizzes()
    for quiz in quizzes:
        found += longest_is_correct(quiz)
        found += one_wrong_option_everywhere(quiz)
        found += missing_feedback(quiz)
        found += single_answer_fill_in(quiz)
    found += unpooled_assessment(course)
    return found
