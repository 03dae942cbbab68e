"""Writes owned by quizzes: the question bank, imports, quizzes, attempts, grading and regrading."""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from contextlib import contextmanager
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from core.fragments import panel_cache_bump, panel_cache_bump_all, register_panel_expiry
from core.models import AuditEvent, User
from core.services import audit_record
from org.models import Officer
from quizzes.exceptions import AnswerRefused, QuizError
from quizzes.question_types import PostedFields, question_type_for
from quizzes.bank import data_from_parsed, normalise_data, parsed_from_version, title_for
from quizzes.formats import FormatParseError, parse_aiken, parse_gift, serialize_gift
from quizzes.models import (
    Attempt,
    AttemptAnswer,
    GradingMethod,
    Navigation,
    Override,
    Question,
    QuestionCategory,
    QuestionImport,
    QuestionType,
    QuestionVersion,
    Quiz,
    QuizSlot,
    Tag,
)

FOUR = Decimal("0.0001")
logger = logging.getLogger(__name__)


_SQLITE_WRITER = threading.RLock()


@contextmanager
def _one_writer():  # noqa: ANN202
    """SQLite has one writer at a time: queue this process's attempt writes on a lock rather than in
    SQLite's busy handler, which under load gives up ("database is locked") after its timeout.
    PostgreSQL needs nothing (row locks)."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with _SQLITE_WRITER:
            yield
    else:
        yield


def answer_grace() -> timedelta:
    return timedelta(seconds=getattr(settings, "QUIZZES_ANSWER_GRACE_SECONDS", 30))


# ---------------------------------------------------------------- bank

@transaction.atomic
def category_create(*, name: str, parent: QuestionCategory | None = None, description: str = "") -> QuestionCategory:
    """Create a category (names are unique among siblings). Raises QuizError on a duplicate."""
    name = " ".join(name.split())
    if QuestionCategory.objects.filter(parent=parent, name=name).exists():
        raise QuizError(f"Danh mục “{name}” đã có.")
    return QuestionCategory.objects.create(name=name, parent=parent, description=description)


def category_get_or_create_path(*, path: list[str], parent: QuestionCategory | None = None) -> QuestionCategory:
    """The category at `path` (names from the top, or below `parent`), created as needed."""
    category = parent
    for name in path:
        name = " ".join(name.split())[:200]
        if not name:
            continue
        category, _ = QuestionCategory.objects.get_or_create(parent=category, name=name)
    if category is None:
        raise QuizError("Tên danh mục trống.")
    return category


def _tags(names: list[str]) -> list[Tag]:
    clean = list(dict.fromkeys(" ".join(n.split())[:60] for n in names if n and n.strip()))
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=clean)}
    return [existing.get(name) or Tag.objects.get_or_create(name=name)[0] for name in clean]


def _version_create(*, question: Question, qtype: str, title: str, text: str, text_format: str,
                    general_feedback: str, data: dict[str, Any], default_mark: Decimal,
                    user: User | None) -> QuestionVersion:
    number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = QuestionVersion.objects.create(
        question=question, number=number, qtype=qtype, title=title.strip()[:255] or qtype, text=text,
        text_format=text_format, general_feedback=general_feedback, data=normalise_data(qtype, data),
        default_mark=default_mark, created_by=user,
    )
    question.current_version = version
    question.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def question_create(*, category: QuestionCategory, qtype: str, title: str, text: str, data: dict[str, Any],
                    text_format: str = "moodle", general_feedback: str = "", default_mark: Decimal = Decimal(1),
                    tags: list[str] | None = None, idnumber: str = "", user: User | None = None) -> Question:
    """Create a question and its first version. `data` is the type-specific part (see README)."""
    if qtype not in QuestionType.values:
        raise QuizError(f"Loại câu hỏi không hợp lệ: {qtype}")
    question = Question.objects.create(category=category, qtype=qtype, idnumber=idnumber[:100], created_by=user)
    if qtype == QuestionType.DESCRIPTION:
        default_mark = Decimal(0)
    _version_create(question=question, qtype=qtype, title=title, text=text, text_format=text_format,
                    general_feedback=general_feedback, data=data, default_mark=default_mark, user=user)
    if tags:
        question.tags.set(_tags(tags))
    return question


@transaction.atomic
def question_update(*, question: Question, title: str, text: str, data: dict[str, Any], text_format: str,
                    general_feedback: str, default_mark: Decimal, category: QuestionCategory,
                    tags: list[str], user: User | None) -> QuestionVersion:
    """Save an edit as a new version; attempts keep the version they showed. Returns the new version."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.category = category
    question.save(update_fields=["category", "updated_at"])
    question.tags.set(_tags(tags))
    if question.qtype == QuestionType.DESCRIPTION:
        default_mark = Decimal(0)
    return _version_create(question=question, qtype=question.qtype, title=title, text=text,
                           text_format=text_format, general_feedback=general_feedback, data=data,
                           default_mark=default_mark, user=user)


