"""Scripted conversation lines assembled from a persona's speech book."""

from __future__ import annotations

import json
import random

from agents.intents import clean_line
from agents.persona import Persona
from agents.protocol import Dialogue


def fill(line: str, persona: Persona, partner_name: str, place: str, topic: str) -> str:
    """Fill a speech line's placeholders."""
    return line.format(partner=partner_name.split(maxsplit=1)[0], name=persona.first_name, place=place, topic=topic)


def scripted_line(persona: Persona, dialogue: Dialogue, place: str, rng: random.Random) -> tuple[str, bool]:
    """Choose the next line for ``persona`` and whether it ends the conversation."""
    book = persona.speech
    topic = rng.choice(persona.topics)
    own_lines = {text for speaker, text in dialogue.history if speaker == persona.id}
    if dialogue.closing or dialogue.turn >= dialogue.max_turns - 1:
        pool, end = book.farewells, True
    elif dialogue.turn <= 1:
        pool, end = book.greetings, False
    elif dialogue.turn >= 3 and rng.random() < 0.3:
        pool, end = book.farewells, True
    else:
        pool, end = book.smalltalk, False
    fresh = [line for line in pool if fill(line, persona, dialogue.partner_name, place, topic) not in own_lines]
    line = fill(rng.choice(fresh or list(pool)), persona, dialogue.partner_name, place, topic)
    return clean_line(line), end


def line_to_json(text: str, end: bool) -> str:
    """Write a converse reply in the format the world parses."""
    return json.dumps({"say": text, "end": end}, ensure_ascii=False)


def parse_line(text: str) -> tuple[str, bool] | None:
    """Parse a converse reply: a JSON object with "say" (and optional "end"), or plain text; None if empty."""
    stripped = (text or "").strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("say"), str):
            line = clean_line(data["say"])
            return (line, bool(data.get("end", False))) if line else None
    line = clean_line(stripped.strip('"'))
    return (line, False) if line else None
