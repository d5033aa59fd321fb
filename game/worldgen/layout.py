"""Laying out a generated town: a grid of streets, rows of houses, workplaces spread among them, open places.

The town is sections (eight lots wide) between north-south streets, and bands between east-west streets.
Each band holds two rows of lots back to back: the north row's doors open onto the street above it, the south
row's onto the street below, so every door is on a street and every street meets every other. A house takes
one lot (5x5 with walls), a workplace two (11x5), and an open place (park, square, garden, harbour) half a
section across both rows. Workplaces are dealt out evenly among the houses, so every neighbourhood has some.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from game.worldgen.grid import Grid, Rect

LOT = 6
"""Tiles per lot across: a five-tile building and a one-tile gap."""
SECTION_LOTS = 8
"""Lots between two north-south streets."""
SECTION = LOT * SECTION_LOTS + 2
"""Tiles from one north-south street to the next (the street is two wide)."""
BAND = 13
"""Tiles from one east-west street to the next: street 2, north row 5, alley 1, south row 5."""
MARGIN = 2
"""Tiles between the map's edge and the first street."""

OPEN_AIR = frozenset({"park", "square", "garden", "harbour"})
"""Kinds of place drawn as open ground rather than a building."""

FURNITURE = {"bakery": "oven counter", "cafe": "table chair", "pub": "bar_tap barrel", "inn": "bed table",
             "library": "bookshelf", "clinic": "cot desk", "school": "desk chair", "market": "stall crate",
             "chapel": "bench", "forge": "barrel crate", "mill": "crate barrel", "farm": "crate",
             "apothecary": "counter plant", "post_office": "counter desk", "studio": "table plant",
             "tailor_shop": "counter table", "town_hall": "desk plant", "workshop": "table crate"}
"""What stands along the back wall of each kind of workplace."""

_STREET_WORDS = ("Mill", "Church", "Orchard", "Bridge", "Market", "Willow", "Station", "Water", "Chapel", "Baker",
                 "Rose", "Elm", "Hill", "Kings", "Queens", "Fox", "Meadow", "Well", "Castle", "Forge", "Ash",
                 "Brook", "Cherry", "Tanner", "Lark", "Abbey", "Quarry", "Garden", "Granary", "Mason")
_STREET_KINDS = ("Street", "Lane", "Road", "Row", "Way")


@dataclass(frozen=True, slots=True)
class Lot:
    """Something to build: a house (one lot) or a public place (two lots, or half a section in the open)."""

    pid: str
    category: str
    label: str

    @property
    def open_air(self) -> bool:
        """Whether it is open ground rather than a building."""
        return self.category in OPEN_AIR

    @property
    def width(self) -> int:
        """Lots it takes in a row."""
        return 1 if self.category == "home" else 2


def lay_out(rng: random.Random, homes: list[Lot], public: list[Lot]) -> Grid:
    """A map holding every home and public place, all reachable on foot from the spawn on a central street."""
    buildings = [p for p in public if not p.open_air]
    outdoors = [p for p in public if p.open_air]
    need = len(homes) + 2 * len(buildings) + SECTION_LOTS * len(outdoors)
    blocks = math.ceil(need * 1.15 / (2 * SECTION_LOTS)) + 1
    cols = max(1, round(math.sqrt(blocks / 2.6)))
    rows = math.ceil(blocks / cols)
    while True:
        grid = _try(rng, homes, buildings, outdoors, cols, rows)
        if grid is not None:
            return grid
        rows += 1


