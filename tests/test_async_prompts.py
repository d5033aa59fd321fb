"""Thinking off the frame: a worker thread, timeouts that fall back, stale answers dropped; prompts as files."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from agents.brains.scripted import ScriptedBrain
from agents.prompting import PromptError, load_templates, render
from agents.protocol import Answer, Situation
from game.world.mind import InlineExecutor, MindService, ThreadExecutor
from game.world.simulation import Simulation


class SlowBrain(ScriptedBrain):
    """The scripted brain, but every batch takes ``delay`` seconds, and it can be held back."""

    def __init__(self, delay: float):
        self.delay = delay
        self.gate = threading.Event()
        self.gate.set()
        self.batches = 0

    def think(self, requests):  # type: ignore[no-untyped-def]
        self.gate.wait()
        time.sleep(self.delay)
        self.batches += 1
        return super().think(requests)


def test_the_frame_does_not_wait_for_the_brain() -> None:
    brain = SlowBrain(0.0)
    brain.gate.clear()  # the brain is stuck
    with Simulation("oakvale", seed=1, brain=brain, threaded=True, think_timeout_seconds=30) as sim:
        began = time.perf_counter()
        sim.step(20)
        assert time.perf_counter() - began < 2.0, "ticks go on while the brain is busy"
        assert sim.clock.tick == 20
        assert not sim.trace.records, "nothing answered yet"
        brain.gate.set()
        deadline = time.perf_counter() + 10
        while not sim.trace.of_kind("plan") and time.perf_counter() < deadline:
            sim.step(1)
            time.sleep(0.01)
        assert sim.trace.of_kind("plan"), "answers arrive later, as data"


def test_overdue_requests_fall_back_to_the_scripted_policy_and_late_answers_are_dropped() -> None:
    now = [0.0]
    brain = SlowBrain(0.0)
    brain.gate.clear()
    executor = ThreadExecutor(brain, timeout=5.0, clock=lambda: now[0])
    service = MindService(executor, ScriptedBrain())
    with Simulation("oakvale", seed=1) as sim:
        sim.step(2)  # requests are queued for the next batch
        requests = list(sim.town.mind._outbox)
    assert requests
    for request in requests:
        service.ask(request)
    service.exchange()
    now[0] = 6.0
    service.exchange()
    kinds = {r.kind for r in requests}
    answered = [pair for kind in sorted(kinds) for pair in service.take(kind)]
    assert sorted(r.id for r, _ in answered) == sorted(r.id for r in requests), "the fallback answered them all"
    assert service.timeouts == len(requests)
    assert all(answer.error and "timed out" in answer.error for _, answer in answered), "the trace will say why"
    brain.gate.set()
    time.sleep(0.3)
    service.exchange()
    assert all(service.take(kind) == [] for kind in kinds), "the brain's late answers are dropped"
    service.close()


def test_the_players_request_leaves_at_once_where_answers_come_back_on_their_own() -> None:
    brain = SlowBrain(0.0)
    brain.gate.clear()
    threaded = MindService(ThreadExecutor(brain, timeout=30.0), ScriptedBrain())
    inline = MindService(InlineExecutor(ScriptedBrain()), ScriptedBrain())
    with Simulation("oakvale", seed=1) as sim:
        sim.step(2)
        ordinary, other = list(sim.town.mind._outbox)[:2]
    urgent = replace(other, urgent=True)
    threaded.ask(ordinary)
    assert threaded.executor.pending() == [], "an ordinary request waits for the tick's batch"
    threaded.ask(urgent)
    assert [r.id for r in threaded.executor.pending()] == [urgent.id], "the player's goes out before the tick ends"
    threaded.exchange()
    assert sorted(r.id for r in threaded.executor.pending()) == sorted([ordinary.id, urgent.id])
    assert threaded.batches == 2
    inline.ask(urgent)
    assert inline.batches == 0, "headless, it still goes in the tick's batch, so runs stay the same"
    brain.gate.set()
    threaded.close()


def test_a_resident_answers_the_player_in_the_tick_after_the_line() -> None:
    with Simulation("oakvale", seed=7) as sim:
        sim.run(hours=26)
        before = len(sim.events)
        sim.chat("mara", "Good morning! What are you baking?")
        said = [e for e in sim.events[before:] if e["type"] == "said"]
    player = next(e for e in said if e["npc"] == "player")
    answer = next(e for e in said if e["npc"] == "mara")
    assert answer["tick"] == player["tick"] + 1, "asked in the line's own tick, answered in the next"


def test_stale_answers_for_a_resident_who_moved_on_are_dropped() -> None:
    with Simulation("oakvale", seed=1) as sim:
        sim.step(1)
        request = sim.town.mind._outbox[0]
        sim.step(5)
        before = len(sim.trace.records)
        sim.town.mind._inbox[request.kind].append((request, Answer(request.id, "{}")))
        sim.step(1)
        assert not [r for r in sim.trace.records[before:] if r["request"] == request.id], "stale: ignored"


def test_templates_render_and_fail_loudly(tmp_path: Path) -> None:
    templates = load_templates()
    with Simulation("oakvale", seed=1) as sim:
        sim.run(minutes=30)
        decide = sim.trace.of_kind("decide")[0]
    assert decide["prompt_hash"]
    world = tmp_path / "w"
    (world / "prompts").mkdir(parents=True)
    (world / "prompts" / "decide.txt").write_text("Hello {name}.\nYou are at {plcae}.\n")
    with pytest.raises(PromptError) as info:
        load_templates(world)
    assert info.value.field == "plcae" and info.value.line == 2 and "decide.txt" in str(info.value)
    (world / "prompts" / "decide.txt").write_text("You talk with {partner}.")
    override = load_templates(world)
    assert override["decide"].path == world / "prompts" / "decide.txt"
    assert override["plan"].path == templates["plan"].path
    from agents.persona_file import load_persona
    from agents.protocol import Request
    from game.world.loader import WORLDS_DIR
    persona = load_persona(WORLDS_DIR / "oakvale" / "personas" / "iris.toml")
    request = Request(1, "decide", "iris", persona, Situation(1, 0, 600, "library", "Oakvale Library", "reading"), 9)
    with pytest.raises(PromptError) as missing:
        render(override, request, "Oakvale")
    assert missing.value.field == "partner" and "no value" in str(missing.value)
    text = render(templates, request, "Oakvale")
    assert "Iris" in text and "library" in text and "go_to a place" in text


class MumblingBrain(ScriptedBrain):
    """The scripted brain, except that its lines in conversation fail: an error half the time, blank otherwise."""

    name = "mumbling"

    def think(self, requests):  # type: ignore[no-untyped-def]
        answers = super().think(requests)
        return [Answer(a.request_id, "  " if r.id % 2 else "", error=None if r.id % 2 else "server went away")
                if r.kind == "converse" else a for r, a in zip(requests, answers, strict=True)]


def test_lines_the_scripted_policy_said_for_a_resident_are_marked_and_counted(tmp_path: Path) -> None:
    from agents.embeddings import HashEmbedder
    from game.cli.headless import simulate
    from game.cli.report import run_report
    simulate("oakvale", hours=10, seed=3, brain=MumblingBrain(), out=tmp_path, embedder=HashEmbedder())
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    said = [e for e in events if e["type"] == "said"]
    assert said and all(e.get("by") == "fallback" for e in said), "every line came from the fallback"
    report = run_report(tmp_path)
    trace = [json.loads(line) for line in (tmp_path / "trace.jsonl").read_text().splitlines()]
    failed = sum(1 for r in trace if r.get("error") == "server went away")
    assert failed and report["answers_by_fallback"] == failed and report["answers_timed_out"] == 0
    with Simulation("oakvale", seed=3) as sim:
        sim.run(hours=10)
        assert all("by" not in e for e in sim.events if e["type"] == "said"), "a line the brain said is unmarked"
