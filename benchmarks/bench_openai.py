"""Benchmark the openai brain against the tests' OpenAI-compatible server on 127.0.0.1: decisions per second.

Run: .venv/bin/python benchmarks/bench_openai.py
The server answers from scripted replies (no model), so this measures npcworld's client side: HTTP,
JSON, schema building, concurrency. A real server adds its model's time.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from common import real_requests
from fake_openai import FakeServer

from agents.brains.openai import OpenAIBrain
from agents.protocol import Request


def main() -> None:
    """Print decisions per second at 1, 8 and 32 concurrent residents."""
    decide = [r for r in real_requests() if r.kind == "decide"]
    server = FakeServer().start()
    try:
        for delay, concurrency in ((0.0, 1), (0.0, 32), (0.05, 1), (0.05, 8), (0.05, 32)):
            server.delay = delay
            brain = OpenAIBrain(server.base_url, concurrency=concurrency)
            batch = decide[:32]
            brain.think(batch[:4])
            rates = []
            for _ in range(5):
                began = time.perf_counter()
                answers = brain.think(batch)
                rates.append(len(batch) / (time.perf_counter() - began))
                assert all(a.error is None and a.text for a in answers)
            brain.close()
            print(f"openai brain, server answering in {delay * 1000:3.0f} ms, {concurrency:2d} requests in flight, "
                  f"32 residents deciding: {statistics.median(rates):,.0f} decisions/s (median of 5)")
    finally:
        server.kill()
    servers_speedup(decide)


def servers_speedup(decide: list[Request]) -> None:
    """Decisions per second with 1, 2 and 4 servers, each working on 4 answers at once, 50 ms an answer."""
    rates = {}
    for count in (1, 2, 4):
        servers = [FakeServer().start() for _ in range(count)]
        try:
            for server in servers:
                server.delay, server.slots = 0.05, 4
            brain = OpenAIBrain([s.base_url for s in servers], concurrency=64, per_server=4)
            batch = (decide * 4)[:64]
            brain.think(batch[:8])
            runs = []
            for _ in range(3):
                began = time.perf_counter()
                answers = brain.think(batch)
                runs.append(len(batch) / (time.perf_counter() - began))
                assert all(a.error is None and a.text for a in answers)
            brain.close()
            rates[count] = statistics.median(runs)
            shares = [s.requests for s in servers]
        finally:
            for server in servers:
                server.kill()
        print(f"openai brain, {count} server(s) with 4 slots each, 50 ms an answer, 4 in flight per server, "
              f"64 residents deciding: {rates[count]:,.0f} decisions/s ({rates[count] / rates[1]:.1f}x one server); "
              f"requests per server {shares}")


if __name__ == "__main__":
    main()
