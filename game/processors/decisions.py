"""DecisionProcessor: queues a plan or decide request for every resident whose decision is due."""

from __future__ import annotations

import esper

from agents.protocol import Request
from game.components import DecisionDue, Path, Pending, Plan, Resident, Talking
from game.situation import options, situation
from game.town import Town


class DecisionProcessor(esper.Processor):
    """Turns DecisionDue markers into requests; a resident without today's plan asks for one first."""

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Queue the requests that are due this tick (they leave as one batch next tick)."""
        town = self.town
        due = sorted(esper.get_components(DecisionDue, Resident, Plan), key=lambda p: p[0])
        for entity, (decision, resident, plan) in due:
            if esper.has_component(entity, Pending) or esper.has_component(entity, Talking):
                continue
            if esper.has_component(entity, Path):
                esper.remove_component(entity, DecisionDue)
                continue
            sit = situation(town, entity, decision.reason)
            if plan.plan is None or plan.plan.day != town.clock.day:
                request = Request(town.mind.next_id(), "plan", resident.id, resident.persona, sit,
                                  town.plan_seed, jitter=town.settings.routine_jitter_minutes)
            else:
                request = Request(town.mind.next_id(), "decide", resident.id, resident.persona, sit,
                                  town.rng.getrandbits(63), options=options(town, entity), plan=plan.plan)
            esper.remove_component(entity, DecisionDue)
            esper.add_component(entity, Pending(request.id))
            town.mind.ask(request)
