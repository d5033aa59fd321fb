"""World state is explicit: each town owns its entities, so two towns run side by side in one process."""

from __future__ import annotations

from game.world.components import Position, Resident
from game.world.ecs import Entities, Processor
from game.world.simulation import Simulation


def test_two_towns_run_side_by_side_as_each_runs_alone() -> None:
    alone = Simulation("oakvale", seed=7)
    alone.run(hours=1)
    first, second = Simulation("oakvale", seed=7), Simulation("oakvale", seed=3)
    for _ in range(alone.clock.minutes_to_ticks(60)):
        first.step()
        second.step()
    assert first.events == alone.events
    assert first.events != second.events, "a different seed gives a different town"
    assert first.town.ecs is not second.town.ecs
    ids = {e for e, _ in first.town.ecs.get_component(Resident)}
    assert ids == {e for e, _ in second.town.ecs.get_component(Resident)}, "the same entity ids, in separate stores"
    moved = first.town.ecs.component_for_entity(first.town.residents["mara"], Position)
    moved.x += 1000
    assert second.town.ecs.component_for_entity(second.town.residents["mara"], Position).x < 1000


class _Count(Processor):
    """Counts the entities that have an int component each tick."""

    def __init__(self, ecs: Entities):
        self.ecs, self.seen = ecs, []

    def process(self) -> None:
        self.seen.append(sorted(e for e, _ in self.ecs.get_component(int)))


def test_the_store_delays_deletion_to_the_next_tick_and_queries_see_changes() -> None:
    ecs = Entities()
    counter = _Count(ecs)
    ecs.add_processor(counter)
    a, b = ecs.create_entity(1, "a"), ecs.create_entity(2)
    assert ecs.get_components(int, str) == [(a, (1, "a"))]
    ecs.delete_entity(b)
    assert not ecs.entity_exists(b) and ecs.has_component(b, int), "deleted at the next process, not at once"
    ecs.process()
    assert counter.seen == [[a]]
    ecs.add_component(a, 2.5)
    assert ecs.get_components(float, int) == [(a, (2.5, 1))]
    assert ecs.try_remove_component(a, str) == "a" and ecs.try_remove_component(a, str) is None
    assert ecs.get_components(int, str) == [] and ecs.try_component(99, int) is None
    c = ecs.create_entity(3)
    ecs.delete_entity(c, immediate=True)
    assert not ecs.entity_exists(c) and [e for e, _ in ecs.get_component(int)] == [a]


def test_overrides_are_checked_and_sorted_into_world_rules_and_run_options() -> None:
    import pytest

    for bad, message in (({"perception_radius": 0}, "perception_radius must be between 1 and 64, got 0"),
                         ({"tick_seconds": 2.5}, "tick_seconds must be an integer"),
                         ({"think_timeout_seconds": float("nan")}, "think_timeout_seconds must be between"),
                         ({"perception": 3}, "unknown setting perception (world rules: ")):
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            Simulation("oakvale", **bad)
    sim = Simulation("oakvale", time_scale=120, perception_radius=3)
    assert sim.options.time_scale == 120 and sim.town.settings.perception_radius == 3
    assert not hasattr(sim.town.settings, "time_scale"), "the window's pace is not a rule of the world"


def test_what_the_world_allows_is_what_the_options_offer() -> None:
    from agents.intents import GoTo, Sleep, TalkTo
    from game.world.resolve import check
    from game.world.situation import options

    sim = Simulation("oakvale", seed=7)
    town, offered_people, offered_sleep = sim.town, 0, 0
    sim.run(hours=5)
    for _ in range(8):  # a working day's middle, half an hour apart
        sim.run(minutes=30)
        for entity in town.residents.values():
            offered = options(town, entity)
            offered_people += len(offered.people)
            offered_sleep += offered.can_sleep
            here = town.ecs.component_for_entity(entity, Position).place
            for place in town.tilemap.places:
                allowed = check(town, entity, GoTo(place)) is None
                assert allowed == (place in offered.places and place != here), place
            for person in town.residents:
                assert (check(town, entity, TalkTo(person)) is None) == (person in offered.people), person
            assert (check(town, entity, Sleep(60)) is None) == offered.can_sleep
    assert offered_people >= 4 and offered_sleep >= 1, "the moments sampled offer people to talk to, and a bed"


