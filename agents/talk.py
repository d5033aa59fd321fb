"""The conversation prompt as chat messages: who the resident is, what it knows, and the talk so far, in budget.

The system message carries what stays true for a conversation (persona, background and goals, people
and closeness, places, yesterday, today's and tomorrow's plans, known news); earlier lines follow as
turns; the last user turn carries the moment (time, place, mood), the memories that the other person's
line called up, and that line. Keeping the changing parts last lets a model reuse the keys and values
of everything before them. Token budgets (estimated from characters, and checked against the real
tokenizers by a test) decide what is dropped: the system message is sized on its persona part alone
(background, then places, give way), and old turns, then memories, give way to keep the whole in budget.
The sentences themselves are made in agents/known_text.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from agents.grounding import neutralise
from agents.known_text import DAY_NAMES, closest_sentence, news_text, people_text, places_text, plan_text, talks_text
from agents.protocol import Request, TalkFacts
from agents.reply_choice import stems

CHARS_PER_TOKEN = 3.2
"""A conservative estimate: prompts full of names and times run about 3.5 characters a token in SmolLM2."""

TALK_BUDGET = 1200
"""Estimated tokens the conversation prompt may take; a test checks the real count stays under it."""

RESIDENT_MEMORIES = 3
"""Memories in a line between residents: each costs prefill time."""

PLAYER_MEMORIES = 3
"""Memories in a reply to the player, after the focus sentences (agents/focus.py) that lead them."""


def estimate_tokens(text: str) -> int:
    """Estimate how many tokens ``text`` takes (an over-estimate for English prose)."""
    return int(len(text) / CHARS_PER_TOKEN) + 1


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of each section goes in; ``talk_messages`` tightens these until the prompt fits."""

    turns: int = 6
    memories: int = 6
    background_sentences: int = 6
    places: int = 16
    people: int = 8


PERSONA_BUDGET = 340
"""Estimated tokens for the persona part of the system message: who the resident is, background, goals, places.

The system message is sized on this part alone, which stays the same all day whoever the resident talks to,
so its prefix stays in the cache across lines and conversations; people, plans, talks and news follow it in
full, and the last turn gives way (old turns, then memories) to keep the whole within ``TALK_BUDGET``.
"""

DAILY = ("people", "closest", "yesterday", "today", "tomorrow", "today_talks", "news", "partner", "partner_about")
"""System message values left out when sizing it (they change through the day or with the partner)."""

SYSTEM_STEPS = (Limits(), Limits(background_sentences=2), Limits(background_sentences=2, places=8),
                Limits(background_sentences=1, places=8), Limits(background_sentences=1, places=6),
                Limits(background_sentences=1, places=4))
"""What the persona part drops first when over its budget: background, then places."""

TURN_STEPS = ((6, 6), (4, 6), (4, 4), (4, 3), (2, 2), (2, 1), (2, 0))
"""(earlier turns, memories) to try in turn until the whole prompt fits: old turns go first, then memories."""


class Renderable(Protocol):
    """A prompt template (agents.prompting.Template): fills its placeholders from a dict of values."""

    def render(self, values: dict[str, str]) -> str:
        """Fill the template."""
        ...


def talk_messages(request: Request, system_template: Renderable, turn_template: Renderable,
                  budget: int = TALK_BUDGET) -> tuple[tuple[str, str], ...]:
    """Render a converse request as (role, content) messages that fit ``budget`` estimated tokens.

    The system message is sized on its persona part alone, so it comes out the same whatever this turn holds
    and whoever the partner is: a prefill made while the player types, the lines before and the resident's
    other talks that day share it with the reply's prompt, and it is computed once.
    """
    system = SYSTEM_STEPS[-1]
    for limits in SYSTEM_STEPS:
        persona = {**_values(request, limits), **dict.fromkeys(DAILY, "")}
        if estimate_tokens(system_template.render(persona).strip()) <= PERSONA_BUDGET:
            system = limits
            break
    cap = PLAYER_MEMORIES if request.urgent else RESIDENT_MEMORIES
    messages: tuple[tuple[str, str], ...] = ()
    for turns, memories in TURN_STEPS:
        messages = _render(request, system_template, turn_template,
                           replace(system, turns=turns, memories=min(memories, cap)))
        if sum(estimate_tokens(text) + 4 for _, text in messages) <= budget:
            break
    return messages


def flatten(messages: tuple[tuple[str, str], ...]) -> str:
    """One text for the trace and cassettes: each message under a ``### role`` header."""
    return "\n".join(f"### {role}\n{text}" for role, text in messages)


