"""Writes of the contests app, by subject. Every public name is re-exported here.

`ContestError` carries a message for the user (Vietnamese) and changes nothing when raised.
"""

from __future__ import annotations

from contests.services.base import ContestError
from contests.services.contest import (
    contest_create,
    contest_publish,
    contest_update,
    round_save,
)
from contests.services.judging import (
    criterion_save,
    judge_assign,
    judge_allow_own_unit,
    score_amend,
    score_sheet_save,
    task_save,
)
from contests.services.online import round_attempt_start
from contests.services.registration import (
    registration_individual_create,
    registration_team_save,
    registration_withdraw,
)
from contests.services.results import awards_issue, results_publish

__all__ = [
    "ContestError",
    "awards_issue",
    "contest_create",
    "contest_publish",
    "contest_update",
    "criterion_save",
    "judge_allow_own_unit",
    "judge_assign",
    "registration_individual_create",
    "registration_team_save",
    "registration_withdraw",
    "results_publish",
    "round_attempt_start",
    "round_save",
    "score_amend",
    "score_sheet_save",
    "task_save",
]
