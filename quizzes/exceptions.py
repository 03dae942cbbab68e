"""Errors raised by quizzes services and question types; messages are for the user."""

from __future__ import annotations


class QuizError(Exception):
    """A rule of quizzes was broken; the message is for the user (translated with gettext)."""


class AnswerRefused(QuizError):
    """An answer could not be stored; ``code`` says why (closed, overdue, not_in_attempt, invalid, order)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
