"""Live final services against the real database: lobby, joining, pacing, answers, standings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contests.formats import format_for
from contests.models_live import LiveAnswer, LiveParticipant, LivePhase, LiveSession
from contests.services.live import (
    LiveError,
    live_advance,
    live_answer_submit,
    live_join,
    live_session_open,
    live_standings,
    live_state,
    live_unit_standings,
    personal_line,
    compact_standings,
)
from contests.tests.live_factories import choice_id, live_quiz, live_round, register, register_team
from quizzes.tests import factories as quiz_factories


@pytest.fixture
def final(world):  # noqa: ANN001, ANN201
    round_ = live_round(organiser=world.officers["contest_organiser"],
                        options={"read_seconds": 5, "answer_seconds": 20, "base_points": 1000})
    for key in ("officer", "other_a1", "other_b"):
        register(round_, world.officers[key])
    session = live_session_open(round_=round_, host=world.user("contest_organiser"))
    return session


def _join_all(world, session):  # noqa: ANN001, ANN202
    return {key: live_join(pin=session.pin, officer=world.officers[key]) for key in ("officer", "other_a1", "other_b")}


def _next(session, now):  # noqa: ANN001, ANN202
    session.refresh_from_db()
    return live_advance(session_id=session.pk, expected_phase=session.phase, expected_index=session.question_index,
                        now=now)


def test_opening_the_lobby_gives_a_six_digit_pin_and_snapshots_the_questions(final):  # noqa: ANN001
    assert len(final.pin) == 6 and final.pin.isdigit()
    assert final.phase == LivePhase.LOBBY and final.question_index == -1
    assert [q["qtype"] for q in final.questions] == ["multichoice", "multichoice", "truefalse", "numerical"]
    assert final.options == {"read_seconds": 5, "answer_seconds": 20, "base_points": 1000, "streak_bonus": True}


def test_opening_twice_returns_the_open_session(final, world):  # noqa: ANN001
    again = live_session_open(round_=final.round, host=world.user("contest_organiser"))
    assert again.pk == final.pk and LiveSession.objects.count() == 1


def test_a_quiz_with_an_essay_cannot_be_a_live_round(world):  # noqa: ANN001
    quiz = quiz_factories.quiz(questions=[quiz_factories.question("essay")])
    round_ = live_round(quiz=quiz)
    with pytest.raises(LiveError) as error:
        live_session_open(round_=round_, host=world.user("contest_organiser"))
    assert error.value.message == "Câu 1 không phải câu một lựa chọn, nhiều lựa chọn, đúng/sai hay điền số."
    assert not LiveSession.objects.exists()


def test_bad_round_options_are_refused_naming_the_field(world):  # noqa: ANN001
    from django.core.exceptions import ValidationError

    round_ = live_round(options={"answer_seconds": 2})
    with pytest.raises(ValidationError) as error:
        format_for(round_).clean_options(round_.options)
    assert error.value.messages == ["thời gian trả lời (giây) phải là số nguyên từ 5 đến 240."]


def test_wrong_pin_is_refused_with_a_clear_message(final, world):  # noqa: ANN001
    wrong = "000000" if final.pin != "000000" else "111111"
    with pytest.raises(LiveError) as error:
        live_join(pin=wrong, officer=world.officers["officer"])
    assert error.value.code == "pin" and wrong in error.value.message
    assert not LiveParticipant.objects.exists()


def test_an_officer_not_registered_cannot_join(final, world):  # noqa: ANN001
    with pytest.raises(LiveError) as error:
        live_join(pin=final.pin, officer=world.officers["trainer"])
    assert error.value.code == "not_registered"
    assert not LiveParticipant.objects.exists()


def test_a_team_member_joins_for_the_team_unit(world):  # noqa: ANN001
    round_ = live_round()
    register_team(round_, world.units["A"], [world.officers["other_a1"]])
    session = live_session_open(round_=round_, host=None)
    participant = live_join(pin=f" {session.pin[:3]} {session.pin[3:]} ", officer=world.officers["other_a1"])
    assert participant.unit == world.units["A"]  # the team's unit, not the member's division A1


def test_joining_again_keeps_the_same_participant_and_score(final, world):  # noqa: ANN001
    first = live_join(pin=final.pin, officer=world.officers["officer"])
    LiveParticipant.objects.filter(pk=first.pk).update(score=1234)
    again = live_join(pin=final.pin, officer=world.officers["officer"])
    assert again.pk == first.pk and again.score == 1234
    assert LiveParticipant.objects.count() == 1


def test_a_double_next_changes_nothing(final):  # noqa: ANN001
    now = timezone.now()
    live_advance(session_id=final.pk, expected_phase="lobby", expected_index=-1, now=now)
    with pytest.raises(LiveError) as error:
        live_advance(session_id=final.pk, expected_phase="lobby", expected_index=-1, now=now)
    assert error.value.code == "stale"
    final.refresh_from_db()
    assert final.phase == LivePhase.READING and final.question_index == 0


def test_steps_follow_question_reveal_leaderboard_then_podium(final):  # noqa: ANN001
    now = timezone.now()
    seen = []
    for _ in range(4 * 3 + 1):
        session = _next(final, now)
        seen.append((session.phase, session.question_index))
    assert seen[:4] == [("reading", 0), ("reveal", 0), ("leaderboard", 0), ("reading", 1)]
    assert seen[-2:] == [("leaderboard", 3), ("finished", 3)]
    with pytest.raises(LiveError):
        _next(final, now)


def test_read_time_then_countdown_by_the_server_clock(final, world):  # noqa: ANN001
    players = _join_all(world, final)
    t0 = timezone.now()
    _next(final, t0)
    final.refresh_from_db()
    assert final.phase_at(t0 + timedelta(seconds=4)) == LivePhase.READING
    assert final.phase_at(t0 + timedelta(seconds=5)) == LivePhase.ANSWERING
    right = {"choice": choice_id(final, 0, "Ctrl + S")}
    with pytest.raises(LiveError) as error:
        live_answer_submit(session_id=final.pk, participant_id=players["officer"].pk, index=0, raw=right,
                           now=t0 + timedelta(seconds=4))
    assert error.value.code == "not_open"
    receipt = live_answer_submit(session_id=final.pk, participant_id=players["officer"].pk, index=0, raw=right,
                                 now=t0 + timedelta(seconds=7))  # 2 s into the countdown
    assert receipt.index == 0
    answer = LiveAnswer.objects.get()
    assert answer.elapsed_ms == 2000 and answer.is_right
    assert answer.points == 950  # 1 − 2/20/2 = 0.95


def test_late_answer_is_refused_and_changes_nothing(final, world):  # noqa: ANN001
    players = _join_all(world, final)
    t0 = timezone.now()
    _next(final, t0)
    with pytest.raises(LiveError) as error:
        live_answer_submit(session_id=final.pk, participant_id=players["officer"].pk, index=0,
                           raw={"choice": choice_id(final, 0, "Ctrl + S")}, now=t0 + timedelta(seconds=25))
    assert error.value.code == "late"
    assert error.value.message == "Đã hết giờ trả lời câu 1; câu trả lời của bạn không được tính."
    assert not LiveAnswer.objects.exists()
    assert LiveParticipant.objects.get(pk=players["officer"].pk).score == 0


def test_answering_twice_keeps_the_first_answer(final, world):  # noqa: ANN001
    players = _join_all(world, final)
    t0 = timezone.now()
    _next(final, t0)
    pid = players["officer"].pk
    live_answer_submit(session_id=final.pk, participant_id=pid, index=0,
                       raw={"choice": choice_id(final, 0, "Ctrl + P")}, now=t0 + timedelta(seconds=6))
    with pytest.raises(LiveError) as error:
        live_answer_submit(session_id=final.pk, participant_id=pid, index=0,
                           raw={"choice": choice_id(final, 0, "Ctrl + S")}, now=t0 + timedelta(seconds=7))
    assert error.value.code == "duplicate"
    assert LiveAnswer.objects.get().response == {"choice": choice_id(final, 0, "Ctrl + P")}
    assert LiveParticipant.objects.get(pk=pid).score == 0


@pytest.mark.parametrize("raw", [None, {}, {"choice": "nope"}, {"choices": ["a1"]}, "x"])
def test_an_unknown_choice_is_refused(final, world, raw):  # noqa: ANN001
    players = _join_all(world, final)
    t0 = timezone.now()
    _next(final, t0)
    with pytest.raises(LiveError) as error:
        live_answer_submit(session_id=final.pk, participant_id=players["officer"].pk, index=0, raw=raw,
                           now=t0 + timedelta(seconds=6))
    assert error.value.code == "invalid"
    assert not LiveAnswer.objects.exists()


def test_answer_to_another_question_than_the_shown_one_is_refused(final, world):  # noqa: ANN001
    players = _join_all(world, final)
    t0 = timezone.now()
    _next(final, t0)
    with pytest.raises(LiveError) as error:
        live_answer_submit(session_id=final.pk, participant_id=players["officer"].pk, index=1,
                           raw={"choice": "true"}, now=t0 + timedelta(seconds=6))
    assert error.value.code == "not_current"


def _play(final, world):  # noqa: ANN001, ANN202
    """officer: right fast on every question; other_a1: right, wrong, right, right; other_b: nothing."""
    players = _join_all(world, final)
    t = timezone.now()
    answers = {
        0: {"choice": choice_id(final, 0, "Ctrl + S")},
        1: {"choices": [choice_id(final, 1, "PDF"), choice_id(final, 1, "DOCX")]},
        2: {"choice": "true"},
        3: {"text": "5,0"},
    }
    wrong = {1: {"choices": [choice_id(final, 1, "MP3")]}}
    for index in range(4):
        _next(final, t)  # question shown at t, answers from t + 5 s
        live_answer_submit(session_id=final.pk, participant_id=players["officer"].pk, index=index,
                           raw=answers[index], now=t + timedelta(seconds=5, milliseconds=200))
        live_answer_submit(session_id=final.pk, participant_id=players["other_a1"].pk, index=index,
                           raw=wrong.get(index, answers[index]), now=t + timedelta(seconds=9))
        _next(final, t + timedelta(seconds=30))  # reveal
        _next(final, t + timedelta(seconds=31))  # leaderboard
        t += timedelta(minutes=1)
    return players


def test_streak_bonus_and_scores_over_a_whole_final(final, world):  # noqa: ANN001
    players = _play(final, world)
    officer = LiveParticipant.objects.get(pk=players["officer"].pk)
    # Under 0.5 s every time: 1000 + 1100 + 1200 + 1300.
    assert officer.score == 4600 and officer.streak == 4
    other = LiveParticipant.objects.get(pk=players["other_a1"].pk)
    # 4 s into 20 s = 900 each; the wrong answer breaks the streak: 900 + 0 + 900 + (900 + 100).
    assert other.score == 2800 and other.streak == 2
    assert LiveParticipant.objects.get(pk=players["other_b"].pk).score == 0


def test_standings_rank_and_gap_to_the_one_above(final, world):  # noqa: ANN001
    players = _play(final, world)
    standings = live_standings(session=final)
    assert [(s.name, s.score, s.rank, s.gap) for s in standings] == [
        ("Nguyễn Văn Á", 4600, 1, 0), ("Trần Thị OTHER_A1", 2800, 2, 1800), ("Trần Thị OTHER_B", 0, 3, 2800)]
    line = personal_line(standings=compact_standings(standings), participant_id=players["other_b"].pk)
    assert line["rank"] == 3 and line["gap"] == 2800
    assert line["text"] == "Bạn đứng thứ 3, kém người thứ 2 là 2800 điểm."


def test_equal_scores_share_a_rank(final, world):  # noqa: ANN001
    players = _join_all(world, final)
    for key, score in (("officer", 500), ("other_a1", 500), ("other_b", 300)):
        LiveParticipant.objects.filter(pk=players[key].pk).update(score=score)
    standings = live_standings(session=final)
    assert [(s.score, s.rank, s.gap, s.above) for s in standings] == [(500, 1, 0, 0), (500, 1, 0, 0), (300, 3, 200, 1)]


def test_unit_standings_are_the_mean_of_members(final, world):  # noqa: ANN001
    players = _join_all(world, final)
    for key, score in (("officer", 900), ("other_a1", 300), ("other_b", 500)):
        LiveParticipant.objects.filter(pk=players[key].pk).update(score=score)
    rows = live_unit_standings(session=final)
    # officer is in A, other_a1 in A1, other_b in B: each its own unit here.
    assert [(r["unit"], r["mean"]) for r in rows] == [("Chi cục A", 900.0), ("Chi cục B", 500.0), ("Tổ A1", 300.0)]


def test_unit_standings_average_team_members(world):  # noqa: ANN001
    round_ = live_round()
    register_team(round_, world.units["A"], [world.officers["officer"], world.officers["other_a1"]])
    register(round_, world.officers["other_b"])
    session = live_session_open(round_=round_, host=None)
    for key, score in (("officer", 900), ("other_a1", 300), ("other_b", 500)):
        participant = live_join(pin=session.pin, officer=world.officers[key])
        LiveParticipant.objects.filter(pk=participant.pk).update(score=score)
    rows = live_unit_standings(session=session)
    assert [(r["unit"], r["members"], r["mean"]) for r in rows] == [("Chi cục A", 2, 600.0), ("Chi cục B", 1, 500.0)]


def test_the_state_never_holds_a_question_before_it_is_shown_nor_the_right_answer_before_the_reveal(final, world):  # noqa: ANN001, E501
    import json

    players = _join_all(world, final)
    lobby = json.dumps(live_state(session=final, participant=players["officer"]))
    assert "SECRET-Q1" not in lobby and "Ctrl + S" not in lobby
    t0 = timezone.now()
    _next(final, t0)
    final.refresh_from_db()
    shown = json.dumps(live_state(session=final, participant=players["officer"], now=t0 + timedelta(seconds=6)))
    assert "SECRET-Q1" in shown and "Ctrl + S" in shown
    assert "SECRET-Q2" not in shown and '"right"' not in shown and "fraction" not in shown
    _next(final, t0 + timedelta(seconds=30))
    final.refresh_from_db()
    revealed = live_state(session=final, participant=players["officer"])
    assert revealed["right"]["choices"] == [choice_id(final, 0, "Ctrl + S")]
    assert "top" not in revealed  # the projector's top 10 is not sent to a device


def test_the_format_scores_registrations_of_the_last_finished_session(final, world):  # noqa: ANN001
    players = _play(final, world)
    _next(final, timezone.now())  # finish
    rows = format_for(final.round).scores()
    assert [(row.registration_id, int(row.points)) for row in rows] == [
        (players["officer"].registration_id, 4600), (players["other_a1"].registration_id, 2800),
        (players["other_b"].registration_id, 0)]
    board = format_for(final.round).scoreboard()
    assert board["finished"] and board["podium"][0]["score"] == 4600


def test_the_live_format_is_registered():
    from contests.formats import registered_formats

    assert "live" in registered_formats()


def test_live_quiz_builder_makes_four_types(db):  # noqa: ANN001
    assert live_quiz().slots.count() == 4
