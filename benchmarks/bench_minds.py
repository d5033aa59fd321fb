"""Benchmark the minds: a 48-hour Oakvale run with the planted party, memory size and retrieval cost.

Run: .venv/bin/python benchmarks/bench_minds.py [--embedder minilm|hash|both] [--hours 48]
Prints, per embedder: wall time of the run, memories per resident at the end, retrieval time per query
at that size (fresh query text, and a repeated one), and how many residents learned of the party and came.
"""

from __future__ import annotations

import argparse
import statistics
import time

from agents.embeddings import load_embedder
from game.world.simulation import Simulation

PARTY = "tomas-cafe-d2-1700"


def run(embedder_name: str, hours: float) -> None:
    """Simulate, then measure retrieval on the biggest memory stream."""
    began = time.perf_counter()
    embedder = load_embedder(embedder_name)
    loaded = time.perf_counter() - began
    with Simulation("oakvale", seed=7, embedder=embedder, keep_events=True) as sim:
        sim.run(hours=hours)
        wall = time.perf_counter() - began
        residents = sim.residents()
        sizes = [len(r.mind.memory) for r in residents]
        learned = {e["npc"] for e in sim.events if e["type"] == "news_learned" and e["news"] == PARTY}
        came = {e["npc"] for e in sim.events if e["type"] == "activity" and e["day"] == 2 and e["place"] == "cafe"
                and "party" in e["activity"]}
        biggest = max(residents, key=lambda r: len(r.mind.memory)).mind.memory
        index = sim.town.mind.index
        fresh, repeated = [], []
        now = sim.clock.total_minutes
        for i in range(200):
            t = time.perf_counter()
            index.retrieve(biggest, f"what should I do about the bakery and the party, question {i}", now, 6,
                           touch=False)
            fresh.append(time.perf_counter() - t)
            t = time.perf_counter()
            index.retrieve(biggest, "what should I do about the bakery and the party", now, 6, touch=False)
            repeated.append(time.perf_counter() - t)
    print(f"embedder {embedder_name}: {hours:g} game hours in {wall:.1f} s wall ({loaded:.1f} s of it loading), "
          f"{hours * 60 / wall:,.0f} game minutes per wall second")
    print(f"  memories per resident: mean {statistics.mean(sizes):.0f}, min {min(sizes)}, max {max(sizes)} "
          f"(limit {sim.town.settings.memory_limit})")
    print(f"  retrieval at {len(biggest)} memories: {statistics.median(fresh) * 1000:.2f} ms per query with new "
          f"text, {statistics.median(repeated) * 1000:.2f} ms with cached query text (median of 200)")
    hosts = {"tomas"}
    print(f"  the party: {len(learned)} of {len(residents) - 1} others learned of it through conversations; "
          f"{len(came - hosts)} of them came ({', '.join(sorted(came - hosts))}), plus the host")


def main() -> None:
    """Run for the chosen embedders."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="both", choices=("minilm", "hash", "both"))
    parser.add_argument("--hours", type=float, default=48.0)
    args = parser.parse_args()
    for name in ("minilm", "hash") if args.embedder == "both" else (args.embedder,):
        run(name, args.hours)


if __name__ == "__main__":
    main()
