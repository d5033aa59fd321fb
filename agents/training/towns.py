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


def make_town(rng: random.Random, size: int) -> GenTown:
    """Create a town of ``size`` residents with jobs, homes, routines, relationships and voices."""
    jobs = rng.sample(vocab.JOBS, k=min(len(vocab.JOBS), max(4, size - rng.randint(0, 2))))
    leisure = rng.sample(vocab.LEISURE_PLACES, k=rng.randint(3, 6))
    public = sorted({job[1] for job in jobs} | set(leisure))
    names = _names(rng, size)
    ids = [_id(name) for name in names]
    styles = {rid: rng.choice(list(vocab.STYLES)) for rid in ids}
    residents = []
    for index, (name, rid) in enumerate(zip(names, ids, strict=True)):
        occupation, workplace, work = jobs[index % len(jobs)] if rng.random() < 0.9 else ("retired", "", ())
        others = [o for o in ids if o != rid]
        relations = {o: Relationship(round(rng.uniform(-0.4, 0.95), 2), "")
                     for o in rng.sample(others, k=min(len(others), rng.randint(1, 4)))}
        residents.append(_persona(rng, rid, name, occupation, workplace or None, work, public, relations,
                                  styles[rid]))
    return GenTown(tuple(public), tuple(residents), styles)


def _names(rng: random.Random, size: int) -> list[str]:
    """Distinct full names whose first names are not Oakvale's."""
    firsts = [n for n in vocab.FIRST_NAMES if n not in vocab.OAKVALE_NAMES]
    chosen = rng.sample(firsts, k=size)
    return [f"{first} {rng.choice(vocab.SURNAMES)}" for first in chosen]


def _id(name: str) -> str:
    """A resident id from a name (the first name, lowercase)."""
    return name.split(maxsplit=1)[0].lower()


def _persona(rng: random.Random, rid: str, name: str, occupation: str, workplace: str | None,
             work: tuple[str, ...], public: list[str], relations: dict[str, Relationship], voice: str) -> Persona:
    """One generated resident."""
    work_days = frozenset(sorted(rng.sample(range(7), k=rng.randint(4, 6)))) if workplace else frozenset()
    topics = tuple(rng.sample(vocab.TOPICS, k=3)) + ((f"the {workplace.replace('_', ' ')}",) if workplace else ())
    traits = tuple(rng.sample(vocab.TRAITS, k=rng.randint(2, 4)))
    book = phrase_book(rng, voice)
    return Persona(
        id=rid, name=name, age=rng.randint(18, 84), occupation=occupation, traits=traits,
        background=f"{name.split(maxsplit=1)[0]} has lived here {rng.randint(1, 60)} years.",
        speech_style="; ".join([vocab.STYLES[voice], *rng.sample(vocab.QUIRKS, k=rng.randint(0, 2))]),
        home=f"home_{rid}", workplace=workplace, work_days=work_days, sociability=round(rng.uniform(0.2, 0.95), 2),
        topics=topics, speech=SpeechBook(*book), relationships=relations,
        routine=_routine(rng, workplace, work, work_days, public))


def _routine(rng: random.Random, workplace: str | None, work: tuple[str, ...], work_days: frozenset[int],
             public: list[str]) -> tuple[RoutineBlock, ...]:
    """A week: sleep at home, meals, work on work days, leisure and chores elsewhere."""
    everyday = frozenset(range(7))
    off = everyday - work_days
    wake = rng.randint(5 * 60, 8 * 60) // 5 * 5
    bed = rng.randint(21 * 60, 23 * 60 + 30) // 5 * 5
    leisure_places = tuple(p for p in public if p in vocab.LEISURE_PLACES) or tuple(public)
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