def talk_values(request: Request, limits: Limits = Limits()) -> dict[str, str]:
    """The strings the conversation templates use."""
    persona, sit, mind, dialogue = request.persona, request.situation, request.mind, request.dialogue
    facts = request.facts or TalkFacts("the town", "", (), (), (), None, None, ())
    assert dialogue is not None, "converse requests carry a dialogue"
    partner_first = dialogue.partner_name.split()[0]
    sentences = re.split(r"(?<=[.!?])\s+", persona.background.strip())
    background = " ".join(sentences[:limits.background_sentences])
    goals = f" Your goals: {'; '.join(persona.goals)}." if persona.goals else ""
    untold = "; ".join(n.text for n in mind.news)
    return {
        "name": persona.name, "first_name": persona.first_name, "age": str(persona.age),
        "occupation": persona.occupation, "world": facts.world,
        "workplace": f", working at {facts.workplace}" if facts.workplace else "",
        "traits": ", ".join(persona.traits) or "yourself", "background": background + goals,
        "speech_style": persona.speech_style, "people": people_text(facts, limits.people),
        "closest": closest_sentence(facts), "places": places_text(facts, limits.places),
        "yesterday": talks_text(facts, sit.day - 1), "today_talks": talks_text(facts, sit.day, today=True),
        "weekday": DAY_NAMES[sit.weekday], "yesterday_weekday": DAY_NAMES[(sit.weekday - 1) % 7],
        "tomorrow_weekday": DAY_NAMES[(sit.weekday + 1) % 7],
        "today": plan_text(facts.today, facts), "tomorrow": plan_text(facts.tomorrow, facts),
        "news": news_text(facts), "partner": dialogue.partner_name, "partner_first": partner_first,
        "partner_about": facts.partner_about or "someone from town",
        "time": f"{sit.minute // 60:02d}:{sit.minute % 60:02d}", "place": sit.place_label, "doing": _doing(request),
        "mood": mind.mood,
        "memories": "\n".join([*(f"- {line}" for line in facts.focus),
                               *(f"- {_cut(text, 220)}" for text in _fresh(request, limits.memories))])
                    or "- nothing in particular",
        "closing": f" {partner_first} has said goodbye: say goodbye too." if dialogue.closing else "",
        "tell": f" You have not told {partner_first} yet: {untold}" if untold else "",
        "line": _line(request, partner_first),
    }


def _render(request: Request, system_template: Renderable, turn_template: Renderable,
            limits: Limits) -> tuple[tuple[str, str], ...]:
    """Fill both templates and lay out the earlier turns."""
    values = _values(request, limits)
    dialogue = request.dialogue
    assert dialogue is not None, "converse requests carry a dialogue"
    history = list(dialogue.history[:-1] if _last_is_partner(request) else dialogue.history)[-limits.turns:]
    first = values["partner_first"]
    messages: list[tuple[str, str]] = [("system", system_template.render(values).strip())]
    for speaker, line in history:
        role = "assistant" if speaker == request.npc else "user"
        text = neutralise(line) if role == "assistant" else f"{first}: {neutralise(line)}"
        if messages[-1][0] == role:  # two lines in a row from one side become one turn
            messages[-1] = (role, f"{messages[-1][1]}\n{text}")
        else:
            messages.append((role, text))
    if messages[-1][0] == "user":  # the turn template is the next user turn; keep roles alternating
        messages.append(("assistant", "..."))
    messages.append(("user", turn_template.render(values).strip()))
    return tuple(messages)


def _values(request: Request, limits: Limits) -> dict[str, str]:
    """The template values, made plain text."""
    return {k: neutralise(v) for k, v in talk_values(request, limits).items()}


def _line(request: Request, partner_first: str) -> str:
    """The line to answer: the other person's latest, or a note that one speaks first or goes on."""
    dialogue = request.dialogue
    if dialogue is None or not dialogue.history:
        return f"({partner_first} is here; you speak first.)"
    if _last_is_partner(request):
        return f"{partner_first}: {dialogue.history[-1][1]}"
    return f"({partner_first} waits for you to go on.)"


def _last_is_partner(request: Request) -> bool:
    """Whether the conversation's latest line is the other person's (the one to answer)."""
    dialogue = request.dialogue
    return bool(dialogue and dialogue.history and dialogue.history[-1][0] != request.npc)


def _doing(request: Request) -> str:
    """What the resident was doing when the conversation began (its plan's block now), or its state."""
    sit, facts = request.situation, request.facts
    block = facts.today.block_at(sit.minute) if facts is not None and facts.today is not None else None
    if block is not None and block.kind != "sleep":
        return f"you were {block.activity}"
    return f"you are {sit.doing}"


def _fresh(request: Request, count: int) -> list[str]:
    """The first ``count`` memories that do not quote this conversation; to the player, less those that repeat.

    The turns already carry what was said here. In a reply to the player, a memory whose words are mostly
    those of a focus sentence or of a memory kept before it (the same party news heard from three people)
    adds prefill time the player waits for, and no fact. Between residents nobody waits, and how often a
    piece of news comes up in memory is part of what makes them pass it on (with repeats left out there too,
    the party of a 48-hour Oakvale run reached 4 of 12 residents instead of 11).
    """
    said = [f'"{line}"' for _, line in request.dialogue.history] if request.dialogue else []
    first = [text for _, text in request.mind.memories if not any(quote in text for quote in said)][:count]
    if not request.urgent:
        return first
    seen = [_words(line) for line in (request.facts.focus if request.facts else ())]
    fresh = []
    for text in first:
        words = _words(text)
        if words and any(len(words & earlier) >= REPEAT_SHARE * len(words) for earlier in seen):
            continue
        seen.append(words)
        fresh.append(text)
    return fresh


REPEAT_SHARE = 0.7
"""A memory with at least this share of its telling words in a line above it repeats that line.

Two people passing on the same news share about 0.8 of them; a talk in the same place about something else,
under 0.4."""


def _words(text: str) -> set[str]:
    """The telling words (``agents.reply_choice.stems``) of what a line says: its quoted speech where it quotes."""
    return stems(" ".join(re.findall(r'"([^"]+)"', text)) or text)


def _cut(text: str, limit: int) -> str:
    """Cut text to ``limit`` characters at a word."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


