"""What a generated resident carries into a request: an inner state with memories and news, a replanned day."""

from __future__ import annotations

import random

from agents.memory import Happening
from agents.persona import Persona
from agents.plans import DayPlan, PlanBlock, insert_block
from agents.protocol import MindView, News
from agents.training import vocab
from agents.training.towns import GenTown


def replanned(rng: random.Random, town: GenTown, persona: Persona, plan: DayPlan, minute: int) -> DayPlan:
    """The plan with a block inserted over ``minute`` (an errand, a meal out, a happening), as replanning does."""
    place = rng.choice([*town.places, persona.home])
    kind = rng.choice(["leisure", "chores", "meal", "leisure"])
    activity = {"leisure": rng.choice([*vocab.LEISURE, *(f"at the {h}" for h in vocab.HAPPENINGS)]),
                "chores": rng.choice(vocab.CHORES), "meal": rng.choice(vocab.MEALS)}[kind]
    start = max(0, minute - rng.randint(0, 60))
    return insert_block(plan, PlanBlock(start, max(minute + 5, start + rng.randint(30, 150)), kind, activity, place))


def mind_of(rng: random.Random, town: GenTown, rid: str, day: int, others: list[Persona]) -> MindView:
    """A plausible inner state: needs, mood, closeness, memories, maybe news of a happening."""
    persona = next(p for p in town.residents if p.id == rid)
    needs = tuple((n, rng.randint(2, 100)) for n in ("energy", "hunger", "social", "fun"))
    levels = dict(needs)
    urgent = "hunger" if levels["hunger"] < 15 else "energy" if levels["energy"] < 10 else None
    words = ", ".join(("tired" if levels["energy"] < 50 else "rested", "hungry" if levels["hunger"] < 50 else "fed",
                       "lonely" if levels["social"] < 20 else "sociable", "bored" if levels["fun"] < 20 else "content"))
    memories = []
    for i in range(rng.randint(0, 6)):
        other = rng.choice(others)
        memories.append((rng.randint(1, 400) + i, rng.choice([
            f"Saw {other.name} {rng.choice(vocab.LEISURE)} at {town.label(rng.choice(town.places))}",
            f"Talked with {other.first_name} at {town.label(rng.choice(town.places))}. "
            f"{other.first_name} said: \"Lovely day.\"",
            f"Heard {other.first_name} say to {persona.first_name}: \"Have you seen the new bridge?\"",
            f"My plan for day {day}: {rng.choice(vocab.MEALS)} at home",
        ])))
    happenings: tuple[Happening, ...] = ()
    news: tuple[News, ...] = ()
    if rng.random() < 0.3:
        host = rng.choice(town.residents)
        place = rng.choice(town.places)
        start = rng.randint(16, 20) * 60
        title = f"{host.first_name}'s {rng.choice(vocab.HAPPENINGS)}"
        happening = Happening(f"{host.id}-{place}-d{day}-{start // 60:02d}00", title, place, day, start, 120, host.id)
        happenings = (happening,)
        news = (News(happening.key, f"{title} at {town.label(place)}, today at {start // 60:02d}:00."),)
        memories.append((401, f"{host.first_name} told me: {news[0].text}"))
    closeness = tuple(sorted((o, r.closeness) for o, r in persona.relationships.items()))
    return MindView(needs, words, rng.choice(["content", "happy", "flat", "cheerful", "glum"]), urgent, closeness,
                    tuple(memories), happenings, news)


def kind_of(text: str) -> str:
    """Guess a memory's kind from its text, as the world would have stored it."""
    if text.startswith("Talked with"):
        return "conversation"
    if " told me: " in text:
        return "news"
    if text.startswith("My plan"):
        return "plan"
    return "observation"
