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


# --- Quiz lessons: their grades and whether they are ready ----------------------------------------
# The quizzes app answers both through providers it registers in AppConfig.ready():
#   scores(officer_ids, lesson_ids) -> {(officer id, lesson id): grade in percent (Decimal)}, each quiz's
#       grade taken by its own grading method; missing keys: not graded yet.
#   readiness(lesson_ids) -> {lesson id: QUIZ_OK | QUIZ_MISSING | QUIZ_EMPTY}

QUIZ_OK, QUIZ_MISSING, QUIZ_EMPTY = "ok", "missing", "empty"

_score_providers: list[Callable[..., dict]] = []
_readiness_providers: list[Callable[..., dict]] = []


def register_lesson_scores(func: Callable[..., dict]) -> Callable[..., dict]:
    if func not in _score_providers:
        _score_providers.append(func)
    return func


def register_lesson_readiness(func: Callable[..., dict]) -> Callable[..., dict]:
    if func not in _readiness_providers:
        _readiness_providers.append(func)
    return func


def lesson_scores(*, officer_ids: list[int], lesson_ids: list[int]) -> dict:
    """{(officer id, lesson id): percent} from every provider (none registered: no grades)."""
    scores: dict = {}
    if not officer_ids or not lesson_ids:
        return scores
    for provider in _score_providers:
        scores.update(provider(officer_ids=officer_ids, lesson_ids=lesson_ids))
    return scores


def lesson_readiness(*, lesson_ids: list[int]) -> dict[int, str]:
    """{lesson id: QUIZ_OK | QUIZ_MISSING | QUIZ_EMPTY}; a lesson no provider knows has no quiz."""
    states = {lesson_id: QUIZ_MISSING for lesson_id in lesson_ids}
    for provider in _readiness_providers:
        states.update(provider(lesson_ids=lesson_ids))
    return states
