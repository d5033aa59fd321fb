"""Reading a persona's [[routine]] blocks: times, kinds, places and the days each applies on."""

from __future__ import annotations

from agents.persona import BLOCK_KINDS, WEEKDAYS, RoutineBlock, parse_hhmm
from agents.tomlfile import Table, brief

BLOCK_KEYS = ("at", "kind", "activity", "place", "places", "days")
"""Keys of a [[routine]] block."""

PLACE_CHARS = 60
"""Most characters of a place id (a persona's home, workplace and routine places; the map's place names)."""

ACTIVITY_CHARS = 120
"""Most characters of a routine block's activity."""


def weekdays(table: Table, key: str, names: tuple[str, ...]) -> set[int]:
    """Turn weekday names into indexes, rejecting unknown names."""
    days = set()
    for name in names:
        if name not in WEEKDAYS:
            raise table.error(key, f"{brief(name)} is not a weekday (expected one of: {', '.join(WEEKDAYS)})")
        days.add(WEEKDAYS.index(name))
    return days


def read_routine(root: Table, work_days: frozenset[int], workplace: str | None) -> tuple[RoutineBlock, ...]:
    """Read the [[routine]] blocks and check that they make a livable week."""
    blocks = []
    seen: dict[tuple[int, int], int] = {}
    tables = root.tables("routine", required=True)
    if not tables:
        raise root.error("routine", "needs at least one [[routine]] block")
    for index, table in enumerate(tables):
        block = _block(table, work_days, workplace)
        for day in block.days:
            if (day, block.start) in seen:
                raise table.error("at", f"two blocks start at the same time on {WEEKDAYS[day]} "
                                  f"(blocks {seen[(day, block.start)] + 1} and {index + 1})")
            seen[(day, block.start)] = index
        blocks.append(block)
    if not any(b.kind == "sleep" and b.places == ("home",) for b in blocks):
        raise root.error("routine", "needs a block with kind = \"sleep\" and place = \"home\"")
    for day in sorted(work_days):
        if not any(b.kind == "work" and day in b.days for b in blocks):
            raise root.error("routine", f"{WEEKDAYS[day]} is a work day but no work block applies on it")
    return tuple(sorted(blocks, key=lambda b: b.start))


def _block(table: Table, work_days: frozenset[int], workplace: str | None) -> RoutineBlock:
    """Read one routine block."""
    table.check_keys(BLOCK_KEYS)
    start = parse_hhmm(table.get("at", str))
    if start is None:
        raise table.error("at", f"expected a time as \"HH:MM\", got {brief(table.data['at'])}")
    kind = table.get("kind", str)
    if kind not in BLOCK_KINDS:
        raise table.error("kind", f"{brief(kind)} is not a block kind (expected one of: {', '.join(BLOCK_KINDS)})")
    if ("place" in table.data) == ("places" in table.data):
        raise table.error(None, "give exactly one of 'place' or 'places'")
    places = ((table.text("place", PLACE_CHARS, single_line=True),) if "place" in table.data
              else table.strings("places", min_len=1, max_chars=PLACE_CHARS))
    if "work" in places and workplace is None:
        raise table.error("place", "place \"work\" needs a 'workplace' in the persona")
    activity = table.text("activity", ACTIVITY_CHARS, kind, single_line=True)
    return RoutineBlock(start, kind, activity, places,
                        frozenset(_block_days(table, work_days)))


def _block_days(table: Table, work_days: frozenset[int]) -> set[int]:
    """Resolve a block's ``days``: "all", "work", "off" or a list of weekday names."""
    days = table.data.get("days", "all")
    if isinstance(days, list):
        return weekdays(table, "days", table.strings("days", min_len=1, max_len=7))
    if days == "all":
        return set(range(7))
    if days == "work":
        return set(work_days)
    if days == "off":
        return set(range(7)) - set(work_days)
    raise table.error("days", f"expected \"all\", \"work\", \"off\" or a list of weekdays, got {brief(days)}")
