"""The live final over WebSockets (Channels' communicator against the project's ASGI application):
who may connect, the flow join → question → answer → reveal → leaderboard, late answers,
reconnecting, and what a socket may and may not receive."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from contests.models_live import LiveAnswer, LiveParticipant, LiveSession
from contests.services.live import live_join, live_session_open
from contests.tests.live_factories import choice_id, live_round, register

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 5


def _cookie(user) -> str:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _socket(path: str, cookie: str | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


@pytest.fixture
def final(world):  # noqa: ANN001, ANN201
    round_ = live_round(organiser=world.officers["contest_organiser"],
                        options={"read_seconds": 0, "answer_seconds": 20})
    for key in ("officer", "other_b"):
        register(round_, world.officers[key])
    register(round_, world.officers["trainer"])  # registered, never joins
    session = live_session_open(round_=round_, host=world.user("contest_organiser"))
    for key in ("officer", "other_b"):
        live_join(pin=session.pin, officer=world.officers[key])
    return session


def host_path(session) -> str:  # noqa: ANN001
    return f"/ws/contests/live/{session.pk}/host/"


def play_path(session) -> str:  # noqa: ANN001
    return f"/ws/contests/live/{session.pk}/play/"


async def _connect(path: str, cookie: str | None) -> tuple[WebsocketCommunicator, bool, object]:
    socket = _socket(path, cookie)
    connected, code = await socket.connect(timeout=TIMEOUT)
    return socket, connected, code


@pytest.mark.parametrize("role,allowed", [
    ("contest_organiser", True), ("admin", True), ("officer", False), ("judge", False), ("trainer", False),
    ("unit_manager", False), ("provincial_leader", False), (None, False)])
def test_only_the_host_may_open_the_host_socket(final, world, role, allowed):  # noqa: ANN001
    cookie = _cookie(world.user(role)) if role else None

    async def scenario() -> None:
        socket, connected, code = await _connect(host_path(final), cookie)
        assert connected is allowed, code
        if allowed:
            state = await socket.receive_json_from(timeout=TIMEOUT)
            assert state["type"] == "round.state" and state["phase"] == "lobby"
            assert {p["display_name"] for p in state["participants"]} == {"Nguyễn Văn Á", "Trần Thị OTHER_B"}
        else:
            assert code == 4403
        await socket.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("role,allowed", [
    ("officer", True), ("trainer", False), ("contest_organiser", False), ("unit_manager", False), (None, False)])
def test_only_joined_contestants_may_open_the_player_socket(final, world, role, allowed):  # noqa: ANN001
    # trainer is registered but has not joined with the PIN; the organiser hosts but does not play.
    cookie = _cookie(world.user(role)) if role else None

    async def scenario() -> None:
        socket, connected, code = await _connect(play_path(final), cookie)
        assert connected is allowed, code
        if allowed:
            state = await socket.receive_json_from(timeout=TIMEOUT)
            assert state["phase"] == "lobby" and state["name"] == "Nguyễn Văn Á"
            assert "participants" not in state
        await socket.disconnect()

    async_to_sync(scenario)()


def test_a_contestant_of_another_session_cannot_connect(final, world):  # noqa: ANN001
    other_round = live_round(organiser=world.officers["contest_organiser"])
    register(other_round, world.officers["other_a1"])
    other = live_session_open(round_=other_round, host=None)
    live_join(pin=other.pin, officer=world.officers["other_a1"])
    cookie = _cookie(world.officers["other_a1"].user)

    async def scenario() -> None:
        socket, connected, code = await _connect(play_path(final), cookie)
        assert not connected and code == 4403

    async_to_sync(scenario)()


def _no_secret(message: dict, session) -> None:  # noqa: ANN001
    text = json.dumps(message, ensure_ascii=False)
    assert "fraction" not in text and '"right"' not in text and "_standings" not in text and "_results" not in text
    for later in ("SECRET-Q2", "SECRET-Q3", "SECRET-Q4"):
        assert later not in text


def test_the_whole_flow_over_sockets(final, world):  # noqa: ANN001
    host_cookie = _cookie(world.user("contest_organiser"))
    a_cookie = _cookie(world.user("officer"))
    b_cookie = _cookie(world.officers["other_b"].user)
    right = choice_id(final, 0, "Ctrl + S")
    wrong = choice_id(final, 0, "Ctrl + P")

    async def scenario() -> None:
        host, ok, _ = await _connect(host_path(final), host_cookie)
        assert ok and (await host.receive_json_from(timeout=TIMEOUT))["phase"] == "lobby"
        a, ok, _ = await _connect(play_path(final), a_cookie)
        assert ok
        lobby = await a.receive_json_from(timeout=TIMEOUT)
        assert "SECRET-Q1" not in json.dumps(lobby, ensure_ascii=False) and "question" not in lobby
        b, ok, _ = await _connect(play_path(final), b_cookie)
        assert ok and (await b.receive_json_from(timeout=TIMEOUT))["phase"] == "lobby"

        # Start: everyone gets question 1, with no right answer in it.
        await host.send_json_to({"action": "next", "phase": "lobby", "index": -1})
        for socket in (host, a, b):
            question = await socket.receive_json_from(timeout=TIMEOUT)
            assert question["type"] == "round.question" and question["index"] == 0
            assert "SECRET-Q1" in question["question"]["text"]
            assert [c["id"] for c in question["question"]["choices"]] == [c["id"] for c in
                                                                          final.questions[0]["data"]["answers"]]
            _no_secret(question, final)
        # A double "next" from a second screen changes nothing.
        await host.send_json_to({"action": "next", "phase": "lobby", "index": -1})
        notice = await host.receive_json_from(timeout=TIMEOUT)
        assert notice["type"] == "notice" and notice["code"] == "stale"
        assert (await host.receive_json_from(timeout=TIMEOUT))["phase"] in ("reading", "answering")

        await a.send_json_to({"action": "answer", "index": 0, "answer": {"choice": right}})
        ack = await a.receive_json_from(timeout=TIMEOUT)
        assert ack["type"] == "answer.ack" and ack["index"] == 0 and set(ack) == {"type", "index", "received_at"}
        assert (await host.receive_json_from(timeout=TIMEOUT)) == {"type": "round.answered", "index": 0, "count": 1}
        # Answering twice: refused with a message, first answer kept.
        await a.send_json_to({"action": "answer", "index": 0, "answer": {"choice": wrong}})
        refused = await a.receive_json_from(timeout=TIMEOUT)
        assert refused["type"] == "answer.refused" and refused["code"] == "duplicate" and refused["message"]
        await b.send_json_to({"action": "answer", "index": 0, "answer": {"choice": wrong}})
        assert (await b.receive_json_from(timeout=TIMEOUT))["type"] == "answer.ack"
        assert (await host.receive_json_from(timeout=TIMEOUT))["count"] == 2
        # Nobody's device heard of the others' answers.
        assert await a.receive_nothing(timeout=0.2)

        # Reveal: distribution and right answer for all, each device only its own line.
        await host.send_json_to({"action": "next", "phase": "answering", "index": 0})
        reveal_host = await host.receive_json_from(timeout=TIMEOUT)
        reveal_a = await a.receive_json_from(timeout=TIMEOUT)
        reveal_b = await b.receive_json_from(timeout=TIMEOUT)
        for reveal in (reveal_host, reveal_a, reveal_b):
            assert reveal["type"] == "round.reveal" and reveal["right"]["choices"] == [right]
            assert "_standings" not in reveal and "_results" not in reveal
            assert {row["id"]: row["count"] for row in reveal["distribution"]}[right] == 1
        assert reveal_a["you"]["right"] and reveal_a["you"]["rank"] == 1 and reveal_a["you"]["points"] > 900
        assert not reveal_b["you"]["right"] and reveal_b["you"]["rank"] == 2
        assert str(reveal_a["you"]["score"]) in reveal_b["you"]["text"]  # "…kém người thứ 1 là N điểm"
        assert "Trần Thị OTHER_B" not in json.dumps(reveal_a, ensure_ascii=False)

        # Leaderboard: the projector gets the top 10, a device only its rank.
        await host.send_json_to({"action": "next", "phase": "reveal", "index": 0})
        board_host = await host.receive_json_from(timeout=TIMEOUT)
        board_b = await b.receive_json_from(timeout=TIMEOUT)
        await a.receive_json_from(timeout=TIMEOUT)
        assert [row["name"] for row in board_host["top"]] == ["Nguyễn Văn Á", "Trần Thị OTHER_B"]
        assert "top" not in board_b and board_b["you"]["rank"] == 2

        # Question 2 arrives only now.
        await host.send_json_to({"action": "next", "phase": "leaderboard", "index": 0})
        second = await b.receive_json_from(timeout=TIMEOUT)
        assert second["type"] == "round.question" and "SECRET-Q2" in second["question"]["text"]
        assert second["question"]["kind"] == "multiple"
        for socket in (host, a, b):
            await socket.disconnect()

    async_to_sync(scenario)()
    assert LiveAnswer.objects.count() == 2


def test_late_answer_over_the_socket_is_refused(final, world):  # noqa: ANN001
    cookie = _cookie(world.user("officer"))
    from contests.services.live import live_advance

    live_advance(session_id=final.pk, expected_phase="lobby", expected_index=-1)
    LiveSession.objects.filter(pk=final.pk).update(closes_at=LiveSession.objects.get(pk=final.pk).opened_at
                                                   + timedelta(milliseconds=1))

    async def scenario() -> None:
        socket, ok, _ = await _connect(play_path(final), cookie)
        assert ok
        state = await socket.receive_json_from(timeout=TIMEOUT)
        assert state["answer_ms"] == 0
        await socket.send_json_to({"action": "answer", "index": 0, "answer": {"choice": "x"}})
        refused = await socket.receive_json_from(timeout=TIMEOUT)
        assert refused["type"] == "answer.refused" and refused["code"] == "late"
        await socket.disconnect()

    async_to_sync(scenario)()
    assert not LiveAnswer.objects.exists()


def test_a_contestant_who_reconnects_keeps_the_score_and_can_still_answer(final, world):  # noqa: ANN001
    cookie = _cookie(world.user("officer"))
    host_cookie = _cookie(world.user("contest_organiser"))
    participant = LiveParticipant.objects.get(session=final, officer=world.officers["officer"])
    LiveParticipant.objects.filter(pk=participant.pk).update(score=777)

    async def scenario() -> None:
        host, ok, _ = await _connect(host_path(final), host_cookie)
        await host.receive_json_from(timeout=TIMEOUT)
        await host.send_json_to({"action": "next", "phase": "lobby", "index": -1})
        await host.receive_json_from(timeout=TIMEOUT)
        # Wi-Fi lost before answering; back on another device (a new socket, same officer).
        phone, ok, _ = await _connect(play_path(final), cookie)
        first = await phone.receive_json_from(timeout=TIMEOUT)
        assert first["phase"] in ("reading", "answering") and first["answered"] is False
        await phone.disconnect()
        pc, ok, _ = await _connect(play_path(final), cookie)
        again = await pc.receive_json_from(timeout=TIMEOUT)
        assert again["index"] == 0 and again["answer_ms"] > 0 and "SECRET-Q1" in again["question"]["text"]
        await pc.send_json_to({"action": "answer", "index": 0, "answer": {"choice": choice_id(final, 0, "Ctrl + S")}})
        assert (await pc.receive_json_from(timeout=TIMEOUT))["type"] == "answer.ack"
        await pc.disconnect()
        # Reconnecting after answering: the page knows it was recorded.
        pc2, ok, _ = await _connect(play_path(final), cookie)
        assert (await pc2.receive_json_from(timeout=TIMEOUT))["answered"] is True
        await host.send_json_to({"action": "next", "phase": "answering", "index": 0})
        reveal = await pc2.receive_json_from(timeout=TIMEOUT)
        assert reveal["you"]["score"] > 777 + 900
        await pc2.disconnect()
        await host.disconnect()

    async_to_sync(scenario)()


def test_a_contestant_cannot_drive_the_round_from_the_player_socket(final, world):  # noqa: ANN001
    cookie = _cookie(world.user("officer"))

    async def scenario() -> None:
        socket, ok, _ = await _connect(play_path(final), cookie)
        await socket.receive_json_from(timeout=TIMEOUT)
        await socket.send_json_to({"action": "next", "phase": "lobby", "index": -1})
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    async_to_sync(scenario)()
    assert LiveSession.objects.get(pk=final.pk).phase == "lobby"
