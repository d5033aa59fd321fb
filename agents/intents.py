"""The closed set of things a resident may try to do, and the parser from a brain's reply to one of them."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from agents.replytext import clean_text, read_json

MAX_MINUTES = 16 * 60
"""Longest activity, wait or sleep one intent may ask for."""

MAX_SAY = 240
"""Longest line of speech, in characters; longer lines are cut at a word."""


@dataclass(frozen=True, slots=True)
class GoTo:
    """Walk to a named place."""

    place: str


@dataclass(frozen=True, slots=True)
class TalkTo:
    """Start a conversation with a resident who is near."""

    person: str


@dataclass(frozen=True, slots=True)
class Say:
    """Say something aloud to whoever is near (or to one person)."""

    text: str
    to: str | None = None


@dataclass(frozen=True, slots=True)
class DoActivity:
    """Spend ``minutes`` on an activity where one is."""

    activity: str
    minutes: int
    kind: str = "leisure"


@dataclass(frozen=True, slots=True)
class Wait:
    """Stand by for ``minutes``."""

    minutes: int


@dataclass(frozen=True, slots=True)
class Sleep:
    """Sleep for ``minutes`` (only at home)."""

    minutes: int


@dataclass(frozen=True, slots=True)
class Continue:
    """Carry on with what one is doing (the answer to a passing distraction)."""


@dataclass(frozen=True, slots=True)
class Fallback:
    """A reply that did not parse into an intent: the reason and the raw text, never an exception."""

    reason: str
    raw: str


Intent = GoTo | TalkTo | Say | DoActivity | Wait | Sleep | Continue
"""Any intent the world can check and apply."""

ACTIONS = ("go_to", "talk_to", "say", "activity", "wait", "sleep", "continue")
"""Action names as they appear in brain replies."""

ACTIVITY_KINDS = ("meal", "work", "leisure", "chores")
"""Kinds an activity intent may declare (sleep has its own intent)."""


def intent_to_json(intent: Intent) -> str:
    """Write an intent in the reply format that ``parse_intent`` reads."""
    payload: dict[str, Any]
    match intent:
        case GoTo(place):
            payload = {"action": "go_to", "place": place}
        case TalkTo(person):
            payload = {"action": "talk_to", "person": person}
        case Say(text, to):
            payload = {"action": "say", "text": text} | ({"to": to} if to else {})
        case DoActivity(activity, minutes, kind):
            payload = {"action": "activity", "activity": activity, "minutes": minutes, "kind": kind}
        case Wait(minutes):
            payload = {"action": "wait", "minutes": minutes}
        case Sleep(minutes):
            payload = {"action": "sleep", "minutes": minutes}
        case Continue():
            payload = {"action": "continue"}
    return json.dumps(payload, ensure_ascii=False)


def parse_intent(text: str) -> Intent | Fallback:
    """Parse a brain's decision reply (a JSON object, possibly wrapped in other text)."""
    text = text or ""
    start, end = text.find("{"), text.rfind("}")  # the first "{" to the last "}" (linear, unlike a regex)
    if not 0 <= start < end:
        return Fallback("no JSON object in reply", text)
    try:
        data = read_json(text[start:end + 1])
    except ValueError as exc:
        return Fallback(f"invalid JSON: {exc}", text)
    if not isinstance(data, dict):
        return Fallback("reply is not a JSON object", text)
    action = data.get("action")
    try:
        return _build(action, data)
    except (KeyError, TypeError, ValueError, RecursionError) as exc:
        return Fallback(f"bad '{action}' reply: {exc}", text)


def _build(action: object, data: dict[str, Any]) -> Intent | Fallback:
    """Turn a decoded reply into an intent, checking each field's type and range."""
    match action:
        case "go_to":
            return GoTo(_name(data, "place"))
        case "talk_to":
            return TalkTo(_name(data, "person"))
        case "say":
            to = data.get("to")
            return Say(clean_line(_text(data, "text")), _name(data, "to") if to else None)
        case "activity":
            kind = data.get("kind", "leisure")
            if kind not in ACTIVITY_KINDS:
                raise ValueError(f"kind must be one of {', '.join(ACTIVITY_KINDS)}")
            return DoActivity(_text(data, "activity")[:80], _minutes(data), kind)
        case "wait":
            return Wait(_minutes(data))
        case "sleep":
            return Sleep(_minutes(data))
        case "continue":
            return Continue()
    return Fallback(f"unknown action {action!r} (expected one of: {', '.join(ACTIONS)})", json.dumps(data))


def _name(data: dict[str, Any], key: str) -> str:
    """Return an identifier field (a place or resident id)."""
    value = data[key]
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", value):
        raise ValueError(f"'{key}' must be an id, got {value!r}")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    """Return a non-empty text field, cleaned of control and bidi characters."""
    value = data[key]
    cleaned = clean_text(value).strip() if isinstance(value, str) else ""
    if not cleaned:
        raise ValueError(f"'{key}' must be non-empty text")
    return cleaned


def _minutes(data: dict[str, Any]) -> int:
    """Return a whole number of minutes within the allowed range."""
    value = data["minutes"]
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValueError("'minutes' must be a number")
    if not 1 <= value <= MAX_MINUTES:
        raise ValueError(f"'minutes' must be between 1 and {MAX_MINUTES}")
    return int(value)


def clean_line(text: str, limit: int = MAX_SAY) -> str:
    """Tidy a line of speech: one line, no control or bidi characters, cut at a word past ``limit`` characters."""
    text = " ".join(clean_text(text).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "..."
    return text
