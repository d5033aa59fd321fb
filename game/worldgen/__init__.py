"""Generated worlds: `npcworld new-world` writes a whole town folder (map, residents, world.toml) of any size."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace
from pathlib import Path

from agents.persona import Persona
from game.worldgen.grid import Grid, Rect
from game.worldgen.layout import lay_out
from game.worldgen.people import make_people, persona_toml, settle

MAX_RESIDENTS = 5000
"""The most residents a generated town may have (the map grows with it)."""


class WorldExistsError(Exception):
    """The folder a new world would be written to is already there."""


def new_world(out: Path, residents: int, seed: int, name: str | None = None) -> Path:
    """Write a world of ``residents`` residents into the new folder ``out``; the same seed writes the same bytes.

    The files are written into a hidden sibling folder that is renamed into place at the end, so an
    interrupted run leaves no half-written world.
    """
    if not 1 <= residents <= MAX_RESIDENTS:
        raise ValueError(f"--residents must be between 1 and {MAX_RESIDENTS}, got {residents}")
    if out.exists():
        raise WorldExistsError(f"{out} already exists; pick a new name or remove it first")
    rng = random.Random(seed)
    town, homes, public = make_people(rng, residents)
    grid = lay_out(rng, homes, public)
    _unique_labels(grid)
    people = settle(town, grid)
    title = name or out.name.replace("_", " ").replace("-", " ").title()
    partial = out.parent / f".{out.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "personas").mkdir(parents=True)
    (partial / "map.tmx").write_text(grid.tmx(), encoding="utf-8")
    for persona in people:
        (partial / "personas" / f"{persona.id}.toml").write_text(persona_toml(persona), encoding="utf-8")
    (partial / "world.toml").write_text(_world_toml(rng, title, people, grid, seed), encoding="utf-8")
    partial.rename(out)
    return out


def _unique_labels(grid: Grid) -> None:
    """Number places that would share a label ("The Bakery, Mill Street 2")."""
    seen: dict[str, int] = {}
    places: list[Rect] = []
    for place in grid.places:
        seen[place.label] = seen.get(place.label, 0) + 1
        count = seen[place.label]
        places.append(replace(place, label=f"{place.label} {count}") if count > 1 else place)
    grid.places = places


def _world_toml(rng: random.Random, title: str, people: list[Persona], grid: Grid, seed: int) -> str:
    """world.toml: the name, the map, Oakvale's start and settings, and one resident's party as seeded news."""
    host = rng.choice(people)
    venues = [p for p in grid.places if p.category in ("cafe", "pub", "inn", "park", "square", "garden")]
    venue = rng.choice(venues or [p for p in grid.places if p.category != "home"])
    first = host.name.split()[0]
    about = (f"A generated town of {len(people)} residents (npcworld new-world, seed {seed}): streets of houses "
             "with workplaces among them, and parks and squares for the evenings.")
    return f"""name = {json.dumps(title)}
description = {json.dumps(about)}
map = "map.tmx"

[start]
day = 1
time = "06:30"
weekday = "mon"

[settings]
tick_seconds = 10
walk_tiles_per_minute = 6.0
perception_radius = 6
routine_jitter_minutes = 20
conversation_cooldown_minutes = 180
conversation_max_turns = 6

# Seeded news: {first} is throwing a party; whoever hears of it may pass it on and come.
[[plant]]
npc = "{host.id}"
text = {json.dumps(f"I am throwing a party at {venue.label} on day 2 at 18:00; everyone is welcome.")}

[plant.happening]
title = "{first}'s party"
place = "{venue.pid}"
day = 2
time = "18:00"
minutes = 120
"""
