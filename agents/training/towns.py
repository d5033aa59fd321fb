"""Procedural towns: places and residents with routines, relationships and speech, far more varied than Oakvale."""

from __future__ import annotations

import random
from dataclasses import dataclass

from agents.persona import Persona, Relationship, RoutineBlock, SpeechBook
from agents.training import vocab
from agents.training.grammar import phrase_book


@dataclass(frozen=True, slots=True)
class GenTown:
    """A generated town: its public places and its residents."""

    places: tuple[str, ...]
    residents: tuple[Persona, ...]
    styles: dict[str, str]
    """Resident id -> voice (a key of vocab.STYLES)."""
    labels: dict[str, str]
    """Place id -> display name, as a world's map labels it."""

    def label(self, place: str) -> str:
        """A place's display name; homes are named after their resident."""
        if place.startswith("home_"):
            return f"{place[5:].title()}'s home"
        return self.labels.get(place) or "The " + place.replace("_", " ").title()


def make_town(rng: random.Random, size: int) -> GenTown:
    """Create a town of ``size`` residents with jobs, homes, routines, relationships and voices."""
    jobs = rng.sample(vocab.JOBS, k=min(len(vocab.JOBS), max(4, size - rng.randint(0, 2))))
    leisure = rng.sample(vocab.LEISURE_PLACES, k=rng.randint(3, 6))
    kinds = sorted({job[1] for job in jobs} | set(leisure))
    ids_of, labels = _places(rng, kinds)
    jobs = [(job, ids_of[place], work) for job, place, work in jobs]
    public = sorted(ids_of.values())
    names = _names(rng, size)
    ids = _ids(rng, names)
    styles = {rid: rng.choice(list(vocab.STYLES)) for rid in ids}
    residents = []
    for index, (name, rid) in enumerate(zip(names, ids, strict=True)):
        occupation, workplace, work = jobs[index % len(jobs)] if rng.random() < 0.9 else ("retired", "", ())
        if workplace and rng.random() < 0.15:
            workplace = rng.choice(public)  # some work somewhere their job title does not suggest
        others = [o for o in ids if o != rid]
        relations = {o: Relationship(round(rng.uniform(-0.4, 0.95), 2), "")
                     for o in rng.sample(others, k=min(len(others), rng.randint(1, 4)))}
        residents.append(_persona(rng, rid, name, occupation, workplace or None, work, public, relations,
                                  styles[rid], ids_of))
    return GenTown(tuple(public), tuple(residents), styles, labels)


