"""ConversationProcessor: asks the speaker whose turn it is for a line, says it, and ends conversations."""

from __future__ import annotations

from agents.dialogue import parse_line
from agents.focus import focused
from agents.protocol import Dialogue, Request
from game.world.components import (
    Conversation,
    InFlight,
    Mind,
    Perceived,
    PlayerControlled,
    ReplanDue,
    Requests,
    Resident,
    Talking,
)
from game.world.ecs import Processor
from game.world.events import Said
from game.world.minds import pass_on, remember, view
from game.world.situation import situation
from game.world.social import finish_conversation, line_in_flight
from game.world.talkfacts import talk_facts
from game.world.town import Town

PLAYER_PATIENCE_MINUTES = 20
"""A resident waits this many game minutes for the player's answer (the open chat box keeps it waiting)."""

WORDS_PER_SECOND = 2.5
"""Speaking speed: a line holds the floor for its word count divided by this."""


class RoundRobin:
    """Turn-taking policy: speakers take turns in order (works for two or for a group)."""

    def next_speaker(self, conversation: Conversation) -> int:
        """Return the index of the participant who speaks next."""
        return (conversation.speaker + 1) % len(conversation.participants)


class ConversationProcessor(Processor):
    """Runs every conversation one line at a time through the brains."""

    def __init__(self, town: Town, policy: RoundRobin | None = None):
        self.town = town
        self.policy = policy or RoundRobin()

    def process(self) -> None:
        """Say the lines that came back, then ask for the next ones that are due."""
        town = self.town
        for request, answer in town.mind.take("converse"):
            speaker = town.residents.get(request.npc)
            requests = town.ecs.try_component(speaker, Requests) if speaker is not None else None
            record = requests.out.pop(request.id, None) if requests is not None else None
            current = town.conversation(record.conversation) if record and record.conversation else None
            if current is None:
                continue  # stale: the line is no longer awaited, or the conversation is over
            entity, conversation = current
            self._say(entity, conversation, request, answer.text)
            town.trace.record(town.clock.tick, request, answer, conversation.history[-1][1], True,
                              to=request.dialogue.partner if request.dialogue else None, news=conversation.last_news)
        for entity, conversation in sorted(town.ecs.get_component(Conversation), key=lambda pair: pair[0]):
            if (town.clock.tick >= conversation.next_tick and town.ecs.entity_exists(entity)
                    and line_in_flight(town, conversation) is None):
                self._ask(entity, conversation)

    def _ask(self, entity: int, conversation: Conversation) -> None:
        """Queue a request for the current speaker's next line."""
        town = self.town
        present = [town.entity_of(m) for m in conversation.participants]
        members = [m for m in present if m is not None]
        if len(members) < len(present):
            finish_conversation(town, entity, conversation, "someone left")
            return
        speaker = members[conversation.speaker]
        if town.ecs.has_component(speaker, PlayerControlled):  # the player speaks through the chat box (player.say)
            if conversation.warmed != conversation.turn:  # while the player types, the resident's model prefills
                conversation.warmed = conversation.turn
                town.mind.warm(self._request(entity, conversation, members[(conversation.speaker + 1) % len(members)],
                                             speaker, warm=True))
            if town.clock.tick - conversation.next_tick > town.clock.minutes_to_ticks(PLAYER_PATIENCE_MINUTES):
                finish_conversation(town, entity, conversation, "no answer")
            return
        partner = members[(conversation.speaker + 1) % len(members)]
        request = town.mind.ask(self._request(entity, conversation, speaker, partner))
        town.ecs.component_for_entity(speaker, Requests).add(InFlight("converse", request.id, town.clock.tick,
                                                                         conversation=conversation.id))

    def _request(self, entity: int, conversation: Conversation, speaker: int, partner: int,
                 warm: bool = False) -> Request:
        """The request for ``speaker``'s next line to ``partner`` (a warm-up neither retrieves nor draws)."""
        town = self.town
        partner_resident = town.ecs.component_for_entity(partner, Resident)
        resident = town.ecs.component_for_entity(speaker, Resident)
        dialogue = Dialogue(conversation.id, partner_resident.id, partner_resident.persona.name, conversation.turn,
                            conversation.max_turns, conversation.closing, tuple(conversation.history))
        query = None if warm else _query(conversation, partner_resident, resident)
        mind, scored = view(town, speaker, query, partner=partner_resident.id,
                            skip=("plan",))  # the prompt carries today's plan already
        request = Request(0 if warm else town.mind.next_id(), "converse", resident.id, resident.persona,
                          situation(town, speaker, "conversation"), 0 if warm else town.rng.getrandbits(63),
                          dialogue=dialogue, mind=mind, facts=talk_facts(town, speaker, partner),
                          urgent=town.ecs.has_component(partner, PlayerControlled))
        if not warm:
            town.trace.retrieved(request.id, scored)
            if request.urgent:  # the player asked something: the facts it asks about go right above it
                request = focused(request, town.embedder)
        return request

    def _say(self, entity: int, conversation: Conversation, request: Request, text: str) -> None:
        """Say a line (or the scripted fallback's), pass on news it carries, advance the turn, end when due."""
        town = self.town
        parsed = parse_line(text) or parse_line(town.fallback.answer(request))
        line, end, news = parsed if parsed is not None else ("...", True, None)
        dialogue = request.dialogue
        assert dialogue is not None, "converse requests carry a dialogue"
        act = "greet" if conversation.turn < 2 else ("farewell" if end or conversation.closing else "chat")
        town.emit(Said(request.npc, dialogue.partner, line, act, conversation.id))
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
        """Residents near the speaker, awake and not in the conversation, note what they heard."""
        town = self.town
        perceived = town.ecs.component_for_entity(speaker, Perceived)
        name = town.ecs.component_for_entity(speaker, Resident).persona.first_name
        for other_id in sorted(perceived.nearby):
            other = town.entity_of(other_id)
            if other_id in conversation.participants or other is None:
                continue
            if town.available(other) or town.ecs.has_component(other, Talking):
                remember(town, other, "observation", f"Heard {name} say to {partner.split(maxsplit=1)[0]}: \"{line}\"")


def _query(conversation: Conversation, partner: Resident, resident: Resident) -> str:
    """What to search memory for: the other person's last line (and name), or their name and one's topics."""
    theirs = [line for speaker, line in conversation.history if speaker == partner.id]
    if theirs:
        return f"{partner.persona.first_name}: {theirs[-1]}"
    return f"{partner.persona.name} {' '.join(resident.persona.topics[:2])}"


def _replan_if_today(town: Town, listener: int, key: str) -> None:
    """News of a happening later today is salient: the listener will make its plan again."""
    mind = town.ecs.component_for_entity(listener, Mind)
    happening = next((h for h in mind.memory.happenings() if h.key == key), None)
    if happening is not None and happening.day == town.clock.day:
        town.ecs.add_component(listener, ReplanDue("news"))
