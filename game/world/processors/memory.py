"""MemoryProcessor: applies the brain's importance ratings, and makes residents reflect when enough has happened."""

from __future__ import annotations

from typing import ClassVar

from agents.protocol import Request
from agents.reflection import parse_importance, parse_insights
from game.world.components import InFlight, Mind, PlayerControlled, Requests, Resident
from game.world.ecs import Processor
from game.world.minds import remember, view
from game.world.situation import situation
from game.world.town import Town

REFLECT_ON = 30
"""How many recent memories a reflection looks at."""


class MemoryProcessor(Processor):
    """Rates memories and turns accumulated importance into reflections that cite their sources."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "mind", "residents", "settings", "trace"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Apply ratings and insights that came back; ask for reflections that are due."""
        town = self.town
        for request, answer in town.mind.take("importance"):
            awaited = town.take_in_flight(request)
            rated = awaited[1].memory if awaited is not None else None
            if awaited is None or rated is None:
                town.trace.record(town.clock.tick, request, answer, None, False,
                                  reason="stale: nobody is waiting for this rating")
                continue
            rating = parse_importance(answer.text)
            memory = town.ecs.component_for_entity(awaited[0], Mind).memory.get(rated)
            if memory is not None and rating is not None:
                memory.importance = rating
            town.trace.record(town.clock.tick, request, answer, rating, rating is not None,
                              reason=None if rating is not None else "no rating in reply; kept the rule-based one")
        for request, answer in town.mind.take("reflect"):
            problem = self._reflected(request, answer.text)
            town.trace.record(town.clock.tick, request, answer, answer.text, problem is None, reason=problem)
        for entity, (mind, resident) in sorted(town.ecs.get_components(Mind, Resident), key=lambda p: p[0]):
            if town.ecs.has_component(entity, PlayerControlled):
                continue
            requests = town.ecs.component_for_entity(entity, Requests)
            due = mind.importance_since_reflection >= town.settings.reflection_threshold
            if due and not requests.waiting("reflect"):
                mind_view, _ = view(town, entity, None, recent=REFLECT_ON)
                request = town.mind.ask(Request(town.mind.next_id(), "reflect", resident.id, resident.persona,
                                                situation(town, entity, "reflect"), 0, mind=mind_view))
                requests.add(InFlight("reflect", request.id, town.clock.tick))

    def _reflected(self, request: Request, reply: str) -> str | None:
        """Store the insights of a reflection as memories that cite what they came from; else say why not."""
        town = self.town
        awaited = town.take_in_flight(request)
        if awaited is None:
            return "stale: the resident is no longer waiting for this reflection"
        entity = awaited[0]
        mind = town.ecs.component_for_entity(entity, Mind)
        mind.importance_since_reflection = 0.0
        known = {memory_id for memory_id, _ in request.mind.memories}
        held = {m.text for m in mind.memory.memories if m.kind == "reflection"}
        insights = parse_insights(reply, known)
        for text, cites in insights:
            if text not in held:  # an insight already held is not news to oneself
                remember(town, entity, "reflection", text, cites=cites)
        return None if insights else "no insight in the reply"
