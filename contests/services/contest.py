"""Contests and their rounds, as the organiser sets them up."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from contests.formats import registered_formats
from contests.models import Contest, Round, RoundFormat
from contests.services.base import ContestError
from core.fragments import panel_cache_bump_all
from core.models import User
from core.text import nfc
from org.models import Position, Unit
from quizzes.models import Quiz

CONTEST_FIELDS = (
    "title", "description", "audience_unit", "allow_individual", "allow_teams", "team_min_size", "team_max_size",
    "registration_opens_at", "registration_closes_at", "awards_first", "awards_second", "awards_third",
    "awards_merit",
)


def _check_contest(values: dict[str, Any]) -> None:
    if not (values.get("title") or "").strip():
        raise ContestError("Tên hội thi: không được để trống.")
    if not values.get("allow_individual") and not values.get("allow_teams"):
        raise ContestError("Hình thức dự thi: chọn ít nhất một (cá nhân hoặc đội của đơn vị).")
    low, high = values.get("team_min_size") or 1, values.get("team_max_size") or 1
    if low < 1 or high < low:
        raise ContestError(f"Số thành viên đội: “từ” ({low}) phải ≥ 1 và không lớn hơn “đến” ({high}).")
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise ContestError("Thời hạn đăng ký: giờ đóng phải sau giờ mở.")


@transaction.atomic
def contest_create(*, created_by: User, title: str, description: str = "", audience_unit: Unit | None = None,
                   audience_positions: list[Position] | None = None, allow_individual: bool = True,
                   allow_teams: bool = False, team_min_size: int = 1, team_max_size: int = 5,
                   registration_opens_at: datetime | None = None, registration_closes_at: datetime | None = None,
                   awards_first: int = 1, awards_second: int = 2, awards_third: int = 3,
                   awards_merit: int = 4) -> Contest:
    """Create an unpublished contest. Checks the title, that one entry kind is allowed, the team sizes
    and the registration window; raises ContestError naming the field."""
    values = {key: value for key, value in locals().items() if key in CONTEST_FIELDS}
    _check_contest(values)
    values["title"], values["description"] = nfc(values["title"].strip()), nfc(values["description"])
    contest = Contest.objects.create(created_by=created_by, **values)
    contest.audience_positions.set(audience_positions or [])
    return contest


@transaction.atomic
def contest_update(*, contest: Contest, audience_positions: list[Position] | None = None,
                   **values: Any) -> Contest:  # noqa: ANN401
    """Change a contest's settings (the names of `CONTEST_FIELDS`), with contest_create's checks.
    Raises ContestError on an unknown field or a broken rule; nothing is saved then."""
    unknown = set(values) - set(CONTEST_FIELDS)
    if unknown:
        raise ContestError(f"Trường không hợp lệ: {', '.join(sorted(unknown))}.")
    merged = {key: getattr(contest, key) for key in CONTEST_FIELDS} | values
    _check_contest(merged)
    for key, value in values.items():
        setattr(contest, key, nfc(value.strip()) if key == "title" else nfc(value) if key == "description" else value)
    contest.save()
    if audience_positions is not None:
        contest.audience_positions.set(audience_positions)
    if contest.is_published:
        panel_cache_bump_all(panel="contests")
    return contest


@transaction.atomic
def contest_publish(*, contest: Contest, published: bool = True) -> Contest:
    """Show the contest to the officers it is open to (or hide it again). A contest needs at least one
    round to be published; raises ContestError otherwise."""
    if published and not contest.rounds.exists():
        raise ContestError("Hội thi chưa có vòng thi nào: thêm ít nhất một vòng trước khi công bố.")
    contest.is_published = published
    contest.save(update_fields=["is_published"])
    panel_cache_bump_all(panel="contests")
    return contest


@transaction.atomic
def round_save(*, contest: Contest, round_: Round | None = None, title: str, format: str,  # noqa: A002
               weight: Decimal = Decimal(1), quiz: Quiz | None = None, opens_at: datetime | None = None,
               closes_at: datetime | None = None, options: dict[str, Any] | None = None) -> Round:
    """Add a round at the end of the contest (or change `round_`).

    Online and live rounds need a quiz; an online round needs its window, and its quiz must not be
    published in the quiz list (else any officer could take it outside the contest). The format class
    validates `options` (None keeps the round's). Raises ContestError naming the field; nothing is saved then.
    """
    if format not in RoundFormat.values:
        raise ContestError("Hình thức vòng thi: không hợp lệ.")
    if round_ is not None and round_.format != format and round_.pk and _round_has_work(round_):
        raise ContestError("Vòng thi đã có bài làm hoặc điểm: không đổi được hình thức.")
    if not (title or "").strip():
        raise ContestError("Tên vòng thi: không được để trống.")
    if weight is None or weight < 0:
        raise ContestError("Trọng số: phải là số không âm.")
    if format in (RoundFormat.ONLINE, RoundFormat.LIVE) and quiz is None:
        raise ContestError("Bài thi: vòng thi trực tuyến và chung kết trực tiếp cần một bài kiểm tra từ ngân hàng.")
    if format == RoundFormat.ONLINE:
        if not opens_at or not closes_at:
            raise ContestError("Thời gian vòng thi: nhập giờ mở và giờ đóng.")
        if quiz.is_published:
            raise ContestError(f"Bài thi “{quiz.title}” đang công bố cho mọi cán bộ: chọn một bài kiểm tra "
                               "chưa công bố để chỉ thí sinh đã đăng ký làm được.")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ContestError("Thời gian vòng thi: giờ đóng phải sau giờ mở.")
    if format == RoundFormat.JUDGED:
        quiz = None
    round_ = round_ or Round(contest=contest, order=(contest.rounds.aggregate(n=Max("order"))["n"] or 0) + 1)
    round_.title, round_.format, round_.weight, round_.quiz = nfc(title.strip()), format, weight, quiz
    round_.opens_at, round_.closes_at = opens_at, closes_at
    if options is None:  # keep what the round has
        options = dict(round_.options or {}) if round_.pk else {}
    format_class = registered_formats().get(format)
    try:
        round_.options = format_class(round_).clean_options(options) if format_class else dict(options)
    except ValidationError as exc:
        raise ContestError(" ".join(exc.messages)) from exc
    round_.save()
    if contest.is_published:
        panel_cache_bump_all(panel="contests")
    return round_


def _round_has_work(round_: Round) -> bool:
    from quizzes.models import Attempt

    if round_.quiz_id and Attempt.objects.filter(quiz_id=round_.quiz_id).exists():
        return True
    return round_.judge_assignments.filter(scores__isnull=False).exists()
