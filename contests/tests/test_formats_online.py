"""The online round: taking it, DMOJ-exact ranking and tie-breaks, the frozen scoreboard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from contests import services
from contests.formats import format_for
from contests.formats.base import shared_ranks
from contests.tests import factories


def test_shared_ranks_skip_ahead_like_dmoj():
    assert shared_ranks([(3,), (2,), (2,), (1,)]) == [1, 2, 2, 4]
    assert shared_ranks([]) == []


def test_only_registered_officers_take_the_round_within_its_window(world):
    contest = factories.contest(world)
    round_ = factories.online_round(contest)
    with pytest.raises(services.ContestError, match="chưa đăng ký"):
        services.round_attempt_start(round_=round_, officer=world.officers["officer"])
    factories.enter(contest, world.officers["officer"])
    attempt = services.round_attempt_start(round_=round_, officer=world.officers["officer"])
    assert attempt.deadline == round_.closes_at  # the round's close bounds the attempt
    assert services.round_attempt_start(round_=round_, officer=world.officers["officer"]).pk == attempt.pk
    with pytest.raises(services.ContestError, match="đã đóng"):
        services.round_attempt_start(round_=round_, officer=world.officers["officer"],
                                     now=round_.closes_at + timedelta(seconds=1))
    with pytest.raises(services.ContestError, match="chưa mở"):
        services.round_attempt_start(round_=round_, officer=world.officers["officer"],
                                     now=round_.opens_at - timedelta(seconds=1))


def _three_entries(world):
    contest = factories.contest(world)
    now = timezone.now()
    round_ = factories.online_round(contest, opens=now - timedelta(hours=2), closes=now + timedelta(hours=1))
    people = [world.officers[key] for key in ("officer", "other_a1", "other_b")]
    for person in people:
        factories.enter(contest, person)
    return contest, round_, people, now - timedelta(hours=2)


def test_ranking_is_score_then_time_used_then_earlier_finish(world):
    contest, round_, (a, b, c), opened = _three_entries(world)
    factories.take(round_, a, right=2, started=opened + timedelta(minutes=10), seconds=300)
    factories.take(round_, b, right=2, started=opened + timedelta(minutes=1), seconds=200)  # same score, faster
    factories.take(round_, c, right=1, started=opened, seconds=60)
    board = format_for(round_).scoreboard(viewer=world.user("contest_organiser"))
    assert [(row["rank"], row["name"], row["points"]) for row in board["rows"]] == [
        (1, b.full_name, Decimal("100.000")), (2, a.full_name, Decimal("100.000")), (3, c.full_name, Decimal("50.000"))]
    assert board["rows"][0]["time"] == timedelta(seconds=200)


def test_equal_score_and_time_go_to_the_earlier_finish_and_full_ties_share_a_rank(world):
    contest, round_, (a, b, c), opened = _three_entries(world)
    factories.take(round_, a, right=2, started=opened + timedelta(minutes=5), seconds=100)
    factories.take(round_, b, right=2, started=opened, seconds=100)  # finished five minutes earlier
    board = format_for(round_).scoreboard(viewer=None)
    assert [row["name"] for row in board["rows"]][:2] == [b.full_name, a.full_name]
    assert [row["rank"] for row in board["rows"]] == [1, 2, 3]  # c never took it: last, with 0
    rows = format_for(round_).scores()
    a_row = next(row for row in rows if row.points and row.tie_breaks[1] > 0 and row.registration_id
                 == contest.registrations.get(officer=a).pk)
    assert a_row.tie_breaks[0] == 100


def test_frozen_board_hides_late_results_from_contestants_but_not_organisers(world):
    contest = factories.contest(world)
    now = timezone.now()
    round_ = factories.online_round(contest, opens=now - timedelta(hours=1), closes=now + timedelta(minutes=10),
                                    freeze_minutes=30)
    a, b = world.officers["officer"], world.officers["other_b"]
    factories.enter(contest, a)
    factories.enter(contest, b)
    factories.take(round_, a, right=1, started=now - timedelta(minutes=55), seconds=60)  # before the freeze
    factories.take(round_, b, right=2, started=now - timedelta(minutes=10), seconds=60)  # during the freeze
    strategy = format_for(round_)
    assert strategy.is_frozen(now)
    public = strategy.scoreboard(viewer=world.user("officer"), now=now)
    assert public["frozen"] is True
    assert public["rows"][0]["name"] == a.full_name and public["rows"][1]["points"] == 0
    live = strategy.scoreboard(viewer=world.user("contest_organiser"), now=now)
    assert live["frozen"] is False and live["live_view"] is True
    assert live["rows"][0]["name"] == b.full_name
    after = strategy.scoreboard(viewer=world.user("officer"), now=round_.closes_at + timedelta(seconds=1))
    assert after["frozen"] is False and after["rows"][0]["name"] == b.full_name


def test_team_scores_the_mean_of_its_members(world):
    contest = factories.contest(world, allow_teams=True, team_min_size=2, team_max_size=3)
    now = timezone.now()
    round_ = factories.online_round(contest, opens=now - timedelta(hours=1))
    team = services.registration_team_save(contest=contest, unit=world.units["A"],
                                           members=[world.officers["officer"], world.officers["other_a1"]],
                                           registered_by=world.user("unit_manager"))
    factories.take(round_, world.officers["officer"], right=2, started=now - timedelta(minutes=30), seconds=100)
    rows = {row.registration_id: row for row in format_for(round_).scores()}
    assert rows[team.pk].points == Decimal("50.000")  # 100 and a member without an attempt (0)
    factories.take(round_, world.officers["other_a1"], right=1, started=now - timedelta(minutes=20), seconds=50)
    rows = {row.registration_id: row for row in format_for(round_).scores()}
    assert rows[team.pk].points == Decimal("75.000") and rows[team.pk].tie_breaks[0] == 150
