"""Scenes for the conversation corpus: a generated resident at a moment, with everything a prompt shows."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from agents.memory import Happening
from agents.persona import Persona
from agents.plans import PlanBlock, insert_block, routine_plan
from agents.protocol import Acquaintance, Dialogue, MindView, News, Request, Situation, Talked, TalkFacts
from agents.training import vocab
from agents.training.towns import GenTown

PLAYER_NAMES = ("Alex Rowe", "Sam Carter", "Jo Bright", "Robin Hale", "Kim Foster", "Charlie Dean", "Max Weller",
                "Nika", "Pat Lowe", "Dana Price", "Ash", "Morgan Lee", "Rory Banks", "Toni Reyes", "Eli Stone")
"""Names players go by in the corpus (the game's default player is 'Alex Rowe'; players choose their own)."""

PLAYER_ABOUT = "a newcomer to town, a real person exploring it"
"""How a prompt describes the player (game/world/talkfacts.py says the same)."""

NOTES = ("{pos} cousin", "{pos} oldest friend", "{pos} neighbour", "works with {obj}", "{pos} sister", "{pos} brother",
         "{pos} old teacher", "a regular customer", "{pos} landlord", "plays cards with {obj} on Fridays",
         "owes {obj} money", "{pos} walking partner", "{pos} godchild", "{pos} aunt", "{pos} nephew",
         "an old flame", "{pos} business partner", "sings in the choir with {obj}")
"""How residents know each other, as persona files note it (third person, from the resident's side)."""

PETS = ("love", "dear", "pet", "duck", "sweetheart", "my darling", "young'un", "cariad", "mate", "petal", "chief")
"""Pet names a speech style may say someone uses."""

CATCH = ("honestly", "kind of", "no worries", "olha", "pronto", "right then", "bless", "crikey", "indeed",
         "goodness", "ach", "ja", "mon ami", "bueno", "lovely", "blimey")
"""Words a speech style may say someone says a lot."""


@dataclass(frozen=True, slots=True)
class Scene:
    """A generated resident at a moment: the request fields a conversation prompt is made from."""

    town: GenTown
    world: str
    persona: Persona
    voice: str
    situation: Situation
    mind: MindView
    facts: TalkFacts
    yesterday: tuple[str, ...]
    """Full names of whom the resident talked with yesterday."""
    pets: tuple[str, ...]
    catch: tuple[str, ...]


def make_scene(rng: random.Random, town: GenTown, persona: Persona) -> Scene:
    """A resident of ``town`` at a waking moment of some day, with people, plans, talks, news and memories."""
    world = rng.choice(vocab.SURNAME_HEADS) + rng.choice(("vale", "ford", "bury", "wick", "combe", "ton", "mouth"))
    persona, pets, catch = _voiced(rng, persona)
    day, weekday = rng.randint(2, 9), rng.randint(0, 6)
    seed = rng.getrandbits(32)
    today = routine_plan(persona, day, weekday, seed, 20)
    tomorrow = routine_plan(persona, day + 1, (weekday + 1) % 7, seed, 20)
    waking = [b for b in today.blocks if b.kind != "sleep" and b.start < 24 * 60]
    block = rng.choice(waking) if waking else today.blocks[0]
    minute = rng.randint(block.start, max(block.start, min(block.end, 24 * 60) - 1))
    news = _news(rng, town, persona, day)
    for item in news:
        h = item.happening
        if h is not None and h.day == day and h.start > minute and rng.random() < 0.6:
            today = insert_block(today, PlanBlock(h.start, h.start + h.minutes, "leisure", f"at {h.title}", h.place))
        if h is not None and h.day == day + 1 and rng.random() < 0.6:
            tomorrow = insert_block(tomorrow, PlanBlock(h.start, h.start + h.minutes, "leisure", f"at {h.title}",
                                                        h.place))
    people = _people(rng, town, persona)
    talks, yesterday = _talks(rng, town, persona, people, day, minute)
    places = (*((p, town.label(p)) for p in town.places), (persona.home, "home"))
    facts = TalkFacts(world, town.label(persona.workplace) if persona.workplace else "", places, people, talks,
                      today, tomorrow, news)
    here = today.block_at(minute)
    place = here.place if here is not None else persona.home
    sit = Situation(day, weekday, minute, place, town.label(place) if place != persona.home else "home", "talking",
                    (), "conversation")
    mind = MindView(mood=rng.choice(["content", "happy", "flat", "cheerful", "glum", "restless", "excited"]),
                    closeness=tuple((a.id, a.closeness) for a in people),
                    memories=_memories(rng, town, persona, people, talks, news, day),
                    happenings=tuple(n.happening for n in news if n.happening is not None))
    return Scene(town, world, persona, town.styles[persona.id], sit, mind, facts, yesterday, pets, catch)


def request_for(scene: Scene, partner: tuple[str, str, str], history: tuple[tuple[str, str], ...], *,
                closing: bool = False, untold: tuple[News, ...] = ()) -> Request:
    """The converse request a scene makes when ``partner`` (id, name, about) has said ``history``."""
    pid, name, about = partner
    dialogue = Dialogue("c1", pid, name, len(history), 40 if pid == "player" else 6, closing, history)
    facts = replace(scene.facts, partner_about=about)
    mind = replace(scene.mind, news=untold)
    return Request(0, "converse", scene.persona.id, scene.persona, scene.situation, 0, dialogue=dialogue, mind=mind,
                   facts=facts)


def _voiced(rng: random.Random, persona: Persona) -> tuple[Persona, tuple[str, ...], tuple[str, ...]]:
    """Give some personas a pet name or catchphrases in their speech style, as Oakvale's files do."""
    pets: tuple[str, ...] = ()
    catch: tuple[str, ...] = ()
    extra = []
    roll = rng.random()
    if roll < 0.3:
        pets = tuple(rng.sample(PETS, k=rng.choice([1, 1, 2])))
        extra.append("calls everyone " + " and ".join(f"'{p}'" for p in pets))
    elif roll < 0.5:
        catch = tuple(rng.sample(CATCH, k=rng.choice([1, 2, 3])))
        extra.append("says " + ", ".join(f"'{c}'" for c in catch) + " a lot")
    elif roll < 0.55:
        extra.append(f"never says '{rng.choice(CATCH)}'")
    if not extra:
        return persona, pets, catch
    return replace(persona, speech_style=f"{persona.speech_style}; {extra[0]}"), pets, catch


def pronoun(persona: Persona) -> tuple[str, str]:
    """Possessive and object pronouns for notes about a persona (seeded by its id)."""
    return [("her", "her"), ("his", "him"), ("their", "them")][sum(map(ord, persona.id)) % 3]


def _people(rng: random.Random, town: GenTown, persona: Persona) -> tuple[Acquaintance, ...]:
    """The persona's relationships, with notes for some, and a few more people it barely knows."""
    pos, obj = pronoun(persona)
    others = {p.id: p for p in town.residents if p.id != persona.id}
    closeness = {other: relation.closeness for other, relation in persona.relationships.items()}
    strangers = sorted(set(others) - set(closeness))
    for extra in rng.sample(strangers, k=min(2, len(strangers))):
        closeness[extra] = round(rng.uniform(-0.1, 0.14), 2)
    people = []
    for other_id, value in sorted(closeness.items()):
        other = others.get(other_id)
        if other is None:
            continue
        note = rng.choice(NOTES).format(pos=pos, obj=obj) if rng.random() < 0.55 else ""
        work = town.label(other.workplace) if other.workplace else ""
        about = f"the {other.occupation}" + (f" at {work}" if work else "")
        about = "retired" if other.occupation == "retired" else about
        people.append(Acquaintance(other_id, other.name, value, note, about))
    return tuple(sorted(people, key=lambda a: (-a.closeness, a.name)))


def _talks(rng: random.Random, town: GenTown, persona: Persona, people: tuple[Acquaintance, ...], day: int,
           minute: int) -> tuple[tuple[Talked, ...], tuple[str, ...]]:
    """Conversations yesterday and earlier today (with residents and now and then a player)."""
    names = [a.name for a in people] + [p.name for p in town.residents if p.id != persona.id]
    if rng.random() < 0.15:
        names.append(rng.choice(PLAYER_NAMES))
    names = list(dict.fromkeys(names))
    yesterday = rng.sample(names, k=min(len(names), rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5])))
    today = rng.sample(names, k=min(len(names), rng.choice([0, 0, 1, 1, 2])))
    talks = [Talked(day - 1, rng.randint(7 * 60, 21 * 60), who, town.label(rng.choice(town.places)))
             for who in yesterday]
    talks += [Talked(day, rng.randint(0, max(0, minute - 1)), who, town.label(rng.choice(town.places)))
              for who in today]
    return tuple(sorted(talks, key=lambda t: (t.day, t.minute))), tuple(yesterday)