@transaction.atomic
def question_archive(*, question: Question, archived: bool = True) -> Question:
    """Hide a question from the bank and from random draws; attempts that used it are untouched."""
    question.is_archived = archived
    question.save(update_fields=["is_archived", "updated_at"])
    return question


# ---------------------------------------------------------------- import / export

@dataclass
class ImportResult:
    """Counts by question type and errors by line; `questions` are the parsed questions."""

    imported: Counter = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)
    questions: list[Any] = field(default_factory=list)
    saved: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"imported": dict(sorted(self.imported.items())), "errors": self.errors}


def questions_parse(*, text: str | bytes, file_format: str) -> ImportResult:
    """Parse a GIFT or Aiken file (never raises on content): every question read and every error."""
    if file_format not in ("gift", "aiken"):
        raise QuizError("Định dạng phải là gift hoặc aiken.")
    parser = parse_gift if file_format == "gift" else parse_aiken
    result = ImportResult()
    try:
        parsed = parser(text, strict=False)
    except FormatParseError as exc:  # a problem with the file as a whole (encoding...)
        result.errors.append({"line": exc.line, "message": exc.message})
        return result
    result.questions = list(parsed.questions)
    result.errors = [{"line": err.line, "message": err.message} for err in parsed.errors]
    result.errors.sort(key=lambda err: err["line"])
    for question in result.questions:
        result.imported[question.type] += 1
    return result


def _category_path(name: str | None) -> list[str]:
    if not name:
        return []
    parts = [part.strip() for part in name.replace("\\/", "\u2215").split("/")]
    parts = [part.replace("\u2215", "/") for part in parts if part]
    while parts and parts[0] in ("$course$", "$system$", "$module$", "$cat1$", "$cat2$", "$cat3$", "top", "Top"):
        parts.pop(0)
    return parts


@transaction.atomic
def questions_import(*, text: str | bytes, file_format: str, category: QuestionCategory, user: User | None = None,
                     strict: bool = True, dry_run: bool = False) -> ImportResult:
    """Import a GIFT or Aiken file into `category` ($CATEGORY lines make sub-categories below it).

    Strict mode imports nothing when any question has an error; otherwise the readable questions
    are imported and the errors listed. A dry run parses and counts but writes nothing.
    Writes an audit entry when questions are saved.
    """
    result = questions_parse(text=text, file_format=file_format)
    if strict and result.errors:
        result.imported = Counter()  # strict: one error and nothing is imported
        return result
    if dry_run or not result.questions:
        return result
    for parsed in result.questions:
        target = category
        path = _category_path(parsed.category)
        if path:
            target = category_get_or_create_path(path=path, parent=category)
        question_create(
            category=target, qtype=parsed.type, title=title_for(parsed), text=parsed.text,
            text_format=parsed.text_format, general_feedback=parsed.general_feedback,
            data=data_from_parsed(parsed), tags=parsed.tags, idnumber=parsed.id or "", user=user,
        )
    result.saved = True
    audit_record(action=AuditEvent.Action.IMPORT, actor=user, target=f"quizzes:category:{category.pk}",
                 detail={"format": file_format, **result.as_dict()})
    return result


