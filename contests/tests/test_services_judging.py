"""Judged rounds: rubric maxima, own-unit judges, locked sheets, audited corrections, mean and trimmed mean."""

from decimal import Decimal

import pytest

from contests import services
from contests.formats import format_for
from contests.formats.judged import aggregate
from contests.models_judging import Criterion, JudgeScore
from contests.tests import factories
from core.models import AuditEvent
from core.roles import Role
from org import services as org_services


def _judge(world, key: str, unit: str = "P"):  # noqa: ANN001, ANN202
    return org_services.officer_create(full_name=f"Giám khảo {key}", email=f"{key}@moj.gov.vn",
                                       unit=world.units[unit], position=world.positions["clerk"], username=key,
                                       roles={Role.OFFICER, Role.JUDGE}).user


def _setup(world, **round_options):  # noqa: ANN001, ANN003, ANN202
    contest = factories.contest(world)
    round_ = factories.judged_round(contest, **round_options)
    registration = factories.enter(contest, world.officers["other_b"])
    criteria = list(Criterion.objects.filter(task__round=round_).order_by("order"))
    return contest, round_, registration, criteria


def test_aggregate_mean_and_trimmed_mean():
    assert aggregate([Decimal(10), Decimal(4), Decimal(7)], trimmed=False) == Decimal("7.000")
    assert aggregate([Decimal(10), Decimal(4), Decimal(7), Decimal(8)], trimmed=True) == Decimal("7.500")
    assert aggregate([Decimal(10), Decimal(4)], trimmed=True) == Decimal("7.000")  # too few to trim
    assert aggregate([], trimmed=True) is None


def test_scoring_above_the_maximum_is_refused_and_changes_nothing(world):
    _contest, round_, registration, (first, second) = _setup(world)
    sheet = services.judge_assign(round_=round_, registration=registration, judge=world.user("judge"))
    with pytest.raises(services.ContestError, match="Tiêu chí 1.*vượt quá điểm tối đa 10"):
        services.score_sheet_save(assignment=sheet, judge=world.user("judge"),
                                  entries={first.pk: ("11", ""), second.pk: ("3", "")})
    with pytest.raises(services.ContestError, match="không phải là số"):
        services.score_sheet_save(assignment=sheet, judge=world.user("judge"), entries={first.pk: ("mười", "")})
    with pytest.raises(services.ContestError, match="không được âm"):
        services.score_sheet_save(assignment=sheet, judge=world.user("judge"), entries={first.pk: ("-1", "")})
    assert not JudgeScore.objects.exists()


def test_a_judge_scores_only_their_own_sheet(world):
    _contest, round_, registration, (first, _second) = _setup(world)
    sheet = services.judge_assign(round_=round_, registration=registration, judge=world.user("judge"))
    other = _judge(world, "giamkhao2")
    with pytest.raises(services.ContestError, match="không được giao cho bạn"):
        services.score_sheet_save(assignment=sheet, judge=other, entries={first.pk: ("5", "")})


def test_judge_from_the_entrys_unit_is_flagged_and_waits_for_leave(world):
    _contest, round_, registration, (first, second) = _setup(world)
    same_unit = _judge(world, "giamkhaob", unit="B")
    sheet = services.judge_assign(round_=round_, registration=registration, judge=same_unit)
    assert sheet.own_unit and not sheet.may_score
    with pytest.raises(services.ContestError, match="cùng đơn vị"):
        services.score_sheet_save(assignment=sheet, judge=same_unit, entries={first.pk: ("5", "")})
    services.judge_allow_own_unit(assignment=sheet)
    assert AuditEvent.objects.filter(target=f"contests.JudgeAssignment:{sheet.pk}").exists()
    services.score_sheet_save(assignment=sheet, judge=same_unit, entries={first.pk: ("5", ""), second.pk: ("4", "")},
                              submit=True)
    assert services.judge_assign(round_=round_, registration=registration, judge=world.user("judge")).own_unit is False


