"""PlanningProcessor: turns plan answers into each resident's plan for the day (or the scripted planner's)."""

from __future__ import annotations

from typing import ClassVar

from agents.plans import parse_plan, plan_problem
from game.world.components import Activity, DecisionDue, Plan
from game.world.ecs import Processor
from game.world.events import IntentRejected, PlanMade
from game.world.minds import remember
from game.world.processors.decisions import NEW_DAY
from game.world.town import Town


class PlanningProcessor(Processor):
    """Applies plan answers; a plan that does not parse, names unknown places or leaves hours unplanned is replaced.

    The scripted planner is the routine with known happenings and urgent needs fitted in, so a brain that
    cannot write plans still sends its resident to the party it heard about.
    """

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "fallback", "log",
                                                "mind", "residents", "trace", "world"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Apply every plan answer that is still wanted."""
        town = self.town
        for request, answer in town.mind.take("plan"):
            awaited = town.take_in_flight(request)
            if awaited is None:
                continue  # stale: a newer plan or decision was asked for
            entity = awaited[0]
            sit = request.situation
            plan = parse_plan(answer.text, sit.day)
            allowed = set(request.options.places) if request.options else set(town.tilemap.places)
            problem = plan_problem(plan, allowed, sit.minute)  # places it may enter: no one else's home
            source = "brain"
            if plan is None or problem is not None:
                town.emit(IntentRejected(request.npc, "plan", f"{problem}; using the scripted plan"))
                plan = town.fallback.plan(request)
                source = "scripted"
            town.ecs.add_component(entity, Plan(plan, source))
            blocks = tuple(f"{b.start // 60:02d}:{b.start % 60:02d} {b.kind} @{b.place}" for b in plan.blocks)
            town.emit(PlanMade(request.npc, plan.day, blocks, source))
            town.trace.record(town.clock.tick, request, answer, list(blocks), problem is None, reason=problem)
            summary = "; ".join(f"{b.start // 60 % 24:02d}:{b.start % 60:02d} {b.activity} at {b.place}"
                                for b in plan.blocks if b.kind != "sleep")
            remember(town, entity, "plan", f"My plan for day {plan.day}: {summary}")
            if not (sit.reason == f"replan:{NEW_DAY}" and town.ecs.has_component(entity, Activity)):
                town.ecs.add_component(entity, DecisionDue(sit.reason))  # one asleep at midnight sleeps on
