"""Intent resolution: the world checks what a resident proposes against what it may do now, then applies it."""

from __future__ import annotations

from agents.intents import Continue, DoActivity, GoTo, Intent, Say, Sleep, TalkTo, Wait
from game.world.components import (
    CHOICE,
    Activity,
    Conversation,
    DecisionDue,
    Path,
    Perceived,
    PlayerControlled,
    Position,
    Requests,
    Resident,
    Talking,
)
from game.world.events import ActivityStarted, ConversationStarted, MoveStarted, Said
from game.world.situation import options
from game.world.town import Town


def check(town: Town, entity: int, intent: Intent) -> str | None:
    """Return why ``intent`` is not allowed for ``entity`` right now, or None when it is.

    What is allowed is what ``options`` offers (the one statement of what a resident may do now, which the
    brains' situation and constrained decoding also read); the rest of this function only explains a refusal.
    """
    position = town.ecs.component_for_entity(entity, Position)
    persona = town.ecs.component_for_entity(entity, Resident).persona
    allowed = options(town, entity)
    match intent:
        case GoTo(place):
            if place not in town.tilemap.places:
                return f"no place named '{place}'"
            if not town.tilemap.places[place].tiles:
                return f"'{place}' has no walkable tile"
            if position.place == place:
                return f"already at {place}"
            if place not in allowed.places:
                return f"'{place}' is someone else's home"
        case TalkTo(person) if person not in allowed.people:
            return _why_not_talk(town, entity, person)
        case Sleep():
            if not allowed.can_sleep:
                return f"can only sleep at home ({persona.home}), not at {position.place or 'outdoors'}"
        case Say(_, to) if to is not None and to not in town.residents:
            return f"no resident called '{to}'"
    return None


def _why_not_talk(town: Town, entity: int, person: str) -> str | None:
    """Explain why ``person`` is not among the people ``entity`` may talk to (None: the player may, cooldown or not)."""
    other = town.residents.get(person)
    if other is None:
        return f"no resident called '{person}'"
    if other == entity:
        return "cannot talk to oneself"
    perceived = town.ecs.try_component(entity, Perceived)
    if perceived is None or person not in perceived.nearby:
        return f"{person} is not near"
    if not town.available(other):
        return f"{person} is busy"
    if town.in_cooldown(entity, person) and not town.ecs.has_component(entity, PlayerControlled):
        return f"talked with {person} too recently"
    return None


def apply(town: Town, entity: int, intent: Intent) -> None:
    """Carry out an intent that ``check`` allowed."""
    npc = town.resident_id(entity)
    now = town.clock.total_minutes
    position = town.ecs.component_for_entity(entity, Position)
    match intent:
        case GoTo(place):
            _start_walk(town, entity, npc, place)
        case TalkTo(person):
            start_conversation(town, [entity, town.residents[person]])
        case Say(text, to):
            town.emit(Said(npc, to, text, "say", None))
        case DoActivity(name, minutes, kind):
            _start_activity(town, entity, Activity(kind, name, now + minutes), position.place, minutes)
        case Wait(minutes):
            _start_activity(town, entity, Activity("wait", "waiting", now + minutes), position.place, minutes)
        case Sleep(minutes):
            _start_activity(town, entity, Activity("sleep", "sleeping", now + minutes), position.place, minutes)
        case Continue():
            activity = town.ecs.try_component(entity, Activity)
            if activity is None or activity.until <= now:
                _start_activity(town, entity, Activity("wait", "waiting", now + 5), position.place, 5)


def _start_walk(town: Town, entity: int, npc: str, place: str) -> None:
    """Claim a spot at ``place`` and set off along a path to it (or wait if none is found)."""
    position = town.ecs.component_for_entity(entity, Position)
    spot = town.claim_spot(npc, place)
    steps = town.pathfinder.path(position.tile, spot) if spot is not None else None
    if steps is None:
        town.release(npc)
        _start_activity(town, entity, Activity("wait", "waiting", town.clock.total_minutes + 5), position.place, 5)
        return
    town.ecs.try_remove_component(entity, Activity)
    town.ecs.add_component(entity, Path(steps, place))
    town.emit(MoveStarted(npc, place, position.place, len(steps)))


def _start_activity(town: Town, entity: int, activity: Activity, place: str | None, minutes: int) -> None:
    """Begin an activity and log it."""
    town.ecs.add_component(entity, activity)
    town.emit(ActivityStarted(town.resident_id(entity), activity.kind, activity.name, place, minutes))


def start_conversation(town: Town, members: list[int]) -> int:
    """Create a conversation between ``members`` (the first one starts it) and log it."""
    first = town.ecs.component_for_entity(members[0], Position)
    ids = [town.resident_id(m) for m in members]
    town.conversations_started += 1
    conversation_id = f"c{town.conversations_started}"
    conversation = town.ecs.create_entity(Conversation(conversation_id, ids, first.place,
                                                       town.settings.conversation_max_turns,
                                                       next_tick=town.clock.tick + 1))
    town.conversations[conversation_id] = conversation
    for member in members:
        town.ecs.add_component(member, Talking(conversation_id))
        town.ecs.component_for_entity(member, Requests).drop(*CHOICE)
        town.ecs.try_remove_component(member, DecisionDue)
    town.emit(ConversationStarted(ids[0], ids[1], conversation_id, first.place))
    return conversation
