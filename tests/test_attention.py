"""The thinking budget: model requests per game hour are capped, salient moments come first, runs stay repeatable."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from agents.brains.scripted import ScriptedBrain
from agents.embeddings import load_embedder
from agents.protocol import Request
from game.cli import main
from game.view.replay_run import ReplayRun
from game.world.attention import COST, ROUTINE_SHARE, Attention
from game.world.clock import GameClock
from game.world.simulation import Simulation
from game.worldgen import new_world


class Counting(ScriptedBrain):
    """The scripted brain standing in for a model: what reaches it in each game hour of the town's clock, by COST."""

    name = "counting"

    def __init__(self) -> None:
        self.by_hour: Counter[int] = Counter()
        self.seen: list[Request] = []
        self.clock: GameClock | None = None

    def think(self, requests):  # type: ignore[no-untyped-def]
        assert self.clock is not None
        self.by_hour[self.clock.total_minutes // 60] += sum(COST.get(r.kind, 1) for r in requests)
        self.seen += requests
        return super().think(requests)


@pytest.fixture(scope="module")
def crowd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated town of 60 residents."""
    return new_world(tmp_path_factory.mktemp("crowd") / "crowd", 60, seed=5)


def test_the_budget_holds_for_every_hour_of_a_day(crowd: Path) -> None:
    brain = Counting()
    with Simulation(crowd, seed=2, brain=brain, embedder=load_embedder("hash"), think_budget=120) as sim:
        brain.clock = sim.town.clock
        sim.run(hours=24)
        records = sim.town.trace.records
    assert 100 <= max(brain.by_hour.values()) <= 120 and len(brain.by_hour) >= 20, "asleep at night, busy by day"
    tiers = Counter(r["tier"] for r in records)
    sent = {r.id for r in brain.seen}
    assert tiers["scripted"] > 1000, "the rest went scripted"
    assert all((r["request"] in sent) == (r["tier"] == "model") for r in records), "the trace names who answered"
    assert all(r["tier_why"] for r in records), "every answer says why its tier answered"
    scripted = [r for r in records if r["tier"] == "scripted"]
    assert all("budget" in r["tier_why"] for r in scripted) and all(r["error"] is None for r in scripted)
    assert not any(r["retrieved"] for r in scripted), "the scripted policy read no memories, so none are listed"
    assert any(r["retrieved"] for r in records if r["tier"] == "model"), "what went to the model lists its memories"


def test_a_scripted_run_has_no_budget_unless_given_one(crowd: Path) -> None:
    with Simulation(crowd, seed=1) as plain, Simulation(crowd, seed=1, think_budget=90) as given:
        assert plain.attention.budget is None and given.attention.budget == 90
        plain.run(minutes=30)
        assert {r["tier"] for r in plain.town.trace.records} == {"model"}, "nothing is held back from the brain"


def test_salient_moments_take_the_model_before_routine_and_promote_the_resident() -> None:
    brain = Counting()
    with Simulation("oakvale", seed=3, brain=brain, embedder=load_embedder("hash")) as sim:
        brain.clock = sim.town.clock
        sim.run(hours=1)
        routine = [r for r in brain.seen if r.situation.reason in ("arrived", "activity_ended")][:6]
        assert len(routine) == 6
        meeting = replace(routine[0], id=10_001, npc="ben", situation=replace(routine[0].situation, reason="met:rosa"))
        later = replace(routine[1], id=10_002, npc="ben")
        player = replace(routine[2], id=10_003, urgent=True)
        attention = Attention(budget=4)
        model, scripted, tiers = attention.triage(sim.town, [*routine[2:], meeting])
    assert meeting in model and tiers[meeting.id] == ("model", "a meeting")
    routine_used = [r for r in routine[2:] if r in model]
    assert len(routine_used) == 4 * ROUTINE_SHARE - 1, "routine stops at its share, the meeting counted first"
    assert all(tiers[r.id][1].startswith("routine; budget") for r in scripted)
    model, scripted, tiers = attention.triage(sim.town, [later, player])
    assert tiers[later.id] == ("model", "promoted until 08:30 by a meeting")
    assert tiers[player.id] == ("model", "the player asked"), "the player is answered even with the budget spent"
    model, scripted, tiers = attention.triage(sim.town, [replace(later, id=10_004)])
    assert tiers[10_004][0] == "scripted", "the hour's budget is spent"


def test_two_runs_of_a_generated_town_under_a_budget_give_the_same_bytes(crowd: Path, tmp_path: Path) -> None:
    for run in ("a", "b"):
        assert main(["simulate", "--world", str(crowd), "--hours", "3", "--seed", "4", "--brain", "scripted",
                     "--embedder", "hash", "--think-budget", "90", "--out", str(tmp_path / run)]) == 0
    for name in ("events.jsonl", "prompts.jsonl", "vitals.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    traces = [[{k: v for k, v in json.loads(line).items() if k != "latency_ms"}  # wall time, the one thing that varies
               for line in (tmp_path / run / "trace.jsonl").read_text().splitlines()] for run in ("a", "b")]
    assert traces[0] == traces[1] and {r["tier"] for r in traces[0]} == {"model", "scripted"}
    replayed = ReplayRun(tmp_path / "a")  # the replay rebuilds the run under the same budget
    replayed.seek(replayed.end)
    assert replayed.diverged is None and replayed.sim.attention.budget == 90


def _timeless(record: dict[str, object]) -> dict[str, object]:
    """A trace record less its wall-clock latency."""
    return {k: v for k, v in record.items() if k != "latency_ms"}


def test_a_resumed_run_under_a_budget_continues_byte_for_byte(crowd: Path, tmp_path: Path) -> None:
    whole = Simulation(crowd, seed=6, embedder=load_embedder("hash"), think_budget=60)
    whole.run(hours=2)
    with whole:
        whole.run(hours=1)
        expected = [_timeless(r) for r in whole.town.trace.records if r["tick"] > 720]
    first = Simulation(crowd, seed=6, embedder=load_embedder("hash"), think_budget=60)
    with first:
        first.run(hours=2)
        first.save(tmp_path / "town.save")
    with Simulation.resume(tmp_path / "town.save", embedder=load_embedder("hash")) as resumed:
        resumed.run(hours=1)
        got = [_timeless(r) for r in resumed.town.trace.records if r["tick"] > 720]
    assert got == expected and any(r["tier"] == "scripted" for r in got)


def _count_recalls(sim: Simulation) -> Counter[str]:
    """Count each resident's memory retrievals from now on."""
    index, recalls = sim.town.mind.index, Counter[str]()
    retrieve = index.retrieve

    def counted(stream, *args, **kwargs):  # type: ignore[no-untyped-def]
        recalls[stream.owner] += 1
        return retrieve(stream, *args, **kwargs)

    index.retrieve = counted  # type: ignore[method-assign]
    return recalls


def test_what_the_budget_cannot_take_is_built_lean_and_changes_nothing_the_scripted_policy_does(crowd: Path) -> None:
    runs = []
    for lean in (True, False):
        brain = Counting()
        with Simulation(crowd, seed=8, brain=brain, embedder=load_embedder("hash"), think_budget=60) as sim:
            brain.clock = sim.town.clock
            if not lean:
                sim.town.mind.certain = None
            recalls = _count_recalls(sim)
            sim.run(hours=3)
            runs.append((list(sim.events), sum(recalls.values()), brain.seen, sim.town.trace.records))
    (events, lean_recalls, seen, records), (full_events, full_recalls, _, full_records) = runs
    assert events == full_events, "the scripted policy reads no memories: the town lives the same hours"
    assert [r["tier"] for r in records] == [r["tier"] for r in full_records]
    assert lean_recalls < full_recalls / 3, (lean_recalls, full_recalls)
    misjudged = [r for r in records if r["tier_why"].endswith("budget spent when asked")]
    assert not misjudged, "a request built lean would not have fitted in the budget anyway"
    assert not any(r.lean for r in seen), "nothing built lean reaches the brain"
    assert sum("budget" in r["tier_why"] for r in records) > 500


def test_a_request_is_certain_to_go_scripted_only_once_its_rank_has_no_room_left() -> None:
    with Simulation("oakvale", seed=3, embedder=load_embedder("hash")) as sim:
        sim.run(minutes=30)
        attention = Attention(budget=4)
        town = sim.town
        assert not attention.certain_scripted(town, "ben", "decide", "arrived")
        attention.hour, attention.spent = town.clock.total_minutes // 60, 2
        assert attention.certain_scripted(town, "ben", "decide", "arrived"), "routine may take half: 2 of 4"
        assert not attention.certain_scripted(town, "ben", "decide", "met:rosa"), "a meeting may take the rest"
        assert attention.certain_scripted(town, "ben", "converse", "conversation"), "a line costs 3: 2 + 3 > 4"
        attention.hour -= 1
        assert not attention.certain_scripted(town, "ben", "decide", "arrived"), "a new hour, a new budget"
        assert not Attention().certain_scripted(town, "ben", "plan", "replan:new day"), "no budget, never"
