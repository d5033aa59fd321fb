"""The valid replies of a request: every action a resident may take right now, written as reply text.

Backends that decode under constraint (the local model's token trie, a server's JSON schema) can only
produce one of these, so an invalid intent cannot come out of them.
"""

from __future__ import annotations

from agents.intents import ACTIVITY_KINDS, Continue, DoActivity, GoTo, Intent, Sleep, TalkTo, Wait, intent_to_json
from agents.plans import current_step
from agents.protocol import Request

DEFAULT_SLEEP = 480
"""Minutes of sleep offered when there is no plan to say how long."""

NAP = 90
"""Minutes of sleep offered during a block that is not for sleeping: a nap, not the night."""


def decision_candidates(request: Request) -> list[str]:
    """Return the reply texts of every intent the world would accept from this resident now."""
    sit, options = request.situation, request.options
    if options is None:
        return [intent_to_json(Wait(15))]
    block = request.plan.block_at(sit.minute) if request.plan else None
    remaining = max(1, min(960, block.end - sit.minute)) if block else 60
    intents: list[Intent] = []
    if block is not None and block.kind != "sleep":
        step = current_step(request.persona.id, block, sit.day, sit.minute)
        intents.append(DoActivity(step.activity[:80], max(1, step.end - sit.minute), block.kind))
        if step.activity != block.activity:
            intents.append(DoActivity(block.activity[:80], remaining, block.kind))
    intents += [GoTo(place) for place in options.places if place != sit.place]
    intents += [TalkTo(person) for person in options.people]
    if options.can_sleep:
        nap = DEFAULT_SLEEP if block is None else remaining if block.kind == "sleep" else min(NAP, remaining)
        intents.append(Sleep(nap))
    intents += [Wait(15)]
    if sit.reason.startswith("met:"):
        intents.append(Continue())
    return [intent_to_json(intent) for intent in intents]


def decision_schema(request: Request) -> dict[str, object]:
    """A JSON schema that admits exactly the valid decisions (for servers with structured output)."""
    options = request.options
    places = [p for p in (options.places if options else ()) if p != request.situation.place]
    people = list(options.people) if options else []
    variants: list[dict[str, object]] = [
        _object({"action": {"const": "activity"}, "activity": {"type": "string", "maxLength": 80},
                 "minutes": {"type": "integer", "minimum": 1, "maximum": 960},
                 "kind": {"enum": list(ACTIVITY_KINDS)}}),
        _object({"action": {"const": "wait"}, "minutes": {"type": "integer", "minimum": 1, "maximum": 960}}),
        _object({"action": {"const": "continue"}}),
    ]
    if places:
        variants.append(_object({"action": {"const": "go_to"}, "place": {"enum": places}}))
    if people:
        variants.append(_object({"action": {"const": "talk_to"}, "person": {"enum": people}}))
    if options is not None and options.can_sleep:
        variants.append(_object({"action": {"const": "sleep"}, "minutes": {"type": "integer", "minimum": 1,
                                                                         "maximum": 960}}))
    return {"anyOf": variants}


def _object(properties: dict[str, object]) -> dict[str, object]:
    """A closed JSON-schema object requiring all of ``properties``."""
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


IMPORTANCE_CANDIDATES = [str(n) for n in range(1, 11)]
"""Valid replies to an importance request."""


def decision_is_valid(request: Request, intent: object) -> bool:
    """Whether the world would accept ``intent`` from this resident now (the checks that need no map)."""
    options, sit = request.options, request.situation
    if options is None:
        return False
    match intent:
        case GoTo(place):
            return place in options.places and place != sit.place
        case TalkTo(person):
            return person in options.people
        case Sleep():
            return options.can_sleep
        case DoActivity() | Wait() | Continue():
            return True
    return False
