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


if __name__ == "__main__":
    main()
