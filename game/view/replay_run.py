"""A finished run rebuilt to any moment: the same world, seed and plants, answered from the run's own trace.

``ReplayRun(folder)`` builds the run's town with a ``TraceBrain`` (agents/brains/trace_replay.py), so every
request gets the reply it got in the run, and checks each event it makes against the run's events.jsonl.
Going forward it steps; going back it restores the nearest keyframe (a save kept in memory each game hour,
game/world/save.py) and steps from there. What the view shows (positions, bubbles, the inspector's decision
and retrieved memories) is then the real state of that moment, not a drawing made from the log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from agents.brains.trace_replay import TraceBrain
from agents.embeddings import Embedder, load_embedder
from game.world import codec
from game.world.events import dumps
from game.world.runfolder import check_run_folder
from game.world.save import capture, restore
from game.world.scenario import Plant
from game.world.simulation import Simulation

MARKED = ("conversation_started", "news_learned", "intent_rejected", "plan_made")
"""Event types the timeline marks and ``next_event`` jumps between."""


class ReplayRun:
    """A run's town that can be put at any tick between its start and its end."""

    def __init__(self, folder: Path, embedder: Embedder | None = None):
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        if summary.get("resumed_from"):
            raise ValueError(f"{folder} continued a save ({summary['resumed_from']}): replay the run that made it")
        check_run_folder(folder)  # files of two runs put together would replay as neither
        with (folder / "events.jsonl").open(encoding="utf-8") as handle:
            self.lines = [line.rstrip("\n") for line in handle if line.strip()]
        self.events = [json.loads(line) for line in self.lines]
        self.brain = TraceBrain.from_file(folder / "trace.jsonl")
        plants = tuple(codec.decode(Plant, p, {}) for p in summary.get("plants", []))
        world = summary.get("world_dir") or str(summary["world"]).lower()
        self.sim = Simulation(world, seed=summary["seed"], brain=self.brain, plants=plants,
                              embedder=embedder or _embedder(summary.get("embedder", "hash")),
                              think_budget=summary.get("think_budget", 0))  # runs from before the budget had none
        self.start = self.sim.clock.tick
        self.end = summary["ticks"]
        self.marks = [e for e in self.events if e["type"] in MARKED]
        self.diverged: str | None = None
        """Where the rebuilt run first made an event the run did not (None while they agree)."""
        self._checked = 0
        self._keyframes: dict[int, tuple[dict[str, Any], dict[str, np.ndarray]]] = {}
        self._every = self.sim.clock.minutes_to_ticks(60)
        self._keep()

    @property
    def tick(self) -> int:
        """The moment shown now."""
        return self.sim.clock.tick

    def seek(self, tick: int) -> None:
        """Put the town at ``tick`` (clamped to the run): forward by stepping, back from a keyframe."""
        tick = max(self.start, min(self.end, tick))
        if tick < self.sim.clock.tick:
            base = max(t for t in self._keyframes if t <= tick)
            state, vectors = self._keyframes[base]
            restore(self.sim, json.loads(json.dumps(state)), {k: v.copy() for k, v in vectors.items()})
            self.sim.town.log.records[:] = [r for r in self.sim.town.log.records if r["tick"] < base]
            self.sim.trace.records[:] = [r for r in self.sim.trace.records if r["tick"] < base]
        while self.sim.clock.tick < tick:
            self.sim.step(min(tick - self.sim.clock.tick, self._every - self.sim.clock.tick % self._every))
            self._check()
            self._keep()

    def next_event(self, forward: bool = True) -> dict[str, Any] | None:
        """The first marked event after (or the last before) now, or None."""
        now = self.sim.clock.tick
        found = [e for e in self.marks if (e["tick"] > now if forward else e["tick"] < now)]
        return (found[0] if forward else found[-1]) if found else None

    def close(self) -> None:
        """Stop the town's brain worker (none: the trace answers inline)."""
        self.sim.close()

    def _keep(self) -> None:
        """Keep a keyframe at each game hour reached for the first time."""
        tick = self.sim.clock.tick
        if tick % self._every == 0 and tick not in self._keyframes:
            state = json.loads(json.dumps(capture(self.sim)))
            self._keyframes[tick] = (state, {k: v.copy() for k, v in self.sim.town.mind.index.state().items()})

    def _check(self) -> None:
        """Compare the events made so far with the run's, once each."""
        records = self.sim.town.log.records
        while self._checked < len(records) and self.diverged is None:
            index = self._checked
            if index >= len(self.lines) or dumps(records[index]) != self.lines[index]:
                record = records[index]
                self.diverged = f"day {record['day']} {record['time']}"
            self._checked += 1


def _embedder(name: str) -> Embedder:
    """The embedder the run used (MiniLM when it did: retrieval scores depend on it)."""
    return load_embedder("minilm", threads=1) if name.startswith("minilm") else load_embedder("hash")
