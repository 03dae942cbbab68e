from datetime import timedelta

import pytest
from django.utils import timezone

from contests import selectors, services
from contests.models import Registration
from contests.tests import factories


def test_officer_registers_once_and_can_withdraw_and_come_back(world):
    contest = factories.contest(world)
    officer = world.officers["officer"]
    registration = factories.enter(contest, officer)
    assert selectors.registration_for_officer(contest=contest, officer=officer) == registration
    with pytest.raises(services.ContestError, match="đã đăng ký"):
        factories.enter(contest, officer)
    services.registration_withdraw(registration=registration)
    assert selectors.registration_for_officer(contest=contest, officer=officer) is None
    again = factories.enter(contest, officer)
    assert again.pk == registration.pk and again.withdrawn_at is None


def test_registration_outside_the_window_is_refused(world):
    now = timezone.now()
    contest = factories.contest(world, registration_opens_at=now - timedelta(days=3),
                                registration_closes_at=now - timedelta(days=1))
    with pytest.raises(services.ContestError, match="thời hạn đăng ký"):
        factories.enter(contest, world.officers["officer"])
    assert not Registration.objects.exists()


def test_unpublished_contest_takes_no_entry(world):
    contest = factories.contest(world, published=False)
    with pytest.raises(services.ContestError, match="chưa được công bố"):
        factories.enter(contest, world.officers["officer"])


def test_audience_unit_and_positions_are_checked(world):
    contest = factories.contest(world, audience_unit=world.units["A"],
                                audience_positions=[world.positions["enforcement_officer"]])
    with pytest.raises(services.ContestError, match="Chi cục A"):
        factories.enter(contest, world.officers["other_b"])
    with pytest.raises(services.ContestError, match="chức danh"):
        factories.enter(contest, world.officers["other_a1"])  # in A's subtree, but a clerk
    assert factories.enter(contest, world.officers["officer"]).officer == world.officers["officer"]


def test_individual_entry_can_be_switched_off(world):
    contest = factories.contest(world, allow_individual=False, allow_teams=True)
    with pytest.raises(services.ContestError, match="không nhận đăng ký cá nhân"):
        factories.enter(contest, world.officers["officer"])


def test_manager_registers_a_team_within_size_limits_and_own_subtree(world):
    contest = factories.contest(world, allow_teams=True, team_min_size=2, team_max_size=2)
    manager = world.officers["unit_manager"]
    unit = world.units["A"]
    with pytest.raises(services.ContestError, match="từ 2 đến 2 thành viên"):
        services.registration_team_save(contest=contest, unit=unit, members=[world.officers["officer"]],
                                        registered_by=manager.user)
    with pytest.raises(services.ContestError, match="Trần Thị OTHER_B: không thuộc đơn vị Chi cục A"):
        services.registration_team_save(contest=contest, unit=unit,
                                        members=[world.officers["officer"], world.officers["other_b"]],
                                        registered_by=manager.user)
    assert not Registration.objects.exists()
    team = services.registration_team_save(contest=contest, unit=unit,
                                           members=[world.officers["officer"], world.officers["other_a1"]],
                                           registered_by=manager.user)
    assert set(team.members.all()) == {world.officers["officer"], world.officers["other_a1"]}
    assert selectors.registration_for_officer(contest=contest, officer=world.officers["other_a1"]) == team
    # a team member cannot also enter on their own
    with pytest.raises(services.ContestError, match="đã đăng ký"):
        factories.enter(contest, world.officers["officer"])


def test_an_officer_of_one_team_cannot_join_an_individual_entry_as_team_member(world):
    contest = factories.contest(world, allow_teams=True, team_min_size=1, team_max_size=3)
    factories.enter(contest, world.officers["officer"])
    with pytest.raises(services.ContestError, match="Nguyễn Văn Á: đã có trong một bài dự thi khác"):
        services.registration_team_save(contest=contest, unit=world.units["A"], members=[world.officers["officer"]],
                                        registered_by=world.user("unit_manager"))


def test_contest_rules_are_checked_at_creation(world):
    with pytest.raises(services.ContestError, match="Số thành viên đội"):
        factories.contest(world, team_min_size=4, team_max_size=2)
    with pytest.raises(services.ContestError, match="ít nhất một"):
        factories.contest(world, allow_individual=False, allow_teams=False)
    now = timezone.now()
    with pytest.raises(services.ContestError, match="giờ đóng phải sau giờ mở"):
        factories.contest(world, registration_opens_at=now, registration_closes_at=now - timedelta(hours=1))


def test_publishing_needs_a_round(world):
    contest = factories.contest(world, published=False)
    with pytest.raises(services.ContestError, match="chưa có vòng thi"):
        services.contest_publish(contest=contest)
    factories.online_round(contest)
    assert services.contest_publish(contest=contest).is_published


def test_online_round_refuses_a_published_quiz_and_a_bad_freeze(world):
    from quizzes.tests import factories as quiz_factories

    contest = factories.contest(world)
    now = timezone.now()
    quiz = quiz_factories.quiz(published=True)
    with pytest.raises(services.ContestError, match="đang công bố"):
        services.round_save(contest=contest, title="Vòng loại", format="online", quiz=quiz,
                            opens_at=now, closes_at=now + timedelta(hours=1))
    quiz.is_published = False
    quiz.save()
    with pytest.raises(services.ContestError, match="Đóng băng bảng điểm"):
        services.round_save(contest=contest, title="Vòng loại", format="online", quiz=quiz, opens_at=now,
                            closes_at=now + timedelta(hours=1), options={"freeze_minutes": 90})
    assert not contest.rounds.exists()
