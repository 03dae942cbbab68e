"""The online qualifying round: a quiz of the bank taken within the round's window.

Scoring (DMOJ-exact): an entry's points are the percent of its best finished attempt (the earlier
one among equals); ties are broken by less time used (finished − started, whole seconds, as DMOJ
counts cumulative time), then by the earlier finish; entries equal on all three share a rank. A team
scores the mean of its members' percents (a member without an attempt counts 0), the sum of their
times and its last member's finish.

Freeze: with `freeze_minutes` N, attempts finished in the last N minutes before the round closes
are left off the board contestants see (they see the board as it stood when the freeze began);
organisers see the live board. At the close everyone sees the final board.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from contests.formats.base import RoundFormatBase, ScoreRow, register, shared_ranks

NEVER = 10**12  # the time and finish of an entry without an attempt: after everyone (selectors.UNTIMED)


@dataclass
class _Best:
    percent: Decimal
    seconds: int
    finished_at: datetime


@register
class OnlineFormat(RoundFormatBase):
    code = "online"

    def clean_options(self, options: dict) -> dict:
        raw = options.get("freeze_minutes", 0) or 0
        try:
            minutes = int(raw)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"Đóng băng bảng điểm: “{raw}” không phải số phút.") from exc
        if minutes < 0:
            raise ValidationError("Đóng băng bảng điểm: số phút không được âm.")
        round_ = self.round
        if minutes and round_.opens_at and round_.closes_at and \
                timedelta(minutes=minutes) >= round_.closes_at - round_.opens_at:
            raise ValidationError("Đóng băng bảng điểm: phải ngắn hơn thời gian vòng thi.")
        return {"freeze_minutes": minutes}

    def max_points(self) -> Decimal | None:
        return Decimal(100)

    # ------------------------------------------------------------ freeze

    def freeze_at(self) -> datetime | None:
        minutes = int((self.round.options or {}).get("freeze_minutes") or 0)
        if not minutes or not self.round.closes_at:
            return None
        return self.round.closes_at - timedelta(minutes=minutes)

    def is_frozen(self, now: datetime | None = None) -> bool:
        """The freeze is on: between its start and the round's close."""
        now = now or timezone.now()
        start = self.freeze_at()
        return bool(start and start <= now < self.round.closes_at)

    # ------------------------------------------------------------ scoring

    def _best_attempts(self, *, cutoff: datetime | None) -> dict[int, _Best]:
        from quizzes.models import Attempt

        if self.round.quiz_id is None:
            return {}
        attempts = Attempt.objects.finished().filter(quiz_id=self.round.quiz_id)
        if self.round.opens_at:
            attempts = attempts.filter(started_at__gte=self.round.opens_at)
        if cutoff is not None:
            attempts = attempts.filter(finished_at__lt=cutoff)
        best: dict[int, _Best] = {}
        for officer_id, score, max_score, percent, started, finished in attempts.values_list(
                "officer_id", "score", "max_score", "percent", "started_at", "finished_at").order_by("finished_at", "id"):
            if percent is None:
                percent = (Decimal(score) * 100 / Decimal(max_score)) if score is not None and max_score else Decimal(0)
            candidate = _Best(Decimal(percent), int((finished - started).total_seconds()), finished)
            current = best.get(officer_id)
            # The earlier attempt wins among equal percents (attempts come in finishing order).
            if current is None or candidate.percent > current.percent:
                best[officer_id] = candidate
        return best

    def scores(self, *, live: bool = True, now: datetime | None = None) -> list[ScoreRow]:
        from contests.selectors import entry_officer_ids, registration_list

        now = now or timezone.now()
        cutoff = self.freeze_at() if (not live and self.is_frozen(now)) else None
        best = self._best_attempts(cutoff=cutoff)
        rows = []
        for registration in registration_list(contest=self.round.contest):
            members = [best.get(officer_id) for officer_id in entry_officer_ids(registration)]
            done = [member for member in members if member is not None]
            if not done:
                rows.append(ScoreRow(registration.pk, Decimal(0), (NEVER, NEVER)))
                continue
            points = sum((member.percent for member in done), Decimal(0)) / len(members)
            seconds = sum(member.seconds for member in done)
            last = max(member.finished_at for member in done)
            rows.append(ScoreRow(registration.pk, points.quantize(Decimal("0.001")), (seconds, int(last.timestamp()))))
        return rows

    def scoreboard(self, *, viewer=None, now: datetime | None = None) -> dict[str, Any]:  # noqa: ANN001
        """Ranked rows for `viewer`: the live board for those who manage the contest, the frozen
        one for everyone else while the freeze is on."""
        from contests.permissions import can_manage_contest
        from contests.selectors import entry_name, entry_unit, registration_list

        now = now or timezone.now()
        live = viewer is not None and can_manage_contest(viewer, self.round.contest)
        rows = sorted(self.scores(live=live, now=now), key=lambda row: (-row.points, row.tie_breaks))
        entries = {registration.pk: registration for registration in registration_list(contest=self.round.contest)}
        ranks = shared_ranks([(row.points, row.tie_breaks) for row in rows])
        lines = []
        freeze_at = self.freeze_at()
        for rank, row in zip(ranks, rows, strict=True):
            registration = entries[row.registration_id]
            seconds, finished = row.tie_breaks
            finished_at = None if finished == NEVER else datetime.fromtimestamp(finished, tz=UTC)
            lines.append({
                "rank": rank, "name": entry_name(registration), "unit": entry_unit(registration).name,
                "points": row.points, "registration_id": row.registration_id,
                "time": None if seconds == NEVER else timedelta(seconds=seconds),
                "finished_at": finished_at,
                # Shown once visible: the entry's result came in during the freeze.
                "in_freeze": bool(freeze_at and finished_at and finished_at >= freeze_at),
            })
        return {"rows": lines, "frozen": self.is_frozen(now) and not live, "freeze_at": freeze_at,
                "closed": bool(self.round.closes_at and now >= self.round.closes_at),
                "live_view": live and self.is_frozen(now)}
