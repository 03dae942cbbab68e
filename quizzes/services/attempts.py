"""Attempts: start, answer saves, navigation, submit, closing overdue attempts."""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import caches
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fragments import panel_cache_bump
from org.models import Officer
from quizzes.exceptions import AnswerRefused, QuizError
from quizzes.models import (
    Attempt,
    AttemptAnswer,
    Navigation,
    Override,
    Question,
    QuestionVersion,
    Quiz,
)
from quizzes.question_types import PostedFields, question_type_for, question_types
from quizzes.selectors import Rules, answer_grace, attempt_is_overdue, category_subtree_ids, quiz_rules_for
from quizzes.services.common import FOUR, _one_writer

# Types a random slot never draws: nothing to answer (a description).
_UNGRADABLE = tuple(name for name, kind in question_types().items() if not kind.gradable)


logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- attempts

def _draw_layout(*, quiz: Quiz, rng: random.Random) -> list[dict[str, Any]]:
    """The attempt's questions in order: fixed slots as they are, random slots drawn from their category
    (without repeating a question of the attempt), each with its answers' order and, under "_version",
    the (id, type, data) of its version. Reads the slots, once per distinct category of the random
    slots its pool, then the versions: three queries for any number of slots, and plain rows rather
    than model instances (a draw used to read twice per random slot)."""
    slots = list(quiz.slots.order_by("position").values_list(
        "pk", "question_id", "question__current_version_id", "random_category_id", "include_subcategories", "mark"))
    if not slots:
        raise QuizError(_("The quiz has no questions yet."))
    used: set[int] = {question_id for _pk, question_id, *_rest in slots if question_id}
    pools: dict[tuple[int, bool], list[tuple[int, int]]] = {}
    picks: list[tuple[int, Decimal, int]] = []  # slot id, mark, version id
    for slot_id, question_id, current_version_id, category_id, subcategories, mark in slots:
        if question_id:
            if current_version_id is None:
                raise QuizError(_("The quiz has a question without content."))
            picks.append((slot_id, mark, current_version_id))
            continue
        key = (category_id, subcategories)
        if key not in pools:
            categories = category_subtree_ids(root_id=category_id) if subcategories else [category_id]
            pools[key] = sorted(Question.objects.active()
                                .filter(category_id__in=categories, current_version__isnull=False)
                                .exclude(qtype__in=_UNGRADABLE)
                                .values_list("pk", "current_version_id"))
        pool = [pair for pair in pools[key] if pair[0] not in used]
        if not pool:
            raise QuizError(_("The category has too few questions left to draw at random."))
        question_id, version_id = rng.choice(pool)
        used.add(question_id)
        picks.append((slot_id, mark, version_id))
    versions = {pk: (pk, qtype, data) for pk, qtype, data in QuestionVersion.objects.filter(
        pk__in={version_id for _slot, _mark, version_id in picks}).values_list("pk", "qtype", "data")}
    layout = []
    for slot_id, mark, version_id in picks:
        version = versions[version_id]
        layout.append({"slot": slot_id, "version": version_id, "mark": str(mark), "order": question_type_for(
            version[1]).order_draw(data=version[2] or {}, shuffle=quiz.shuffle_answers, rng=rng), "_version": version})
    if quiz.shuffle_questions:
        rng.shuffle(layout)
    return layout


