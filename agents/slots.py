"""Slots: replies that name things by their role in the prompt ("@plan", "{partner}") instead of copying them.

A model of a few million parameters trained for half an hour on two cores does not learn to copy a name
or a place from its prompt into its reply. So npcworld's own model is trained on delexicalised replies,
as dialogue systems have long done: a decision says ``"place": "@plan"`` (the current plan block's place)
or ``"person": "@met"``, and the local brain fills the slots from the request before anything reaches the
world. (Its training corpus also slots speech, ``"{partner}"`` and ``"{news}"``; speech is now the chat
model's, so only decisions are filled at run time.) A model folder opts in with ``npcworld.json``
(``{"slots": "v1"}``); every other model sees and writes plain replies.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from agents.plans import current_step
from agents.protocol import Request
from agents.replytext import loads_reply

SLOTS_FILE = "npcworld.json"
"""The file in a model folder that says the model writes slotted replies."""

SLOTS_VERSION = "v1"
"""The slot scheme described in this module."""


def model_uses_slots(folder: str | Path) -> bool:
    """Whether the model folder declares that it writes slotted replies."""
    path = Path(folder) / SLOTS_FILE
    if not path.is_file():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("slots") not in (None, SLOTS_VERSION):
        raise ValueError(f"{path}: field 'slots': expected \"{SLOTS_VERSION}\", got {data!r}")
    return data.get("slots") == SLOTS_VERSION


def write_slots_file(folder: Path) -> None:
    """Declare in ``folder`` that its model writes slotted replies."""
    (folder / SLOTS_FILE).write_text(json.dumps({"slots": SLOTS_VERSION}) + "\n", encoding="utf-8")


def decision_slots(request: Request) -> dict[str, str]:
    """Slot name -> the literal it stands for in this request's decisions (people as "@p1", "@p2"...)."""
    sit, options = request.situation, request.options
    block = request.plan.block_at(sit.minute) if request.plan else None
    slots: dict[str, str] = {}
    if block is not None:
        slots["@plan"] = block.place
        slots["@now"] = current_step(request.persona.id, block, sit.day, sit.minute).activity[:80]
        slots["@block"] = block.activity[:80]
    slots["@home"] = request.persona.home
    if sit.reason.startswith("met:"):
        slots["@met"] = sit.reason.removeprefix("met:")
    for index, person in enumerate(options.people if options else (), start=1):
        slots[f"@p{index}"] = person
    return slots


_SLOTTED_FIELDS = ("place", "person", "activity")
"""The decision fields whose values may be slots."""


def slot_decision(text: str, request: Request) -> str:
    """Write a decision reply with its place, person and activity replaced by the slot that names them."""
    return slot_decisions([text], request)[0]


def slot_decisions(texts: list[str], request: Request) -> list[str]:
    """Slot several decision replies to the same request (the request's slots are worked out once)."""
    slots = decision_slots(request)
    people = tuple(f"@p{i}" for i in range(1, len(request.options.people if request.options else ()) + 1))
    preferred = {"place": ("@plan", "@home"), "person": ("@met", *people), "activity": ("@now", "@block")}
    written = []
    for text in texts:
        data = _loads(text)
        if data is not None:
            for field, names in preferred.items():
                value = data.get(field)
                if isinstance(value, str):
                    data[field] = next((name for name in names if slots.get(name) == value), value)
        written.append(text if data is None else json.dumps(data, ensure_ascii=False))
    return written


def unslot_decision(text: str, request: Request) -> str:
    """Fill a slotted decision reply's slots from the request; text that is not JSON comes back unchanged."""
    data = _loads(text)
    if data is None:
        return text
    slots = decision_slots(request)
    for field in _SLOTTED_FIELDS:
        value = data.get(field)
        if isinstance(value, str) and value in slots:
            data[field] = slots[value]
    return json.dumps(data, ensure_ascii=False)


def _loads(text: str) -> dict[str, Any] | None:
    """Parse a JSON object, or None (also for text too long or nested too deep: agents/replytext.py)."""
    data = loads_reply(text)
    return data if isinstance(data, dict) else None


def slot_speech(line: str, partner_first: str, news: str | None) -> str:
    """A line of speech with the news it passes on as "{news}" and the partner's first name as "{partner}"."""
    if news and news in line:
        line = line.replace(news, "{news}")
    return re.sub(rf"\b{re.escape(partner_first)}\b", "{partner}", line) if partner_first else line