@transaction.atomic
def question_import_preview(*, file_name: str, content: bytes, file_format: str, category: QuestionCategory,
                            strict: bool, user: User) -> QuestionImport:
    """Store an uploaded file with its dry-run result, for the trainer to confirm."""
    result = questions_parse(text=content, file_format=file_format)
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    status = QuestionImport.Status.PREVIEW
    if (strict and result.errors) or not result.questions:
        status = QuestionImport.Status.INVALID
    return QuestionImport.objects.create(
        uploaded_by=user, file_name=file_name[:255], file_format=file_format, content=text, category=category,
        strict=strict, status=status, summary=dict(result.imported), errors=result.errors,
    )


@transaction.atomic
def question_import_apply(*, question_import: QuestionImport, user: User) -> ImportResult:
    """Import a previewed file. Raises QuizError if it was already imported or has blocking errors."""
    locked = QuestionImport.objects.select_for_update().get(pk=question_import.pk)
    if locked.status != QuestionImport.Status.PREVIEW:
        raise QuizError("Tệp này đã được nhập hoặc có lỗi.")
    result = questions_import(text=locked.content, file_format=locked.file_format, category=locked.category,
                              user=user, strict=locked.strict)
    if not result.saved:
        raise QuizError("Không nhập được câu hỏi nào.")
    locked.status = QuestionImport.Status.APPLIED
    locked.save(update_fields=["status"])
    question_import.status = locked.status
    return result


def questions_export_gift(*, questions: list[Question]) -> str:
    """GIFT text of the current versions, with $CATEGORY lines, ids and tags."""
    parsed = []
    for question in questions:
        names = []
        category = question.category
        while category is not None:
            names.append(category.name.replace("/", "\\/"))
            category = category.parent
        parsed.append(parsed_from_version(
            question.current_version, category="$course$/top/" + "/".join(reversed(names)),
            tags=[tag.name for tag in question.tags.all()], idnumber=question.idnumber,
        ))
    return serialize_gift(parsed)


# ---------------------------------------------------------------- quizzes

@transaction.atomic
def quiz_slot_add(*, quiz: Quiz, question: Question | None = None, random_category: QuestionCategory | None = None,
                  count: int = 1, mark: Decimal | None = None, include_subcategories: bool = False) -> list[QuizSlot]:
    """Append a fixed question, or `count` random slots drawing from `random_category`."""
    if (question is None) == (random_category is None):
        raise QuizError("Chọn một câu hỏi hoặc một danh mục để lấy ngẫu nhiên.")
    position = (quiz.slots.aggregate(p=Max("position"))["p"] or 0)
    if question is not None:
        if quiz.slots.filter(question=question).exists():
            raise QuizError("Câu hỏi này đã có trong bài kiểm tra.")
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
        raise QuizError(f"Câu {slot.position}: điểm phải là số từ 0 đến {MAX_SLOT_MARK}.")
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


# ---------------------------------------------------------------- attempts

@dataclass(frozen=True)
class Rules:
    """The quiz's rules for one officer once overrides are applied."""

    close_at: datetime | None
    time_limit: timedelta | None
    attempts_allowed: int  # 0 = unlimited


def rules_for(*, quiz: Quiz, officer: Officer) -> Rules:
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


def _draw_layout(*, quiz: Quiz, rng: random.Random) -> list[dict[str, Any]]:
    slots = list(quiz.slots.select_related("question__current_version").order_by("position"))
    if not slots:
        raise QuizError("Bài kiểm tra chưa có câu hỏi.")
    fixed = {slot.question_id for slot in slots if slot.question_id}
    used: set[int] = set(fixed)
    layout = []
    for slot in slots:
        if slot.question_id:
            if slot.question.current_version is None:
                raise QuizError("Bài kiểm tra có câu hỏi chưa có nội dung.")
            version = slot.question.current_version
        else:
            categories = [slot.random_category_id]
            if slot.include_subcategories:
                categories = _subtree_ids(slot.random_category_id)
            pool = list(Question.objects.active().filter(category_id__in=categories, current_version__isnull=False)
                        .exclude(pk__in=used).exclude(qtype=QuestionType.DESCRIPTION)
                        .values_list("pk", "current_version_id"))
            if not pool:
                raise QuizError("Danh mục không còn đủ câu hỏi để lấy ngẫu nhiên.")
            question_id, version_id = rng.choice(sorted(pool))
            used.add(question_id)
            version = QuestionVersion.objects.get(pk=version_id)
        layout.append({"slot": slot.pk, "version": version.pk, "mark": str(slot.mark), "order": _order(
            version=version, shuffle=quiz.shuffle_answers, rng=rng), "_version": version})
    if quiz.shuffle_questions:
        rng.shuffle(layout)
    return layout