def _places(rng: random.Random, kinds: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Place ids and labels for the kinds a town has: plain ("cafe") in some towns, named in others."""
    named = rng.random() < 0.5
    town = rng.choice(vocab.SURNAME_HEADS) + rng.choice(("vale", "ford", "bury", "wick", "combe"))
    ids, labels = {}, {}
    words = rng.sample(vocab.PLACE_WORDS, k=len(vocab.PLACE_WORDS))
    for index, kind in enumerate(kinds):
        title = kind.replace("_", " ").title()
        if named and rng.random() < 0.7:
            word = words[index % len(words)]
            place = f"{word.lower().replace(' ', '_')}_{kind}"
            labels[place] = f"The {word} {title}"
        else:
            place = kind
            labels[place] = rng.choice((f"The {title}", f"{town} {title}", f"The {title}"))
        ids[kind] = place
    return ids, labels


def _names(rng: random.Random, size: int) -> list[str]:
    """Distinct full names (listed or invented), none of them Oakvale's first names."""
    names: list[str] = []
    firsts: set[str] = set()
    while len(names) < size:
        first = rng.choice(vocab.FIRST_NAMES) if rng.random() < 0.4 else _invented(rng)
        if first in firsts or first in vocab.OAKVALE_NAMES or len(first) < 3:
            continue
        firsts.add(first)
        last = (rng.choice(vocab.SURNAMES) if rng.random() < 0.5
                else rng.choice(vocab.SURNAME_HEADS) + rng.choice(vocab.SURNAME_TAILS))
        names.append(f"{first} {last}")
    return names


def _invented(rng: random.Random) -> str:
    """An invented given name from syllables."""
    name = rng.choice(vocab.NAME_ONSETS) + rng.choice(vocab.NAME_VOWELS) + rng.choice(vocab.NAME_MIDDLES)
    return (name + rng.choice(vocab.NAME_ENDINGS)).capitalize()


def _ids(rng: random.Random, names: list[str]) -> list[str]:
    """Resident ids: mostly the first name in lower case, sometimes the family name (as some worlds do)."""
    ids: list[str] = []
    for name in names:
        first, last = name.split(maxsplit=1)
        rid = last.lower() if rng.random() < 0.1 else first.lower()
        if rid in ids:
            rid = first.lower()
        while rid in ids:  # a family-name id taken as someone's given name
            rid += "x"
        ids.append(rid)
    return ids


def _persona(rng: random.Random, rid: str, name: str, occupation: str, workplace: str | None,
             work: tuple[str, ...], public: list[str], relations: dict[str, Relationship], voice: str,
             ids_of: dict[str, str]) -> Persona:
    """One generated resident."""
    work_days = frozenset(sorted(rng.sample(range(7), k=rng.randint(4, 6)))) if workplace else frozenset()
    topics = tuple(rng.sample(vocab.TOPICS, k=3)) + ((f"the {workplace.replace('_', ' ')}",) if workplace else ())
    traits = tuple(rng.sample(vocab.TRAITS, k=rng.randint(2, 4)))
    book = phrase_book(rng, voice)
    return Persona(
        id=rid, name=name, age=rng.randint(18, 84), occupation=occupation, traits=traits,
        background=f"{name.split(maxsplit=1)[0]} has lived here {rng.randint(1, 60)} years.",
        speech_style="; ".join([rng.choice(vocab.STYLES[voice]), *rng.sample(vocab.QUIRKS, k=rng.randint(0, 2))]),
        home=f"home_{rid}", workplace=workplace, work_days=work_days, sociability=round(rng.uniform(0.2, 0.95), 2),
        topics=topics, speech=SpeechBook(*book), relationships=relations,
        routine=_routine(rng, workplace, work, work_days, public, ids_of))


def _routine(rng: random.Random, workplace: str | None, work: tuple[str, ...], work_days: frozenset[int],
             public: list[str], ids_of: dict[str, str]) -> tuple[RoutineBlock, ...]:
    """A week: sleep at home, meals, work on work days, leisure and chores elsewhere."""
    everyday = frozenset(range(7))
    off = everyday - work_days
    wake = rng.randint(5 * 60, 8 * 60) // 5 * 5
    bed = rng.randint(21 * 60, 23 * 60 + 30) // 5 * 5
    leisure_places = tuple(ids_of[k] for k in vocab.LEISURE_PLACES if k in ids_of) or tuple(public)
    blocks = [RoutineBlock(wake, "meal", rng.choice(vocab.MEALS[:3]), ("home",), everyday)]
    if workplace and work_days:
        start = wake + rng.randint(30, 90) // 5 * 5
        lunch = max(start + 180, rng.randint(11 * 60 + 30, 13 * 60) // 5 * 5)
        end = max(lunch + 120, rng.randint(16 * 60, 18 * 60 + 30) // 5 * 5)
        blocks += [RoutineBlock(start, "work", rng.choice(work), ("work",), work_days),
                   RoutineBlock(lunch, "meal", rng.choice(vocab.MEALS[3:7]), (rng.choice([*leisure_places, "home"]),),
                                work_days),
                   RoutineBlock(lunch + rng.randint(30, 60) // 5 * 5, "work", rng.choice(work), ("work",), work_days),
                   RoutineBlock(end, "chores", rng.choice(vocab.CHORES), (rng.choice(public),), work_days)]
    if off:
        morning = wake + 60
        blocks += [RoutineBlock(morning, "leisure", rng.choice(vocab.LEISURE),
                                tuple(rng.sample(leisure_places, k=min(2, len(leisure_places)))), off),
                   RoutineBlock(12 * 60 + 30, "meal", rng.choice(vocab.MEALS[3:7]), ("home",), off),
                   RoutineBlock(14 * 60, "chores", rng.choice(vocab.CHORES), (rng.choice(public),), off)]
    blocks += [RoutineBlock(19 * 60, "meal", rng.choice(vocab.MEALS[6:]), ("home",), everyday),
               RoutineBlock(20 * 60, "leisure", rng.choice(vocab.LEISURE), (rng.choice(leisure_places),), everyday),
               RoutineBlock(bed, "sleep", "sleeping", ("home",), everyday)]
    return tuple(sorted(blocks, key=lambda b: b.start))
