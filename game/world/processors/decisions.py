"""DecisionProcessor: queues a plan or decide request for every resident whose decision or replan is due."""

from __future__ import annotations

from typing import ClassVar

from agents.protocol import Request
from game.world.components import (
    DecisionDue,
    InFlight,
    Path,
    Plan,
    PlayerControlled,
    ReplanDue,
    Requests,
    Resident,
    Talking,
)
from game.world.ecs import Processor
from game.world.events import PlanMade
from game.world.minds import view
from game.world.situation import options, situation
from game.world.town import Town

NEW_DAY = "new day"
"""The replan reason at midnight, when every resident plans the coming day at once (one batch for a model)."""

NEEDS = ("energy", "hunger")
"""Replan reasons that fit a block into today's plan instead of asking for a new one."""


class DecisionProcessor(Processor):
    """Turns DecisionDue and ReplanDue markers into requests; without today's plan, a resident plans first."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "fallback", "log", "mind",
                                                "plan_seed", "rng", "settings", "trace"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Queue the requests that are due this tick (they leave as one batch next tick)."""
        town = self.town
        if town.clock.tick > 0 and town.clock.seconds % 86_400 < town.clock.tick_seconds:
            # midnight: everyone plans the new day, so a model answers all of them in one batch
            for entity, _ in town.ecs.get_component(Plan):
                if not town.ecs.has_component(entity, PlayerControlled):
                    town.ecs.add_component(entity, ReplanDue(NEW_DAY))
        for entity, (replan, resident) in sorted(town.ecs.get_components(ReplanDue, Resident), key=lambda p: p[0]):
            if not town.choosing(entity) and not town.ecs.has_component(entity, Talking):
                town.ecs.remove_component(entity, ReplanDue)
                plan = town.ecs.try_component(entity, Plan)
                if replan.reason in NEEDS and plan is not None and plan.plan is not None \
                        and plan.plan.day == town.clock.day:
                    self._fit(entity, resident, plan, replan.reason)
                    continue
                town.ecs.try_remove_component(entity, DecisionDue)
                self._plan(entity, resident, f"replan:{replan.reason}")
        due = sorted(town.ecs.get_components(DecisionDue, Resident, Plan), key=lambda p: p[0])
        for entity, (decision, resident, plan) in due:
            if town.choosing(entity) or town.ecs.has_component(entity, Talking):
                continue
            town.ecs.remove_component(entity, DecisionDue)
            if town.ecs.has_component(entity, Path):
                continue
            if plan.plan is None or plan.plan.day != town.clock.day:
                self._plan(entity, resident, decision.reason)
            else:
                self._decide(entity, resident, plan, decision.reason)

    def _fit(self, entity: int, resident: Resident, plan: Plan, need: str) -> None:
        """Fit an urgent need into today's plan (a meal nearby, a nap at home) without asking the brain again."""
        town = self.town
        sit = situation(town, entity, f"replan:{need}")
        allowed = options(town, entity).places
        assert plan.plan is not None, "only a made plan is fitted"
        plan.plan = town.fallback.fit_need(plan.plan, need, sit.minute, resident.persona.home, sit.place, allowed)
        plan.source = f"{plan.source or 'brain'}+{need}"
        blocks = tuple(f"{b.start // 60:02d}:{b.start % 60:02d} {b.kind} @{b.place}" for b in plan.plan.blocks)
        town.emit(PlanMade(resident.id, plan.plan.day, blocks, plan.source))
        town.ecs.add_component(entity, DecisionDue(sit.reason))

    def _plan(self, entity: int, resident: Resident, reason: str) -> None:
        """Ask for today's plan, with the needs, happenings and memories that bear on it."""
        town = self.town
        lean = town.mind.lean(resident.id, "plan", reason)  # the scripted policy will answer: recall nothing
        mind, scored = view(town, entity, None if lean else f"plans for today: {resident.persona.occupation}")
        request = town.mind.ask(Request(town.mind.next_id(), "plan", resident.id, resident.persona,
                                        situation(town, entity, reason), town.plan_seed,
                                        options=options(town, entity), jitter=town.settings.routine_jitter_minutes,
                                        mind=mind, lean=lean))
        town.trace.retrieved(request.id, scored)
        town.ecs.component_for_entity(entity, Requests).add(InFlight(request.kind, request.id, town.clock.tick))

    def _decide(self, entity: int, resident: Resident, plan: Plan, reason: str) -> None:
        """Ask what to do now, with the situation, the options and the memories it calls up."""
        town = self.town
        sit = situation(town, entity, reason)
        block = plan.plan.block_at(sit.minute) if plan.plan else None
        query = " ".join(filter(None, [reason.replace(":", " "), sit.place_label, block.activity if block else "",
                                       *(n.name for n in sit.nearby)]))
        lean = town.mind.lean(resident.id, "decide", reason)
        mind, scored = view(town, entity, None if lean else query)
        request = town.mind.ask(Request(town.mind.next_id(), "decide", resident.id, resident.persona, sit,
                                        town.rng.getrandbits(63), options=options(town, entity), plan=plan.plan,
                                        mind=mind, lean=lean))
        town.trace.retrieved(request.id, scored)
        town.ecs.component_for_entity(entity, Requests).add(InFlight(request.kind, request.id, town.clock.tick))
