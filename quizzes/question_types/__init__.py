"""The question-type registry: one class per type, registered once (see quizzes/README.md).

    from quizzes.question_types import question_type_for
    kind = question_type_for(version.qtype)
    kind.grade(data, response)              # -> Grade(fraction, state, feedback, matched)
    kind.distribution(data, responses)      # -> {"a1": 12, "a2": 3, "": 1}
"""

from quizzes.question_types.base import (
    BLANK,
    CORRECT,
    NEEDS_GRADING,
    PARTIAL,
    UNANSWERED,
    WRONG,
    Grade,
    PostedFields,
    QuestionTypeBase,
    TypedAnswerBase,
    question_type_for,
    question_types,
    register,
)
from quizzes.question_types import essay, matching, multichoice, numerical, shortanswer, truefalse  # noqa: E402, F401, I001  (registers the types)
from quizzes.question_types.numerical import numerical_matches, parse_number
from quizzes.question_types.shortanswer import shortanswer_matches

__all__ = [
    "BLANK",
    "CORRECT",
    "NEEDS_GRADING",
    "PARTIAL",
    "UNANSWERED",
    "WRONG",
    "Grade",
    "PostedFields",
    "QuestionTypeBase",
    "TypedAnswerBase",
    "numerical_matches",
    "parse_number",
    "question_type_for",
    "question_types",
    "register",
    "shortanswer_matches",
]
