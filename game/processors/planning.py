"""PlanningProcessor: turns plan answers into each resident's plan for the day (or the routine fallback)."""

from __future__ import annotations

import esper

from agents.plans import parse_plan, routine_plan
from game.components import DecisionDue, Pending, Plan
from game.events import IntentRejected, PlanMade
from game.town import Town


class PlanningProcessor(esper.Processor):
    """Applies plan answers; a plan that does not parse is replaced by the routine's plan."""

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Apply every plan answer that is still wanted."""
        town = self.town
        for request, answer in town.mind.take("plan"):
            entity = town.residents.get(request.npc)
            if entity is None or not esper.entity_exists(entity):
                continue
            pending = esper.try_component(entity, Pending)
            if pending is None or pending.request_id != request.id:
                continue
            esper.remove_component(entity, Pending)
            sit = request.situation
            plan = parse_plan(answer.text, sit.day)
            source = "brain"
            if plan is None:
                town.emit(IntentRejected(request.npc, "plan", "reply is not a plan; using the routine"))
                plan = routine_plan(request.persona, sit.day, sit.weekday, request.seed, request.jitter)
                source = "routine"
            esper.add_component(entity, Plan(plan))
            town.emit(PlanMade(request.npc, plan.day,
                               tuple(f"{b.start // 60:02d}:{b.start % 60:02d} {b.kind} @{b.place}"
                                     for b in plan.blocks), source))
            esper.add_component(entity, DecisionDue(sit.reason))
