"""Headless runs for the command line: simulate; write events, trace, prompts, vitals and summary as one run folder.

A run whose brain failed every request it was sent (a dead or broken model server) still writes everything, then
raises ``BrainNeverAnsweredError``, which the command line turns into exit status 3.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from agents.brains.replay import RecordingBrain
from agents.embeddings import Embedder
from agents.needs import NEED_NAMES
from agents.protocol import Answer, Brain, BrainFatalError, Request
from game.world import codec
from game.world.loader import WorldDef
from game.world.runfolder import RunFolder, new_run_id
from game.world.scenario import Plant
from game.world.simulation import Simulation
from game.world.trace import Trace


class BrainNeverAnsweredError(BrainFatalError):
    """The brain answered none of the requests it was sent: the scripted policy ran the whole town."""

    def __init__(self, message: str, summary: dict[str, Any]):
        super().__init__(message)
        self.summary = summary
        """What summary.json says about the run (it was written before this was raised)."""


class _RunTrace(Trace):
    """The run's trace, also counting the answers the brain itself gave (no error, not the scripted tier)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.by_brain = 0

    def record(self, tick: int, request: Request, answer: Answer, parsed: Any, accepted: bool | None = None,
               *, reason: str | None = None, **extra: Any) -> dict[str, Any]:
        """Write the record, counting it if the brain answered it."""
        record = super().record(tick, request, answer, parsed, accepted, reason=reason, **extra)
        self.by_brain += answer.error is None and record.get("tier") != "scripted"
        return record