def _news(rng: random.Random, town: GenTown, persona: Persona, day: int) -> tuple[News, ...]:
    """Zero to two happenings the resident knows of, with who told it."""
    items = []
    for _ in range(rng.choice([0, 0, 1, 1, 1, 2])):
        host = rng.choice(town.residents)
        place = rng.choice(town.places)
        when = rng.choice([0, 0, 1, 1, 2, -1])
        start = rng.randint(10, 20) * 60 + rng.choice([0, 0, 30])
        title = f"{host.first_name}'s {rng.choice(vocab.HAPPENINGS)}"
        happening = Happening(f"{host.id}-{place}-d{day + when}", title, place, day + when, start, 120, host.id)
        word = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(when, f"on day {day + when}")
        text = f"{title} at {town.label(place)}, {word} at {start // 60:02d}:{start % 60:02d}."
        teller = [p for p in town.residents if p.id != persona.id]
        source = "" if host.id == persona.id else (host.name if rng.random() < 0.5 else rng.choice(teller).name)
        items.append(News(happening.key, text, happening, source))
    return tuple({n.key: n for n in items}.values())


def _memories(rng: random.Random, town: GenTown, persona: Persona, people: tuple[Acquaintance, ...],
              talks: tuple[Talked, ...], news: tuple[News, ...], day: int) -> tuple[tuple[int, str], ...]:
    """Memories that agree with the scene: conversations had, news told, people seen."""
    lines = []
    for talk in talks:
        first = talk.who.split()[0]
        lines.append(f"Talked with {first} at {talk.place}. {first} said: \"{rng.choice(_SAID)}\"")
    for _ in range(rng.choice([0, 1, 1, 2])):  # older talks, which are not yesterday's
        other = rng.choice(town.residents)
        if other.id != persona.id:
            lines.append(f"Talked with {other.first_name} at {town.label(rng.choice(town.places))}. "
                         f"{other.first_name} said: \"{rng.choice(_SAID)}\"")
    for item in news:
        if item.source:
            lines.append(f"{item.source.split()[0]} told me: {item.text}")
    for _ in range(rng.randint(0, 3)):
        other = rng.choice(town.residents)
        if other.id != persona.id:
            lines.append(f"Saw {other.name} {rng.choice(vocab.LEISURE)} at {town.label(rng.choice(town.places))}")
    rng.shuffle(lines)
    return tuple((i + 1, text) for i, text in enumerate(lines[:rng.randint(1, 6)]))


_SAID = ("The roof's leaking again.", "I'm thinking of painting the shutters blue.", "Business is slow this week.",
         "My knee's playing up.", "Have you tried the new pie at the market?", "The river's higher than I've seen it.",
         "I finally finished that book.", "The council wants to close the old bridge.", "My sister's visiting soon.",
         "I've started learning the fiddle.", "Somebody left the park gate open again.",
         "The school play is next month.", "I lost my good scarf.", "Prices keep going up.")
"""Things residents said, for memories of conversations."""