def _subtree_ids(root_id: int) -> list[int]:
    ids, frontier = [root_id], [root_id]
    while frontier:
        frontier = list(QuestionCategory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def _order(*, version: QuestionVersion, shuffle: bool, rng: random.Random) -> list[str]:
    return question_type_for(version.qtype).order_draw(data=version.data or {}, shuffle=shuffle, rng=rng)


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
    with _one_writer(), transaction.atomic():
        attempt = _attempt_start(quiz=quiz, officer=officer, now=now or timezone.now(), window=window)
        panel_cache_bump(officer_ids=[officer.pk], panel="quizzes")
        return attempt


def _attempt_start(*, quiz: Quiz, officer: Officer, now: datetime,
                   window: tuple[datetime | None, datetime | None] | None = None) -> Attempt:
    current = Attempt.objects.filter(quiz=quiz, officer=officer, state=Attempt.State.IN_PROGRESS).first()
    if current is not None:
        current = attempt_refresh(attempt=current, now=now)
        if current.state == Attempt.State.IN_PROGRESS:
            return current
    if window is None and not quiz.is_published:
        raise QuizError("Bài kiểm tra chưa được mở.")
    rules = rules_for(quiz=quiz, officer=officer)
    open_at = quiz.open_at
    if window is not None:
        open_at = window[0]
        override_close = Override.objects.filter(quiz=quiz, officer=officer).values_list("close_at", flat=True).first()
        rules = Rules(close_at=override_close or window[1], time_limit=rules.time_limit,
                      attempts_allowed=rules.attempts_allowed)
    if open_at and now < open_at:
        raise QuizError("Bài kiểm tra chưa đến giờ mở.")
    if rules.close_at and now >= rules.close_at:
        raise QuizError("Bài kiểm tra đã đóng.")
    done = Attempt.objects.filter(quiz=quiz, officer=officer).count()
    if rules.attempts_allowed and done >= rules.attempts_allowed:
        raise QuizError("Bạn đã dùng hết số lần làm bài.")
    seed = hashlib.sha256(f"{quiz.pk}-{officer.pk}-{done}-{now.isoformat()}".encode()).hexdigest()
    layout = _draw_layout(quiz=quiz, rng=random.Random(seed))
    deadline = now + rules.time_limit if rules.time_limit else None
    if rules.close_at and (deadline is None or rules.close_at < deadline):
        deadline = rules.close_at
    versions = [entry.pop("_version") for entry in layout]
    max_score = sum((Decimal(entry["mark"]) for entry in layout), Decimal(0))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz, officer=officer, number=done + 1, started_at=now, deadline=deadline, layout=layout,
                max_score=max_score,
            )
    except IntegrityError:
        # Another tab started at the same moment: use its attempt.
        return Attempt.objects.get(quiz=quiz, officer=officer, state=Attempt.State.IN_PROGRESS)
    AttemptAnswer.objects.bulk_create([
        AttemptAnswer(attempt=attempt, index=index, version=version, max_mark=Decimal(entry["mark"]))
        for index, (entry, version) in enumerate(zip(layout, versions, strict=True))
    ])
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
        return AnswerRefused("not_found", "Không tìm thấy lượt làm bài.")
    if not AttemptAnswer.objects.filter(attempt_id=attempt_id, index=index).exists():
        return AnswerRefused("not_in_attempt", "Câu hỏi này không thuộc lượt làm bài.")
    if attempt["state"] != Attempt.State.IN_PROGRESS:
        return AnswerRefused("closed", "Lượt làm bài đã nộp hoặc đã đóng; câu trả lời không được lưu.")
    if attempt["deadline"] is not None and now > attempt["deadline"] + answer_grace():
        return AnswerRefused("overdue", "Đã hết giờ làm bài; câu trả lời gửi sau hạn không được lưu.")
    if attempt["quiz__navigation"] == Navigation.SEQUENTIAL and index != attempt["current_index"]:
        return AnswerRefused("order", "Bài làm theo thứ tự: không thể sửa câu đã qua hoặc trả lời trước.")
    return AnswerRefused("busy", "Câu trả lời chưa được lưu, xin gửi lại.")


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