def _try(rng: random.Random, homes: list[Lot], buildings: list[Lot], outdoors: list[Lot], cols: int,
         rows: int) -> Grid | None:
    """Lay the town out on ``cols`` x ``rows`` blocks, or None when it does not fit."""
    grid = Grid(MARGIN * 2 + cols * SECTION + 2, MARGIN * 2 + rows * BAND + 2)
    streets = [_street_name(index) for index in range(rows + 1)]
    _streets(grid, cols, rows)
    halves = [(c, r, h) for r in range(rows) for c in range(cols) for h in (0, 1)]
    taken: set[tuple[int, int, int]] = set()
    for index, lot in enumerate(outdoors):
        c, r, h = halves[index * len(halves) // max(1, len(outdoors))]
        taken.add((c, r, h))
        x, y = MARGIN + 2 + c * SECTION + h * SECTION_LOTS // 2 * LOT, MARGIN + 2 + r * BAND
        _open_place(grid, rng, lot, x, y, SECTION_LOTS // 2 * LOT - 1, BAND - 2)
    order = _interleave(homes, buildings)
    slots = [(c, r, row, i) for r in range(rows) for row in (0, 1) for c in range(cols)
             for i in range(SECTION_LOTS) if (c, r, i * 2 // SECTION_LOTS) not in taken]
    at = 0
    for lot in order:
        while at < len(slots) and lot.width == 2 and not _pair(slots, at):
            at += 1
        if at >= len(slots):
            return None
        c, r, row, i = slots[at]
        at += lot.width
        x = MARGIN + 2 + c * SECTION + i * LOT
        y = MARGIN + 2 + r * BAND + row * 6
        street = streets[r + row]
        _building(grid, lot, x, y, lot.width * LOT - 1, north=row == 0, street=street)
    grid.spawn = (MARGIN + (cols // 2) * SECTION, MARGIN + (rows // 2) * BAND)
    missing = grid.unreachable()
    if missing:
        raise AssertionError(f"generated map leaves {missing[:3]} unreachable")  # a bug in this module, not input
    return grid


def _pair(slots: list[tuple[int, int, int, int]], at: int) -> bool:
    """Whether the slot at ``at`` and the next one are neighbours in the same row of the same section."""
    return at + 1 < len(slots) and slots[at + 1][:3] == slots[at][:3] and slots[at + 1][3] == slots[at][3] + 1


def _streets(grid: Grid, cols: int, rows: int) -> None:
    """Cobbled east-west streets between bands and north-south streets between sections."""
    for r in range(rows + 1):
        grid.paint(MARGIN, MARGIN + r * BAND, cols * SECTION + 2, 2, "cobble")
    for c in range(cols + 1):
        grid.paint(MARGIN + c * SECTION, MARGIN, 2, rows * BAND + 2, "cobble")
    for r in range(rows):  # the alley between the two rows of a band
        grid.paint(MARGIN, MARGIN + r * BAND + 7, cols * SECTION + 2, 1, "dirt_path")


def _interleave(homes: list[Lot], buildings: list[Lot]) -> list[Lot]:
    """Homes with the workplaces dealt evenly among them."""
    order: list[Lot] = []
    every = (len(homes) + 1) / (len(buildings) + 1)
    b = 0
    for index, home in enumerate(homes):
        while b < len(buildings) and (b + 1) * every <= index + 1:
            order.append(buildings[b])
            b += 1
        order.append(home)
    return order + buildings[b:]


def _building(grid: Grid, lot: Lot, x: int, y: int, w: int, north: bool, street: str) -> Rect:
    """A house or a workplace with its door on ``street``, furnished along the back wall."""
    label = lot.label.replace("{street}", street)
    floor = "floor_wood" if lot.category in ("home", "inn", "pub", "cafe", "library") else "floor_stone"
    rect = grid.building(lot.pid, lot.category, label, x, y, w, 5, floor, door_north=north)
    back = y + 3 if north else y + 1
    things = ("bed",) if lot.category == "home" else tuple(FURNITURE.get(lot.category, "counter").split())
    columns = [x + 1, x + w - 2] if lot.category == "home" else [xx for xx in range(x + 1, x + w - 1)
                                                                 if (xx - x) % 4 != 0]
    for index, xx in enumerate(columns):
        grid.put(xx, back, things[index % len(things)] if lot.category != "home" else ("bed", "table")[index])
    return rect


def _open_place(grid: Grid, rng: random.Random, lot: Lot, x: int, y: int, w: int, h: int) -> Rect:
    """A park, square, garden or harbour filling an area, with paths crossing it and things round the edge."""
    base = {"park": "grass_dark", "square": "cobble", "garden": "grass", "harbour": "sand"}[lot.category]
    grid.paint(x, y, w, h, base)
    grid.paint(x, y + h // 2, w, 1, "dirt_path" if lot.category != "square" else "cobble")
    grid.paint(x + w // 2, y, 1, h, "dirt_path" if lot.category != "square" else "cobble")
    if lot.category == "harbour":
        grid.paint(x, y, w, 2, "water")
        grid.paint(x + w // 2, y, 1, 2, "bridge")
    edge = {"park": "tree", "square": "lamp", "garden": "flowerbed", "harbour": "barrel"}[lot.category]
    middle = {"park": "fountain", "square": "well", "garden": "bush", "harbour": "crate"}[lot.category]
    top = y + (3 if lot.category == "harbour" else 1)
    for xx in range(x + 1, x + w - 1, 3):
        for yy in (top, y + h - 2):
            if xx != x + w // 2 and rng.random() < 0.8:
                grid.put(xx, yy, edge)
    grid.put(x + w // 2 - 3, y + h // 2 - 1, middle)
    grid.put(x + w // 2 + 3, y + h // 2 + 1, middle)
    grid.put(x + w // 2 - 2, y + h // 2 + 1, "bench")
    return grid.area(lot.pid, lot.category, lot.label, x, y, w, h)


def _street_name(index: int) -> str:
    """A name for the index-th east-west street (distinct for the first 150)."""
    word = _STREET_WORDS[index % len(_STREET_WORDS)]
    kind = _STREET_KINDS[(index // len(_STREET_WORDS)) % len(_STREET_KINDS)]
    return f"{word} {kind}"
