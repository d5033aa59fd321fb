"""ConversationProcessor: asks whoever's turn it is for the next line of each conversation that is due.

The player speaks through the chat box (the resident's model prefills meanwhile); a talk the player abandons ends.
"""

from __future__ import annotations

from typing import ClassVar

from agents.focus import focused
from agents.protocol import Dialogue, Request
from game.world.components import Conversation, InFlight, PlayerControlled, Requests, Resident
from game.world.ecs import Processor
from game.world.minds import view
from game.world.situation import situation
from game.world.social import finish_conversation, line_in_flight
from game.world.talkfacts import talk_facts
from game.world.town import Town

PLAYER_PATIENCE_MINUTES = 20
"""A resident waits this many game minutes for the player's answer (the open chat box keeps it waiting)."""


class ConversationProcessor(Processor):
    """Asks the brains for the next line of every conversation whose turn has come."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "embedder", "mind", "residents", "rng", "trace"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Queue a request for each conversation that is due and not already waiting for a line."""
        town = self.town
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
        urgent = town.ecs.has_component(partner, PlayerControlled)
        lean = not warm and not urgent and town.mind.lean(resident.id, "converse", "conversation")
        query = None if warm or lean else _query(conversation, partner_resident, resident)
        mind, scored = view(town, speaker, query, partner=partner_resident.id,
                            skip=("plan",))  # the prompt carries today's plan already
        request = Request(0 if warm else town.mind.next_id(), "converse", resident.id, resident.persona,
                          situation(town, speaker, "conversation"), 0 if warm else town.rng.getrandbits(63),
                          dialogue=dialogue, mind=mind, facts=None if lean else talk_facts(town, speaker, partner),
                          urgent=urgent, lean=lean)
        if not warm:
            town.trace.retrieved(request.id, scored)
            if request.urgent:  # the player asked something: the facts it asks about go right above it
                request = focused(request, town.embedder)
        return request


def _query(conversation: Conversation, partner: Resident, resident: Resident) -> str:
    """What to search memory for: the other person's last line (and name), or their name and one's topics."""
    theirs = [line for speaker, line in conversation.history if speaker == partner.id]
    if theirs:
        return f"{partner.persona.first_name}: {theirs[-1]}"
    return f"{partner.persona.name} {' '.join(resident.persona.topics[:2])}"


