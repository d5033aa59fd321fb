"""SpeechProcessor: says the lines the brains wrote, and what follows from each.

It passes on the news a line carries, lets bystanders overhear, passes the turn, and ends a conversation by
goodbye or turn limit.
"""

from __future__ import annotations

from typing import ClassVar

from agents.dialogue import parse_line
from agents.protocol import Request
from game.world.components import (
    Conversation,
    Mind,
    Perceived,
    PlayerControlled,
    ReplanDue,
    Resident,
    Talking,
)
from game.world.ecs import Processor
from game.world.events import Said
from game.world.minds import pass_on, remember
from game.world.social import finish_conversation
from game.world.town import Town

WORDS_PER_SECOND = 2.5
"""Speaking speed: a line holds the floor for its word count divided by this."""


class RoundRobin:
    """Turn-taking policy: speakers take turns in order (works for two or for a group)."""

    def next_speaker(self, conversation: Conversation) -> int:
        """Return the index of the participant who speaks next."""
        return (conversation.speaker + 1) % len(conversation.participants)


class SpeechProcessor(Processor):
    """Turns each line that came back into speech in the world."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "conversations", "ecs", "fallback",
                                                "log", "mind", "residents", "trace"})

    def __init__(self, town: Town, policy: RoundRobin | None = None):
        self.town = town
        self.policy = policy or RoundRobin()

    def process(self) -> None:
        """Say the lines that came back (an answer nobody awaits any more is dropped)."""
        town = self.town
        for request, answer in town.mind.take("converse"):
            awaited = town.take_in_flight(request)
            record = awaited[1] if awaited is not None else None
            current = town.conversation(record.conversation) if record and record.conversation else None
            if current is None:
                continue  # stale: the line is no longer awaited, or the conversation is over
            entity, conversation = current
            self._say(entity, conversation, request, answer.text, by_fallback=answer.error is not None)
            town.trace.record(town.clock.tick, request, answer, conversation.history[-1][1], True,
                              to=request.dialogue.partner if request.dialogue else None, news=conversation.last_news)

    def _say(self, entity: int, conversation: Conversation, request: Request, text: str,
             by_fallback: bool = False) -> None:
        """Say a line (or the scripted fallback's), pass on news it carries, advance the turn, end when due."""
        town = self.town
        parsed = parse_line(text)
        if parsed is None:
            parsed, by_fallback = parse_line(town.fallback.answer(request)), True
        line, end, news = parsed if parsed is not None else ("...", True, None)
        dialogue = request.dialogue
        assert dialogue is not None, "converse requests carry a dialogue"
        act = "greet" if conversation.turn < 2 else ("farewell" if end or conversation.closing else "chat")
        town.emit(Said(request.npc, dialogue.partner, line, act, conversation.id, "fallback" if by_fallback else None))
        speaker, listener = town.residents[request.npc], town.residents[dialogue.partner]
        conversation.last_news = None
        if news is not None and pass_on(town, speaker, listener, news):
            conversation.last_news = news
            conversation.news.append(news)
            _replan_if_today(town, listener, news)
        self._overheard(speaker, conversation, request.npc, dialogue.partner_name, line)
        conversation.history.append((request.npc, line))
        conversation.turn += 1
        conversation.speaker = self.policy.next_speaker(conversation)
        seconds = max(3.0, len(line.split()) / WORDS_PER_SECOND)
        conversation.next_tick = town.clock.tick + town.clock.minutes_to_ticks(seconds / 60)
        with_player = any(town.ecs.has_component(m, PlayerControlled)
                          for m in map(town.entity_of, conversation.participants) if m is not None)
        if conversation.closing or conversation.turn >= conversation.max_turns:
            finish_conversation(town, entity, conversation, "goodbye" if conversation.closing or end else "turn limit")
        elif end and not with_player:  # a player's talk ends when the player says goodbye or walks off
            conversation.closing = True

    def _overheard(self, speaker: int, conversation: Conversation, speaker_id: str, partner: str, line: str) -> None:
        """Residents near the speaker, awake and not in the conversation, note the first line of it they hear.

        Once per conversation, not per line: a passer-by knows who was talking and what about, and at a thousand
        residents storing every overheard line (and compacting memory streams for it) was 45% of the run's time.
        """
        town = self.town
        perceived = town.ecs.component_for_entity(speaker, Perceived)
        name = town.ecs.component_for_entity(speaker, Resident).persona.first_name
        for other_id in sorted(perceived.nearby):
            other = town.entity_of(other_id)
            if other_id in conversation.participants or other_id in conversation.overheard_by or other is None:
                continue
            if town.available(other) or town.ecs.has_component(other, Talking):
                conversation.overheard_by.add(other_id)
                remember(town, other, "observation", f"Heard {name} say to {partner.split(maxsplit=1)[0]}: \"{line}\"")


def _replan_if_today(town: Town, listener: int, key: str) -> None:
    """News of a happening later today is salient: the listener will make its plan again."""
    mind = town.ecs.component_for_entity(listener, Mind)
    happening = next((h for h in mind.memory.happenings() if h.key == key), None)
    if happening is not None and happening.day == town.clock.day:
        town.ecs.add_component(listener, ReplanDue("news"))
