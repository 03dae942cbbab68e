"""Judged rounds: the rubric, judges' assignments and their score sheets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contests.models import Registration, Round, RoundFormat
from contests.models_judging import Criterion, JudgeAssignment, JudgeScore, Task
from contests.selectors import entry_name, entry_unit, judge_unit
from contests.services.base import ContestError
from core.models import AuditEvent, User
from core.roles import Role, has_role
from core.services import audit_record
from core.text import nfc


def _judged(round_: Round) -> None:
    if round_.format != RoundFormat.JUDGED:
        raise ContestError("Chỉ vòng chấm thi thực hành mới có phần việc và tiêu chí chấm.")


@transaction.atomic
def task_save(*, round_: Round, title: str, description: str = "", task: Task | None = None) -> Task:
    """Add a task at the end of a judged round (or rename `task`). Raises ContestError."""
    _judged(round_)
    if not (title or "").strip():
        raise ContestError("Tên phần thi: không được để trống.")
    if task is None:
        task = Task(round=round_, order=(round_.tasks.aggregate(n=Max("order"))["n"] or 0) + 1)
    task.title, task.description = nfc(title.strip()), nfc(description)
    task.save()
    return task


@transaction.atomic
def criterion_save(*, task: Task, title: str, max_points: Decimal, criterion: Criterion | None = None) -> Criterion:
    """Add a rubric criterion to a task (or change `criterion`). Its maximum must be above 0 and, once
    sheets hold scores for it, not below the highest score given. Raises ContestError."""
    if not (title or "").strip():
        raise ContestError("Tên tiêu chí: không được để trống.")
    if max_points is None or max_points <= 0:
        raise ContestError("Điểm tối đa của tiêu chí: phải lớn hơn 0.")
    if criterion is not None:
        highest = criterion.scores.aggregate(n=Max("points"))["n"]
        if highest is not None and highest > max_points:
            raise ContestError(f"Điểm tối đa của tiêu chí: đã có giám khảo chấm {highest} điểm, "
                               f"không hạ xuống {max_points} được.")
    else:
        criterion = Criterion(task=task, order=(task.criteria.aggregate(n=Max("order"))["n"] or 0) + 1)
    criterion.title, criterion.max_points = nfc(title.strip()), max_points
    criterion.save()
    return criterion


@transaction.atomic
def judge_assign(*, round_: Round, registration: Registration, judge: User) -> JudgeAssignment:
    """Give `judge` a sheet for an entry of a judged round (assigning twice returns the sheet). A judge
    working in the entry's unit is flagged `own_unit` and may not score until the organiser allows it.
    Raises ContestError for a user without the judge role or an entry of another contest."""
    _judged(round_)
    if not has_role(judge, Role.JUDGE):
        raise ContestError(f"{judge.get_full_name() or judge.username}: không có vai trò giám khảo.")
    if registration.contest_id != round_.contest_id or registration.withdrawn_at is not None:
        raise ContestError("Bài dự thi không thuộc hội thi này hoặc đã rút.")
    unit = judge_unit(judge=judge)
    own = unit is not None and unit.pk == entry_unit(registration).pk
    assignment, _created = JudgeAssignment.objects.get_or_create(
        round=round_, registration=registration, judge=judge, defaults={"own_unit": own})
    return assignment


@transaction.atomic
def judge_allow_own_unit(*, assignment: JudgeAssignment, allowed: bool = True) -> JudgeAssignment:
    """The organiser lets a judge from the entry's own unit score it (or withdraws that leave); recorded
    in the audit log."""
    assignment.own_unit_allowed = allowed
    assignment.save(update_fields=["own_unit_allowed"])
    audit_record(action=AuditEvent.Action.OTHER, target=f"contests.JudgeAssignment:{assignment.pk}",
                 detail={"event": "own_unit_allowed", "allowed": allowed, "judge": assignment.judge_id,
                         "registration": assignment.registration_id})
    return assignment


def _parse_points(raw: Any, criterion: Criterion) -> Decimal:  # noqa: ANN401
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    if text == "":
        raise ContestError(f"Tiêu chí “{criterion.title}”: chưa nhập điểm.")
    try:
        points = Decimal(text)
    except InvalidOperation as exc:
        raise ContestError(f"Tiêu chí “{criterion.title}”: “{raw}” không phải là số.") from exc
    if not points.is_finite() or points < 0:
        raise ContestError(f"Tiêu chí “{criterion.title}”: điểm không được âm.")
    if points > criterion.max_points:
        raise ContestError(f"Tiêu chí “{criterion.title}”: {points} vượt quá điểm tối đa {criterion.max_points}.")
    if points.as_tuple().exponent < -2:
        raise ContestError(f"Tiêu chí “{criterion.title}”: điểm chỉ lấy tối đa 2 chữ số thập phân.")
    return points


def _criteria(round_: Round) -> list[Criterion]:
    return list(Criterion.objects.filter(task__round=round_).select_related("task").order_by("task__order", "task_id",
                                                                                            "order", "id"))


@transaction.atomic
def score_sheet_save(*, assignment: JudgeAssignment, judge: User, entries: dict[int, tuple[Any, str]],
                     submit: bool = False, now: datetime | None = None) -> JudgeAssignment:
    """A judge saves points and comments per criterion (`entries`: criterion id → (points, comment)),
    and with `submit` locks the sheet.

    Refuses, naming the criterion or the reason, and changing nothing: another judge's sheet, a judge
    from the entry's unit without the organiser's leave, a submitted (locked) sheet, points missing,
    not a number, negative or above the criterion's maximum, and (on submit) a criterion left unscored.
    """
    now = now or timezone.now()
    locked = JudgeAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.judge_id != judge.pk:
        raise ContestError("Phiếu chấm này không được giao cho bạn.")
    if not locked.may_score:
        raise ContestError("Bạn cùng đơn vị với thí sinh: chỉ được chấm khi ban tổ chức cho phép.")
    if locked.submitted_at is not None:
        raise ContestError("Phiếu chấm đã nộp và bị khóa: muốn sửa, hãy đề nghị ban tổ chức.")
    criteria = {criterion.pk: criterion for criterion in _criteria(locked.round)}
    unknown = set(entries) - set(criteria)
    if unknown:
        raise ContestError("Có tiêu chí không thuộc vòng thi này.")
    parsed = {pk: (_parse_points(raw, criteria[pk]), nfc((comment or "").strip())) for pk, (raw, comment) in entries.items()}
    if submit:
        scored = set(locked.scores.values_list("criterion_id", flat=True)) | set(parsed)
        missing = [criterion.title for pk, criterion in criteria.items() if pk not in scored]
        if missing:
            raise ContestError(f"Chưa chấm tiêu chí: {', '.join(missing)}.")
    for pk, (points, comment) in parsed.items():
        JudgeScore.objects.update_or_create(assignment=locked, criterion_id=pk,
                                            defaults={"points": points, "comment": comment})
    if submit:
        locked.submitted_at = now
        locked.save(update_fields=["submitted_at"])
        audit_record(action=AuditEvent.Action.OTHER, actor=judge, target=f"contests.JudgeAssignment:{locked.pk}",
                     detail={"event": "sheet_submitted", "entry": entry_name(locked.registration),
                             "total": str(sum((points for points, _ in parsed.values()), Decimal(0)))})
    return locked


@transaction.atomic
def score_amend(*, assignment: JudgeAssignment, criterion: Criterion, points: Any, comment: str,  # noqa: ANN401
                reason: str, user: User) -> JudgeScore:
    """The organiser corrects one score of a submitted sheet. A reason is required; the old and new
    points are recorded in the audit log. Raises ContestError (sheet not submitted, bad points, no
    reason) and changes nothing then."""
    locked = JudgeAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.submitted_at is None:
        raise ContestError("Phiếu chấm chưa nộp: giám khảo tự sửa được.")
    if criterion.task.round_id != locked.round_id:
        raise ContestError("Tiêu chí không thuộc vòng thi này.")
    if not (reason or "").strip():
        raise ContestError("Lý do sửa điểm: không được để trống.")
    value = _parse_points(points, criterion)
    score = JudgeScore.objects.filter(assignment=locked, criterion=criterion).first()
    before = {"points": str(score.points), "comment": score.comment} if score else None
    score, _created = JudgeScore.objects.update_or_create(
        assignment=locked, criterion=criterion, defaults={"points": value, "comment": nfc((comment or "").strip())})
    audit_record(action=AuditEvent.Action.OTHER, actor=user, target=f"contests.JudgeScore:{score.pk}",
                 detail={"event": "score_amended", "sheet": locked.pk, "criterion": criterion.title,
                         "before": before, "after": {"points": str(value), "comment": score.comment},
                         "reason": nfc(reason.strip())})
    return score
