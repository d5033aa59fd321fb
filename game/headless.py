"""Headless runs for the command line: simulate, stream events.jsonl, write summary.json atomically."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from game.simulation import Simulation


def simulate(world: str | Path, *, hours: float, seed: int, brain: str, out: Path,
             progress: bool = False) -> dict[str, Any]:
    """Run ``hours`` of game time and write ``out/events.jsonl`` and ``out/summary.json``; return the summary."""
    out.mkdir(parents=True, exist_ok=True)
    events_path = out / "events.jsonl"
    partial = events_path.with_suffix(".jsonl.partial")
    began = time.perf_counter()
    with partial.open("w", encoding="utf-8") as sink, \
            Simulation(world, seed=seed, brain=brain, events_sink=sink, keep_events=False) as sim:
        sim.run(hours=hours, progress=_bar(sim) if progress else None)
        sink.flush()
        os.fsync(sink.fileno())
        wall = time.perf_counter() - began
        summary = {
            "world": sim.world.name, "seed": seed, "brain": sim.brain.name,
            "npcs": len(sim.town.residents), "ticks": sim.clock.tick,
            "game_minutes": sim.clock.tick * sim.clock.tick_seconds / 60,
            "wall_seconds": round(wall, 3),
            "game_minutes_per_wall_second": round(sim.clock.tick * sim.clock.tick_seconds / 60 / wall, 1),
            "brain_requests": sim.town.mind.requests, "brain_batches": sim.town.mind.batches,
            "events_by_type": dict(sorted(sim.town.log.counts.items())),
        }
    os.replace(partial, events_path)
    write_json_atomic(out / "summary.json", summary)
    if progress:
        print(f"wrote {events_path} and {out / 'summary.json'}", file=sys.stderr)
    return summary


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to a temporary file and rename it over ``path``, so a crash never leaves half a file."""
    temp = path.with_suffix(path.suffix + ".tmp")
    with temp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def _bar(sim: Simulation) -> Callable[[int, int], None]:
    """Return a progress callback that draws a one-line bar on stderr."""
    def draw(done: int, total: int) -> None:
        """Redraw the bar for ``done`` of ``total`` ticks."""
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {100 * done // max(total, 1):3d}%  "
                         f"{sim.clock.label()}  ")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return draw
