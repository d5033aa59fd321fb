"""IntentProcessor: parses decision answers, validates them against the world, applies or rejects them."""

from __future__ import annotations

from typing import ClassVar

from agents.intents import Fallback, Intent, Wait, intent_to_json, parse_intent
from agents.protocol import Request
from game.world.components import Mind, Talking
from game.world.ecs import Processor
from game.world.events import IntentRejected
from game.world.resolve import apply, check
from game.world.town import Town


class IntentProcessor(Processor):
    """Turns each fresh decision answer into a change of the world, through validation."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "fallback", "log", "mind", "residents", "trace"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Resolve every decision answer whose request is still the resident's latest."""
        town = self.town
        for request, answer in town.mind.take("decide"):
            awaited = town.take_in_flight(request)
            if awaited is None or town.ecs.has_component(awaited[0], Talking):
                continue  # stale: a newer decision or plan was asked for, or a conversation began
            entity = awaited[0]
            proposed = parse_intent(answer.text)
            applied, reason = self.resolve(entity, request, proposed)
            town.trace.record(town.clock.tick, request, answer, _describe(proposed), reason is None, reason=reason,
                              applied=intent_to_json(applied))

    def resolve(self, entity: int, request: Request, proposed: Intent | Fallback) -> tuple[Intent, str | None]:
        """Apply ``proposed`` if the world allows it; otherwise log why and apply the scripted policy's choice.

        Returns the intent applied and the reason the proposal was refused (None when it was accepted).
        """
        town = self.town
        if isinstance(proposed, Fallback):
            reason: str | None = f"unparsed: {proposed.reason}"
            town.emit(IntentRejected(request.npc, "unparsed", proposed.reason))
        else:
            reason = check(town, entity, proposed)
            if reason is None:
                apply(town, entity, proposed)
                return proposed, None
            town.emit(IntentRejected(request.npc, intent_to_json(proposed), reason))
        town.ecs.component_for_entity(entity, Mind).emotion.nudge(-0.03)
        backup = parse_intent(town.fallback.answer(request))
        if isinstance(backup, Fallback) or check(town, entity, backup) is not None:
            backup = Wait(5)
        apply(town, entity, backup)
        return backup, reason


def _describe(proposed: Intent | Fallback) -> str:
    """The parsed form of a reply, for the trace."""
    return f"fallback: {proposed.reason}" if isinstance(proposed, Fallback) else intent_to_json(proposed)
