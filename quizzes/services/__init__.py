"""Writes owned by quizzes, one module per part: ``bank`` (categories, questions, import and export),
``setup`` (slots, overrides), ``attempts`` (start, answer saves, submit, closing), ``grading`` (manual
grading, regrade). Every public name is re-exported here: callers use ``quizzes.services.<name>``."""

from quizzes.exceptions import AnswerRefused, QuizError
from quizzes.services.attempts import (
    attempt_advance,
    attempt_answer_save,
    attempt_close_overdue,
    attempt_refresh,
    attempt_start,
    attempt_submit,
    response_build,
)
from quizzes.services.bank import (
    ImportResult,
    category_create,
    category_get_or_create_path,
    question_archive,
    question_create,
    question_import_apply,
    question_import_preview,
    question_update,
    questions_export_gift,
    questions_import,
    questions_parse,
)
from quizzes.services.grading import answer_grade_manual, quiz_regrade
from quizzes.services.setup import (
    MAX_SLOT_MARK,
    QUIZ_FIELDS,
    override_set,
    quiz_create,
    quiz_slot_add,
    quiz_slot_mark_set,
    quiz_slot_move,
    quiz_slot_remove,
    quiz_update,
)


__all__ = [
    "AnswerRefused",
    "ImportResult",
    "MAX_SLOT_MARK",
    "QUIZ_FIELDS",
    "QuizError",
    "answer_grade_manual",
    "attempt_advance",
    "attempt_answer_save",
    "attempt_close_overdue",
    "attempt_refresh",
    "attempt_start",
    "attempt_submit",
    "category_create",
    "category_get_or_create_path",
    "override_set",
    "question_archive",
    "question_create",
    "question_import_apply",
    "question_import_preview",
    "question_update",
    "questions_export_gift",
    "questions_import",
    "questions_parse",
    "quiz_create",
    "quiz_regrade",
    "quiz_slot_add",
    "quiz_slot_mark_set",
    "quiz_slot_move",
    "quiz_slot_remove",
    "quiz_update",
    "response_build",
]
