"""Seeded news: memories planted in residents at the start (from world.toml or the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agents.errors import ContentError
from agents.memory import Happening
from agents.persona import parse_hhmm
from agents.routine_file import PLACE_CHARS
from agents.tomlfile import Table, brief

MAX_DAY = 10_000
"""The last day a world may start on or a scenario may name (some 27 years of game time)."""

MAX_MINUTES = 24 * 60
"""The longest a happening may last."""

TEXT_CHARS = 400
"""Most characters of a planted memory's text."""

TITLE_CHARS = 120
"""Most characters of a happening's title."""


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
        npc, text = entry.text("npc", PLACE_CHARS, single_line=True), entry.text("text", TEXT_CHARS)
        happening = None
        if "happening" in entry.data:
            h = entry.table("happening", required=True)
            h.check_keys(("title", "place", "day", "time", "minutes"))
            start = _time(h)
            place, day = h.text("place", PLACE_CHARS, single_line=True), day_field(h, "day")
            minutes = _minutes(h)
            happening = Happening(happening_key(npc, place, day, start), _title(h), place, day, start, minutes, npc)
        plants.append(Plant(npc, text, happening))
    return tuple(plants)


def day_field(table: Table, key: str, default: int | None = None, first: int = 1) -> int:
    """Return a day number between ``first`` and ``MAX_DAY``."""
    day: int = table.get(key, int, ... if default is None else default)
    if not first <= day <= MAX_DAY:
        raise table.error(key, f"must be a day between {first} and {MAX_DAY:,}, got {brief(day)}")
    return day


def _time(table: Table) -> int:
    """Return the ``time`` field ("HH:MM") as minutes after midnight."""
    start = parse_hhmm(table.get("time", str))
    if start is None:
        raise table.error("time", f"expected a time as \"HH:MM\", got {brief(table.data['time'])}")
    return start


def _minutes(table: Table) -> int:
    """Return the ``minutes`` a happening lasts (120 unless given)."""
    minutes: int = table.get("minutes", int, 120)
    if not 1 <= minutes <= MAX_MINUTES:
        raise table.error("minutes", f"must be between 1 and {MAX_MINUTES}, got {brief(minutes)}")
    return minutes


def _title(table: Table) -> str:
    """Return a happening's one-line ``title``."""
    title: str = table.text("title", TITLE_CHARS, single_line=True)
    return title


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
    if not 1 <= day <= MAX_DAY or not 1 <= minutes <= MAX_MINUTES:
        raise ContentError(where, None, f"day must be 1 to {MAX_DAY:,} and minutes 1 to {MAX_MINUTES}, "
                           f"got {value!r}")
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


def events_from_table(table: Table, residents: set[str], places: set[str], first_day: int = 1
                      ) -> tuple[TimedEvent, ...]:
    """Read world.toml's ``[[event]]`` entries, checking days, residents, places and fields per action.

    An event before ``first_day`` (the day the world starts) is an error: it could never happen then.
    """
    events = []
    for entry in table.tables("event"):
        entry.check_keys(("day", "time", "action", "npc", "text", "place", "title", "minutes", "announce"))
        day, minute = day_field(entry, "day", first=first_day), _time(entry)
        action = entry.get("action", str)
        if action not in EVENT_ACTIONS:
            raise entry.error("action", f"{brief(action)} is not an event action (expected one of: "
                              f"{', '.join(EVENT_ACTIONS)})")
        needs = {"plant": ("npc", "text"), "move": ("npc", "place"), "happening": ("title", "place")}[action]
        limits = {"npc": PLACE_CHARS, "place": PLACE_CHARS, "text": TEXT_CHARS, "title": TITLE_CHARS}
        values = {key: entry.text(key, limits[key], single_line=key != "text") for key in needs}
        if "npc" in values and values["npc"] not in residents:
            raise entry.error("npc", f"no resident with id {brief(values['npc'])}")
        if "place" in values and values["place"] not in places:
            raise entry.error("place", f"no place named {brief(values['place'])}")
        events.append(TimedEvent(day, minute, action, values.get("npc"), values.get("text"), values.get("place"),
                                 values.get("title"), _minutes(entry), entry.get("announce", bool, True)))
    return tuple(sorted(events, key=lambda e: (e.day, e.minute)))