def attempt_start(*, quiz: Quiz, officer: Officer, now: datetime | None = None,
                  window: tuple[datetime | None, datetime | None] | None = None) -> Attempt:
    """Start an attempt, or return the one in progress (starting twice never opens two).

    Checks that the quiz is published and open for this officer (overrides applied) and that an
    attempt is left. Draws random questions, shuffles as set, and fixes the deadline on the server:
    start + time limit, never later than the close date. Raises QuizError with the reason.

    `window` (opens, closes) is for a caller that runs the quiz on its own terms and has checked
    who may take it (a contest round): the quiz then need not be published, and the window replaces
    the quiz's open and close dates (an officer's override of the close date still applies).
    """
    now = now or timezone.now()
    # One read tells whether an attempt is open (pressing twice lands in it) and how many were made.
    mine = list(Attempt.objects.filter(quiz=quiz, officer=officer).values_list("pk", "state"))
    if any(state == Attempt.State.IN_PROGRESS for _pk, state in mine):
        current = _attempt_open_get(quiz=quiz, officer=officer, now=now)
        if current is not None:
            return current
    # Everything read and drawn before the write lock: in an exam hall's start burst only the short
    # inserts below queue behind one another (SQLite has one writer), not the reads and the draw.
    plan = _attempt_plan(quiz=quiz, officer=officer, now=now, window=window, done=len(mine))
    attempt = _attempt_insert(quiz=quiz, officer=officer, now=now, plan=plan)
    panel_cache_bump(officer_ids=[officer.pk], panel="quizzes")
    if attempt is None:
        # The same officer started in another tab at the same moment: that attempt is theirs, or its
        # number was taken by an attempt that has ended since, and the rules are checked again.
        return _attempt_open_get(quiz=quiz, officer=officer, now=now) or attempt_start(
            quiz=quiz, officer=officer, now=now, window=window)
    return attempt


def _attempt_open_get(*, quiz: Quiz, officer: Officer, now: datetime) -> Attempt | None:
    """The officer's attempt in progress, closed first if its time (plus grace) is over."""
    current = Attempt.objects.filter(quiz=quiz, officer=officer, state=Attempt.State.IN_PROGRESS).first()
    if current is None:
        return None
    current = attempt_refresh(attempt=current, now=now)
    return current if current.state == Attempt.State.IN_PROGRESS else None


@dataclass(frozen=True)
class _AttemptPlan:
    number: int
    layout: list[dict[str, Any]]
    versions: list[tuple[int, str, dict[str, Any]]]  # per question: version id, type, data
    deadline: datetime | None
    max_score: Decimal


def _attempt_plan(*, quiz: Quiz, officer: Officer, now: datetime, done: int,
                  window: tuple[datetime | None, datetime | None] | None = None) -> _AttemptPlan:
    """Check the rules and draw the attempt (reads only); `done` is how many attempts the officer
    has made. Raises QuizError with the reason."""
    if window is None and not quiz.is_published:
        raise QuizError(_("The quiz is not published yet."))
    override = Override.objects.filter(quiz=quiz, officer=officer).first()
    rules = quiz_rules_for(quiz=quiz, officer=officer, override=override)
    open_at = quiz.open_at
    if window is not None:
        open_at = window[0]
        override_close = override.close_at if override is not None else None
        rules = Rules(close_at=override_close or window[1], time_limit=rules.time_limit,
                      attempts_allowed=rules.attempts_allowed)
    if open_at and now < open_at:
        raise QuizError(_("The quiz has not opened yet."))
    if rules.close_at and now >= rules.close_at:
        raise QuizError(_("The quiz is closed."))
    if rules.attempts_allowed and done >= rules.attempts_allowed:
        raise QuizError(_("You have used all your attempts."))
    seed = hashlib.sha256(f"{quiz.pk}-{officer.pk}-{done}-{now.isoformat()}".encode()).hexdigest()
    layout = _draw_layout(quiz=quiz, rng=random.Random(seed))
    deadline = now + rules.time_limit if rules.time_limit else None
    if rules.close_at and (deadline is None or rules.close_at < deadline):
        deadline = rules.close_at
    versions = [entry.pop("_version") for entry in layout]
    max_score = sum((Decimal(entry["mark"]) for entry in layout), Decimal(0))
    return _AttemptPlan(number=done + 1, layout=layout, versions=versions, deadline=deadline, max_score=max_score)


_ATTEMPT_ID_STANDIN = -918_273_645  # the new attempt's id in the answer rows' parameters until it is known


