"""The conversation prompt as chat messages: who the resident is, what it knows, and the talk so far, in budget.

The system message carries what stays true for a conversation (persona, background and goals, people
and closeness, places, yesterday, today's and tomorrow's plans, known news); earlier lines follow as
turns; the last user turn carries the moment (time, place, mood), the memories that the other person's
line called up, and that line. Keeping the changing parts last lets a model reuse the keys and values
of everything before them. A token budget (estimated from characters, and checked against the real
tokenizers by a test) decides what is dropped first: old turns, then memories, background, places,
people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from agents.grounding import neutralise
from agents.plans import DayPlan, PlanBlock
from agents.protocol import Request, TalkFacts

CHARS_PER_TOKEN = 3.2
"""A conservative estimate: prompts full of names and times run about 3.5 characters a token in SmolLM2."""

TALK_BUDGET = 1000
"""Estimated tokens the conversation prompt may take; a test checks the real count stays under it."""

CLOSE_FRIEND = 0.15
"""Closeness from which the prompt names someone as the closest friend (below it: no close friend yet)."""

RESIDENT_MEMORIES = 3
"""Memories in a line between residents (the player's questions get up to six): each costs prefill time."""

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Weekday names for prompts."""


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


STEPS = (Limits(), Limits(turns=4), Limits(turns=4, memories=4), Limits(turns=4, memories=4, background_sentences=2),
         Limits(turns=4, memories=3, background_sentences=2, places=8),
         Limits(turns=4, memories=3, background_sentences=1, places=8, people=5),
         Limits(turns=2, memories=2, background_sentences=1, places=6, people=4),
         Limits(turns=2, memories=1, background_sentences=1, places=4, people=3))
"""What to drop first when over budget: old turns, memories, background, places, people."""


class Renderable(Protocol):
    """A prompt template (agents.prompting.Template): fills its placeholders from a dict of values."""

    def render(self, values: dict[str, str]) -> str:
        """Fill the template."""
        ...


def talk_messages(request: Request, system_template: Renderable, turn_template: Renderable,
                  budget: int = TALK_BUDGET) -> tuple[tuple[str, str], ...]:
    """Render a converse request as (role, content) messages that fit ``budget`` estimated tokens."""
    messages: tuple[tuple[str, str], ...] = ()
    steps = STEPS if request.urgent else tuple(replace(s, memories=min(s.memories, RESIDENT_MEMORIES)) for s in STEPS)
    for limits in steps:
        messages = _render(request, system_template, turn_template, limits)
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
        "speech_style": persona.speech_style, "people": _people(facts, limits.people), "closest": _closest(facts),
        "places": _places(facts, limits.places),
        "yesterday": _talks(facts, sit.day - 1), "today_talks": _talks(facts, sit.day, today=True),
        "weekday": DAY_NAMES[sit.weekday], "yesterday_weekday": DAY_NAMES[(sit.weekday - 1) % 7],
        "tomorrow_weekday": DAY_NAMES[(sit.weekday + 1) % 7],
        "today": _plan(facts.today, facts), "tomorrow": _plan(facts.tomorrow, facts),
        "news": _news(facts), "partner": dialogue.partner_name, "partner_first": partner_first,
        "partner_about": facts.partner_about or "someone from town",
        "time": f"{sit.minute // 60:02d}:{sit.minute % 60:02d}", "place": sit.place_label, "doing": _doing(request),
        "mood": mind.mood,
        "memories": "\n".join(f"- {_cut(text, 220)}" for _, text in mind.memories[:limits.memories])
                    or "- nothing in particular",
        "closing": f" {partner_first} has said goodbye: say goodbye too." if dialogue.closing else "",
        "tell": f" You have not told {partner_first} yet: {untold}" if untold else "",
        "line": _line(request, partner_first),
    }


def _render(request: Request, system_template: Renderable, turn_template: Renderable,
            limits: Limits) -> tuple[tuple[str, str], ...]:
    """Fill both templates and lay out the earlier turns."""
    values = {k: neutralise(v) for k, v in talk_values(request, limits).items()}
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


def closeness_word(closeness: float) -> str:
    """How close two people are, in words."""
    if closeness >= 0.7:
        return "very close"
    if closeness >= 0.4:
        return "good friends"
    if closeness >= 0.15:
        return "friendly"
    if closeness > -0.15:
        return "acquaintance"
    return "you do not get on"


def _people(facts: TalkFacts, limit: int) -> str:
    """Everyone the resident knows, closest first, with how they know them."""
    people = sorted(facts.people, key=lambda a: (-a.closeness, a.name))[:limit]
    parts = []
    for person in people:
        how = person.note.split(";")[0].strip() or person.about
        tag = closeness_word(person.closeness)
        parts.append(f"{person.name} ({how}; {tag})" if how else f"{person.name} ({tag})")
    return ", ".join(parts) or "nobody yet"


def _closest(facts: TalkFacts) -> str:
    """One sentence naming the resident's closest friend (or saying there is none yet)."""
    people = sorted(facts.people, key=lambda a: (-a.closeness, a.name))
    if not people or people[0].closeness < CLOSE_FRIEND:
        return "You have no close friend yet."
    return f"Your closest friend is {people[0].name}."


def _talks(facts: TalkFacts, day: int, today: bool = False) -> str:
    """Who the resident talked with on ``day`` (each once, in order)."""
    seen: list[str] = []
    for talk in facts.talks:
        if talk.day == day and talk.who not in seen:
            seen.append(talk.who)
    if not seen:
        return "" if today else "you talked with nobody"
    names = seen if len(seen) <= 6 else [*seen[:5], f"{len(seen) - 5} others"]
    text = "you talked with " + _and(names)
    return f" Earlier today {text}." if today else text


def _places(facts: TalkFacts, limit: int) -> str:
    """Public places, those in today's and tomorrow's plans first."""
    planned = {b.place for plan in (facts.today, facts.tomorrow) if plan is not None for b in plan.blocks}
    ordered = sorted((p for p in facts.places if p[1] != "home"), key=lambda p: (p[0] not in planned, p[1]))
    return ", ".join(label for _, label in ordered[:limit]) or "none"


def _doing(request: Request) -> str:
    """What the resident was doing when the conversation began (its plan's block now), or its state."""
    sit, facts = request.situation, request.facts
    block = facts.today.block_at(sit.minute) if facts is not None and facts.today is not None else None
    if block is not None and block.kind != "sleep":
        return f"you were {block.activity}"
    return f"you are {sit.doing}"


def _plan(plan: DayPlan | None, facts: TalkFacts) -> str:
    """A day plan in short: the waking blocks with their start, activity and place."""
    if plan is None:
        return "nothing planned"
    parts = [f"{_hhmm(b.start)} {b.activity} at {_where(b, facts)}" for b in plan.blocks
             if b.start < 24 * 60 and b.kind != "sleep"]
    return "; ".join(parts) or "nothing planned"


def _where(block: PlanBlock, facts: TalkFacts) -> str:
    """Where a block happens, as the resident would say it."""
    label = facts.label(block.place)
    return "home" if block.place.startswith("home") and label.endswith("home") else label


def _news(facts: TalkFacts) -> str:
    """Known happenings, with who told the resident."""
    parts = [n.text.rstrip(".") + (f" ({n.source} told you)" if n.source else "") for n in facts.news]
    return "; ".join(parts) or "nothing new"


def _and(items: list[str]) -> str:
    """Join items as English does: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _cut(text: str, limit: int) -> str:
    """Cut text to ``limit`` characters at a word."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def _hhmm(minute: int) -> str:
    """HH:MM of a minute of the day."""
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"
