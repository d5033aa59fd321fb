"""The scripted brain: routines, seeded variation and phrase-book conversations; no model, deterministic."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from agents.dialogue import line_to_json, scripted_line
from agents.intents import Continue, DoActivity, GoTo, Intent, Sleep, TalkTo, Wait, intent_to_json
from agents.memory import rule_importance
from agents.plans import DayPlan, PlanBlock, current_step, insert_block, routine_plan
from agents.protocol import Answer, Request
from agents.reflection import insights_to_json, scripted_insights
from agents.rng import stable_seed

FOOD_PLACES = ("cafe", "pub", "bakery")
"""Where a hungry resident away from home goes to eat, if the map has them."""


class ScriptedBrain:
    """Rule-based minds that follow each persona's routine; also the fallback of every other brain."""

    name = "scripted"

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        """Answer each request from the persona's data and the request's seed."""
        answers = []
        for request in requests:
            began = time.perf_counter()
            text = self.answer(request)
            answers.append(Answer(request.id, text, time.perf_counter() - began))
        return answers

    def answer(self, request: Request) -> str:
        """Return the reply text for one request."""
        rng = random.Random(request.seed)
        if request.kind == "plan":
            return make_plan(request).to_text()
        if request.kind == "converse":
            assert request.dialogue is not None, "converse requests carry a dialogue"
            text, end, news = scripted_line(request.persona, request.dialogue, request.situation.place_label, rng,
                                            request.mind.news)
            return line_to_json(text, end, news)
        if request.kind == "importance":
            return str(rule_importance("conversation", request.subject))
        if request.kind == "reflect":
            return insights_to_json(scripted_insights(request.persona.first_name, request.mind))
        return intent_to_json(decide(request))

    def plan(self, request: Request) -> DayPlan:
        """The scripted planner: the routine with known happenings and urgent needs fitted in."""
        return make_plan(request)

    def fit_need(self, plan: DayPlan, need: str | None, now: int, home: str, here: str | None,
                 places: Sequence[str]) -> DayPlan:
        """Lay a block for an urgent need over ``plan`` (see the module function)."""
        return fit_need(plan, need, now, home, here, places)


def make_plan(request: Request, attend_all: bool = False) -> DayPlan:
    """Plan the day from the routine, then make room for known happenings (some, or all) and urgent needs."""
    sit, persona, mind = request.situation, request.persona, request.mind
    plan = routine_plan(persona, sit.day, sit.weekday, request.seed, request.jitter)
    rng = random.Random(stable_seed(request.seed, persona.id, sit.day, "happenings"))
    for happening in sorted(mind.happenings, key=lambda h: (h.day, h.start, h.key)):
        if happening.day != sit.day or happening.start + happening.minutes <= sit.minute:
            continue
        host = happening.host == persona.id
        chance = 0.45 + 0.3 * persona.sociability + 0.3 * max(0.0, mind.closeness_to(happening.host or ""))
        if host or attend_all or rng.random() < chance:
            plan = insert_block(plan, PlanBlock(happening.start, happening.start + happening.minutes, "leisure",
                                                f"at {happening.title}", happening.place))
    places = request.options.places if request.options else ()
    return fit_need(plan, mind.urgent, sit.minute, persona.home, sit.place, places)


def fit_need(plan: DayPlan, need: str | None, now: int, home: str, here: str | None,
             places: Sequence[str]) -> DayPlan:
    """Lay a block for an urgent need over ``plan`` from ``now``: a meal nearby, or a nap at home."""
    if need == "hunger":
        stay = here if here in (*FOOD_PLACES, home) else None
        where = stay or next((p for p in FOOD_PLACES if p in places), home)
        return insert_block(plan, PlanBlock(now, now + 45, "meal", "getting something to eat, famished", where))
    if need == "energy":
        return insert_block(plan, PlanBlock(now, now + 90, "sleep", "a much-needed nap", home))
    return plan


def decide(request: Request) -> Intent:
    """Follow today's plan step by step; stop to talk to someone met, more readily when lonely."""
    sit, options = request.situation, request.options
    rng = random.Random(request.seed)
    block = request.plan.block_at(sit.minute) if request.plan else None
    if options is None or block is None:
        return Wait(15)
    if sit.reason.startswith("met:"):
        other = sit.reason.removeprefix("met:")
        if other in options.people and rng.random() < talk_chance(request, other, block.kind, met=True):
            return TalkTo(other)
        return Continue()
    if sit.place != block.place and block.place in options.places:
        return GoTo(block.place)
    if block.kind == "sleep":
        remaining = max(1, block.end - sit.minute)
        return Sleep(remaining) if options.can_sleep else Wait(min(remaining, 30))
    if block.kind in ("meal", "leisure") and options.people and sit.reason != "conversation_ended":
        other = rng.choice(options.people)
        if rng.random() < 0.6 * talk_chance(request, other, block.kind):
            return TalkTo(other)
    step = current_step(request.persona.id, block, sit.day, sit.minute)
    return DoActivity(step.activity, max(1, step.end - sit.minute), block.kind)


def talk_chance(request: Request, other: str, kind: str, met: bool = False) -> float:
    """How likely the persona is to start talking with ``other`` during a block of ``kind`` (more on meeting)."""
    if kind == "sleep":
        return 0.0
    persona, mind = request.persona, request.mind
    social = dict(mind.needs).get("social", 60)
    lonely = 1.0 + max(0.0, 50 - social) / 100
    chance = persona.sociability * (0.6 + 0.4 * mind.closeness_to(other)) * lonely + (0.2 if met else 0.0)
    return min(1.0, chance * (0.5 if kind == "work" else 1.0))
