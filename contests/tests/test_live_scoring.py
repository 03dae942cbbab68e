"""Kahoot's speed rule and the streak bonus, as pure functions."""

from __future__ import annotations

import pytest

from contests.services.live import live_points, live_streak_bonus


def test_kahoot_example_two_seconds_into_thirty_at_one_thousand_gives_967():
    assert live_points(elapsed_ms=2000, answer_ms=30000, base=1000) == 967


@pytest.mark.parametrize("elapsed", [0, 120, 499])
def test_full_points_under_half_a_second(elapsed):  # noqa: ANN001
    assert live_points(elapsed_ms=elapsed, answer_ms=30000, base=1000) == 1000


def test_half_a_second_already_counts_as_time():
    assert live_points(elapsed_ms=500, answer_ms=20000, base=1000) == 988  # 1 − 0.5/20/2 = 0.9875 → 988


def test_last_moment_gives_half_and_never_less():
    assert live_points(elapsed_ms=30000, answer_ms=30000, base=1000) == 500
    assert live_points(elapsed_ms=45000, answer_ms=30000, base=1000) == 500


def test_wrong_answer_scores_nothing_and_partial_scales():
    assert live_points(elapsed_ms=2000, answer_ms=30000, base=1000, fraction=0) == 0
    assert live_points(elapsed_ms=0, answer_ms=30000, base=1000, fraction=0.5) == 500


def test_base_points_scale_the_rule():
    assert live_points(elapsed_ms=2000, answer_ms=30000, base=2000) == 1933  # 1933.33


def test_halves_round_up():
    # 1 − 3000/20000/2 = 0.925 × 1000 = 925 exactly; 1 − 1000/16000/2 = 0.96875 × 1000 = 968.75 → 969
    assert live_points(elapsed_ms=3000, answer_ms=20000, base=1000) == 925
    assert live_points(elapsed_ms=1000, answer_ms=16000, base=1000) == 969
    assert live_points(elapsed_ms=5000, answer_ms=16000, base=100) == 84  # 84.375
    assert live_points(elapsed_ms=2000, answer_ms=16000, base=100) == 94  # 93.75 → 94


def test_streak_bonus_grows_by_one_hundred_and_stops_at_five_hundred():
    bonuses = [live_streak_bonus(streak_before=n, enabled=True) for n in range(8)]
    assert bonuses == [0, 100, 200, 300, 400, 500, 500, 500]


def test_no_streak_bonus_when_the_round_turns_it_off():
    assert live_streak_bonus(streak_before=4, enabled=False) == 0
