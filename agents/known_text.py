"""What a resident knows, as the sentences its prompts use: people and closeness, talks, plans, places, news."""

from __future__ import annotations

from agents.plans import DayPlan, PlanBlock
from agents.protocol import TalkFacts

CLOSE_FRIEND = 0.15
"""Closeness from which the prompt names someone as the closest friend (below it: no close friend yet)."""

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Weekday names for prompts."""


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


def people_text(facts: TalkFacts, limit: int) -> str:
    """Everyone the resident knows, closest first, with how they know them."""
    people = sorted(facts.people, key=lambda a: (-a.closeness, a.name))[:limit]
    parts = []
    for person in people:
        how = person.note.split(";")[0].strip() or person.about
        tag = closeness_word(person.closeness)
        parts.append(f"{person.name} ({how}; {tag})" if how else f"{person.name} ({tag})")
    return ", ".join(parts) or "nobody yet"


def closest_sentence(facts: TalkFacts) -> str:
    """One sentence naming the resident's closest friend (or saying there is none yet)."""
    people = sorted(facts.people, key=lambda a: (-a.closeness, a.name))
    if not people or people[0].closeness < CLOSE_FRIEND:
        return "You have no close friend yet."
    return f"Your closest friend is {people[0].name}."


def talks_text(facts: TalkFacts, day: int, today: bool = False) -> str:
    """Who the resident talked with on ``day`` (each once, in order)."""
    seen: list[str] = []
    for talk in facts.talks:
        if talk.day == day and talk.who not in seen:
            seen.append(talk.who)
    if not seen:
        return "" if today else "you talked with nobody"
    names = seen if len(seen) <= 6 else [*seen[:5], f"{len(seen) - 5} others"]
    text = "you talked with " + and_list(names)
    return f" Earlier today {text}." if today else text


def places_text(facts: TalkFacts, limit: int) -> str:
    """Public places in name order; when they must be cut, those in today's and tomorrow's plans are kept first."""
    planned = {b.place for plan in (facts.today, facts.tomorrow) if plan is not None for b in plan.blocks}
    ordered = sorted((p for p in facts.places if p[1] != "home"), key=lambda p: (p[0] not in planned, p[1]))
    return ", ".join(sorted(label for _, label in ordered[:limit])) or "none"


def plan_text(plan: DayPlan | None, facts: TalkFacts, until: int = 24 * 60, since: int = 0) -> str:
    """A day plan in short: the waking blocks that start before ``until`` and end after ``since``, with their times.

    A block that goes on with the one before it (same activity, same place: a plan made again mid-block splits
    it) is not said twice.
    """
    if plan is None:
        return "nothing planned"
    blocks = [b for b in plan.blocks if b.start < until and b.end > since and b.kind != "sleep"]
    kept = [b for i, b in enumerate(blocks)
            if i == 0 or (b.activity, b.place) != (blocks[i - 1].activity, blocks[i - 1].place)]
    parts = [f"{hhmm(b.start)} {b.activity} at {_where(b, facts)}" for b in kept]
    return "; ".join(parts) or ("nothing more planned" if since else "nothing planned")


def _where(block: PlanBlock, facts: TalkFacts) -> str:
    """Where a block happens, as the resident would say it."""
    label = facts.label(block.place)
    return "home" if block.place.startswith("home") and label.endswith("home") else label


def news_text(facts: TalkFacts) -> str:
    """Known happenings, with who told the resident."""
    parts = [n.text.rstrip(".") + (f" ({n.source} told you)" if n.source else "") for n in facts.news]
    return "; ".join(parts) or "nothing new"


NEWS_WORDINGS = 4
"""How many ways ``happening_text`` can word a happening."""


def happening_text(title: str, place: str, day: int, today: int, start: int, wording: int = 0,
                   weekday: int | None = None) -> str:
    """A happening as a resident would say it: what, where and when, in one of ``NEWS_WORDINGS`` word orders.

    Wording 0 is the plain "what at where, when", as a happening is announced; the others put it as a sentence,
    in the past tense once its day is over, for residents who recount it in their own words. Every wording
    carries the same title, place, day and time. With ``weekday`` (the happening's own, 0 for Monday) the day is
    named ("on Tuesday") instead of counted from today, for text that is kept: a memory read two days later
    must not still say "tomorrow".
    """
    offset = day - today
    when = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(offset, f"on day {day}")
    if weekday is not None:
        when = f"on {DAY_NAMES[weekday % 7]}"
    at = f"{when} at {hhmm(start)}"
    past = offset < 0
    forms = (f"{title} at {place}, {at}",
             f"{title} {'was' if past else 'is'} on at {place}, {at}",
             f"there {'was' if past else 'is'} {title} at {place}, {at}",
             f"{place} {'had' if past else 'has'} {title}, {at}")
    return forms[wording % NEWS_WORDINGS] + "."


def and_list(items: list[str]) -> str:
    """Join items as English does: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def hhmm(minute: int) -> str:
    """HH:MM of a minute of the day."""
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"
