"""Processors one at a time, on the small world: a tiny map, two residents, the chosen processors, one step."""

from __future__ import annotations

from pathlib import Path

from smallworld import small_town

from game.world.components import Activity, DecisionDue, Mind, Perceived, Position, Requests
from game.world.components import Path as WalkPath
from game.world.processors.activity import ActivityProcessor
from game.world.processors.clock import ClockProcessor
from game.world.processors.memory import MemoryProcessor
from game.world.processors.movement import MovementProcessor
from game.world.processors.perception import PerceptionProcessor
from game.world.processors.thinking import ThinkingProcessor


def test_a_walker_moves_one_tile_a_tick_and_arrives(tmp_path: Path) -> None:
    sim = small_town(tmp_path / "w", [MovementProcessor])
    ecs, ann = sim.town.ecs, sim.town.residents["ann"]
    start = ecs.component_for_entity(ann, Position)
    start.x, start.y = 4, 5
    ecs.add_component(ann, WalkPath([(5, 5), (6, 5)], "green"))
    sim.step()
    assert ecs.component_for_entity(ann, Position).tile == (5, 5), "6 tiles a minute is one per 10-second tick"
    assert ecs.has_component(ann, WalkPath)
    sim.step()
    assert ecs.component_for_entity(ann, Position).tile == (6, 5)
    assert not ecs.has_component(ann, WalkPath) and ecs.component_for_entity(ann, DecisionDue).reason == "arrived"
    assert [e["type"] for e in sim.events][-1] == "arrived"


def test_a_wall_ahead_stops_the_walk_where_it_is(tmp_path: Path) -> None:
    sim = small_town(tmp_path / "w", [MovementProcessor])
    ecs, bo = sim.town.ecs, sim.town.residents["bo"]
    position = ecs.component_for_entity(bo, Position)
    position.x, position.y = 12, 5
    ecs.add_component(bo, WalkPath([(13, 5), (13, 6)], "green"))
    sim.step()
    assert ecs.component_for_entity(bo, Position).tile == (12, 5), "the border is wall: no step onto it"
    assert not ecs.has_component(bo, WalkPath)


def test_a_finished_activity_ends_and_asks_for_a_decision(tmp_path: Path) -> None:
    sim = small_town(tmp_path / "w", [ActivityProcessor, ClockProcessor])
    ecs, ann = sim.town.ecs, sim.town.residents["ann"]
    ecs.remove_component(ann, DecisionDue)
    now = sim.clock.total_minutes
    ecs.add_component(ann, Activity("work", "baking", now + 1))
    sim.step()
    assert ecs.has_component(ann, Activity), "not yet: the clock moved ten seconds"
    sim.step(6)
    assert not ecs.has_component(ann, Activity)
    assert ecs.component_for_entity(ann, DecisionDue).reason == "activity_ended"


def test_neighbours_who_meet_notice_each_other_once(tmp_path: Path) -> None:
    sim = small_town(tmp_path / "w", [PerceptionProcessor])
    ecs, town = sim.town.ecs, sim.town
    ann, bo = town.residents["ann"], town.residents["bo"]
    for entity, x in ((ann, 5), (bo, 7)):
        ecs.try_remove_component(entity, DecisionDue)
        position = ecs.component_for_entity(entity, Position)
        position.x, position.y, position.place = x, 5, "green"
    sim.step()
    assert ecs.component_for_entity(ann, Perceived).nearby == {"bo"}
    assert ecs.component_for_entity(ann, DecisionDue).reason == "met:bo"
    sim.step()

    def seen() -> list[str]:
        memory = ecs.component_for_entity(ann, Mind).memory
        return [m.text for m in memory.recent(50) if m.text.startswith("Saw Bo Reed")]

    assert len(seen()) == 1, "noted once, not every tick"


def test_a_reflection_nobody_waits_for_any_more_is_traced_as_dropped(tmp_path: Path) -> None:
    sim = small_town(tmp_path / "w", [ThinkingProcessor, MemoryProcessor])
    ecs, ann = sim.town.ecs, sim.town.residents["ann"]
    mind = ecs.component_for_entity(ann, Mind)
    mind.importance_since_reflection = sim.town.settings.reflection_threshold
    sim.step()
    requests = ecs.component_for_entity(ann, Requests)
    assert requests.waiting("reflect"), "enough importance: a reflection is asked for"
    requests.drop("reflect")  # superseded before the answer came back
    before = len(mind.memory.memories)
    sim.step()
    record = next(r for r in sim.trace.records if r["kind"] == "reflect" and r["npc"] == "ann")
    assert record["accepted"] is False and record["rejection"].startswith("stale")
    assert len(mind.memory.memories) == before, "a dropped reflection stores nothing"
