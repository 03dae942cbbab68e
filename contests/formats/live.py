"""The live final: host-paced questions scored by speed (Kahoot's rule) with an optional streak
bonus. Its scoring lives in `contests.services.live` (answers are scored on receipt); this class
validates the round's options and turns the last finished session into round scores."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contests.formats.base import RoundFormatBase, ScoreRow, register

DEFAULTS = {"read_seconds": 5, "answer_seconds": 20, "base_points": 1000, "streak_bonus": True}
LIMITS = {"read_seconds": (0, 60), "answer_seconds": (5, 240), "base_points": (100, 10000)}
LABELS = {"read_seconds": gettext_lazy("read time (seconds)"), "answer_seconds": gettext_lazy("countdown (seconds)"),
          "base_points": gettext_lazy("points per question")}


@register
class LiveFormat(RoundFormatBase):
    code = "live"

    def clean_options(self, options: dict) -> dict:
        """Read time 0–60 s (default 5), countdown 5–240 s (20), base points 100–10,000 (1,000),
        streak bonus on or off (on). Raises ValidationError naming the field."""
        cleaned = dict(DEFAULTS)
        for name, (low, high) in LIMITS.items():
            if name not in options:
                continue
            try:
                value = int(options[name])
            except (TypeError, ValueError):
                value = None
            if value is None or not low <= value <= high:
                raise ValidationError(_("%(field)s must be a whole number from %(low)s to %(high)s.")
                                      % {"field": LABELS[name], "low": low, "high": high}, code=name)
            cleaned[name] = value
        if "streak_bonus" in options:
            cleaned["streak_bonus"] = bool(options["streak_bonus"])
        return cleaned

    def _session(self):  # noqa: ANN202
        from contests.models_live import LivePhase, LiveSession

        return (LiveSession.objects.filter(round=self.round, phase=LivePhase.FINISHED)
                .order_by("-finished_at", "-pk").first())

    def scores(self, *, live: bool = True) -> list[ScoreRow]:
        """Each registration's points in the last finished session (a team: its members' mean);
        tie-break: fewer total milliseconds to answer."""
        from django.db.models import Sum

        from contests.models_live import LiveParticipant

        session = self._session()
        if session is None:
            return []
        by_registration: dict[int, list[tuple[int, int]]] = {}
        rows = (LiveParticipant.objects.filter(session=session)
                .annotate(time_ms=Sum("answers__elapsed_ms")).values_list("registration_id", "score", "time_ms"))
        for registration_id, score, time_ms in rows:
            by_registration.setdefault(registration_id, []).append((score, time_ms or 0))
        result = []
        for registration_id, members in by_registration.items():
            points = Decimal(sum(score for score, _ms in members)) / len(members)
            time_ms = sum(ms for _score, ms in members) / len(members)
            result.append(ScoreRow(registration_id, points.quantize(Decimal("0.01")), (time_ms,)))
        result.sort(key=lambda row: (-row.points, row.tie_breaks))
        return result

    def scoreboard(self, *, viewer=None) -> dict:  # noqa: ANN001
        """The final standings and unit standings of the last finished session."""
        from contests.services.live import finish_payload

        session = self._session()
        if session is None:
            return {"finished": False}
        return {"finished": True, **finish_payload(session)}
