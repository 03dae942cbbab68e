"""The live final across real server processes: a daphne process killed mid-question and started
again (scores and answers intact, the question still open), two processes behind one Redis
(contestants on both, one leaderboard), and Redis itself restarted mid-round.

Each test starts its own daphne processes on ports 8501–8503 over a throw-away SQLite database;
the Redis tests need Redis (REDIS_URL, or a redis-server binary for the restart test)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time

import pytest

from contests.tests.live_processes import Client, LiveServers, port_is_free

PORT_A, PORT_B = 8501, 8502
REDIS_RESTART_PORT = 8599
HOST_PATH = "/ws/contests/live/{}/host/"
PLAY_PATH = "/ws/contests/live/{}/play/"


def _run(coroutine):  # noqa: ANN001, ANN202
    """Run a coroutine to the end in a thread of its own: the browser tests' Playwright keeps an event
    loop running in the test thread for the rest of the session, where asyncio.run is refused."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _ports_free(*ports: int) -> None:
    busy = [port for port in ports if not port_is_free(port)]
    if busy:
        pytest.skip(f"ports {busy} are in use")


@pytest.fixture
def servers():  # noqa: ANN201
    made: list[LiveServers] = []

    def make(**kwargs) -> LiveServers:  # noqa: ANN003
        cluster = LiveServers(**kwargs)
        cluster.migrate()
        made.append(cluster)
        return cluster

    yield make
    for cluster in made:
        cluster.stop()
        shutil.rmtree(cluster.tmp, ignore_errors=True)


def _stored(cluster: LiveServers, session_id: int) -> dict:
    import json

    out = cluster.manage(
        "import json; from contests.models_live import LiveAnswer, LiveParticipant\n"
        f"print(json.dumps({{'answers': LiveAnswer.objects.filter(session_id={session_id}).count(), "
        f"'scores': dict(LiveParticipant.objects.filter(session_id={session_id}).values_list('pk', 'score'))}}))")
    return json.loads(out.strip().splitlines()[-1])


def test_a_killed_server_restarts_and_the_round_goes_on(servers):  # noqa: ANN001
    _ports_free(PORT_A)
    cluster = servers()
    world = cluster.seed(players=2, answer_seconds=60)
    session, (one, two) = world["session"], world["players"]
    right = world["questions"][0]["answers"]["Ctrl + S"]
    cluster.start(PORT_A)

    async def before_crash() -> None:
        host = await Client(PORT_A, HOST_PATH.format(session), world["host_cookie"]).open()
        first = await Client(PORT_A, PLAY_PATH.format(session), one["cookie"]).open()
        await first.wait_for("round.state")
        await host.wait_for("round.state")
        await host.send({"action": "next", "phase": "lobby", "index": -1})
        await first.wait_for("round.question", index=0)
        await first.send({"action": "answer", "index": 0, "answer": {"choice": right}})
        await first.wait_for("answer.ack", index=0)
        for client in (host, first):
            await client.close()

    _run(before_crash())
    cluster.kill(PORT_A)  # mid-question, SIGKILL
    cluster.start(PORT_A)

    async def after_restart() -> dict:
        host = await Client(PORT_A, HOST_PATH.format(session), world["host_cookie"]).open()
        first = await Client(PORT_A, PLAY_PATH.format(session), one["cookie"]).open()
        second = await Client(PORT_A, PLAY_PATH.format(session), two["cookie"]).open()
        state = await first.wait_for("round.state")
        assert state["index"] == 0 and state["phase"] == "answering" and state["answered"] is True
        later = await second.wait_for("round.state")
        assert later["answered"] is False and later["answer_ms"] > 0
        await second.send({"action": "answer", "index": 0, "answer": {"choice": right}})
        await second.wait_for("answer.ack", index=0)
        await host.wait_for("round.state")
        await host.send({"action": "next", "phase": "answering", "index": 0})
        reveal_first = await first.wait_for("round.reveal")
        reveal_second = await second.wait_for("round.reveal")
        for client in (host, first, second):
            await client.close()
        return {"first": reveal_first["you"], "second": reveal_second["you"]}

    lines = _run(after_restart())
    assert lines["first"]["right"] and lines["first"]["rank"] == 1  # answered before the crash, faster
    assert lines["second"]["right"] and lines["second"]["rank"] == 2
    stored = _stored(cluster, session)
    assert stored["answers"] == 2
    assert stored["scores"][str(one["participant"])] == lines["first"]["score"] > 0


