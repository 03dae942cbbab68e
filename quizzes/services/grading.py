"""Manual grading, regrading, and the home panel's reactions to quiz changes."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent, User
from core.services import audit_record
from quizzes.exceptions import QuizError
from quizzes.models import Attempt, AttemptAnswer, QuestionVersion, Quiz
from quizzes.question_types import question_type_for
from quizzes.services.attempts import _after_pass, _grade_answer, _total
from quizzes.services.common import FOUR


# ---------------------------------------------------------------- manual grading and regrade

@transaction.atomic
def answer_grade_manual(*, answer: AttemptAnswer, mark: Decimal, by: User, comment: str = "") -> AttemptAnswer:
    """Set the mark of one answer by hand (essays, or overriding), then re-total the attempt."""
    answer = AttemptAnswer.objects.select_for_update().select_related("attempt__quiz").get(pk=answer.pk)
    if answer.attempt.state != Attempt.State.FINISHED:
        raise QuizError(_("Only a submitted attempt can be graded."))
    if mark < 0 or mark > answer.max_mark:
        raise QuizError(_("The mark must be from 0 to %(max)s.") % {"max": answer.max_mark})
    answer.mark = mark.quantize(FOUR, ROUND_HALF_UP)
    answer.fraction = float(mark / answer.max_mark) if answer.max_mark else 0.0
    answer.needs_grading = False
    answer.graded_by, answer.graded_at, answer.grader_comment = by, timezone.now(), comment
    answer.save(update_fields=["mark", "fraction", "needs_grading", "graded_by", "graded_at", "grader_comment"])
    attempt = Attempt.objects.select_for_update().select_related("quiz", "officer").get(pk=answer.attempt_id)
    was_passed = attempt.passed
    _total(attempt, list(attempt.answers.all()))
    attempt.save(update_fields=["score", "percent", "passed", "needs_grading"])
    if attempt.passed and not was_passed:
        _after_pass(attempt)
    return answer


@transaction.atomic
def quiz_regrade(*, quiz: Quiz, by: User | None = None, to_latest: bool = True) -> dict[str, int]:
    """Recompute every finished attempt of a quiz and store the new marks and scores.

    With `to_latest`, an answer whose question has a newer version of the same type is regraded
    against that version (how a trainer fixes a wrong key), provided the response still fits it.
    Manual marks are kept. Returns {"attempts": n, "changed": n}.
    """
    attempts = list(Attempt.objects.select_for_update().filter(quiz=quiz, state=Attempt.State.FINISHED)
                    .select_related("quiz", "officer"))
    answers = list(AttemptAnswer.objects.filter(attempt__in=attempts).select_related("version__question__current_version"))
    by_attempt: dict[int, list[AttemptAnswer]] = {}
    for answer in answers:
        by_attempt.setdefault(answer.attempt_id, []).append(answer)
    changed = 0
    for attempt in attempts:
        mine = by_attempt.get(attempt.pk, [])
        for answer in mine:
            if answer.graded_by_id:
                continue
            if to_latest:
                latest = answer.version.question.current_version
                if latest and latest.pk != answer.version_id and _fits(latest, answer.response):
                    answer.version = latest
                    attempt.layout[answer.index]["version"] = latest.pk
            _grade_answer(answer)
        AttemptAnswer.objects.bulk_update(mine, ["version", "fraction", "mark", "needs_grading"])
        before = (attempt.score, attempt.passed)
        was_passed = attempt.passed
        _total(attempt, mine)
        attempt.save(update_fields=["score", "percent", "passed", "needs_grading", "layout"])
        changed += before != (attempt.score, attempt.passed)
        if attempt.passed and not was_passed:
            _after_pass(attempt)
    audit_record(action=AuditEvent.Action.OTHER, actor=by, target=f"quizzes:quiz:{quiz.pk}",
                 detail={"regrade": True, "attempts": len(attempts), "changed": changed})
    return {"attempts": len(attempts), "changed": changed}


def _fits(version: QuestionVersion, response: dict[str, Any] | None) -> bool:
    return question_type_for(version.qtype).response_fits(data=version.data or {}, response=response)
