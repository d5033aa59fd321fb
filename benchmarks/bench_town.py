"""Benchmark the town: game minutes simulated per wall second (headless, scripted) and window frame times.

Run: make bench   (or: SDL_VIDEODRIVER=dummy .venv/bin/python benchmarks/bench_town.py [--hours 24] [--frames 600])
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame
from common import frame_times

from game.world.simulation import Simulation


def headless(world: str, hours: float, runs: int) -> None:
    """Print the median rate of simulated game minutes per wall-clock second."""
    rates = []
    for seed in range(runs):
        began = time.perf_counter()
        with Simulation(world, seed=seed, keep_events=False) as sim:
            sim.run(hours=hours)
            npcs = len(sim.town.residents)
        rates.append(hours * 60 / (time.perf_counter() - began))
    print(f"headless scripted, {world} ({npcs} residents), {hours:g} game hours x {runs} runs:")
    print(f"  game minutes per wall second: median {statistics.median(rates):,.0f} "
          f"(min {min(rates):,.0f}, max {max(rates):,.0f}); real-time factor {statistics.median(rates) * 60:,.0f}x")


def frames(world: str, count: int, speed: float) -> None:
    """Print frame-time percentiles of the window loop (simulate the due ticks, then draw) without a frame cap."""
    pygame.init()
    screen = pygame.display.set_mode((1280, 800))
    with Simulation(world, seed=1) as sim:
        sim.run(hours=5)  # mid-morning: people at work and walking
        times = frame_times(sim, screen, speed, count)
    pygame.quit()
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99) - 1]
    print(f"window (dummy driver, 1280x800, speed {speed:g}x), {count} frames:")
    print(f"  frame time p50 {p50:.2f} ms, p99 {p99:.2f} ms; uncapped FPS {1000 / statistics.mean(times):,.0f}")


def main() -> None:
    """Run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", default="oakvale")
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frames", type=int, default=600)
    args = parser.parse_args()
    headless(args.world, args.hours, args.runs)
    for speed in (1.0, 16.0):
        frames(args.world, args.frames, speed)


if __name__ == "__main__":
    main()