def test_a_user_without_the_judge_role_cannot_be_assigned(world):
    _contest, round_, registration, _criteria = _setup(world)
    with pytest.raises(services.ContestError, match="không có vai trò giám khảo"):
        services.judge_assign(round_=round_, registration=registration, judge=world.user("officer"))


def test_submitted_sheet_is_locked_and_a_later_correction_is_audited(world):
    _contest, round_, registration, (first, second) = _setup(world)
    judge = world.user("judge")
    sheet = services.judge_assign(round_=round_, registration=registration, judge=judge)
    services.score_sheet_save(assignment=sheet, judge=judge, entries={first.pk: ("8", "Tốt")})
    with pytest.raises(services.ContestError, match="Chưa chấm tiêu chí: Tiêu chí 2"):
        services.score_sheet_save(assignment=sheet, judge=judge, entries={}, submit=True)
    services.score_sheet_save(assignment=sheet, judge=judge, entries={second.pk: ("4,5", "Khá")}, submit=True)
    sheet.refresh_from_db()
    assert sheet.submitted_at is not None
    with pytest.raises(services.ContestError, match="đã nộp và bị khóa"):
        services.score_sheet_save(assignment=sheet, judge=judge, entries={first.pk: ("10", "")})
    assert JudgeScore.objects.get(criterion=first).points == Decimal(8)
    with pytest.raises(services.ContestError, match="Lý do"):
        services.score_amend(assignment=sheet, criterion=first, points="9", comment="", reason=" ",
                             user=world.user("contest_organiser"))
    services.score_amend(assignment=sheet, criterion=first, points="9", comment="Sửa theo biên bản",
                         reason="Cộng sót", user=world.user("contest_organiser"))
    event = AuditEvent.objects.filter(detail__event="score_amended").get()
    assert event.detail["before"]["points"] == "8.00" and event.detail["after"]["points"] == "9"
    assert event.actor == world.user("contest_organiser")


def test_entry_points_are_the_mean_or_trimmed_mean_of_submitted_sheets(world):
    _contest, round_, registration, (first, second) = _setup(world, aggregate="trimmed")
    totals = [("10", "5"), ("6", "0"), ("8", "2"), ("1", "0")]
    for number, (a, b) in enumerate(totals):
        judge = _judge(world, f"gk{number}")
        sheet = services.judge_assign(round_=round_, registration=registration, judge=judge)
        services.score_sheet_save(assignment=sheet, judge=judge, entries={first.pk: (a, ""), second.pk: (b, "")},
                                  submit=number < 3)  # the last sheet stays open: it does not count
    row = next(row for row in format_for(round_).scores() if row.registration_id == registration.pk)
    assert row.points == Decimal("10.000")  # totals 15, 6, 10: without 15 and 6 → 10
    round_.options = {"aggregate": "mean"}
    assert format_for(round_).scores()[0].points == Decimal("10.333")


def test_judged_scores_are_hidden_from_contestants_until_results_are_published(world):
    contest, round_, _registration, _criteria = _setup(world)
    assert format_for(round_).scoreboard(viewer=world.user("officer"))["hidden"] is True
    assert format_for(round_).scoreboard(viewer=world.user("contest_organiser"))["hidden"] is False


def test_text_typed_in_combining_form_is_stored_precomposed(world):
    import unicodedata

    _contest, round_, registration, (first, second) = _setup(world)
    combining = unicodedata.normalize("NFD", "Thao tác thành thạo")
    sheet = services.judge_assign(round_=round_, registration=registration, judge=world.user("judge"))
    services.score_sheet_save(assignment=sheet, judge=world.user("judge"), entries={first.pk: ("5", combining)})
    assert JudgeScore.objects.get(criterion=first).comment == "Thao tác thành thạo"
    task = services.task_save(round_=round_, title=unicodedata.normalize("NFD", "Gửi văn bản"))
    assert task.title == "Gửi văn bản"
