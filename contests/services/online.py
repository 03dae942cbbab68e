"""Taking an online qualifying round: an attempt at the round's quiz, through quizzes' services."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from contests.models import Round, RoundFormat
from contests.selectors import registration_for_officer
from contests.services.base import ContestError
from org.models import Officer
from quizzes import services as quiz_services
from quizzes.models import Attempt


def round_attempt_start(*, round_: Round, officer: Officer, now: datetime | None = None) -> Attempt:
    """Start (or continue) the officer's attempt at an online round's quiz.

    Only an officer in an active entry of the contest, within the round's window; the attempt's
    deadline never passes the round's close (quizzes fixes it on the server). Raises ContestError with
    the reason (quizzes' own refusals included); nothing is written then.
    """
    now = now or timezone.now()
    if round_.format != RoundFormat.ONLINE or round_.quiz_id is None:
        raise ContestError("Vòng thi này không làm bài trực tuyến.")
    if not round_.contest.is_published:
        raise ContestError("Hội thi chưa được công bố.")
    if registration_for_officer(contest=round_.contest, officer=officer) is None:
        raise ContestError("Bạn chưa đăng ký hội thi này nên không làm bài vòng thi được.")
    if round_.opens_at and now < round_.opens_at:
        raise ContestError(f"Vòng thi chưa mở: mở lúc {timezone.localtime(round_.opens_at):%H:%M %d/%m/%Y}.")
    if round_.closes_at and now >= round_.closes_at:
        raise ContestError("Vòng thi đã đóng.")
    try:
        return quiz_services.attempt_start(quiz=round_.quiz, officer=officer, now=now,
                                           window=(round_.opens_at, round_.closes_at))
    except quiz_services.QuizError as exc:
        raise ContestError(str(exc)) from exc
