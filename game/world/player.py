"""The player: a resident of the town that a person controls, acting through the same checks as everyone."""

from __future__ import annotations

from dataclasses import replace

from agents.dialogue import says_goodbye
from agents.grounding import neutralise
from agents.intents import TalkTo, clean_line
from agents.memory import rule_importance
from agents.persona import Persona, SpeechBook
from game.world.components import (
    Conversation,
    Perceived,
    PlayerControlled,
    Position,
    Relationships,
    Requests,
    Resident,
    Sprite,
    Talking,
)
from game.world.events import Said, Spawned
from game.world.minds import new_mind, remember
from game.world.resolve import check, start_conversation
from game.world.social import PLAYER_LINE_IMPORTANCE, finish_conversation, line_in_flight
from game.world.town import Town

PLAYER_ID = "player"
"""The player's resident id (what residents' brains and the event log call the player)."""

PLAYER_TURNS = 40
"""A conversation with the player may run this long; residents usually say goodbye sooner."""

MAX_LINE = 200
"""Longest line the player may type."""

NAME_LIMIT = 24
"""Longest player name."""


def clean_name(text: str) -> str:
    """A player's name as kept: printable letters, digits, spaces, ' . -; spaces collapsed; at most ``NAME_LIMIT``."""
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " '.-")
    return " ".join(kept.split())[:NAME_LIMIT].strip()


def player_persona(name: str = "Alex Rowe") -> Persona:
    """The player as the minds see them: a newcomer to town."""
    return Persona(id=PLAYER_ID, name=name, age=30, occupation="newcomer", traits=("curious",),
                   background="A visitor who has just arrived in town.", speech_style="their own",
                   home="", workplace=None, work_days=frozenset(), sociability=0.5, topics=("the town",),
                   speech=SpeechBook(("Hello.",), ("Nice town.",), ("Bye.",)))


def spawn_player(town: Town, variant: int, player_id: str = PLAYER_ID, name: str = "Alex Rowe") -> int:
    """Place a player at the map's 'player' spawn point (or beside the first home); any number may join."""
    if player_id in town.residents:
        raise ValueError(f"'{player_id}' is already in the town")
    tilemap = town.tilemap
    tile = tilemap.spawns.get(PLAYER_ID)
    if tile is None or not tilemap.walkable(tile):
        tile = next(iter(tilemap.places.values())).tiles[0]
    persona = replace(player_persona(name), id=player_id)
    entity = town.ecs.create_entity(Resident(player_id, persona), Position(tile[0], tile[1], tilemap.place_at(tile)),
                                 Sprite(variant), Perceived(), Relationships(), new_mind(town, persona),
                                 Requests(), PlayerControlled())
    town.residents[player_id] = entity
    town.emit(Spawned(player_id, tilemap.place_at(tile), tile[0], tile[1]))
    return entity


def step(town: Town, entity: int, dx: int, dy: int) -> bool:
    """Move the player one tile if it is open and they are not in a conversation; return whether they moved."""
    if town.ecs.has_component(entity, Talking) or abs(dx) + abs(dy) != 1:
        return False
    position = town.ecs.component_for_entity(entity, Position)
    target = (position.x + dx, position.y + dy)
    sprite = town.ecs.component_for_entity(entity, Sprite)
    sprite.facing = {(0, 1): 0, (-1, 0): 1, (1, 0): 2, (0, -1): 3}[(dx, dy)]
    if not town.tilemap.walkable(target):
        return False
    position.trail = ((position.x, position.y), target)
    position.x, position.y = target
    position.place = town.tilemap.place_at(target)
    return True


def talk(town: Town, entity: int, resident_id: str) -> str | None:
    """Start talking with a resident, through the same check as any resident's TalkTo; return why not, or None."""
    if town.ecs.has_component(entity, Talking):
        return None
    reason = check(town, entity, TalkTo(resident_id))
    if reason is not None:
        return reason
    conversation = start_conversation(town, [entity, town.residents[resident_id]])
    town.ecs.component_for_entity(conversation, Conversation).max_turns = PLAYER_TURNS
    return None


def say(town: Town, entity: int, text: str) -> str | None:
    """Say the player's line in their conversation (as data for the other side); return why not, or None."""
    current = conversation_of(town, entity)
    if current is None:
        return "not in a conversation"
    _, conversation = current
    me = town.resident_id(entity)
    if conversation.participants[conversation.speaker] != me or line_in_flight(town, conversation) is not None:
        return "it is not your turn"
    line = neutralise(clean_line(text, MAX_LINE - 3))
    if not line:
        return "say something"
    partner_id = next(m for m in conversation.participants if m != me)
    partner = town.entity_of(partner_id)
    if partner is None:
        return "they have gone"
    act = "greet" if conversation.turn < 2 else "farewell" if says_goodbye(line) else "chat"
    town.emit(Said(me, partner_id, line, act, conversation.id))
    name = town.ecs.component_for_entity(entity, Resident).persona.first_name
    remember(town, partner, "observation", f"{name} said to me: \"{line}\"",
             importance=min(PLAYER_LINE_IMPORTANCE, rule_importance("observation", line)), rate=False)
    if says_goodbye(line):
        conversation.closing = True
    conversation.history.append((me, line))
    conversation.turn += 1
    conversation.speaker = (conversation.speaker + 1) % len(conversation.participants)
    conversation.next_tick = town.clock.tick  # commands apply first in a tick: the resident is asked in this one
    return None


def say_aloud(town: Town, entity: int, text: str) -> str | None:
    """Say a line aloud outside a conversation (to the players near); residents near overhear it; else say why not.

    Like every player line it reaches residents as quoted speech of low importance, never as instructions.
    """
    if conversation_of(town, entity) is not None:
        return "you are in a conversation: say it there"
    line = neutralise(clean_line(text, MAX_LINE - 3))
    if not line:
        return "say something"
    me = town.resident_id(entity)
    town.emit(Said(me, None, line, "aloud", None))
    name = town.ecs.component_for_entity(entity, Resident).persona.first_name
    for other_id in sorted(town.ecs.component_for_entity(entity, Perceived).nearby):
        other = town.entity_of(other_id)
        if other is None or town.ecs.has_component(other, PlayerControlled):
            continue
        if town.available(other) or town.ecs.has_component(other, Talking):
            remember(town, other, "observation", f"Heard {name} say: \"{line}\"",
                     importance=min(PLAYER_LINE_IMPORTANCE, rule_importance("observation", line)), rate=False)
    return None


def typing(town: Town, entity: int) -> str | None:
    """The player is writing its line: its turn stays open (the partner's patience restarts); else say why not."""
    current = conversation_of(town, entity)
    if current is None:
        return "not in a conversation"
    conversation = current[1]
    if conversation.participants[conversation.speaker] != town.resident_id(entity):
        return "it is not your turn"
    conversation.next_tick = town.clock.tick
    return None


def leave(town: Town, entity: int) -> None:
    """End the player's conversation (they walked off or closed the chat)."""
    current = conversation_of(town, entity)
    if current is not None:
        finish_conversation(town, *current, "player left")


def conversation_of(town: Town, entity: int) -> tuple[int, Conversation] | None:
    """The player's current conversation entity and state, if any."""
    talking = town.ecs.try_component(entity, Talking)
    return town.conversation(talking.conversation) if talking is not None else None
