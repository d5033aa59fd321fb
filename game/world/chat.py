"""Talking to a resident without a window, through exactly the chat box's path (game.player talk and say)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.world import player as pl
from game.world.components import Activity, Conversation, Path, Position, Resident, Talking

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
    box's path. Raises ``ChatRefused`` with the reason when the resident cannot talk now.
    """
    player = sim.join_player()
    town = sim.town
    entity = town.residents.get(resident_id)
    if entity is None or entity == player:
        raise ChatRefused(f"no resident called '{resident_id}' (known: {', '.join(sorted(town.residents))})")
    current = pl.conversation_of(sim.town, player)
    if current is not None and resident_id not in current[1].participants:
        pl.leave(town, player)
        current = None
    if current is None:
        current = _start(sim, player, entity, resident_id)
    conversation_entity, conversation = current
    heard = len(conversation.history)
    reason = pl.say(town, player, text)
    if reason is not None:
        raise ChatRefused(reason)
    for _ in range(town.clock.minutes_to_ticks(REPLY_WAIT_MINUTES)):
        sim.step(1)
        replies = [line for speaker, line in conversation.history[heard:] if speaker == resident_id]
        if replies:
            return replies[0]
        if not sim.town.ecs.entity_exists(conversation_entity):
            break
    raise ChatRefused(f"{_name(sim, entity)} did not answer")


def _start(sim: Simulation, player: int, entity: int, resident_id: str) -> tuple[int, Conversation]:
    """Stand beside the resident, let perception see it, and open a conversation (or say why not)."""
    town = sim.town
    reason = busy_reason(sim, entity)
    if reason is None:
        _stand_beside(sim, player, entity)
    if reason is None:
        sim.step(1)  # one tick: the player is perceived where it now stands
        reason = busy_reason(sim, entity) or pl.talk(town, player, resident_id)
    if reason is not None:
        raise ChatRefused(reason)
    current = pl.conversation_of(sim.town, player)
    assert current is not None, "talk() succeeded, so the player is in a conversation"
    return current


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


def _stand_beside(sim: Simulation, player: int, entity: int) -> None:
    """Put the player on the nearest free walkable tile next to the resident, in the same place."""
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
    tile = best[1] if best is not None else target.tile
    position = sim.town.ecs.component_for_entity(player, Position)
    position.x, position.y = tile
    position.place, position.trail = town.tilemap.place_at(tile), ()


def _name(sim: Simulation, entity: int) -> str:
    """A resident's first name."""
    return sim.town.ecs.component_for_entity(entity, Resident).persona.first_name


def _label(sim: Simulation, place: str) -> str:
    """A place's label on the map."""
    found = sim.town.tilemap.places.get(place)
    return found.label if found is not None else place
