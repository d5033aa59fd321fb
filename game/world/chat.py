"""Talking to a resident without a window, through exactly the chat box's path: the players' commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.world import player as pl
from game.world.commands import Leave, PlaceAt, Say, StartTalk
from game.world.components import Activity, Path, Position, Resident, Talking

if TYPE_CHECKING:
    from game.world.simulation import Simulation

REPLY_WAIT_MINUTES = 30
"""Game minutes to wait for a reply before giving up (a brain that never answers is timed out far sooner)."""


class ChatRefused(RuntimeError):  # noqa: N818 - reads as what happened: the chat was refused
    """The resident cannot talk now (asleep, walking, talking with someone else...), and why."""


def chat(sim: Simulation, resident_id: str, text: str) -> str:
    """Say ``text`` to a resident as the player and return its reply, stepping the world until it answers.

    The player joins if needed and, unless already talking with this resident, stands beside it and
    starts a conversation through the same check residents use; then the line goes through the chat
    box's path: commands the next tick applies. Raises ``ChatRefused`` with the reason when the resident
    cannot talk now.
    """
    player = sim.join_player()
    town = sim.town
    me = town.resident_id(player)
    entity = town.residents.get(resident_id)
    if entity is None or entity == player:
        raise ChatRefused(f"no resident called '{resident_id}' (known: {', '.join(sorted(town.residents))})")
    current = pl.conversation_of(sim.town, player)
    if current is not None and resident_id not in current[1].participants:
        sim.command(Leave(me))
        current = None
    if current is None:
        _approach(sim, player, entity, resident_id)
        sim.command(StartTalk(me, resident_id))
    sim.command(Say(me, text))
    sim.step(1)
    refused = next((o.refused for o in sim.outcomes(me) if o.refused is not None), None)
    if refused is not None:
        raise ChatRefused(refused)
    current = pl.conversation_of(sim.town, player)
    assert current is not None, "the talk and the line were applied, so the player is in a conversation"
    conversation_entity, conversation = current
    heard = len(conversation.history) - 1  # the player's line is in already
    for _ in range(town.clock.minutes_to_ticks(REPLY_WAIT_MINUTES)):
        replies = [line for speaker, line in conversation.history[heard:] if speaker == resident_id]
        if replies:
            return replies[0]
        if not sim.town.ecs.entity_exists(conversation_entity):
            break
        sim.step(1)
    raise ChatRefused(f"{_name(sim, entity)} did not answer")


def _approach(sim: Simulation, player: int, entity: int, resident_id: str) -> None:
    """Stand beside the resident and let one tick's perception see it there (or say why it cannot talk)."""
    reason = busy_reason(sim, entity)
    if reason is None:
        sim.command(PlaceAt(sim.town.resident_id(player), *_beside(sim, player, entity)))
        sim.step(1)  # one tick: the player is perceived where it now stands
        sim.outcomes(sim.town.resident_id(player))
        reason = busy_reason(sim, entity)
    if reason is not None:
        raise ChatRefused(reason)


def busy_reason(sim: Simulation, entity: int) -> str | None:
    """Why a resident cannot start talking now, in words (None when it can)."""
    name = _name(sim, entity)
    talking = sim.town.ecs.try_component(entity, Talking)
    if talking is not None:
        return f"{name} is talking with someone else"
    path = sim.town.ecs.try_component(entity, Path)
    if path is not None:
        return f"{name} is walking to {_label(sim, path.destination)}"
    activity = sim.town.ecs.try_component(entity, Activity)
    if activity is not None and activity.kind == "sleep":
        return f"{name} is asleep"
    return None


def _beside(sim: Simulation, player: int, entity: int) -> tuple[int, int]:
    """The nearest free walkable tile next to the resident, in the same place (its own tile if none)."""
    town = sim.town
    target = sim.town.ecs.component_for_entity(entity, Position)
    taken = {p.tile for e, p in sim.town.ecs.get_component(Position) if e != player}
    best = None
    for radius in (1, 2, 3):
        for dy in range(-radius, radius + 1):
            for dx in range(-radius, radius + 1):
                tile = (target.x + dx, target.y + dy)
                if tile in taken or not town.tilemap.walkable(tile) or town.tilemap.place_at(tile) != target.place:
                    continue
                if best is None or abs(dx) + abs(dy) < best[0]:
                    best = (abs(dx) + abs(dy), tile)
        if best is not None:
            break
    return best[1] if best is not None else target.tile


def _name(sim: Simulation, entity: int) -> str:
    """A resident's first name."""
    return sim.town.ecs.component_for_entity(entity, Resident).persona.first_name


def _label(sim: Simulation, place: str) -> str:
    """A place's label on the map."""
    found = sim.town.tilemap.places.get(place)
    return found.label if found is not None else place
