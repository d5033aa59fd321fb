"""Ending conversations: memories of them, relationship and mood changes, cooldowns, and what to do next."""

from __future__ import annotations

from game.world.components import (
    Conversation,
    DecisionDue,
    Mind,
    PlayerControlled,
    Relationships,
    Requests,
    Resident,
    Talking,
)
from game.world.events import ConversationEnded, RelationshipChanged
from game.world.minds import remember
from game.world.town import Town

PLAYER_LINE_IMPORTANCE = 3
"""Importance of what a player said (memories of it are not rated by the brain, so it cannot raise it)."""

TALKS_KEPT = 60
"""Conversations each resident keeps in its talk log (who, when, where), newest last."""


def closeness_change(closeness: float, turns: int, sociability: float) -> float:
    """How much one conversation brings two people closer: more for longer talks and warmer people, less near 1."""
    warmth = 0.5 + 0.5 * sociability
    return round((0.01 + 0.005 * min(turns, 10)) * warmth * (1.0 - max(0.0, closeness) * 0.5), 4)


def finish_conversation(town: Town, entity: int, conversation: Conversation, reason: str) -> None:
    """End a conversation: both remember it, grow closer, feel better; cooldowns start; each decides again."""
    present = [(i, town.entity_of(i)) for i in conversation.participants]
    ids = [i for i, m in present if m is not None]
    members = [m for _, m in present if m is not None]
    now = town.clock.total_minutes
    place = town.tilemap.places.get(conversation.place or "")
    where = place.label if place else "outdoors"
    with_player = any(town.ecs.has_component(m, PlayerControlled) for m in members)
    for member in members:
        town.ecs.try_remove_component(member, Talking)
        persona = town.ecs.component_for_entity(member, Resident).persona
        relations = town.ecs.component_for_entity(member, Relationships)
        mind = town.ecs.component_for_entity(member, Mind)
        for other, other_entity in zip(ids, members, strict=True):
            if other_entity == member:
                continue
            relations.last_talk[other] = now
            before = relations.closeness.get(other, 0.0)
            after = min(1.0, before + closeness_change(before, conversation.turn, persona.sociability))
            relations.closeness[other] = after
            town.emit(RelationshipChanged(persona.id, other, round(after, 3)))
            mind.emotion.nudge(0.05 + 0.1 * max(0.0, after), 0.05)
            if conversation.turn:
                mind.talks.append((now, other, where))
                # a player's words stay quoted speech of low importance: never a rule for later prompts
                remember(town, member, "conversation", _summary(town, conversation, persona.id, other),
                         importance=PLAYER_LINE_IMPORTANCE if with_player else None, rate=not with_player)
        del mind.talks[:-TALKS_KEPT]
        if not town.ecs.has_component(member, PlayerControlled):
            town.ecs.add_component(member, DecisionDue("conversation_ended"))
    if len(ids) >= 2:
        town.emit(ConversationEnded(ids[0], ids[1], conversation.id, conversation.turn, reason))
    town.conversations.pop(conversation.id, None)
    town.ecs.delete_entity(entity)


def _summary(town: Town, conversation: Conversation, own: str, other: str) -> str:
    """One line that remembers a conversation: with whom, where, and what the other said that stood out."""
    entity = town.residents[other]
    name = town.ecs.component_for_entity(entity, Resident).persona.first_name
    place = town.tilemap.places.get(conversation.place or "")
    where = place.label if place else "outdoors"
    theirs = [line for speaker, line in conversation.history if speaker == other]
    said = max(theirs, key=len) if theirs else ""
    news = " We talked about news." if conversation.news else ""
    return f"Talked with {name} at {where}. {name} said: \"{said}\"{news}"


def line_in_flight(town: Town, conversation: Conversation) -> int | None:
    """The id of the request out for the conversation's next line, if one is out."""
    for member in conversation.participants:
        entity = town.entity_of(member)
        requests = town.ecs.try_component(entity, Requests) if entity is not None else None
        for record in requests.out.values() if requests is not None else ():
            if record.kind == "converse" and record.conversation == conversation.id:
                return record.request_id
    return None
