"""World loading: world.toml, its map and its personas, cross-checked, with errors that name file and field."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from agents.errors import ContentError
from agents.persona import WEEKDAYS, Persona, parse_hhmm
from agents.persona_file import load_persona
from agents.tomlfile import TomlDoc, brief
from game.world.scenario import (
    Plant,
    TimedEvent,
    check_plants,
    day_field,
    events_from_table,
    plants_from_table,
)
from game.world.settings import Settings, settings_from_table
from game.world.worldmap import TileMap, load_tilemap

WORLDS_DIR = Path(__file__).resolve().parents[2] / "worlds"
"""Where named worlds live."""

_WORLD_KEYS = ("name", "description", "map", "start", "settings", "plant", "event")

NAME_CHARS, DESCRIPTION_CHARS, MAP_PATH_CHARS = 60, 2000, 255
"""Most characters of world.toml's ``name``, ``description`` and ``map``."""


@dataclass(frozen=True, slots=True)
class WorldDef:
    """A validated world, ready to be turned into a simulation."""

    name: str
    root: Path
    description: str
    tilemap: TileMap
    start_day: int
    start_minute: int
    start_weekday: int
    settings: Settings
    personas: tuple[Persona, ...]
    plants: tuple[Plant, ...] = ()
    """Memories planted at the start (world.toml's [[plant]] entries)."""
    events: tuple[TimedEvent, ...] = ()
    """Timed scenario events (world.toml's [[event]] entries)."""


def resolve_world(name_or_path: str | Path) -> Path:
    """Turn ``--world`` (a name under worlds/ or a path to a world folder) into a folder path."""
    candidate = Path(name_or_path)
    if candidate.is_dir():
        return candidate
    named = WORLDS_DIR / str(name_or_path)
    if named.is_dir():
        return named
    known = ", ".join(sorted(p.name for p in WORLDS_DIR.iterdir() if (p / "world.toml").exists())) \
        if WORLDS_DIR.is_dir() else "none"
    raise ContentError(candidate, None, f"no world folder here or under {WORLDS_DIR} (known worlds: {known})")


def load_world(name_or_path: str | Path) -> WorldDef:
    """Load and validate a world folder: world.toml, the map it names, and personas/*.toml."""
    root = resolve_world(name_or_path)
    path = root / "world.toml"
    if not path.exists() and not path.is_symlink():  # a broken link or a loop is named as one by TomlDoc
        raise ContentError(path, None, "a world folder needs a world.toml")
    table = TomlDoc(path).root()
    table.check_keys(_WORLD_KEYS)
    name = table.text("name", NAME_CHARS, single_line=True)
    description = table.text("description", DESCRIPTION_CHARS, "", empty_ok=True)
    map_name = table.text("map", MAP_PATH_CHARS, single_line=True)
    tilemap = load_tilemap(root / map_name)
    for place, other in tilemap.unreachable_places():
        raise ContentError(tilemap.path, f"places.{place}", f"cannot be reached on foot from '{other}'")
    start = table.table("start", required=True)
    start.check_keys(("day", "time", "weekday"))
    minute = parse_hhmm(start.get("time", str))
    if minute is None:
        raise start.error("time", f"expected a time as \"HH:MM\", got {brief(start.data['time'])}")
    weekday = start.get("weekday", str, "mon")
    if weekday not in WEEKDAYS:
        raise start.error("weekday", f"{brief(weekday)} is not a weekday (expected one of: {', '.join(WEEKDAYS)})")
    day = day_field(start, "day", 1)
    personas = load_personas(root / "personas", tilemap)
    plants = plants_from_table(table)
    check_plants(plants, {p.id for p in personas}, set(tilemap.places), path)
    events = events_from_table(table, {p.id for p in personas}, set(tilemap.places), first_day=day)
    return WorldDef(
        name=name, root=root, description=description,
        tilemap=tilemap, start_day=day, start_minute=minute, start_weekday=WEEKDAYS.index(weekday),
        settings=settings_from_table(table.table("settings")) if "settings" in table.data else Settings(),
        personas=personas, plants=plants, events=events,
    )


def load_personas(folder: Path, tilemap: TileMap) -> tuple[Persona, ...]:
    """Load every persona file in ``folder`` (sorted by name) and check it against the map and the others."""
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise ContentError(folder, None, "a world needs at least one persona file (personas/*.toml)")
    personas = [load_persona(path) for path in files]
    check_personas(personas, tilemap)
    return tuple(personas)


def check_personas(personas: list[Persona], tilemap: TileMap, known_ids: set[str] | None = None) -> None:
    """Check references: places exist and can be stood on, related residents exist, names are unique.

    ``known_ids`` adds residents whose files exist but did not load (so one broken file does not make
    every mention of it an error too).
    """
    ids = {p.id for p in personas} | (known_ids or set())
    names: dict[str, Path | None] = {}
    for persona in personas:
        path = persona.source or Path(persona.id)
        if persona.name in names:
            raise ContentError(path, "name", f"'{persona.name}' is already the name of {names[persona.name]}")
        names[persona.name] = persona.source
        _check_place(path, "home", persona.home, tilemap)
        if persona.workplace is not None:
            _check_place(path, "workplace", persona.workplace, tilemap)
        for block in persona.routine:
            for where in block.places:
                resolved = persona.resolve_place(where)
                if resolved is not None and where not in ("home", "work"):
                    _check_place(path, f"routine (block at {block.start // 60:02d}:{block.start % 60:02d})",
                                 resolved, tilemap)
        for other in persona.relationships:
            if other not in ids:
                raise ContentError(path, f"relationships.{other}",
                                   f"no resident with id '{other}' (known: {', '.join(sorted(ids))})",
                                   _line_of(path, other))


def _check_place(path: Path, field: str, place: str, tilemap: TileMap) -> None:
    """Raise unless ``place`` is a place of the map with at least one walkable tile."""
    if place not in tilemap.places:
        close = difflib.get_close_matches(place, list(tilemap.places), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(sorted(tilemap.places))}"
        raise ContentError(path, field, f"no place named '{place}' in {tilemap.path.name} ({hint})",
                           _line_of(path, place))
    if not tilemap.places[place].tiles:
        raise ContentError(path, field, f"'{place}' in {tilemap.path.name} has no walkable tile "
                           "(every tile of it is blocked)", _line_of(path, place))


def _line_of(path: Path, needle: str) -> int | None:
    """Return the first line of ``path`` that mentions ``needle`` as a quoted string or a key."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip()
        if f'"{needle}"' in line or stripped.startswith((f"{needle} ", f"{needle}=")):
            return number
    return None