def _insert_statements(model: type, objs: list, *, returning: list[str]) -> list[tuple[str, list[Any]]]:
    """INSERT statements for `objs` (every concrete field but the id), compiled by the ORM as
    bulk_create would (batches within the back-end's parameter limit), RETURNING the named fields."""
    from django.db.models.sql import InsertQuery

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
    statements = []
    for start in range(0, len(objs), size):
        query = InsertQuery(model)
        query.insert_values(fields, objs[start:start + size], raw=False)
        compiler = query.get_compiler(connection=connection)
        if returning:
            compiler.returning_fields = [model._meta.get_field(name) for name in returning]
        statements += [(sql, list(params)) for sql, params in compiler.as_sql()]
    return statements


def _with_attempt_id(params: list[Any], attempt_id: int) -> list[Any]:
    """The answer rows' parameters with the new attempt's id in place of the stand-in: one value per
    row, or one list per column (PostgreSQL inserts many rows from arrays)."""
    def put(value: Any) -> Any:  # noqa: ANN401
        return attempt_id if type(value) is int and value == _ATTEMPT_ID_STANDIN else value

    return [[put(item) for item in value] if type(value) is list else put(value) for value in params]


def _attempt_insert(*, quiz: Quiz, officer: Officer, now: datetime, plan: _AttemptPlan) -> Attempt | None:
    """Write the planned attempt and its answer rows in one transaction; None when the database refuses
    a second open attempt (or the same number) for this officer. Then keeps the attempt's questions in
    this process's cache, so neither the first page nor the first answer save reads them back.

    The statements are compiled before the SQLite writer queue is entered: inside it only the
    database works (it does not hold Python's interpreter lock). Under a start burst, Python work
    inside the queue ran at the pace of hundreds of busy threads sharing that lock, and every start
    waited for it (bench/quizzes_start_profile.py prints how long the queue is held)."""
    attempt = Attempt(quiz=quiz, officer=officer, number=plan.number, started_at=now, deadline=plan.deadline,
                      layout=plan.layout, max_score=plan.max_score)
    answers = [AttemptAnswer(attempt_id=_ATTEMPT_ID_STANDIN, index=index, version_id=version[0],
                             max_mark=Decimal(entry["mark"]))
               for index, (entry, version) in enumerate(zip(plan.layout, plan.versions, strict=True))]
    [(attempt_sql, attempt_params)] = _insert_statements(Attempt, [attempt], returning=["id"])
    with_ids = connection.features.can_return_rows_from_bulk_insert
    answer_statements = _insert_statements(AttemptAnswer, answers, returning=["id", "index"] if with_ids else [])
    answer_ids: dict[int, int] = {}  # by index (the order of returned rows is not promised)
    try:
        with _one_writer(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(attempt_sql, attempt_params)
            attempt.pk = cursor.fetchone()[0]
            for sql, params in answer_statements:
                cursor.execute(sql, _with_attempt_id(params, attempt.pk))
                if with_ids:
                    answer_ids.update((index, pk) for pk, index in cursor.fetchall())
    except IntegrityError:
        return None
    attempt._state.adding, attempt._state.db = False, connection.alias
    if len(answer_ids) == len(answers):  # ids returned by the insert (SQLite ≥ 3.35, PostgreSQL)
        slots = {index: (answer_ids[index], *version, entry.get("order", []))
                 for index, (entry, version) in enumerate(zip(plan.layout, plan.versions, strict=True))}
        caches["local"].set(_slots_key(attempt.pk, officer.user_id), slots, _SLOTS_SECONDS)
    return attempt


def response_build(*, version: QuestionVersion, order: list[str], raw: Any) -> dict[str, Any]:  # noqa: ANN401
    """Turn posted fields (a QueryDict or dict of lists) into the stored response, checking ids.

    Fields: ``choice`` (single choice, "true"/"false"), ``choices`` (several), ``text``,
    ``match-<pair id>``. Raises AnswerRefused("invalid") on an unknown choice.
    """
    return question_type_for(version.qtype).response_build(
        data=version.data or {}, order=order, fields=PostedFields(raw),
        refuse=lambda message: AnswerRefused("invalid", message))


def _answer_refusal(*, attempt_id: int, user_id: int, index: int, now: datetime) -> AnswerRefused:
    """Why an answer cannot be stored (read after a guarded write matched no row)."""
    attempt = (Attempt.objects.filter(pk=attempt_id, officer__user_id=user_id)
               .values("state", "deadline", "current_index", "quiz__navigation").first())
    if attempt is None:
        return AnswerRefused("not_found", _("Attempt not found."))
    if not AttemptAnswer.objects.filter(attempt_id=attempt_id, index=index).exists():
        return AnswerRefused("not_in_attempt", _("This question is not part of the attempt."))
    if attempt["state"] != Attempt.State.IN_PROGRESS:
        return AnswerRefused("closed", _("The attempt was submitted or closed; the answer was not saved."))
    if attempt["deadline"] is not None and now > attempt["deadline"] + answer_grace():
        return AnswerRefused("overdue", _("Time is up; an answer sent after the deadline is not saved."))
    if attempt["quiz__navigation"] == Navigation.SEQUENTIAL and index != attempt["current_index"]:
        return AnswerRefused("order", _("This quiz goes in order: a past question cannot be changed nor a later one answered."))
    return AnswerRefused("busy", _("The answer was not saved; please send it again."))


_SLOTS_SECONDS = 6 * 3600


def _slots_key(attempt_id: int, user_id: int) -> str:
    return f"quizzes:attempt-slots:{attempt_id}:{user_id}"


def _attempt_slots(*, attempt_id: int, user_id: int, fresh: bool = False) -> dict[int, tuple] | None:
    """What checking an answer needs, by question index: (answer id, version id, type, data, order).

    It never changes while the attempt is open (the layout and each answer's version are fixed when
    it starts; regrading touches only finished attempts), so it is read once per process and kept in
    the process's own cache (no network round trip on every save). None when the attempt is not the
    user's. The state, deadline and current question are not here: the guarded write checks them in
    the database.
    """
    cache = caches["local"]
    key = _slots_key(attempt_id, user_id)
    slots = None if fresh else cache.get(key)
    if slots is None:
        layout = (Attempt.objects.filter(pk=attempt_id, officer__user_id=user_id)
                  .values_list("layout", flat=True).first())
        if layout is None:
            return None
        slots = {index: (pk, version_id, qtype, data, (layout[index] if index < len(layout) else {}).get("order", []))
                 for index, pk, version_id, qtype, data in AttemptAnswer.objects.filter(attempt_id=attempt_id)
                 .values_list("index", "pk", "version_id", "version__qtype", "version__data")}
        cache.set(key, slots, _SLOTS_SECONDS)
    return slots


def _answer_store_sql() -> str:
    """One guarded UPDATE … RETURNING revision (PostgreSQL and SQLite ≥ 3.35), built from the models'
    table and column names. Written as SQL because it runs on every answer: compiling the same
    statement through the ORM cost more than the rest of the save (bench/quizzes_load.py)."""
    answer, attempt, officer, quiz = (AttemptAnswer._meta, Attempt._meta, Officer._meta, Quiz._meta)
    column = {name: model.get_field(name).column for model, name in (
        (answer, "response"), (answer, "saved_at"), (answer, "revision"), (answer, "version"),
        (answer, "attempt"), (attempt, "officer"), (attempt, "quiz"), (attempt, "state"), (attempt, "deadline"),
        (attempt, "current_index"), (officer, "user"), (quiz, "navigation"))}
    lock = " FOR UPDATE OF a" if connection.features.has_select_for_update_of else ""
    q = connection.ops.quote_name
    return (
        f"UPDATE {q(answer.db_table)} SET {q(column['response'])} = %s, {q(column['saved_at'])} = %s, "
        f"{q(column['revision'])} = {q(column['revision'])} + 1 "
        f"WHERE {q(answer.pk.column)} = %s AND {q(column['version'])} = %s AND {q(column['attempt'])} IN ("
        f"SELECT a.{q(attempt.pk.column)} FROM {q(attempt.db_table)} a "
        f"INNER JOIN {q(officer.db_table)} o ON o.{q(officer.pk.column)} = a.{q(column['officer'])} "
        f"INNER JOIN {q(quiz.db_table)} z ON z.{q(quiz.pk.column)} = a.{q(column['quiz'])} "
        f"WHERE a.{q(attempt.pk.column)} = %s AND o.{q(column['user'])} = %s AND a.{q(column['state'])} = %s "
        f"AND (a.{q(column['deadline'])} IS NULL OR a.{q(column['deadline'])} >= %s) "
        f"AND (z.{q(column['navigation'])} <> %s OR a.{q(column['current_index'])} = %s){lock}) "
        f"RETURNING {q(column['revision'])}"
    )


_ANSWER_STORE_SQL: dict[str, str] = {}


def attempt_answer_save(*, attempt_id: int, user_id: int, index: int, raw: Any,  # noqa: ANN401
                        now: datetime | None = None) -> AttemptAnswer:
    """Store one answer as it is given; the last answer stored for a question wins.

    The answer is checked against the attempt's question (cached, see `_attempt_slots`), then
    stored by one UPDATE guarded by the owner, the attempt's state, its deadline plus the grace
    period and the current question (sequential navigation). On PostgreSQL the guard locks the
    attempt row (FOR UPDATE in the sub-select), so a save racing a submit or the closing job waits,
    then is either stored before the attempt is graded or refused; SQLite writes one at a time.
    Two tabs saving the same question are serialised by the row: the later one wins and each
    stored save adds one to `revision`.

    Refuses (AnswerRefused) when the attempt is not the user's, is closed, is past its deadline
    plus the grace period, when `index` is not a question of the attempt, or (sequential
    navigation) is not the current question. Returns the answer with `saved_at` and `revision`.
    """
    now = now or timezone.now()
    for fresh in (False, True):
        slots = _attempt_slots(attempt_id=attempt_id, user_id=user_id, fresh=fresh)
        slot = slots.get(index) if slots else None
        if slot is None:
            raise _answer_refusal(attempt_id=attempt_id, user_id=user_id, index=index, now=now)
        answer_id, version_id, qtype, data, order = slot
        version = QuestionVersion(pk=version_id, qtype=qtype, data=data)
        response = response_build(version=version, order=order, raw=raw)
        fields = {name: AttemptAnswer._meta.get_field(name) for name in ("response", "saved_at")}
        params = [fields["response"].get_db_prep_save(response, connection),
                  fields["saved_at"].get_db_prep_save(now, connection), answer_id, version_id,
                  attempt_id, user_id, Attempt.State.IN_PROGRESS.value,
                  Attempt._meta.get_field("deadline").get_db_prep_value(now - answer_grace(), connection),
                  Navigation.SEQUENTIAL.value, index]
        sql = _ANSWER_STORE_SQL.get(connection.vendor) or _ANSWER_STORE_SQL.setdefault(
            connection.vendor, _answer_store_sql())
        with _one_writer(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if rows:
            return AttemptAnswer(pk=answer_id, attempt_id=attempt_id, index=index, version_id=version_id,
                                 response=response, saved_at=now, revision=rows[0][0])
        refusal = _answer_refusal(attempt_id=attempt_id, user_id=user_id, index=index, now=now)
        if refusal.code != "busy":
            raise refusal
    raise refusal


@transaction.atomic
def attempt_advance(*, attempt: Attempt, user_id: int, now: datetime | None = None) -> Attempt:
    """Sequential navigation: move to the next question (never back)."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk, officer__user_id=user_id)
    if locked.state == Attempt.State.IN_PROGRESS and locked.current_index < len(locked.layout) - 1:
        locked.current_index += 1
        locked.save(update_fields=["current_index"])
    return locked


def _grade_answer(answer: AttemptAnswer) -> None:
    result = question_type_for(answer.version.qtype).grade(answer.version.data or {}, answer.response)
    if result.fraction is None:
        answer.fraction, answer.mark, answer.needs_grading = None, None, True
    else:
        answer.fraction = round(result.fraction, 7)
        answer.mark = (Decimal(str(result.fraction)) * answer.max_mark).quantize(FOUR, ROUND_HALF_UP)
        answer.needs_grading = False


def _total(attempt: Attempt, answers: list[AttemptAnswer]) -> None:
    attempt.score = sum((a.mark or Decimal(0) for a in answers), Decimal(0)).quantize(FOUR, ROUND_HALF_UP)
    attempt.needs_grading = any(a.needs_grading for a in answers)
    if attempt.needs_grading:
        attempt.percent, attempt.passed = None, None
    else:
        attempt.percent = ((attempt.score / attempt.max_score * 100) if attempt.max_score else Decimal(0)
                           ).quantize(Decimal("0.001"), ROUND_HALF_UP)
        attempt.passed = attempt.percent >= attempt.quiz.pass_mark


def _after_pass(attempt: Attempt) -> None:
    """Mark the quiz's lesson done when the officer passes (quizzes → learning).

    Runs in a savepoint: if learning refuses (a course closed, a prerequisite missing), the
    attempt is still finished and the refusal is logged.
    """
    if not attempt.passed or not attempt.quiz.lesson_id:
        return
    from learning import services as learning_services

    try:
        with transaction.atomic():
            learning_services.lesson_progress_complete(officer=attempt.officer, lesson=attempt.quiz.lesson,
                                                       source="quiz")
    except learning_services.LearningError as exc:
        logger.warning("quiz %s passed but lesson %s not completed: %s", attempt.quiz_id, attempt.quiz.lesson_id, exc)


def _finish(attempt: Attempt, now: datetime) -> Attempt:
    answers = list(attempt.answers.select_related("version"))
    for answer in answers:
        _grade_answer(answer)
    AttemptAnswer.objects.bulk_update(answers, ["fraction", "mark", "needs_grading"])
    attempt.state = Attempt.State.FINISHED
    finished_at = now
    if attempt.deadline is not None and now > attempt.deadline:
        finished_at = attempt.deadline  # closed by the clock: it ended at the deadline
    attempt.finished_at = finished_at
    _total(attempt, answers)
    attempt.save(update_fields=["state", "finished_at", "score", "percent", "passed", "needs_grading"])
    _after_pass(attempt)
    panel_cache_bump(officer_ids=[attempt.officer_id], panel="quizzes")
    return attempt


def attempt_submit(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Finish and grade an attempt with the answers saved. Idempotent: a finished attempt is returned
    as it is. Essays leave the attempt waiting for manual grading (percent and pass unknown)."""
    with _one_writer(), transaction.atomic():
        return _attempt_submit(attempt=attempt, now=now or timezone.now())


def _attempt_submit(*, attempt: Attempt, now: datetime) -> Attempt:
    locked = Attempt.objects.select_for_update().select_related("quiz", "officer").get(pk=attempt.pk)
    if locked.state != Attempt.State.IN_PROGRESS:
        return locked
    return _finish(locked, now)


def attempt_refresh(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Close the attempt if its deadline (plus grace) has passed; return it up to date."""
    now = now or timezone.now()
    if attempt_is_overdue(attempt=attempt, now=now):
        return attempt_submit(attempt=attempt, now=now)
    return attempt


def attempt_close_overdue(*, now: datetime | None = None) -> int:
    """Close every attempt past its deadline plus grace, grading what was saved. Returns how many."""
    now = now or timezone.now()
    ids = list(Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lt=now - answer_grace())
               .values_list("pk", flat=True))
    closed = 0
    for pk in ids:
        attempt = attempt_submit(attempt=Attempt(pk=pk), now=now)
        closed += attempt.finished_at is not None
    return closed
