"""Quiz set-up: quizzes themselves, slots, their order and marks, per-officer overrides."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from core.fragments import panel_cache_bump, panel_cache_bump_all
from core.models import User
from org.models import Officer
from quizzes.exceptions import QuizError
from quizzes.models import Override, Question, QuestionCategory, Quiz, QuizSlot


# ---------------------------------------------------------------- quizzes

QUIZ_FIELDS = ("title", "description", "audience", "open_at", "close_at", "time_limit_minutes", "attempts_allowed",
               "grading_method", "pass_mark", "shuffle_questions", "shuffle_answers", "navigation", "review_when",
               "review_marks_when", "review_correct_when", "review_feedback_when", "lesson", "is_published")


def _quiz_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(QUIZ_FIELDS)
    if unknown:
        raise TypeError(f"unknown quiz fields: {sorted(unknown)}")
    return fields


@transaction.atomic
def quiz_create(*, by: User | None, **fields: Any) -> Quiz:  # noqa: ANN401
    """Create a quiz from ``fields`` (names in ``QUIZ_FIELDS``, already validated by ``QuizForm``).

    Drops everyone's cached "quizzes" home panel when the transaction commits (a published quiz
    appears there at once)."""
    quiz = Quiz.objects.create(created_by=by, **_quiz_fields(fields))
    panel_cache_bump_all(panel="quizzes")
    return quiz


@transaction.atomic
def quiz_update(*, quiz: Quiz, **fields: Any) -> Quiz:  # noqa: ANN401
    """Change a quiz's settings (names in ``QUIZ_FIELDS``). Started attempts keep their deadline and
    layout. Drops everyone's cached "quizzes" home panel when the transaction commits (publishing,
    unpublishing or new times change who sees it)."""
    for name, value in _quiz_fields(fields).items():
        setattr(quiz, name, value)
    quiz.save()
    panel_cache_bump_all(panel="quizzes")
    return quiz


@transaction.atomic
def quiz_slot_add(*, quiz: Quiz, question: Question | None = None, random_category: QuestionCategory | None = None,
                  count: int = 1, mark: Decimal | None = None, include_subcategories: bool = False) -> list[QuizSlot]:
    """Append a fixed question, or `count` random slots drawing from `random_category`."""
    if (question is None) == (random_category is None):
        raise QuizError(_("Choose a question, or a category to draw from at random."))
    position = (quiz.slots.aggregate(p=Max("position"))["p"] or 0)
    if question is not None:
        if quiz.slots.filter(question=question).exists():
            raise QuizError(_("This question is already in the quiz."))
        version = question.current_version
        return [QuizSlot.objects.create(quiz=quiz, position=position + 1, question=question,
                                        mark=version.default_mark if mark is None else mark)]
    return [QuizSlot.objects.create(quiz=quiz, position=position + 1 + i, random_category=random_category,
                                    include_subcategories=include_subcategories,
                                    mark=Decimal(1) if mark is None else mark)
            for i in range(max(1, count))]


@transaction.atomic
def quiz_slot_remove(*, slot: QuizSlot) -> None:
    """Remove a slot and close the gap in positions; attempts already started keep their layout."""
    quiz_id, position = slot.quiz_id, slot.position
    slot.delete()
    for later in QuizSlot.objects.filter(quiz_id=quiz_id, position__gt=position).order_by("position"):
        QuizSlot.objects.filter(pk=later.pk).update(position=F("position") - 1)


@transaction.atomic
def quiz_slot_move(*, slot: QuizSlot, offset: int) -> None:
    """Swap a slot with the one just above (offset -1) or below (+1); nothing at either end.
    Attempts already started keep their layout."""
    locked = QuizSlot.objects.select_for_update().filter(pk=slot.pk).first()
    if locked is None or offset not in (-1, 1):
        return
    neighbour = QuizSlot.objects.select_for_update().filter(quiz_id=locked.quiz_id,
                                                            position=locked.position + offset).first()
    if neighbour is None:
        return
    QuizSlot.objects.filter(pk=locked.pk).update(position=neighbour.position)
    QuizSlot.objects.filter(pk=neighbour.pk).update(position=locked.position)


MAX_SLOT_MARK = Decimal(1000)


def quiz_slot_mark_set(*, slot: QuizSlot, mark: Decimal) -> QuizSlot:
    """Set the mark a slot is worth in attempts started from now on (those started keep theirs)."""
    if mark < 0 or mark > MAX_SLOT_MARK:
        raise QuizError(_("Question %(n)s: the mark must be a number from 0 to %(max)s.") % {"n": slot.position, "max": MAX_SLOT_MARK})
    QuizSlot.objects.filter(pk=slot.pk).update(mark=mark)
    slot.mark = mark
    return slot


@transaction.atomic
def override_set(*, quiz: Quiz, officer: Officer, extra_minutes: int = 0, extra_attempts: int = 0,
                 close_at: datetime | None = None) -> Override | None:
    """Set (or with all zero/empty, remove) one officer's extra time, attempts or close date."""
    if not extra_minutes and not extra_attempts and close_at is None:
        Override.objects.filter(quiz=quiz, officer=officer).delete()
        return None
    override, _ = Override.objects.update_or_create(
        quiz=quiz, officer=officer,
        defaults={"extra_minutes": extra_minutes, "extra_attempts": extra_attempts, "close_at": close_at})
    panel_cache_bump(officer_ids=[officer.pk], panel="quizzes")
    return override
