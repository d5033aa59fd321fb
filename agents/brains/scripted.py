"""The scripted brain: routines, seeded variation and phrase-book conversations; no model, deterministic."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from agents.dialogue import line_to_json, scripted_line
from agents.intents import Continue, DoActivity, GoTo, Intent, Sleep, TalkTo, Wait, intent_to_json
from agents.plans import routine_plan
from agents.protocol import Answer, Request


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
        if request.kind == "plan":
            sit = request.situation
            return routine_plan(request.persona, sit.day, sit.weekday, request.seed, request.jitter).to_text()
        if request.kind == "converse":
            assert request.dialogue is not None, "converse requests carry a dialogue"
            rng = random.Random(request.seed)
            text, end = scripted_line(request.persona, request.dialogue, request.situation.place_label, rng)
            return line_to_json(text, end)
        return intent_to_json(decide(request))


def decide(request: Request) -> Intent:
    """The scripted policy: follow today's plan; sometimes stop to talk to someone met."""
    sit, _persona, options = request.situation, request.persona, request.options
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
    remaining = max(1, block.end - sit.minute)
    if block.kind == "sleep":
        return Sleep(remaining) if options.can_sleep else Wait(min(remaining, 30))
    if block.kind in ("meal", "leisure") and options.people and sit.reason != "conversation_ended":
        other = rng.choice(options.people)
        if rng.random() < 0.6 * talk_chance(request, other, block.kind):
            return TalkTo(other)
    return DoActivity(block.activity, remaining, block.kind if block.kind != "sleep" else "leisure")


def talk_chance(request: Request, other: str, kind: str, met: bool = False) -> float:
    """How likely the persona is to start talking with ``other`` during a block of ``kind`` (more on meeting)."""
    if kind == "sleep":
        return 0.0
    persona = request.persona
    relation = persona.relationships.get(other)
    closeness = relation.closeness if relation else 0.0
    chance = persona.sociability * (0.6 + 0.4 * closeness) + (0.2 if met else 0.0)
    return min(1.0, chance * (0.5 if kind == "work" else 1.0))
