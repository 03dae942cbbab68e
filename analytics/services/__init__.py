"""Writes of the analytics app: usage-log imports, xAPI statements, count-table fill, adoption scores.

Each module's public functions are re-exported here (`from analytics import services`)."""

from analytics.services.fill import FillReport, counts_fill, fill_state_get, refill_days_mark
from analytics.services.scores import (
    ScoreSettingsError, adoption_scores_compute, adoption_scores_recompute_from, score_settings_in_force,
    score_settings_save, score_state_touch,
)

__all__ = [
    "FillReport", "ScoreSettingsError", "adoption_scores_compute", "adoption_scores_recompute_from",
    "counts_and_scores_fill", "counts_fill", "fill_state_get", "refill_days_mark", "score_settings_in_force",
    "score_settings_save", "score_state_touch",
]


def counts_and_scores_fill(**kwargs) -> tuple[FillReport, int]:  # noqa: ANN003
    """`counts_fill(**kwargs)`, then `adoption_scores_compute` for every month the fill touched.
    Returns the fill report and the number of scores written."""
    from analytics.services.scores import add_months, month_start

    report = counts_fill(**kwargs)
    months = {month_start(day) for day in report.refilled}
    for begin, end in report.filled:
        day = month_start(begin)
        while day <= end:
            months.add(day)
            day = add_months(day, 1)
    written = sum(adoption_scores_compute(month=month) for month in sorted(months))
    return report, written
