"""Live final at hall scale: N WebSocket contestants (default 1,000) joined to one live round.

For each question: from the host's "next" to each contestant's socket receiving the question,
p50 and p99, against a bare Channels group broadcast to the same number of sockets measured in the
same run (bench/live_baseline.py, the same settings and channel layer, its own daphne process).
Every contestant answers each question; answers acknowledged must equal answers stored, and no
socket may drop. Prints the ratios.

    .venv/bin/python bench/contests_live.py [--players 1000] [--questions 3]
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/contests_live.py --two-processes

Uses a temporary SQLite database unless DATABASE_URL is set. With --two-processes (needs
REDIS_URL) the round runs on two daphne processes behind the Redis channel layer, contestants
spread over both, and the baseline broadcast likewise spans two processes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_server import free_port  # noqa: E402

from contests.tests.live_processes import DAPHNE, Client, LiveServers  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


RETRIES = {"count": 0}


async def open_all(specs: list[tuple[int, str, str]], limit: int = 10) -> list[Client]:
    """Open every socket, `limit` at a time; a refused or timed-out handshake is retried after a
    short wait, as the page's script does (the retries are counted and printed)."""
    gate = asyncio.Semaphore(limit)

    async def one(port: int, path: str, cookie: str) -> Client:
        async with gate:
            for attempt in range(8):
                try:
                    return await Client(port, path, cookie).open()
                except Exception:  # noqa: BLE001 - e.g. daphne's handshake timeout under load
                    RETRIES["count"] += 1
                    await asyncio.sleep(0.5 * (attempt + 1))
            return await Client(port, path, cookie).open()

    return list(await asyncio.gather(*(one(*spec) for spec in specs)))


async def measure_bare(ports: list[int], players: int, rounds: int) -> list[list[float]]:
    clients = await open_all([(ports[n % len(ports)], "/ws/bare/", "") for n in range(players)])
    await asyncio.sleep(1)
    results = []
    for n in range(rounds):
        marks = [len(c.messages) for c in clients]
        start = time.perf_counter()
        await clients[0].send({"action": "go", "n": n})
        got = await asyncio.gather(*(c.wait_for("bare", after=m, timeout=300, n=n) for c, m in zip(clients, marks)))
        del got
        results.append([next(at for at, msg in c.messages[m:] if msg.get("n") == n) - start
                        for c, m in zip(clients, marks)])
        await asyncio.sleep(0.5)
    for client in clients:
        await client.close()
    return results