@pytest.mark.scale
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_two_processes_behind_one_redis_share_one_round(servers):  # noqa: ANN001
    _ports_free(PORT_A, PORT_B)
    cluster = servers(redis_url=os.environ["REDIS_URL"])
    world = cluster.seed(players=4, answer_seconds=60)
    session, players = world["session"], world["players"]
    right = world["questions"][0]["answers"]["Ctrl + S"]
    wrong = world["questions"][0]["answers"]["Ctrl + P"]
    cluster.start(PORT_A)
    cluster.start(PORT_B)

    async def scenario() -> tuple[list, list]:
        host = await Client(PORT_A, HOST_PATH.format(session), world["host_cookie"]).open()
        devices = [await Client(PORT_A if n % 2 == 0 else PORT_B, PLAY_PATH.format(session), p["cookie"]).open()
                   for n, p in enumerate(players)]
        for device in devices:
            await device.wait_for("round.state")
        await host.wait_for("round.state")
        await host.send({"action": "next", "phase": "lobby", "index": -1})
        for n, device in enumerate(devices):
            await device.wait_for("round.question", index=0)
            await device.send({"action": "answer", "index": 0, "answer": {"choice": right if n < 3 else wrong}})
            await device.wait_for("answer.ack", index=0)
        await host.send({"action": "next", "phase": "answering", "index": 0})
        await host.wait_for("round.reveal")
        await host.send({"action": "next", "phase": "reveal", "index": 0})
        board = await host.wait_for("round.leaderboard")
        lines = [(await device.wait_for("round.leaderboard"))["you"] for device in devices]
        for client in (host, *devices):
            await client.close()
        return board["top"], lines

    top, lines = _run(scenario())
    assert len(top) == 4 and top[-1]["score"] == 0
    # Devices on the second process got the same leaderboard, each its own line.
    ranks = [line["rank"] for line in lines]
    assert ranks[3] == 4 and all(rank <= 3 for rank in ranks[:3])
    assert lines[3]["gap"] == top[2]["score"] and lines[3]["score"] == 0
    assert _stored(cluster, session)["answers"] == 4


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs a redis-server binary")
def test_redis_restarted_mid_round_clients_carry_on(servers, tmp_path):  # noqa: ANN001
    _ports_free(PORT_A, PORT_B, REDIS_RESTART_PORT)

    def start_redis() -> subprocess.Popen:
        process = subprocess.Popen(["redis-server", "--port", str(REDIS_RESTART_PORT), "--bind", "127.0.0.1",
                                    "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if not port_is_free(REDIS_RESTART_PORT):
                return process
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    redis = start_redis()
    try:
        cluster = servers(redis_url=f"redis://127.0.0.1:{REDIS_RESTART_PORT}/0")
        world = cluster.seed(players=2, answer_seconds=60)
        session, players = world["session"], world["players"]
        q0 = world["questions"][0]["answers"]["Ctrl + S"]
        cluster.start(PORT_A)
        cluster.start(PORT_B)

        async def scenario() -> list:
            host = await Client(PORT_A, HOST_PATH.format(session), world["host_cookie"]).open()
            devices = [await Client(port, PLAY_PATH.format(session), p["cookie"]).open()
                       for port, p in zip((PORT_A, PORT_B), players, strict=True)]
            await host.send({"action": "next", "phase": "lobby", "index": -1})
            for device in devices:
                await device.wait_for("round.question", index=0)
            nonlocal redis
            redis.kill()
            redis.wait(timeout=10)
            await asyncio.sleep(1)
            redis = start_redis()
            await asyncio.sleep(1)
            # Devices whose socket dropped reconnect (as the page's script does) and carry on.
            for n, device in enumerate(devices):
                if device.closed:
                    devices[n] = await Client(device.port, device.path, device.cookie).open()
            if host.closed:
                host = await Client(host.port, host.path, host.cookie).open()
            for device in devices:
                await device.send({"action": "answer", "index": 0, "answer": {"choice": q0}})
                await device.wait_for("answer.ack", index=0, timeout=20)
            mark = len(host.messages)
            await host.send({"action": "next", "phase": "answering", "index": 0})
            await host.wait_for("round.reveal", after=mark, timeout=20)
            reveals = [await device.wait_for("round.reveal", timeout=20) for device in devices]
            for client in (host, *devices):
                await client.close()
            return reveals

        reveals = _run(scenario())
        assert all(reveal["you"]["right"] for reveal in reveals)
        assert _stored(cluster, session)["answers"] == 2
    finally:
        redis.kill()
        redis.wait(timeout=10)
