"""The town server under load: 1, 8 and 16 bot clients walking and talking on loopback.

The server runs Oakvale in a process of its own (scripted brain by default, at 1x, as `npcworld serve`
runs it); the bots run in this process, each walking at walking pace and now and then saying a line aloud.
Prints, per client count: the server's tick time p50/p99 against its budget (the real time between ticks),
input-to-update latency p50/p99 (a step sent until the update that applied it arrives), and bytes per second
received per client.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import statistics
import time
from typing import Any


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def serve(port: Any, stop: Any, out: Any, brain: str, hours: float) -> None:
    """The server process: Oakvale ``hours`` in, served until ``stop`` is set; then its tick times go to ``out``."""
    from game.net.server import TownServer
    from game.world.simulation import Simulation
    sim = Simulation("oakvale", seed=1, brain=brain, threaded=True)
    sim.run(hours=hours)
    server = TownServer(sim)

    async def main() -> None:
        """Serve, and stop when the parent says so."""
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(server.run("127.0.0.1", 0, ready))
        port.put(await ready)
        while not stop.is_set():
            await asyncio.sleep(0.1)
        server.stop()
        await task

    asyncio.run(main())
    sim.close()
    out.put((list(server.tick_times), server.tick_seconds))


async def play(url: str, clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` bots walk about and talk for ``seconds``; return their latencies and bytes."""
    from game.net.bot import Bot
    bots = [await Bot.join(url, f"Bot {index}") for index in range(clients)]
    rng = random.Random(1)
    began = time.perf_counter()
    received = [b.bytes_received for b in bots]

    async def roam(bot: Bot, index: int) -> None:
        """Walk to places a few tiles off and back; say something now and then."""
        while time.perf_counter() - began < seconds:
            await bot.walk_to(bot.tile_away(rng.randint(2, 8)))
            if rng.random() < 0.3:
                await bot.send({"t": "say", "text": f"Hello from bot {index} at {time.perf_counter() - began:.0f} s"})

    await asyncio.gather(*(roam(bot, i) for i, bot in enumerate(bots)))
    elapsed = time.perf_counter() - began
    result = {"latency": [x for b in bots for x in b.latencies],
              "bytes": [(b.bytes_received - r) / elapsed for b, r in zip(bots, received, strict=True)],
              "steps": sum(len(b.latencies) for b in bots), "closed": sum(b.closed is not None for b in bots)}
    for bot in bots:
        await bot.close()
    return result


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", default="1,8,16")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each client count plays")
    parser.add_argument("--brain", default="scripted")
    parser.add_argument("--hours", type=float, default=3.0, help="game hours the town lives first (morning)")
    args = parser.parse_args()
    print(f"town server, Oakvale at 1x, {args.brain} brain; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    for clients in [int(c) for c in args.clients.split(",")]:
        context = mp.get_context("spawn")
        port, stop, out = context.Queue(), context.Event(), context.Queue()
        server = context.Process(target=serve, args=(port, stop, out, args.brain, args.hours))
        server.start()
        url = f"ws://127.0.0.1:{port.get(timeout=300)}"
        result = asyncio.run(play(url, clients, args.seconds))
        stop.set()
        ticks, budget = out.get(timeout=60)
        server.join(30)
        latency = result["latency"]
        print(f"{clients:3d} clients: tick p50 {percentile(ticks, 0.5) * 1000:.2f} ms, p99 "
              f"{percentile(ticks, 0.99) * 1000:.2f} ms (budget {budget * 1000:.0f} ms, {len(ticks)} ticks); "
              f"step-to-update p50 {percentile(latency, 0.5) * 1000:.1f} ms, p99 {percentile(latency, 0.99) * 1000:.1f}"
              f" ms ({result['steps']} steps); {statistics.mean(result['bytes']) / 1000:.1f} kB/s per client; "
              f"{result['closed']} closed")


if __name__ == "__main__":
    main()
