"""Reads owned by quizzes: bank lists, quizzes open to an officer, attempts in scope, item statistics."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from org.models import Officer
from org.selectors import scope_filter
from quizzes.models import (
    Attempt,
    AttemptAnswer,
    GradingMethod,
    Override,
    Question,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizSlot,
    ReviewWhen,
)
from quizzes.question_types import question_type_for

# Thresholds of the statistics flags (Moodle's guidance for facility and discrimination).
TOO_EASY = 0.9
TOO_HARD = 0.2


def category_tree() -> list[QuestionCategory]:
    """All categories in tree order, each with `depth` and `question_count` (two queries)."""
    categories = list(QuestionCategory.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_archived=False))))
    children: dict[int | None, list[QuestionCategory]] = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)
    ordered: list[QuestionCategory] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in sorted(children.get(parent_id, []), key=lambda c: c.name.casefold()):
            category.depth = depth
            ordered.append(category)
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def category_subtree_ids(*, root_id: int) -> list[int]:
    """Ids of the category ``root_id`` and every category below it (one query per level)."""
    ids, frontier = [root_id], [root_id]
    while frontier:
        frontier = list(QuestionCategory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def question_list(*, category_id: int | None = None, qtype: str = "", tag: str = "", query: str = "",
                  archived: bool = False) -> QuerySet[Question]:
    """Bank questions filtered by category (with sub-categories), type, tag and words of the title/text."""
    questions = (Question.objects.filter(is_archived=archived)
                 .select_related("current_version", "category").prefetch_related("tags"))
    if category_id:
        questions = questions.filter(category_id__in=category_subtree_ids(root_id=category_id))
    if qtype:
        questions = questions.filter(qtype=qtype)
    if tag:
        questions = questions.filter(tags__name__iexact=tag.strip())
    if query:
        for word in query.split():
            questions = questions.filter(Q(current_version__title__icontains=word)
                                         | Q(current_version__text__icontains=word) | Q(idnumber__iexact=word))
    return questions.distinct()


def question_versions(*, question: Question) -> QuerySet[QuestionVersion]:
    return question.versions.select_related("created_by").order_by("-number")


def quiz_list_manage() -> QuerySet[Quiz]:
    """Every quiz, for trainers, with question and attempt counts."""
    return Quiz.objects.select_related("audience").annotate(
        slot_count=Count("slots", distinct=True), attempt_count=Count("attempts", distinct=True)
    ).order_by("-created_at", "-id")


def quiz_list_for_officer(*, officer: Officer, now: datetime | None = None) -> list[Quiz]:
    """Published quizzes meant for the officer's unit that are open now or still have their attempts,
    each with `my_attempts` (the officer's attempts, newest first)."""
    now = now or timezone.now()
    quizzes = (Quiz.objects.published().for_unit(officer.unit)
               .filter(Q(open_at__isnull=True) | Q(open_at__lte=now))
               .prefetch_related(Prefetch("attempts", queryset=Attempt.objects.filter(officer=officer)
                                          .order_by("-number"), to_attr="my_attempts"))
               .order_by("close_at", "title"))
    return list(quizzes)


def quiz_get_for_officer(*, pk: int, officer: Officer | None) -> Quiz | None:
    """The published quiz `pk` if it is meant for the officer's unit (what they may take), else None."""
    if officer is None:
        return None
    return Quiz.objects.published().for_unit(officer.unit).filter(pk=pk).first()


def quiz_is_visible_to_officer(*, quiz: Quiz, officer: Officer | None) -> bool:
    if officer is None or not quiz.is_published:
        return False
    return Quiz.objects.filter(pk=quiz.pk).for_unit(officer.unit).exists()


def attempt_list_visible(*, user, quiz: Quiz | None = None) -> QuerySet[Attempt]:  # noqa: ANN001
    """Attempts whose officer is within the user's scope (the shared scope rule)."""
    attempts = Attempt.objects.filter(scope_filter(user=user, unit_field="officer__unit", officer_field="officer"))
    if quiz is not None:
        attempts = attempts.filter(quiz=quiz)
    return attempts.select_related("officer__unit", "quiz")


def grading_queue(*, user, quiz: Quiz | None = None) -> QuerySet[AttemptAnswer]:  # noqa: ANN001
    """Answers waiting for a person to grade, oldest first, within the user's scope."""
    answers = AttemptAnswer.objects.filter(
        needs_grading=True, attempt__state=Attempt.State.FINISHED,
    ).filter(scope_filter(user=user, unit_field="attempt__officer__unit", officer_field="attempt__officer"))
    if quiz is not None:
        answers = answers.filter(attempt__quiz=quiz)
    return answers.select_related("attempt__officer__unit", "attempt__quiz", "version").order_by(
        "attempt__finished_at", "attempt_id", "index")


@dataclass(frozen=True)
class ReviewShows:
    """What an officer may see of a finished attempt now: the review page with their own answers,
    their marks (also in their attempt list), the right answers and the feedback."""

    answers: bool = False
    marks: bool = False
    correct: bool = False
    feedback: bool = False


REVIEW_EVERYTHING = ReviewShows(answers=True, marks=True, correct=True, feedback=True)


def quiz_closed_for_everyone(*, quiz: Quiz, now: datetime) -> bool:
    """The quiz has closed, and so has every officer's extended close date: what is shown only
    "after the quiz closes" (right answers, say) can no longer help anyone still answering."""
    if quiz.close_at is None or now < quiz.close_at:
        return False
    return not Override.objects.filter(quiz=quiz, close_at__gt=now).exists()


def review_shows(*, attempt: Attempt, now: datetime | None = None, closed: bool | None = None) -> ReviewShows:
    """What the quiz's review options let the officer see of this attempt now. `closed` (whether
    the quiz is closed for everyone) may be passed when several attempts of one quiz are checked."""
    if attempt.state != Attempt.State.FINISHED:
        return ReviewShows()
    quiz = attempt.quiz
    now = now or timezone.now()

    def reached(when: str) -> bool:
        nonlocal closed
        if when == ReviewWhen.AFTER_CLOSE:
            if closed is None:
                closed = quiz_closed_for_everyone(quiz=quiz, now=now)
            return closed
        return when == ReviewWhen.AFTER_SUBMIT

    answers = reached(quiz.review_when)
    return ReviewShows(answers=answers, marks=reached(quiz.review_marks_when),
                       correct=answers and reached(quiz.review_correct_when),
                       feedback=answers and reached(quiz.review_feedback_when))


# ---------------------------------------------------------------- item statistics

@dataclass
class ItemStats:
    position: int
    slot_id: int
    question_id: int
    title: str
    qtype: str
    attempts: int = 0
    facility: float | None = None  # mean fraction of the maximum, 0..1
    sd: float | None = None  # standard deviation of the fraction
    discrimination: float | None = None  # correlation with the rest of the test, -1..1
    flags: list[str] = field(default_factory=list)


@dataclass
class QuizStats:
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    distribution: list[dict[str, Any]]
    items: list[ItemStats]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = _mean(xs), _mean(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    if vx <= 0 or vy <= 0:
        return None
    return cov / math.sqrt(vx * vy)


def quiz_statistics(*, quiz: Quiz) -> QuizStats:
    """Moodle's quiz statistics over every finished attempt.

    Facility index: the mean mark on a question as a share of its maximum. Discrimination
    index: the correlation between the mark on a question and the mark on the rest of the test.
    Flags: "easy" (facility > 0.9), "hard" (< 0.2), "negative" (discrimination < 0). Random
    slots give one row per question drawn. Score distribution in 10 bands of percent.
    """
    attempts = list(Attempt.objects.finished().filter(quiz=quiz).values("pk", "score", "percent", "max_score"))
    slots = {slot.pk: slot for slot in QuizSlot.objects.filter(quiz=quiz)}
    answers = (AttemptAnswer.objects.filter(attempt__quiz=quiz, attempt__state=Attempt.State.FINISHED)
               .values("attempt_id", "index", "mark", "max_mark", "version__question_id", "version__title",
                       "version__qtype", "attempt__layout"))
    totals = {a["pk"]: float(a["score"] or 0) for a in attempts}
    rows: dict[tuple[int, int], list[tuple[int, float, float]]] = defaultdict(list)
    meta: dict[tuple[int, int], tuple[str, str, int]] = {}
    layouts: dict[int, list[dict[str, Any]]] = {}
    for answer in answers:
        layout = layouts.setdefault(answer["attempt_id"], answer["attempt__layout"])
        slot_id = layout[answer["index"]]["slot"] if answer["index"] < len(layout) else 0
        if not question_type_for(answer["version__qtype"]).gradable or not answer["max_mark"]:
            continue
        key = (slot_id, answer["version__question_id"])
        rows[key].append((answer["attempt_id"], float(answer["mark"] or 0), float(answer["max_mark"])))
        meta[key] = (answer["version__title"], answer["version__qtype"],
                     slots[slot_id].position if slot_id in slots else 0)
    items = []
    for key, values in rows.items():
        title, qtype, position = meta[key]
        fractions = [mark / max_mark for _, mark, max_mark in values]
        item = ItemStats(position=position, slot_id=key[0], question_id=key[1], title=title, qtype=qtype,
                         attempts=len(values))
        item.facility = _mean(fractions)
        item.sd = math.sqrt(sum((f - item.facility) ** 2 for f in fractions) / (len(fractions) - 1)) \
            if len(fractions) > 1 else None
        rest = [totals.get(attempt_id, 0.0) - mark for attempt_id, mark, _ in values]
        item.discrimination = _correlation([mark for _, mark, _ in values], rest)
        if item.facility > TOO_EASY:
            item.flags.append("easy")
        if item.facility < TOO_HARD:
            item.flags.append("hard")
        if item.discrimination is not None and item.discrimination < 0:
            item.flags.append("negative")
        items.append(item)
    items.sort(key=lambda item: (item.position, item.title))
    percents = sorted(float(a["percent"]) for a in attempts if a["percent"] is not None)
    distribution = [{"low": band * 10, "high": band * 10 + 10, "count": 0} for band in range(10)]
    for value in percents:
        distribution[min(9, int(value // 10))]["count"] += 1
    peak = max((band["count"] for band in distribution), default=0) or 1
    for band in distribution:
        band["width"] = round(100 * band["count"] / peak)
    mean = _mean(percents) if percents else None
    median = None
    if percents:
        mid = len(percents) // 2
        median = percents[mid] if len(percents) % 2 else (percents[mid - 1] + percents[mid]) / 2
    sd = math.sqrt(sum((p - mean) ** 2 for p in percents) / (len(percents) - 1)) if len(percents) > 1 else None
    return QuizStats(attempts=len(attempts), mean=mean, median=median, sd=sd, distribution=distribution, items=items)


def quiz_list_open_for_officer(*, officer: Officer, now: datetime, limit: int = 20) -> list[dict[str, Any]]:
    """Published quizzes for the officer's unit, open at ``now``, that they can still take or continue
    (as the quiz list, one query), soonest close first, at most ``limit``: each a dict with ``pk``,
    ``title``, ``close_at``, ``attempts_allowed``, ``my_count`` (their attempts) and ``in_progress_id``."""
    mine = Attempt.objects.filter(quiz=OuterRef("pk"), officer=officer).order_by()
    rows = (Quiz.objects.published().for_unit(officer.unit)
            .filter(Q(open_at__isnull=True) | Q(open_at__lte=now))
            .annotate(my_count=Subquery(mine.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
                      in_progress_id=Subquery(mine.filter(state=Attempt.State.IN_PROGRESS)
                                              .order_by("-number").values("pk")[:1]))
            .values("pk", "title", "close_at", "attempts_allowed", "my_count", "in_progress_id")
            .order_by("close_at", "title")[:20])
    quizzes = []
    for quiz in rows:
        if quiz["close_at"] and quiz["close_at"] <= now:
            continue
        left = (quiz["attempts_allowed"] - (quiz["my_count"] or 0)) if quiz["attempts_allowed"] else None
        if quiz["in_progress_id"] is None and left is not None and left <= 0:
            continue
        quizzes.append(quiz)
    return quizzes[:limit]


def answer_grace() -> timedelta:
    """How long after the deadline an answer is still accepted (``QUIZZES_ANSWER_GRACE_SECONDS``)."""
    return timedelta(seconds=getattr(settings, "QUIZZES_ANSWER_GRACE_SECONDS", 30))


@dataclass(frozen=True)
class Rules:
    """The quiz's rules for one officer once overrides are applied."""

    close_at: datetime | None
    time_limit: timedelta | None
    attempts_allowed: int  # 0 = unlimited


_UNREAD = object()


def quiz_rules_for(*, quiz: Quiz, officer: Officer, override: Override | None | object = _UNREAD) -> Rules:
    """The close date, time limit and attempts allowed for ``officer``, their override applied
    (read here unless the caller passes the one it has read, or None for none)."""
    if override is _UNREAD:
        override = Override.objects.filter(quiz=quiz, officer=officer).first()
    close_at = quiz.close_at
    limit = timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    allowed = quiz.attempts_allowed
    if override is not None:
        if override.close_at is not None:
            close_at = override.close_at
        if limit is not None and override.extra_minutes:
            limit += timedelta(minutes=override.extra_minutes)
        if allowed and override.extra_attempts:
            allowed += override.extra_attempts
    return Rules(close_at=close_at, time_limit=limit, attempts_allowed=allowed)


def attempt_is_overdue(*, attempt: Attempt, now: datetime) -> bool:
    """Whether an attempt in progress is past its deadline plus the answer grace (it must be closed)."""
    return (attempt.state == Attempt.State.IN_PROGRESS and attempt.deadline is not None
            and now > attempt.deadline + answer_grace())


def quiz_grade_for(*, quiz: Quiz, attempts: list[Attempt]) -> Decimal | None:
    """The officer's quiz grade (percent) from their finished attempts, by the quiz's grading method."""
    graded = sorted((a for a in attempts if a.state == Attempt.State.FINISHED and a.percent is not None),
                    key=lambda a: a.number)
    if not graded:
        return None
    if quiz.grading_method == GradingMethod.FIRST:
        return graded[0].percent
    if quiz.grading_method == GradingMethod.LAST:
        return graded[-1].percent
    if quiz.grading_method == GradingMethod.AVERAGE:
        return (sum((a.percent for a in graded), Decimal(0)) / len(graded)).quantize(Decimal("0.001"))
    return max(a.percent for a in graded)


def quiz_next_time_change(now: datetime) -> datetime | None:
    """The next moment after `now` when a published quiz opens or closes (the home panel changes then)."""
    times = Quiz.objects.published().filter(Q(open_at__gt=now) | Q(close_at__gt=now)).aggregate(
        opens=Min("open_at", filter=Q(open_at__gt=now)), closes=Min("close_at", filter=Q(close_at__gt=now)))
    return min((moment for moment in times.values() if moment is not None), default=None)


# --- For the adoption count tables ---------------------------------------------------------------

def attempt_results_by_officer_day(*, start, end) -> QuerySet:  # noqa: ANN001
    """Graded attempts finished from `start` to `end` (local dates), grouped by officer and day: rows
    `{"o_id", "d", "n", "passed_n"}`. A lazy GROUP BY query, usable as the SELECT of a set-based INSERT."""
    from django.db.models import F
    from django.db.models.functions import TruncDate

    return (Attempt.objects.filter(state=Attempt.State.FINISHED, passed__isnull=False)
            .annotate(d=TruncDate("finished_at")).filter(d__gte=start, d__lte=end)
            .values("d", o_id=F("officer_id"))
            .annotate(n=Count("id"), passed_n=Count("id", filter=Q(passed=True))).order_by())


def lesson_quiz_grades(*, officer_ids: list[int], lesson_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """For learning's course grade: {(officer id, lesson id): the officer's grade on the lesson's quiz}, each
    by the quiz's grading method (quiz_grade_for); officers without a graded attempt are left out. One query."""
    attempts: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    quizzes: dict[int, Quiz] = {}
    rows = (Attempt.objects.filter(quiz__lesson_id__in=lesson_ids, officer_id__in=officer_ids,
                                   state=Attempt.State.FINISHED, percent__isnull=False)
            .select_related("quiz").only("officer_id", "number", "state", "percent", "quiz__lesson_id",
                                         "quiz__grading_method"))
    for attempt in rows:
        quizzes[attempt.quiz.lesson_id] = attempt.quiz
        attempts[(attempt.officer_id, attempt.quiz.lesson_id)].append(attempt)
    grades = {}
    for (officer_id, lesson_id), own in attempts.items():
        grade = quiz_grade_for(quiz=quizzes[lesson_id], attempts=own)
        if grade is not None:
            grades[(officer_id, lesson_id)] = grade
    return grades


def lesson_quiz_readiness(*, lesson_ids: list[int]) -> dict[int, str]:
    """For learning's publish check: each quiz lesson that has a quiz, "ok" or "empty" (no question)."""
    from learning.links import QUIZ_EMPTY, QUIZ_OK

    rows = Quiz.objects.filter(lesson_id__in=lesson_ids).annotate(questions=Count("slots")).values_list(
        "lesson_id", "questions")
    return {lesson_id: QUIZ_OK if questions else QUIZ_EMPTY for lesson_id, questions in rows}
