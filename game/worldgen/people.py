"""The people of a generated town: the corpus generator's residents, spread over many shops, written as files.

Residents come from agents.training.towns.make_town (the maker the training corpus uses), which gives each
kind of place one id. A large town has several of each: a kind gets one place per WORKERS_PER_PLACE workers
(open places and leisure-only kinds one per so many residents), and each resident works at, and spends free
time in, the one of a kind nearest home.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import replace

from agents.persona import WEEKDAYS, Persona
from agents.training.towns import GenTown, make_town
from agents.training.vocab import JOBS, LEISURE_PLACES
from game.worldgen.grid import Grid
from game.worldgen.layout import OPEN_AIR, Lot

WORKERS_PER_PLACE = 20
"""Workers per workplace (a kind with more gets another place of that kind)."""
RESIDENTS_PER_HAUNT = 150
"""Residents per place of a kind nobody works at (or an open place)."""
VACANT_EVERY = 25
"""One empty house per so many residents, for newcomers."""

KINDS = frozenset({job[1] for job in JOBS} | set(LEISURE_PLACES))
"""Every kind of public place the maker can give a town."""


def make_people(rng: random.Random, count: int) -> tuple[GenTown, list[Lot], list[Lot]]:
    """The town's residents, and the houses and public places to build for them (one id per place kind yet)."""
    town = make_town(rng, count)
    workers = Counter(p.workplace for p in town.residents if p.workplace)
    public = []
    for pid in town.places:
        kind = kind_of(pid)
        many = (max(1, round(count / RESIDENTS_PER_HAUNT)) if kind in OPEN_AIR or not workers[pid]
                else max(1, math.ceil(workers[pid] / WORKERS_PER_PLACE)))
        base = town.labels.get(pid) or town.label(pid)
        for n in range(many):
            label = base if many == 1 else (f"{base} {n + 1}" if kind in OPEN_AIR else f"{base}, {{street}}")
            public.append(Lot(pid if many == 1 else f"{pid}_{n + 1}", kind, label))
    homes = [Lot(p.home, "home", f"{p.first_name}'s House") for p in town.residents]
    homes += [Lot(f"home_vacant_{n + 1}", "home", "Empty House") for n in range(max(1, count // VACANT_EVERY))]
    rng.shuffle(homes)  # neighbours are strangers as often as not, as in a real town
    return town, homes, public


def kind_of(pid: str) -> str:
    """The kind of a maker's place id ("golden_bakery" -> "bakery")."""
    return max((k for k in KINDS if pid == k or pid.endswith("_" + k)), key=len)


def settle(town: GenTown, grid: Grid) -> list[Persona]:
    """Each resident's workplace and haunts moved to the place of that kind nearest its home."""
    centre = {p.pid: (p.x + p.w / 2, p.y + p.h / 2) for p in grid.places}
    instances: dict[str, list[str]] = {}
    for pid in town.places:
        instances[pid] = [q for q in centre if q == pid or (q.startswith(pid + "_") and q[len(pid) + 1:].isdigit())]
    jobs = {p.id: p.occupation for p in town.residents}
    known_by: dict[str, set[str]] = {p.id: set() for p in town.residents}
    for p in town.residents:
        for other in p.relationships:
            known_by[other].add(p.id)
    settled = []
    for persona in town.residents:
        home = centre[persona.home]

        def near(pid: str, home: tuple[float, float] = home) -> str:
            """The place of ``pid``'s kind nearest this resident's home ("home" and "work" stay as they are)."""
            if pid in ("home", "work") or pid not in instances:
                return pid
            return min(instances[pid], key=lambda q: (abs(centre[q][0] - home[0]) + abs(centre[q][1] - home[1]), q))

        routine = tuple(replace(b, places=tuple(dict.fromkeys(near(p) for p in b.places))) for b in persona.routine)
        mutual = known_by[persona.id]
        relations = {other: replace(rel, note=rel.note or _note(rel.closeness, jobs[other], other in mutual))
                     for other, rel in persona.relationships.items()}
        settled.append(replace(persona, workplace=near(persona.workplace) if persona.workplace else None,
                               routine=routine, relationships=relations))
    return settled


def _note(closeness: float, job: str, mutual: bool) -> str:
    """How one resident knows another, in words, from how close they are and the other's job."""
    who = "retired" if job == "retired" else f"the {job}"
    if closeness >= 0.6:
        how = "old friends; would drop anything to help" if mutual else "thinks the world of them"
    elif closeness >= 0.3:
        how = "friendly; stops to chat"
    elif closeness >= 0.0:
        how = "knows them to nod to"
    else:
        how = "they rub each other up the wrong way"
    return f"{who}; {how}"


def persona_toml(persona: Persona) -> str:
    """A persona as the TOML file `persona validate` reads."""
    q = _quote
    lines = [f"# {persona.name}: {persona.occupation} (generated by npcworld new-world)",
             f"name = {q(persona.name)}", f"age = {persona.age}", f"occupation = {q(persona.occupation)}",
             f"traits = {_list(persona.traits)}", f"background = {q(persona.background)}",
             f"speech_style = {q(persona.speech_style)}", f"home = {q(persona.home)}"]
    if persona.workplace:
        lines += [f"workplace = {q(persona.workplace)}",
                  f"work_days = {_list(WEEKDAYS[d] for d in sorted(persona.work_days))}"]
    lines += [f"sociability = {persona.sociability}", f"topics = {_list(persona.topics)}", "", "[speech]",
              f"greetings = {_list(persona.speech.greetings)}", f"smalltalk = {_list(persona.speech.smalltalk)}",
              f"farewells = {_list(persona.speech.farewells)}"]
    if persona.relationships:
        lines += ["", "[relationships]"]
        lines += [f"{other} = {{ closeness = {rel.closeness}, note = {q(rel.note)} }}"
                  for other, rel in sorted(persona.relationships.items())]
    for block in persona.routine:
        days = "all" if len(block.days) == 7 else [WEEKDAYS[d] for d in sorted(block.days)]
        lines += ["", "[[routine]]", f'at = "{block.start // 60:02d}:{block.start % 60:02d}"',
                  f"kind = {q(block.kind)}", f"activity = {q(block.activity)}",
                  f"place = {q(block.places[0])}" if len(block.places) == 1 else f"places = {_list(block.places)}",
                  f"days = {q(days) if isinstance(days, str) else _list(days)}"]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A TOML basic string (JSON's escaping is a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _list(items: object) -> str:
    """A TOML array of strings."""
    return "[" + ", ".join(_quote(str(item)) for item in items) + "]"  # type: ignore[attr-defined]
