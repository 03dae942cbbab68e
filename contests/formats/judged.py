"""The judged practical round: judges score each entry per rubric criterion.

A sheet counts once its judge has submitted it and may score the entry (a judge from the entry's
unit only with the organiser's leave). An entry's points are the mean of its counted sheets' totals;
with the `trimmed` option and at least three sheets, the highest and the lowest total are left out
first. Scores stay hidden from contestants until the contest's results are published.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum

from contests.formats.base import RoundFormatBase, ScoreRow, register, shared_ranks

AGGREGATES = ("mean", "trimmed")


def aggregate(totals: list[Decimal], *, trimmed: bool) -> Decimal | None:
    """The entry's points from its sheets' totals: the mean, or with `trimmed` and three or more
    sheets the mean without one highest and one lowest. None without any sheet."""
    if not totals:
        return None
    values = sorted(totals)
    if trimmed and len(values) >= 3:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.001"))


@register
class JudgedFormat(RoundFormatBase):
    code = "judged"

    def clean_options(self, options: dict) -> dict:
        value = options.get("aggregate") or "mean"
        if value not in AGGREGATES:
            raise ValidationError("Cách tính điểm: chọn trung bình hoặc trung bình bỏ điểm cao nhất và thấp nhất.")
        return {"aggregate": value}

    @property
    def trimmed(self) -> bool:
        return (self.round.options or {}).get("aggregate") == "trimmed"

    def max_points(self) -> Decimal | None:
        from contests.models_judging import Criterion

        total = Criterion.objects.filter(task__round=self.round).aggregate(n=Sum("max_points"))["n"]
        return total or None

    def sheet_totals(self) -> dict[int, list[Decimal]]:
        """Totals of the counted sheets, by registration id."""
        from contests.models_judging import JudgeAssignment
        from django.db.models import Q

        counted = (JudgeAssignment.objects.filter(round=self.round, submitted_at__isnull=False)
                   .filter(Q(own_unit=False) | Q(own_unit_allowed=True))
                   .annotate(total=Sum("scores__points")).values_list("registration_id", "total"))
        totals: dict[int, list[Decimal]] = defaultdict(list)
        for registration_id, total in counted:
            totals[registration_id].append(total or Decimal(0))
        return totals

    def scores(self, *, live: bool = True) -> list[ScoreRow]:
        from contests.selectors import registration_list

        totals = self.sheet_totals()
        rows = []
        for registration in registration_list(contest=self.round.contest):
            points = aggregate(totals.get(registration.pk, []), trimmed=self.trimmed)
            rows.append(ScoreRow(registration.pk, points or Decimal(0)))
        return rows

    def scoreboard(self, *, viewer=None) -> dict[str, Any]:  # noqa: ANN001
        """Ranked entries with the number of counted sheets; shown to those who manage the contest,
        and to everyone once the results are published (`hidden` otherwise)."""
        from contests.permissions import can_manage_contest
        from contests.selectors import entry_name, entry_unit, registration_list

        contest = self.round.contest
        if not contest.results_published_at and not (viewer is not None and can_manage_contest(viewer, contest)):
            return {"rows": [], "hidden": True}
        totals = self.sheet_totals()
        entries = {registration.pk: registration for registration in registration_list(contest=contest)}
        rows = sorted(self.scores(), key=lambda row: (-row.points, row.tie_breaks))
        ranks = shared_ranks([row.points for row in rows])
        lines = [{"rank": rank, "name": entry_name(entries[row.registration_id]),
                  "unit": entry_unit(entries[row.registration_id]).name, "points": row.points,
                  "sheets": len(totals.get(row.registration_id, [])), "registration_id": row.registration_id}
                 for rank, row in zip(ranks, rows, strict=True)]
        return {"rows": lines, "hidden": False, "max_points": self.max_points()}
