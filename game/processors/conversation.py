"""ConversationProcessor: asks the speaker whose turn it is for a line, says it, and ends conversations."""

from __future__ import annotations

import esper

from agents.dialogue import parse_line
from agents.protocol import Dialogue, Request
from game.components import Acquaintance, Conversation, DecisionDue, Resident, Talking
from game.events import ConversationEnded, Said
from game.situation import situation
from game.town import Town

WORDS_PER_SECOND = 2.5
"""Speaking speed: a line holds the floor for its word count divided by this."""


class RoundRobin:
    """Turn-taking policy: speakers take turns in order (works for two or for a group)."""

    def next_speaker(self, conversation: Conversation) -> int:
        """Return the index of the participant who speaks next."""
        return (conversation.speaker + 1) % len(conversation.participants)


class ConversationProcessor(esper.Processor):
    """Runs every conversation one line at a time through the brains."""

    def __init__(self, town: Town, policy: RoundRobin | None = None):
        self.town = town
        self.policy = policy or RoundRobin()

    def process(self) -> None:
        """Say the lines that came back, then ask for the next ones that are due."""
        town = self.town
        waiting = {c.waiting_for: (e, c) for e, c in esper.get_component(Conversation) if c.waiting_for is not None}
        for request, answer in town.mind.take("converse"):
            if request.id in waiting:
                entity, conversation = waiting[request.id]
                self._say(entity, conversation, request, answer.text)
        for entity, conversation in sorted(esper.get_component(Conversation), key=lambda pair: pair[0]):
            if (conversation.waiting_for is None and town.clock.tick >= conversation.next_tick
                    and esper.entity_exists(entity)):
                self._ask(entity, conversation)

    def _ask(self, entity: int, conversation: Conversation) -> None:
        """Queue a request for the current speaker's next line."""
        town = self.town
        members = conversation.participants
        if not all(esper.entity_exists(m) for m in members):
            self._finish(entity, conversation, "someone left")
            return
        speaker = members[conversation.speaker]
        partner = members[(conversation.speaker + 1) % len(members)]
        partner_resident = esper.component_for_entity(partner, Resident)
        resident = esper.component_for_entity(speaker, Resident)
        dialogue = Dialogue(entity, partner_resident.id, partner_resident.persona.name, conversation.turn,
                            conversation.max_turns, conversation.closing, tuple(conversation.history))
        request = Request(town.mind.next_id(), "converse", resident.id, resident.persona,
                          situation(town, speaker, "conversation"), town.rng.getrandbits(63), dialogue=dialogue)
        conversation.waiting_for = request.id
        town.mind.ask(request)

    def _say(self, entity: int, conversation: Conversation, request: Request, text: str) -> None:
        """Say a line (or the scripted fallback's), advance the turn, and end the conversation when due."""
        town = self.town
        conversation.waiting_for = None
        parsed = parse_line(text)
        if parsed is None:
            parsed = parse_line(town.fallback.answer(request))
        line, end = parsed if parsed is not None else ("...", True)
        dialogue = request.dialogue
        assert dialogue is not None, "converse requests carry a dialogue"
        act = "greet" if conversation.turn < 2 else ("farewell" if end or conversation.closing else "chat")
        town.emit(Said(request.npc, dialogue.partner, line, act, entity))
        conversation.history.append((request.npc, line))
        conversation.turn += 1
        conversation.speaker = self.policy.next_speaker(conversation)
        seconds = max(3.0, len(line.split()) / WORDS_PER_SECOND)
        conversation.next_tick = town.clock.tick + town.clock.minutes_to_ticks(seconds / 60)
        if conversation.closing or conversation.turn >= conversation.max_turns:
            self._finish(entity, conversation, "goodbye" if conversation.closing else "turn limit")
        elif end:
            conversation.closing = True

    def _finish(self, entity: int, conversation: Conversation, reason: str) -> None:
        """End a conversation: log it, start both cooldowns, and let each side decide again."""
        town = self.town
        members = [m for m in conversation.participants if esper.entity_exists(m)]
        ids = [town.resident_id(m) for m in members]
        now = town.clock.total_minutes
        for member in members:
            esper.try_remove_component(member, Talking)
            acquaintance = esper.component_for_entity(member, Acquaintance)
            for other in ids:
                acquaintance.last_talk[other] = now
            esper.add_component(member, DecisionDue("conversation_ended"))
        if len(ids) >= 2:
            town.emit(ConversationEnded(ids[0], ids[1], entity, conversation.turn, reason))
        esper.delete_entity(entity)

