"""Automatic grading by question type (no database), kept for callers of the first API.

The rules live in the question-type registry (``quizzes.question_types``); these names call it.
Fractions follow Moodle: a multiple-choice question sums the fractions of the choices picked
and clamps the total to [0, 1]; short answer and numerical questions take the first accepted
answer that matches, in order.
"""

from __future__ import annotations

from typing import Any

from quizzes.question_types import question_type_for
from quizzes.question_types.base import CORRECT, NEEDS_GRADING, PARTIAL, UNANSWERED, WRONG, Grade
from quizzes.question_types.numerical import numerical_matches, parse_number
from quizzes.question_types.shortanswer import shortanswer_matches

__all__ = [
    "CORRECT", "NEEDS_GRADING", "PARTIAL", "UNANSWERED", "WRONG", "Grade", "grade", "grade_description",
    "grade_essay", "grade_matching", "grade_multichoice", "grade_numerical", "grade_shortanswer",
    "grade_truefalse", "is_blank", "numerical_matches", "parse_number", "right_answer", "shortanswer_matches",
]


def grade(qtype: str, data: dict[str, Any], response: dict[str, Any] | None) -> Grade:
    """The automatic grade of ``response`` to a question of type ``qtype``."""
    return question_type_for(qtype).grade(data, response)


def is_blank(qtype: str, response: Any) -> bool:  # noqa: ANN401
    """Whether ``response`` answers nothing."""
    return question_type_for(qtype).is_blank(response)


def right_answer(qtype: str, data: dict[str, Any]) -> list[str]:
    """Texts of the right answer(s), for the review only."""
    return question_type_for(qtype).right_answers(data)


grade_multichoice = question_type_for("multichoice").grade
grade_truefalse = question_type_for("truefalse").grade
grade_shortanswer = question_type_for("shortanswer").grade
grade_numerical = question_type_for("numerical").grade
grade_matching = question_type_for("matching").grade
grade_essay = question_type_for("essay").grade
grade_description = question_type_for("description").grade
