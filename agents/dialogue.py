"""Scripted conversation lines assembled from a persona's speech book."""

from __future__ import annotations

import json
import random
import re

from agents.intents import clean_line
from agents.persona import Persona
from agents.protocol import Dialogue, News, Request
from agents.replytext import MAX_REPLY, UnreadableReplyError, read_json

_GOODBYE = re.compile(r"\b(bye|goodbye|(?<!to )see you|farewell|mind how you go|take care|off you go|must go|"
                      r"have to go)\b", re.IGNORECASE)
"""Words that take leave; "see you" only when not "(nice|good...) to see you", which greets."""


def says_goodbye(text: str) -> bool:
    """Whether a line takes leave ("Bye!", "See you tomorrow", "I must go")."""
    return bool(_GOODBYE.search(text))


def fill(line: str, persona: Persona, partner_name: str, place: str, topic: str) -> str:
    """Fill a speech line's placeholders."""
    return line.format(partner=partner_name.split(maxsplit=1)[0], name=persona.first_name, place=place, topic=topic)


def scripted_line(persona: Persona, dialogue: Dialogue, place: str, rng: random.Random,
                  news: tuple[News, ...] = ()) -> tuple[str, bool, str | None]:
    """Choose the next line for ``persona``, whether it ends the conversation, and the news key it passes on."""
    if news and 1 <= dialogue.turn <= 3 and not dialogue.closing:
        item = news[0]
        opener = rng.choice(("Have you heard?", "Did you hear?", "Oh, I nearly forgot:", "Guess what?"))
        return clean_line(f"{opener} {item.text}"), False, item.key
    text, end = _phrase(persona, dialogue, place, rng)
    return text, end, None


def _phrase(persona: Persona, dialogue: Dialogue, place: str, rng: random.Random) -> tuple[str, bool]:
    """Pick a greeting, small talk or farewell from the persona's speech book."""
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


def line_to_json(text: str, end: bool, news: str | None = None) -> str:
    """Write a converse reply in the format the world parses."""
    payload: dict[str, object] = {"say": text, "end": end}
    if news:
        payload["news"] = news
    return json.dumps(payload, ensure_ascii=False)


def parse_line(text: str) -> tuple[str, bool, str | None] | None:
    """Parse a converse reply: JSON with "say" (optional "end", "news"), or plain text; None if empty or unreadable.

    A reply too long to be a line, or JSON nested too deep to decode, is None like an empty one: the fallback speaks.
    """
    stripped = (text or "").strip()
    if len(stripped) > MAX_REPLY:
        return None
    if stripped.startswith(("{", "[")):
        try:
            data = read_json(stripped)
        except UnreadableReplyError:
            return None
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("say"), str):
            line = clean_line(data["say"])
            news = data.get("news")
            return (line, bool(data.get("end", False)), news if isinstance(news, str) else None) if line else None
    line = clean_line(stripped.strip('"'))
    return (line, False, None) if line else None


_DEBRIS = re.compile(r"<\|[^|>]*\|>|<\|?|\|>|[{}\[\]]")


def spoken_reply(request: Request, raw: str) -> str:
    """Turn a chat model's text into a converse reply: one clean line, a goodbye flag, and news it passes on."""
    parsed = parse_line(raw) if raw.strip().startswith("{") else None
    text = parsed[0] if parsed else clean_line(_DEBRIS.sub(" ", raw.strip().split("\n", maxsplit=1)[0]))
    persona = request.persona
    text = re.sub(rf"^(?:{re.escape(persona.name)}|{re.escape(persona.first_name)})\s*:\s*", "", text)
    text = text.strip().strip('"').strip()
    dialogue = request.dialogue
    last_turn = bool(dialogue and (dialogue.closing or dialogue.turn >= dialogue.max_turns - 1))
    end = last_turn or says_goodbye(text)
    news = parsed[2] if parsed else None
    for item in request.mind.news:
        words = set(re.findall(r"[a-z']{4,}", item.text.lower()))
        if news is None and len(words & set(re.findall(r"[a-z']{4,}", text.lower()))) >= 3:
            news = item.key
    return line_to_json(text or "...", end, news)