def attempt_is_overdue(attempt: Attempt, now: datetime) -> bool:
    return (attempt.state == Attempt.State.IN_PROGRESS and attempt.deadline is not None
            and now > attempt.deadline + answer_grace())


def attempt_refresh(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Close the attempt if its deadline (plus grace) has passed; return it up to date."""
    now = now or timezone.now()
    if attempt_is_overdue(attempt, now):
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


# ---------------------------------------------------------------- manual grading and regrade

@transaction.atomic
def answer_grade_manual(*, answer: AttemptAnswer, mark: Decimal, user: User, comment: str = "") -> AttemptAnswer:
    """Set the mark of one answer by hand (essays, or overriding), then re-total the attempt."""
    answer = AttemptAnswer.objects.select_for_update().select_related("attempt__quiz").get(pk=answer.pk)
    if answer.attempt.state != Attempt.State.FINISHED:
        raise QuizError("Chỉ chấm được bài đã nộp.")
    if mark < 0 or mark > answer.max_mark:
        raise QuizError(f"Điểm phải từ 0 đến {answer.max_mark}.")
    answer.mark = mark.quantize(FOUR, ROUND_HALF_UP)
    answer.fraction = float(mark / answer.max_mark) if answer.max_mark else 0.0
    answer.needs_grading = False
    answer.graded_by, answer.graded_at, answer.grader_comment = user, timezone.now(), comment
    answer.save(update_fields=["mark", "fraction", "needs_grading", "graded_by", "graded_at", "grader_comment"])
    attempt = Attempt.objects.select_for_update().select_related("quiz", "officer").get(pk=answer.attempt_id)
    was_passed = attempt.passed
    _total(attempt, list(attempt.answers.all()))
    attempt.save(update_fields=["score", "percent", "passed", "needs_grading"])
    if attempt.passed and not was_passed:
        _after_pass(attempt)
    return answer


@transaction.atomic
def quiz_regrade(*, quiz: Quiz, user: User | None = None, to_latest: bool = True) -> dict[str, int]:
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
    audit_record(action=AuditEvent.Action.OTHER, actor=user, target=f"quizzes:quiz:{quiz.pk}",
                 detail={"regrade": True, "attempts": len(attempts), "changed": changed})
    return {"attempts": len(attempts), "changed": changed}


def _fits(version: QuestionVersion, response: dict[str, Any] | None) -> bool:
    return question_type_for(version.qtype).response_fits(data=version.data or {}, response=response)


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


@receiver([post_save, post_delete], sender=Quiz, dispatch_uid="quizzes-home-panel")
def _quiz_changed(sender, **kwargs) -> None:  # noqa: ANN001, ANN003
    """A quiz created, edited, published or given other times changes the home panel of everyone it
    targets (quizzes are saved by their forms, so this listens to the model)."""
    panel_cache_bump_all(panel="quizzes")


def quiz_next_time_change(now: datetime) -> datetime | None:
    """The next moment after `now` when a published quiz opens or closes (the home panel changes then)."""
    times = Quiz.objects.published().filter(Q(open_at__gt=now) | Q(close_at__gt=now)).aggregate(
        opens=Min("open_at", filter=Q(open_at__gt=now)), closes=Min("close_at", filter=Q(close_at__gt=now)))
    return min((moment for moment in times.values() if moment is not None), default=None)


register_panel_expiry("quizzes", quiz_next_time_change)