def test_players_act_through_commands_that_the_next_tick_applies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from smallworld import small_town

    from game.world.commands import Leave, PlaceAt, Say, StartTalk, Walk

    sim = small_town(tmp_path / "w", start="12:20")  # Ann and Bo are out on the green
    sim.step(60)
    alex, kim = sim.join_player(), sim.join_player("kim", "Kim Vale")
    ecs = sim.town.ecs
    sim.command(PlaceAt("player", 6, 2))
    sim.command(PlaceAt("kim", 6, 6))
    sim.command(Walk("kim", 0, 1))  # into the border wall
    sim.command(Walk("nobody", 1, 0))
    assert ecs.component_for_entity(alex, Position).tile != (6, 2), "nothing changes between ticks"
    sim.step()
    assert ecs.component_for_entity(alex, Position).tile == (6, 2)
    assert ecs.component_for_entity(kim, Position).tile == (6, 6)
    assert [o.refused for o in sim.outcomes("kim")] == [None, "the way is blocked"]
    assert [o.refused for o in sim.outcomes("nobody")] == ["no player called 'nobody' in this town"]
    sim.command(Walk("player", 1, 0))
    sim.step()
    assert ecs.component_for_entity(alex, Position).tile == (7, 2)
    bo = ecs.component_for_entity(sim.town.residents["bo"], Position)
    sim.command(PlaceAt("player", bo.x, bo.y - 1 if bo.y > 5 else bo.y + 1))
    sim.step()
    sim.command(StartTalk("player", "bo"))
    sim.command(Say("player", "Lovely morning!"))
    sim.step()
    assert [o.refused for o in sim.outcomes("player")][-2:] == [None, None]
    said = [e for e in sim.events if e["type"] == "said" and e["npc"] == "player"]
    assert said and said[-1]["text"] == "Lovely morning!" and said[-1]["to"] == "bo"
    sim.command(Leave("player"))
    sim.step()
    assert not sim.resident("player").talking
    assert sim.resident("kim").name == "Kim Vale" and sim.player == alex


def test_every_component_round_trips_through_plain_json() -> None:
    import json

    from game.world.codec import COMPONENTS, from_dict, to_dict
    from game.world.commands import PlaceAt, StartTalk
    from game.world.components import DecisionDue, Path, ReplanDue

    sim = Simulation("oakvale", seed=7)
    sim.run(hours=5)
    sim.join_player()
    mara = sim.resident("mara").tile
    sim.command(PlaceAt("player", mara[0], mara[1] + 1))
    sim.step()
    sim.command(StartTalk("player", "mara"))
    sim.run(minutes=30)
    personas = {p.id: p for p in sim.world.personas} | {"player": sim.resident("player").persona}
    seen = set()
    rare = [Path([(3, 4), (4, 4)], "park", 0.5), DecisionDue("met:leo"), ReplanDue("news")]
    for component in rare + [x for e in sim.town.ecs.entities() for x in sim.town.ecs.components_for_entity(e)]:
        text = json.dumps(to_dict(component))
        assert from_dict(json.loads(text), personas) == component, text
        seen.add(type(component).__name__)
    assert seen == set(COMPONENTS), f"every kind was tried: {sorted(seen)}"


def test_the_codec_and_the_commands_say_what_is_wrong(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from smallworld import small_town

    from game.world.codec import from_dict, to_dict
    from game.world.commands import PlaceAt, Say, Typing
    from game.world.components import Resident

    with pytest.raises(ValueError, match="unknown component type 'Wings'"):
        from_dict({"type": "Wings"}, {})
    with pytest.raises(ValueError, match="no persona with id 'zed'"):
        from_dict({"type": "Resident", "id": "zed", "persona": "zed"}, {})
    with pytest.raises(TypeError, match="not a plain-data component"):
        to_dict(object())
    sim = small_town(tmp_path / "w")
    sim.join_player()
    sim.command(PlaceAt("player", 0, 0))  # the border wall
    sim.command(Say("player", "hello?"))
    sim.command(Typing("player"))
    sim.step()
    assert [o.refused for o in sim.outcomes("player")] == [
        "tile (0, 0) is not walkable", "not in a conversation", "not in a conversation"]
    assert isinstance(from_dict(to_dict(Resident("ann", sim.world.personas[0])), {"ann": sim.world.personas[0]}),
                      Resident)