async def measure_live(world: dict, ports: list[int], rounds: int) -> dict:
    session = world["session"]
    host = await Client(ports[0], f"/ws/contests/live/{session}/host/", world["host_cookie"]).open()
    players = world["players"]
    clients = await open_all([(ports[n % len(ports)], f"/ws/contests/live/{session}/play/", p["cookie"])
                              for n, p in enumerate(players)])
    await asyncio.gather(*(c.wait_for("round.state", timeout=300) for c in clients))
    await host.wait_for("round.state")
    phase, index = "lobby", -1
    latencies, acks, refused = [], 0, 0
    rng = random.Random(7)
    for n in range(rounds):
        marks = [len(c.messages) for c in clients]
        start = time.perf_counter()
        await host.send({"action": "next", "phase": phase, "index": index})
        await asyncio.gather(*(c.wait_for("round.question", after=m, timeout=300, index=n)
                               for c, m in zip(clients, marks)))
        latencies.append([next(at for at, msg in c.messages[m:] if msg.get("type") == "round.question") - start
                          for c, m in zip(clients, marks)])
        question = world["questions"][n]
        choices = list(question["answers"].values())

        def answer_for() -> dict:
            if question["qtype"] == "truefalse":
                return {"choice": rng.choice(["true", "false"])}
            if question["qtype"] == "numerical":
                return {"text": str(rng.choice([4, 5, 6]))}
            if question["qtype"] == "multichoice" and n == 1:
                return {"choices": rng.sample(choices, 2)}
            return {"choice": rng.choice(choices)}

        answer_marks = [len(c.messages) for c in clients]
        await asyncio.gather(*(c.send({"action": "answer", "index": n, "answer": answer_for()}) for c in clients))
        replies = await asyncio.gather(*(c.wait_for_any(("answer.ack", "answer.refused"), after=m, timeout=300)
                                         for c, m in zip(clients, answer_marks)))
        acks += sum(1 for r in replies if r["type"] == "answer.ack")
        refused += sum(1 for r in replies if r["type"] == "answer.refused")
        mark = len(host.messages)
        await host.send({"action": "next", "phase": "answering", "index": n})
        await host.wait_for("round.reveal", after=mark, timeout=300)
        mark = len(host.messages)
        await host.send({"action": "next", "phase": "reveal", "index": n})
        await host.wait_for("round.leaderboard", after=mark, timeout=300)
        await asyncio.gather(*(c.wait_for("round.leaderboard", after=m, timeout=300, index=n)
                               for c, m in zip(clients, answer_marks)))
        phase, index = "leaderboard", n
    await asyncio.sleep(0.5)
    dropped = sum(1 for c in clients if c.closed)
    for client in (host, *clients):
        await client.close()
    return {"latencies": latencies, "acks": acks, "refused": refused, "dropped": dropped}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=3, choices=[1, 2, 3, 4])
    parser.add_argument("--two-processes", action="store_true")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "")
    if args.two_processes and not redis_url:
        sys.exit("--two-processes needs REDIS_URL")
    started = time.monotonic()
    cluster = LiveServers(redis_url=redis_url if args.two_processes else "", keep_database_url=True)
    backend = "PostgreSQL" if cluster.env.get("DATABASE_URL") else "SQLite"
    layer = "Redis channel layer" if args.two_processes else "in-memory channel layer"
    count = 2 if args.two_processes else 1
    import subprocess

    bare_ports = [free_port() for _ in range(count)]
    bare = [subprocess.Popen([DAPHNE, "-b", "127.0.0.1", "-p", str(port), "bench.live_baseline:application"],
                             cwd=ROOT, env=cluster.env, stdout=subprocess.DEVNULL,
                             stderr=(cluster.tmp / f"bare-{port}.log").open("w")) for port in bare_ports]
    try:
        cluster.migrate()
        world = cluster.seed(players=args.players, read_seconds=0, answer_seconds=120)
        ports = [free_port() for _ in range(count)]
        for port in ports:
            cluster.start(port)
        setup = time.monotonic() - started
        bare_rounds = asyncio.run(measure_bare(bare_ports, args.players, args.questions))
        live = asyncio.run(measure_live(world, ports, args.questions))
        stored = json.loads(cluster.manage(
            "from contests.models_live import LiveAnswer\n"
            f"print(LiveAnswer.objects.filter(session_id={world['session']}).count())").strip().splitlines()[-1])
    finally:
        cluster.stop()
        for process in bare:
            process.terminate()
            process.wait(timeout=10)
    print(f"backend: {backend}, {layer}; {count} daphne process(es); {args.players} contestants; "
          f"{args.questions} questions; set-up {setup:.0f} s")
    print("question   bare p50   bare p99   live p50   live p99   ratio p50   ratio p99")
    ratios50, ratios99 = [], []
    for n, (b, lv) in enumerate(zip(bare_rounds, live["latencies"]), start=1):
        b50, b99, l50, l99 = pct(b, .5), pct(b, .99), pct(lv, .5), pct(lv, .99)
        ratios50.append(l50 / b50)
        ratios99.append(l99 / b99)
        print(f"{n:>8}   {b50 * 1000:6.0f} ms  {b99 * 1000:6.0f} ms  {l50 * 1000:6.0f} ms  {l99 * 1000:6.0f} ms"
              f"   {l50 / b50:8.2f}x  {l99 / b99:8.2f}x")
    all_bare = [v for r in bare_rounds for v in r]
    all_live = [v for r in live["latencies"] for v in r]
    print(f"all       {pct(all_bare, .5) * 1000:6.0f} ms  {pct(all_bare, .99) * 1000:6.0f} ms  "
          f"{pct(all_live, .5) * 1000:6.0f} ms  {pct(all_live, .99) * 1000:6.0f} ms"
          f"   {pct(all_live, .5) / pct(all_bare, .5):8.2f}x  {pct(all_live, .99) / pct(all_bare, .99):8.2f}x"
          f"   (median of per-question ratios: p50 {statistics.median(ratios50):.2f}x, "
          f"p99 {statistics.median(ratios99):.2f}x; goal ≤ 1.5x)")
    print(f"answers acknowledged {live['acks']}, refused {live['refused']}, stored {stored} "
          f"({'0 lost' if stored == live['acks'] else 'MISMATCH'}); sockets dropped {live['dropped']}; "
          f"handshakes retried while connecting {RETRIES['count']}")
    shutil.rmtree(cluster.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
