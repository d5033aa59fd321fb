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


@dataclass(frozen=True, slots=True)
class TimedEvent:
    """Something a scenario makes happen at a set day and time.

    ``action`` is "plant" (``npc`` remembers ``text``), "move" (``npc`` walks to ``place``), or "happening"
    (``title`` at ``place`` for ``minutes`` starts now; with ``announce`` everyone hears of it).
    """

    day: int
    minute: int
    action: str
    npc: str | None = None
    text: str | None = None
    place: str | None = None
    title: str | None = None
    minutes: int = 120
    announce: bool = True


EVENT_ACTIONS = ("plant", "move", "happening")
"""What a timed event may do."""


def events_from_table(table: Table, residents: set[str], places: set[str]) -> tuple[TimedEvent, ...]:
    """Read world.toml's ``[[event]]`` entries, checking residents, places and fields per action."""
    events = []
    for entry in table.tables("event"):
        entry.check_keys(("day", "time", "action", "npc", "text", "place", "title", "minutes", "announce"))
        minute = parse_hhmm(entry.get("time", str))
        if minute is None:
            raise entry.error("time", f"expected a time as \"HH:MM\", got {entry.data['time']!r}")
        action = entry.get("action", str)
        if action not in EVENT_ACTIONS:
            raise entry.error("action", f"'{action}' is not an event action (expected one of: "
                              f"{', '.join(EVENT_ACTIONS)})")
        needs = {"plant": ("npc", "text"), "move": ("npc", "place"), "happening": ("title", "place")}[action]
        values = {key: entry.get(key, str) for key in needs}
        if "npc" in values and values["npc"] not in residents:
            raise entry.error("npc", f"no resident with id '{values['npc']}'")
        if "place" in values and values["place"] not in places:
            raise entry.error("place", f"no place named '{values['place']}'")
        events.append(TimedEvent(entry.get("day", int), minute, action, values.get("npc"), values.get("text"),
                                 values.get("place"), values.get("title"), entry.get("minutes", int, 120),
                                 entry.get("announce", bool, True)))
    return tuple(sorted(events, key=lambda e: (e.day, e.minute)))
