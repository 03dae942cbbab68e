"""Where other apps attach a link to a lesson (quizzes registers the quiz of a "quiz" lesson).

learning never imports those apps: they call `register_lesson_link(func)` in their AppConfig.ready(),
with func(lesson, request) -> (url, label) | None. The first function that answers wins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LessonLink = Callable[[Any, Any], "tuple[str, str] | None"]

_providers: list[LessonLink] = []


def register_lesson_link(func: LessonLink) -> LessonLink:
    """Add a provider (idempotent: registering the same function twice keeps one). Usable as a decorator."""
    if func not in _providers:
        _providers.append(func)
    return func


def unregister_lesson_link(func: LessonLink) -> None:
    if func in _providers:
        _providers.remove(func)


def lesson_link(lesson, request) -> tuple[str, str] | None:  # noqa: ANN001
    """The (url, label) of the first provider that knows this lesson, or None."""
    for provider in _providers:
        answer = provider(lesson, request)
        if answer:
            return answer
    return None