def simulate(world: WorldDef | str | Path, *, hours: float, seed: int, brain: Brain, out: Path, embedder: Embedder,
             plants: tuple[Plant, ...] = (), record: Path | None = None, progress: bool = False,
             save: Path | None = None, save_every: float | None = None, resume: Path | None = None,
             **overrides: Any) -> dict[str, Any]:
    """Run ``hours`` of game time; write events, trace, prompts and vitals (.jsonl) and summary.json in ``out``.

    The files are written in a temporary folder beside ``out`` that replaces it whole once they are complete (see
    game/world/runfolder.py), so ``out`` is always the older run or this one. ``resume`` continues a save instead of
    starting ``world`` afresh; ``save`` saves the town at the end and, with ``save_every``, every that many game
    hours on the way (a run that stops says how to go on from its last save). ``overrides`` are settings and run
    options (``think_budget=...``), as for ``Simulation``. Says on stderr how many requests fell back because the
    brain failed, and raises ``BrainNeverAnsweredError`` (after writing everything) if it answered none.
    """
    folder = RunFolder(out, keep=(save, record, resume))
    saves = _Saves(save, save_every, out, resume)
    try:
        summary = _run_into(folder.path, world, hours=hours, seed=seed, brain=brain, embedder=embedder,
                            plants=plants, record=record, progress=progress, saves=saves, resume=resume,
                            overrides=overrides)
        summary["run_id"] = run_id = new_run_id()
        (folder.path / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
        folder.commit(run_id)
    except BaseException:
        folder.discard()
        raise
    if progress:
        print(f"wrote {out / 'events.jsonl'}, trace.jsonl, prompts.jsonl, vitals.jsonl and summary.json",
              file=sys.stderr)
    _say_fallbacks(summary, out)
    return summary


def _run_into(folder: Path, world: WorldDef | str | Path, *, hours: float, seed: int, brain: Brain,
              embedder: Embedder, plants: tuple[Plant, ...], record: Path | None, progress: bool, saves: _Saves,
              resume: Path | None, overrides: dict[str, Any]) -> dict[str, Any]:
    """Run the town, writing the .jsonl files in ``folder``; return what summary.json will say."""
    names = ("events.jsonl", "trace.jsonl", "prompts.jsonl", "vitals.jsonl")
    began = time.perf_counter()
    mind = brain
    with ExitStack() as stack:
        files = {name: stack.enter_context((folder / name).open("w", encoding="utf-8")) for name in names}
        if record is not None:
            mind = RecordingBrain(mind, record)
            stack.callback(mind.close)
        trace = _RunTrace(files["trace.jsonl"], files["prompts.jsonl"], keep=False)
        if resume is not None:
            sim = stack.enter_context(Simulation.resume(resume, brain=mind, embedder=embedder, trace=trace,
                                                        events_sink=files["events.jsonl"], keep_events=False))
            for name in sim.changed_files:
                print(f"npcworld: note: {name} changed since the save; the run goes on with it as it is now",
                      file=sys.stderr)
        else:
            sim = stack.enter_context(Simulation(world, seed=seed, brain=mind, embedder=embedder, plants=plants,
                                                 events_sink=files["events.jsonl"], keep_events=False, trace=trace,
                                                 **overrides))
        if isinstance(mind, RecordingBrain):
            mind.think_budget = sim.attention.budget
        try:
            saves.start(sim, hours)
            _run_sampling(sim, hours, files["vitals.jsonl"], _bar(sim) if progress else None, saves.hourly)
            saves.save()
        except BaseException as exc:
            saves.say_how_to_go_on(exc)
            raise
        summary = _summary(sim, sim.seed, time.perf_counter() - began)
        summary["answers_by_brain"] = trace.by_brain
        summary["plants"] = [codec.encode(plant) for plant in plants]  # what `replay` needs to build it again
        if resume is not None:
            summary["resumed_from"] = str(resume)
    return summary


def _say_fallbacks(summary: dict[str, Any], out: Path) -> None:
    """Say how many requests fell back because the brain failed; raise BrainNeverAnsweredError if it answered none."""
    failed, brain = summary["answers_by_fallback"], summary["brain"]
    if not failed:
        return
    print(f"npcworld: {failed} of {summary['brain_requests']} brain requests fell back to the scripted policy "
          f"because the {brain} brain failed (see the errors in {out / 'trace.jsonl'})", file=sys.stderr)
    if failed * 2 > summary["answers"]:
        print(f"npcworld: warning: the {brain} brain could not answer {failed} of {summary['answers']} requests; "
              "the scripted policy answered them", file=sys.stderr)
    if not summary["answers_by_brain"]:
        raise BrainNeverAnsweredError(f"the {brain} brain answered none of its {summary['brain_requests']} requests "
                                      f"(every one fell back to the scripted policy); the run's files are in {out}",
                                      summary)


def _run_sampling(sim: Simulation, hours: float, vitals: TextIO, progress: Callable[[int, int], None] | None,
                  every_hour: Callable[[], None] | None = None) -> None:
    """Run ``hours`` of game time an hour at a time, writing every resident's needs and mood at each hour."""
    total = sim.clock.minutes_to_ticks(hours * 60) if hours > 0 else 0
    hour = sim.clock.minutes_to_ticks(60)
    done = 0
    vitals.write(json.dumps(vitals_line(sim)) + "\n")
    while done < total:
        chunk = min(hour, total - done)
        sim.step(chunk)
        done += chunk
        vitals.write(json.dumps(vitals_line(sim)) + "\n")
        if progress is not None:
            progress(done, total)
        if every_hour is not None and done < total:
            every_hour()


class _Saves:
    """A run's saves to ``path``: every ``every`` game hours and at the end; if the run stops, how to go on."""

    def __init__(self, path: Path | None, every: float | None, out: Path, resume: Path | None):
        self.path, self.every, self.out, self.resume = path, every, out, resume
        self.last: tuple[int, str] | None = None
        """The tick and the time (``day 1 09:30``) of the last save."""

    def start(self, sim: Simulation, hours: float) -> None:
        """Begin counting game hours from ``sim``'s clock now."""
        self.sim, self.hours, self.began = sim, hours, sim.clock.tick
        self.end = self.began + (sim.clock.minutes_to_ticks(hours * 60) if hours > 0 else 0)
        self.due = self.began + sim.clock.minutes_to_ticks((self.every or 0) * 60)

    def hourly(self) -> None:
        """Save if ``every`` game hours have passed since the last save (or the start)."""
        if self.every and self.sim.clock.tick >= self.due:
            self.save()
            self.due += self.sim.clock.minutes_to_ticks(self.every * 60)

    def save(self) -> None:
        """Save the town now (if the run saves at all)."""
        if self.path is not None:
            self.sim.save(self.path)
            self.last = (self.sim.clock.tick, f"day {self.sim.clock.day} {self.sim.clock.hhmm}")

    def say_how_to_go_on(self, exc: BaseException) -> None:
        """Say on stderr where the run stopped and, if it was saving, the command that goes on from its last save."""
        if self.path is None:
            return
        clock = self.sim.clock
        what = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"stopped ({type(exc).__name__})"
        said = f"npcworld: {what} at day {clock.day} {clock.hhmm}"
        if self.last is not None:
            left = round((self.end - self.last[0]) * clock.tick_seconds / 3600, 2)
            said += (f"; the last save is {self.path} ({self.last[1]}): resume with `npcworld simulate --resume "
                     f"{self.path} --hours {left:g} --out {self.out}` (and the same brain and embedder flags)")
        else:
            said += f", before the first save to {self.path}"
            if self.resume is not None:
                said += (f"; start again from {self.resume} with `npcworld simulate --resume {self.resume} "
                         f"--hours {self.hours:g} --out {self.out}`")
        print(said, file=sys.stderr)


def vitals_line(sim: Simulation) -> dict[str, Any]:
    """One line of vitals.jsonl: the clock, and each resident's needs (0-100) and mood (valence, arousal)."""
    residents = {}
    for state in sim.residents():
        needs, emotion = state.mind.needs, state.mind.emotion
        residents[state.id] = {**{name: round(getattr(needs, name), 1) for name in NEED_NAMES},
                               "valence": round(emotion.valence, 3), "arousal": round(emotion.arousal, 3)}
    return {"tick": sim.clock.tick, "day": sim.clock.day, "time": sim.clock.hhmm, "residents": residents}


def _summary(sim: Simulation, seed: int, wall: float) -> dict[str, Any]:
    """What summary.json says about a finished run."""
    minutes = sim.clock.tick * sim.clock.tick_seconds / 60
    memories = [len(r.mind.memory) for r in sim.residents()]
    return {
        "world": sim.world.name, "world_dir": str(sim.world.root), "seed": seed, "brain": sim.brain_name,
        "npcs": len(sim.town.residents),
        "ticks": sim.clock.tick, "game_minutes": minutes, "wall_seconds": round(wall, 3),
        "game_minutes_per_wall_second": round(minutes / wall, 1),
        "brain_requests": sim.town.mind.requests, "brain_batches": sim.town.mind.batches,
        "answers": sim.trace.answers, "answers_by_fallback": sim.trace.by_fallback,
        "embedder": sim.town.embedder.name, "think_budget": sim.options.think_budget,
        "memories_per_resident": round(sum(memories) / max(1, len(memories)), 1),
        "events_by_type": dict(sorted(sim.town.log.counts.items())),
        "residents": {r.persona.id: r.persona.name for r in sim.residents()},
    }


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
