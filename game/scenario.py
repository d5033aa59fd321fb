"""Seeded news: memories planted in residents at the start (from world.toml or the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agents.errors import ContentError
from agents.memory import Happening
from agents.persona import parse_hhmm
from agents.tomlfile import Table


@dataclass(frozen=True, slots=True)
class Plant:
    """A memory to plant in a resident at the start, optionally about a happening."""

    npc: str
    text: str
    happening: Happening | None = None


def happening_key(host: str, place: str, day: int, start: int) -> str:
    """A readable unique key for a happening."""
    return f"{host}-{place}-d{day}-{start // 60:02d}{start % 60:02d}"


def plants_from_table(table: Table) -> tuple[Plant, ...]:
    """Read world.toml's ``[[plant]]`` entries: npc, text, and an optional ``happening`` table."""
    plants = []
    for entry in table.tables("plant"):
        entry.check_keys(("npc", "text", "happening"))
        npc, text = entry.get("npc", str), entry.get("text", str)
        happening = None
        if "happening" in entry.data:
            h = entry.table("happening", required=True)
            h.check_keys(("title", "place", "day", "time", "minutes"))
            start = parse_hhmm(h.get("time", str))
            if start is None:
                raise h.error("time", f"expected a time as \"HH:MM\", got {h.data['time']!r}")
            place, day = h.get("place", str), h.get("day", int)
            minutes = h.get("minutes", int, 120)
            if not 1 <= minutes <= 24 * 60:
                raise h.error("minutes", "must be between 1 and 1440")
            happening = Happening(happening_key(npc, place, day, start), h.get("title", str), place, day, start,
                                  minutes, npc)
        plants.append(Plant(npc, text, happening))
    return tuple(plants)


def parse_plant_flag(value: str) -> Plant:
    """Parse ``--plant "NPC: text"`` (a plain memory)."""
    npc, sep, text = value.partition(":")
    if not sep or not npc.strip() or not text.strip():
        raise ContentError(Path("--plant"), None, f"expected \"NPC: text\", got {value!r}")
    return Plant(npc.strip(), text.strip())


def parse_event_flag(value: str) -> Plant:
    """Parse ``--plant-event "HOST|TITLE|PLACE|DAY|HH:MM[|MINUTES]"``: the host knows it is hosting it."""
    parts = [p.strip() for p in value.split("|")]
    where = Path("--plant-event")
    if len(parts) not in (5, 6):
        raise ContentError(where, None, f"expected \"HOST|TITLE|PLACE|DAY|HH:MM[|MINUTES]\", got {value!r}")
    host, title, place, day_text, time_text = parts[:5]
    start = parse_hhmm(time_text)
    if start is None or not day_text.isdigit() or (len(parts) == 6 and not parts[5].isdigit()):
        raise ContentError(where, None, f"day must be a number, time HH:MM and minutes a number, got {value!r}")
    day, minutes = int(day_text), int(parts[5]) if len(parts) == 6 else 120
    happening = Happening(happening_key(host, place, day, start), title, place, day, start, minutes, host)
    return Plant(host, f"I am hosting {title} at {place} on day {day} at {time_text}.", happening)


def check_plants(plants: tuple[Plant, ...], residents: set[str], places: set[str], source: Path) -> None:
    """Reject plants that name an unknown resident or place."""
    for plant in plants:
        if plant.npc not in residents:
            raise ContentError(source, "plant.npc", f"no resident with id '{plant.npc}' "
                               f"(known: {', '.join(sorted(residents))})")
        if plant.happening is not None and plant.happening.place not in places:
            raise ContentError(source, "plant.happening.place", f"no place named '{plant.happening.place}'")
