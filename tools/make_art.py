"""Generate the project's original pixel art: the town tileset, character sheet and bitmap font.

Everything is drawn procedurally from a small fixed palette and a hash-based noise function,
so running the script twice writes byte-identical PNG files. Usage::

    .venv/bin/python tools/make_art.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

TOOLS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TOOLS_DIR.parent
if str(TOOLS_DIR) not in sys.path:
    sys.path.insert(0, str(TOOLS_DIR))

from font_glyphs import BASELINE, GLYPH_ROWS, glyph_rows  # noqa: E402
from tiles import COLUMNS, TILE_SIZE, TILES  # noqa: E402

# --------------------------------------------------------------------------------------------
# Palette, noise and drawing helpers
# --------------------------------------------------------------------------------------------

Rgb = tuple[int, int, int]
Rgba = tuple[int, int, int, int]

PAL: dict[str, Rgb] = {
    "grass": (110, 170, 82), "grass_lt": (134, 190, 96), "grass_dk": (90, 150, 72),
    "moss": (82, 140, 74), "moss_lt": (102, 160, 84), "moss_dk": (66, 120, 64),
    "dirt": (196, 158, 108), "dirt_lt": (214, 180, 130), "dirt_dk": (168, 130, 88),
    "sand": (236, 216, 164), "sand_lt": (248, 234, 194), "sand_dk": (216, 192, 138),
    "stone": (162, 160, 166), "stone_lt": (192, 190, 192), "stone_dk": (126, 124, 136),
    "stone_dd": (90, 88, 104), "mortar": (110, 108, 122),
    "water": (78, 146, 208), "water_lt": (114, 178, 230), "water_hl": (188, 226, 248),
    "water_dk": (62, 118, 184),
    "wood": (170, 114, 70), "wood_lt": (200, 146, 92), "wood_dk": (134, 86, 54), "wood_dd": (92, 58, 42),
    "plank": (212, 162, 108), "plank_lt": (228, 186, 132), "plank_dk": (184, 136, 88),
    "plank_dd": (150, 106, 70),
    "brick": (178, 108, 88), "brick_lt": (200, 134, 108), "brick_dk": (136, 80, 70),
    "cap": (228, 210, 174), "cap_lt": (248, 238, 212), "cap_dk": (190, 166, 134),
    "leaf": (78, 150, 74), "leaf_lt": (116, 182, 88), "leaf_dk": (54, 112, 64), "leaf_dd": (34, 76, 52),
    "trunk": (130, 88, 58), "trunk_dk": (92, 62, 46),
    "red": (208, 74, 68), "red_dk": (152, 50, 54), "cream": (246, 234, 206), "gold": (238, 188, 76),
    "yellow": (252, 226, 114), "orange": (240, 138, 58), "blue": (86, 126, 198), "blue_dk": (62, 94, 158),
    "purple": (152, 106, 182), "pink": (240, 148, 178), "white": (248, 248, 242),
    "iron": (62, 62, 76), "metal": (118, 122, 136), "metal_lt": (178, 184, 194),
    "soil": (116, 82, 60), "soil_dk": (90, 62, 48), "ink": (40, 32, 44),
    "clay": (200, 108, 72), "clay_dk": (158, 78, 58), "wool": (128, 146, 112), "wool_dk": (100, 116, 90),
    "glass": (126, 180, 222), "glass_lt": (204, 232, 248), "fire": (244, 124, 42), "fire_lt": (252, 210, 88),
    "tile_a": (238, 228, 206), "tile_b": (176, 196, 178), "tile_line": (150, 146, 136),
    "rug": (176, 62, 64), "rug_dk": (132, 44, 52),
}
"""The fixed palette every tile is painted from."""

SHADOW: Rgba = (20, 16, 30, 70)
"""Translucent drop shadow cast by objects onto the ground below them."""

Painter = Callable[[pygame.Surface], None]
Ellipse = tuple[float, float, float, float]


def noise(x: int, y: int, seed: int) -> float:
    """Return a deterministic pseudo-random value in [0, 1) for a pixel and seed."""
    h = (x * 374761393 + y * 668265263 + seed * 1442695041) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    return ((h ^ (h >> 16)) & 0xFFFF) / 65536.0


def put(s: pygame.Surface, x: int, y: int, color: Rgb | Rgba) -> None:
    """Set one pixel, ignoring coordinates outside the surface."""
    if 0 <= x < s.get_width() and 0 <= y < s.get_height():
        s.set_at((x, y), color)


def box(s: pygame.Surface, rect: tuple[int, int, int, int], color: Rgb | Rgba) -> None:
    """Fill an (x, y, w, h) rectangle, replacing pixels (alpha included)."""
    s.fill(color, pygame.Rect(rect))


def in_ellipse(x: int, y: int, shape: Ellipse) -> bool:
    """Return whether the centre of pixel (x, y) lies inside the (cx, cy, rx, ry) ellipse."""
    cx, cy, rx, ry = shape
    return ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1.0


def ellipse(s: pygame.Surface, shape: Ellipse, color: Rgb | Rgba) -> None:
    """Fill the pixels whose centres lie inside an axis-aligned (cx, cy, rx, ry) ellipse."""
    for y in range(s.get_height()):
        for x in range(s.get_width()):
            if in_ellipse(x, y, shape):
                s.set_at((x, y), color)


def speckle(s: pygame.Surface, seed: int, rules: list[tuple[float, float, Rgb]], area: pygame.Rect) -> None:
    """Recolour pixels of ``area`` whose noise value falls in a rule's [low, high) band."""
    for y in range(area.top, area.bottom):
        for x in range(area.left, area.right):
            n = noise(x, y, seed)
            for low, high, color in rules:
                if low <= n < high:
                    put(s, x, y, color)
                    break


def outline(s: pygame.Surface, color: Rgb) -> None:
    """Draw ``color`` on every transparent pixel that touches an opaque one (4-neighbourhood)."""
    w, h = s.get_size()
    solid = {(x, y) for y in range(h) for x in range(w) if s.get_at((x, y)).a >= 200}
    for y in range(h):
        for x in range(w):
            if (x, y) not in solid and any(
                (x + dx, y + dy) in solid for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
            ):
                s.set_at((x, y), color)


def new_tile() -> pygame.Surface:
    """Return a fresh transparent tile surface."""
    return pygame.Surface((TILE_SIZE, TILE_SIZE), pygame.SRCALPHA)


def full() -> pygame.Rect:
    """Return the rectangle covering a whole tile."""
    return pygame.Rect(0, 0, TILE_SIZE, TILE_SIZE)


def object_tile(draw: Painter, edge: Rgb, shadow: Ellipse | None) -> Painter:
    """Wrap an object drawing: outline it with ``edge`` and lay it over an optional soft shadow."""

    def paint(s: pygame.Surface) -> None:
        body = new_tile()
        draw(body)
        outline(body, edge)
        if shadow is not None:
            ellipse(s, shadow, SHADOW)
        s.blit(body, (0, 0))

    return paint


# --------------------------------------------------------------------------------------------
# Ground tiles (opaque)
# --------------------------------------------------------------------------------------------


def paint_grass(s: pygame.Surface, key: str = "grass", seed: int = 3) -> None:
    """Paint speckled grass with a few small tufts."""
    s.fill(PAL[key])
    speckle(s, seed, [(0.0, 0.08, PAL[key + "_lt"]), (0.08, 0.14, PAL[key + "_dk"])], full())
    for i in range(5):
        x, y = 2 + int(noise(i, 7, seed) * 12), 1 + int(noise(i, 9, seed) * 13)
        put(s, x, y, PAL[key + "_lt"])
        put(s, x - 1, y + 1, PAL[key + "_dk"])
        put(s, x + 1, y + 1, PAL[key + "_dk"])


def paint_grass_dark(s: pygame.Surface) -> None:
    """Paint the deeper, shaded grass used under trees and along the edges of town."""
    paint_grass(s, "moss", seed=17)
    for i in range(4):
        x, y = 2 + int(noise(i, 3, 29) * 12), 2 + int(noise(i, 5, 29) * 11)
        put(s, x, y, PAL["leaf_dk"])
        put(s, x, y + 1, PAL["leaf_dk"])


def flower(s: pygame.Surface, x: int, y: int, petal: Rgb, centre: Rgb = PAL["yellow"]) -> None:
    """Draw a tiny plus-shaped flower centred on (x, y)."""
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        put(s, x + dx, y + dy, petal)
    put(s, x, y, centre)


def paint_flowers(s: pygame.Surface) -> None:
    """Paint grass dotted with small wild flowers."""
    paint_grass(s)
    spots = [(3, 3, "pink"), (11, 2, "white"), (7, 8, "yellow"), (2, 12, "blue"), (12, 11, "pink"),
             (14, 6, "white"), (8, 14, "purple")]
    for x, y, name in spots:
        centre = PAL["orange"] if name == "yellow" else PAL["yellow"]
        put(s, x, y + 2, PAL["grass_dk"])
        flower(s, x, y, PAL[name], centre)


def paint_dirt_path(s: pygame.Surface) -> None:
    """Paint a packed dirt path with pebbles."""
    s.fill(PAL["dirt"])
    speckle(s, 41, [(0.0, 0.12, PAL["dirt_lt"]), (0.12, 0.24, PAL["dirt_dk"])], full())
    for x, y in ((3, 4), (11, 2), (8, 10), (13, 12), (2, 13)):
        put(s, x, y, PAL["stone_lt"])
        put(s, x + 1, y, PAL["stone"])
        put(s, x, y + 1, PAL["dirt_dk"])
        put(s, x + 1, y + 1, PAL["dirt_dk"])


COBBLES = [(0, 0, 4, 4), (5, 0, 5, 4), (11, 0, 4, 4), (2, 5, 5, 4), (8, 5, 4, 4), (13, 5, 4, 4),
           (0, 10, 5, 5), (6, 10, 4, 5), (11, 10, 4, 5)]
"""Cobblestones as (x, y, w, h); a stone may wrap across the right edge of the tile."""


def paint_cobble(s: pygame.Surface) -> None:
    """Paint rounded cobblestones set in dark mortar."""
    s.fill(PAL["mortar"])
    for i, (x0, y0, w, h) in enumerate(COBBLES):
        base = PAL["stone"] if i % 3 else PAL["stone_lt"]
        for y in range(y0, y0 + h):
            for x in range(x0, x0 + w):
                corner = (x in (x0, x0 + w - 1)) and (y in (y0, y0 + h - 1))
                if corner:
                    continue
                color = PAL["stone_dk"] if y == y0 + h - 1 or x == x0 + w - 1 else base
                if y == y0 and x < x0 + w - 1:
                    color = PAL["stone_lt"] if base == PAL["stone"] else PAL["cap_lt"]
                put(s, x % TILE_SIZE, y, color)


def paint_water(s: pygame.Surface) -> None:
    """Paint calm water with ripples and glints."""
    s.fill(PAL["water"])
    speckle(s, 53, [(0.0, 0.10, PAL["water_dk"])], full())
    for x, y, length in ((2, 3, 4), (10, 6, 5), (4, 10, 3), (11, 13, 4), (13, 1, 2), (0, 14, 2)):
        for i in range(length):
            put(s, x + i, y, PAL["water_lt"])
            put(s, x + i, y + 1, PAL["water_dk"])
        put(s, x + 1, y, PAL["water_hl"])


def paint_sand(s: pygame.Surface) -> None:
    """Paint fine sand with wind ripples."""
    s.fill(PAL["sand"])
    speckle(s, 61, [(0.0, 0.10, PAL["sand_lt"]), (0.10, 0.20, PAL["sand_dk"])], full())
    for x, y in ((2, 4), (9, 9), (4, 13)):
        for i in range(4):
            put(s, x + i, y + (1 if i in (0, 3) else 0), PAL["sand_dk"])
    put(s, 12, 3, PAL["cream"])
    put(s, 13, 3, PAL["pink"])


def paint_bridge(s: pygame.Surface) -> None:
    """Paint weathered bridge planks laid across the walkway, between two side beams."""
    for col in range(4):
        x0 = col * 4
        box(s, (x0, 0, 3, TILE_SIZE), PAL["wood"] if col % 2 else PAL["wood_lt"])
        box(s, (x0 + 3, 0, 1, TILE_SIZE), PAL["wood_dd"])
        speckle(s, 70 + col, [(0.0, 0.18, PAL["wood_dk"])], pygame.Rect(x0, 0, 3, TILE_SIZE))
        put(s, x0 + 1, 4, PAL["iron"])
        put(s, x0 + 1, 11, PAL["iron"])
    for y in (0, 14):
        box(s, (0, y, TILE_SIZE, 2), PAL["wood_dk"])
        box(s, (0, y, TILE_SIZE, 1), PAL["wood"])
        for x in (1, 9):
            put(s, x, y, PAL["wood_lt"])


def paint_floor_wood(s: pygame.Surface) -> None:
    """Paint honey-coloured floorboards with staggered joints."""
    joints = (11, 4, 14, 7)
    for row in range(4):
        y0 = row * 4
        box(s, (0, y0, TILE_SIZE, 3), PAL["plank"])
        box(s, (0, y0, TILE_SIZE, 1), PAL["plank_lt"])
        box(s, (0, y0 + 3, TILE_SIZE, 1), PAL["plank_dd"])
        speckle(s, 80 + row, [(0.0, 0.16, PAL["plank_dk"])], pygame.Rect(0, y0 + 1, TILE_SIZE, 2))
        box(s, (joints[row], y0, 1, 3), PAL["plank_dd"])


def paint_floor_stone(s: pygame.Surface) -> None:
    """Paint large grey flagstones."""
    s.fill(PAL["stone_dk"])
    for x0, y0, w, h in ((0, 0, 9, 7), (10, 0, 6, 7), (0, 8, 5, 8), (6, 8, 10, 8)):
        box(s, (x0, y0, w, h), PAL["stone"])
        box(s, (x0, y0, w, 1), PAL["stone_lt"])
        speckle(s, 90 + x0 + y0, [(0.0, 0.1, PAL["stone_lt"]), (0.1, 0.2, PAL["stone_dk"])],
                pygame.Rect(x0, y0 + 1, w, h - 1))
    box(s, (9, 0, 1, 8), PAL["stone_dd"])
    box(s, (0, 7, TILE_SIZE, 1), PAL["stone_dd"])
    box(s, (5, 8, 1, 8), PAL["stone_dd"])
    box(s, (0, 15, TILE_SIZE, 1), PAL["stone_dd"])


def paint_floor_tile(s: pygame.Surface) -> None:
    """Paint a cream and sage checkerboard of glazed kitchen tiles."""
    for ty in range(2):
        for tx in range(2):
            color = PAL["tile_a"] if (tx + ty) % 2 == 0 else PAL["tile_b"]
            box(s, (tx * 8, ty * 8, 8, 8), color)
            put(s, tx * 8 + 1, ty * 8 + 1, PAL["white"])
            put(s, tx * 8 + 2, ty * 8 + 1, PAL["white"])
            put(s, tx * 8 + 1, ty * 8 + 2, PAL["white"])
    box(s, (0, 7, TILE_SIZE, 1), PAL["tile_line"])
    box(s, (0, 15, TILE_SIZE, 1), PAL["tile_line"])
    box(s, (7, 0, 1, TILE_SIZE), PAL["tile_line"])
    box(s, (15, 0, 1, TILE_SIZE), PAL["tile_line"])


def paint_rug(s: pygame.Surface) -> None:
    """Paint a woven red rug with a gold diamond motif."""
    s.fill(PAL["rug"])
    for y in range(TILE_SIZE):
        for x in range(TILE_SIZE):
            d = abs(x - 7.5) + abs(y - 7.5)
            if 4.5 <= d < 5.5:
                put(s, x, y, PAL["gold"])
            elif d < 2:
                put(s, x, y, PAL["cream"])
            elif (x + y) % 4 == 0 and d > 6.5:
                put(s, x, y, PAL["rug_dk"])
    box(s, (0, 0, TILE_SIZE, 1), PAL["rug_dk"])
    box(s, (0, 0, 1, TILE_SIZE), PAL["rug_dk"])


# --------------------------------------------------------------------------------------------
# Building tiles
# --------------------------------------------------------------------------------------------


def paint_bricks(s: pygame.Surface, top: int, bottom: int) -> None:
    """Paint a brick face between rows ``top`` and ``bottom`` (exclusive)."""
    box(s, (0, top, TILE_SIZE, bottom - top), PAL["brick_dk"])
    for row, y in enumerate(range(top, bottom, 3)):
        offset = 0 if row % 2 == 0 else 4
        for x0 in range(-8 + offset, TILE_SIZE, 8):
            box(s, (x0, y, 7, 2), PAL["brick"])
            box(s, (x0, y, 7, 1), PAL["brick_lt"])
    speckle(s, 101, [(0.0, 0.06, PAL["brick_dk"])], pygame.Rect(0, top, TILE_SIZE, bottom - top))


def paint_wall(s: pygame.Surface) -> None:
    """Paint a solid wall block: pale top with a highlight above a brick face."""
    box(s, (0, 0, TILE_SIZE, 6), PAL["cap"])
    box(s, (0, 0, TILE_SIZE, 1), PAL["cap_lt"])
    speckle(s, 103, [(0.0, 0.1, PAL["cap_lt"]), (0.1, 0.18, PAL["cap_dk"])], pygame.Rect(0, 1, 16, 4))
    box(s, (0, 5, TILE_SIZE, 1), PAL["cap_dk"])
    paint_bricks(s, 6, 15)
    box(s, (0, 15, TILE_SIZE, 1), PAL["wood_dd"])


def paint_wall_window(s: pygame.Surface) -> None:
    """Paint a wall block with a small paned window."""
    paint_wall(s)
    box(s, (3, 6, 10, 9), PAL["wood_dd"])
    box(s, (4, 7, 8, 7), PAL["glass"])
    for x, y in ((5, 8), (6, 8), (5, 9), (9, 11), (10, 10)):
        put(s, x, y, PAL["glass_lt"])
    box(s, (7, 7, 2, 7), PAL["cream"])
    box(s, (4, 10, 8, 1), PAL["cream"])
    box(s, (2, 14, 12, 1), PAL["cap"])
    put(s, 4, 13, PAL["red"])
    put(s, 11, 13, PAL["pink"])


def paint_door(s: pygame.Surface) -> None:
    """Paint an open doorway: wall lintel and jambs round a walkable threshold and mat."""
    paint_wall(s)
    box(s, (3, 6, 10, 10), (0, 0, 0, 0))
    box(s, (3, 6, 10, 1), PAL["wood_dd"])
    box(s, (3, 6, 1, 10), PAL["wood"])
    box(s, (12, 6, 1, 10), PAL["wood"])
    box(s, (4, 7, 8, 2), (20, 16, 30, 110))
    box(s, (4, 9, 8, 2), (20, 16, 30, 50))
    box(s, (4, 7, 2, 9), PAL["wood_dk"])
    box(s, (4, 7, 1, 9), PAL["wood_lt"])
    put(s, 5, 11, PAL["gold"])
    box(s, (6, 12, 6, 3), PAL["red_dk"])
    for x in range(6, 12, 2):
        put(s, x, 13, PAL["gold"])


# --------------------------------------------------------------------------------------------
# Outdoor objects (transparent background, drawn over the ground layer)
# --------------------------------------------------------------------------------------------


def leaf_clump(s: pygame.Surface, circle: tuple[float, float, float], seed: int, dark: bool = False) -> None:
    """Draw one rounded (cx, cy, r) clump of foliage lit from the upper left."""
    cx, cy, r = circle
    base, light, shade = (("leaf_dk", "leaf", "leaf_dd") if dark else ("leaf", "leaf_lt", "leaf_dk"))
    for y in range(TILE_SIZE):
        for x in range(TILE_SIZE):
            if not in_ellipse(x, y, (cx, cy, r, r)):
                continue
            lit = ((cx - x - 0.5) + (cy - y - 0.5)) / r
            n = noise(x, y, seed)
            color = PAL[base]
            if lit > 0.55 or (lit > 0.1 and n < 0.25):
                color = PAL[light]
            elif lit < -0.75 or (lit < -0.2 and n < 0.3):
                color = PAL[shade]
            put(s, x, y, color)


def draw_tree(s: pygame.Surface) -> None:
    """Draw a leafy round tree with a short trunk."""
    box(s, (6, 10, 4, 6), PAL["trunk"])
    box(s, (8, 10, 2, 6), PAL["trunk_dk"])
    put(s, 5, 15, PAL["trunk"])
    put(s, 10, 15, PAL["trunk_dk"])
    for i, (cx, cy, r) in enumerate(((5, 5, 4), (11, 5, 4), (8, 3.5, 4), (4, 8.5, 3.5),
                                      (12, 8.5, 3.5), (8, 8, 4.5))):
        leaf_clump(s, (cx, cy, r), 110 + i)
    for x, y in ((6, 4), (10, 7), (5, 9)):
        put(s, x, y, PAL["red"])


def draw_bush(s: pygame.Surface) -> None:
    """Draw a low round bush with a few berries."""
    for i, (cx, cy, r) in enumerate(((5, 9, 3.5), (11, 9, 3.5), (8, 7, 4), (8, 11, 3.5))):
        leaf_clump(s, (cx, cy, r), 120 + i)
    for x, y in ((6, 8), (10, 10), (9, 6), (4, 11)):
        put(s, x, y, PAL["pink"])


def draw_flowerbed(s: pygame.Surface) -> None:
    """Draw a raised wooden bed of soil with rows of flowers."""
    box(s, (1, 4, 14, 11), PAL["wood"])
    box(s, (1, 4, 14, 1), PAL["wood_lt"])
    box(s, (1, 13, 14, 2), PAL["wood_dk"])
    box(s, (2, 5, 12, 8), PAL["soil"])
    speckle(s, 130, [(0.0, 0.2, PAL["soil_dk"])], pygame.Rect(2, 5, 12, 8))
    colors = ("red", "yellow", "pink", "purple", "white", "orange")
    for i, (x, y) in enumerate(((4, 7), (8, 6), (12, 7), (5, 11), (10, 11), (7, 9))):
        put(s, x + 1, y + 1, PAL["leaf"])
        put(s, x - 1, y + 1, PAL["leaf_dk"])
        flower(s, x, y, PAL[colors[i]], PAL["gold"] if colors[i] != "yellow" else PAL["orange"])


def draw_bench(s: pygame.Surface) -> None:
    """Draw a park bench seen from the front, backrest at the top."""
    box(s, (1, 3, 14, 3), PAL["wood"])
    box(s, (1, 3, 14, 1), PAL["wood_lt"])
    box(s, (2, 6, 1, 2), PAL["iron"])
    box(s, (13, 6, 1, 2), PAL["iron"])
    for y in (8, 11):
        box(s, (1, y, 14, 2), PAL["wood_lt"])
        box(s, (1, y + 1, 14, 1), PAL["wood"])
    box(s, (1, 10, 14, 1), PAL["wood_dk"])
    box(s, (2, 13, 1, 2), PAL["iron"])
    box(s, (13, 13, 1, 2), PAL["iron"])


def draw_fountain(s: pygame.Surface) -> None:
    """Draw a round stone fountain with a central spout."""
    ellipse(s, (8, 8.5, 7.5, 7), PAL["stone"])
    ellipse(s, (8, 8, 7, 6.5), PAL["stone_lt"])
    ellipse(s, (8, 8.5, 5.5, 5), PAL["water_dk"])
    ellipse(s, (8, 9, 5, 4.5), PAL["water"])
    for x, y in ((4, 9), (11, 8), (6, 12), (10, 12)):
        put(s, x, y, PAL["water_lt"])
    ellipse(s, (8, 8.5, 2, 2), PAL["stone"])
    put(s, 7, 7, PAL["stone_lt"])
    put(s, 8, 8, PAL["stone_dk"])
    for x, y in ((7, 5), (8, 5), (6, 6), (9, 6), (5, 7), (10, 7), (7, 4)):
        put(s, x, y, PAL["water_hl"])
    box(s, (1, 14, 14, 1), PAL["stone_dk"])


def draw_lamp(s: pygame.Surface) -> None:
    """Draw an iron street lamp with a glowing lantern."""
    box(s, (7, 7, 2, 8), PAL["iron"])
    box(s, (7, 8, 1, 6), PAL["metal"])
    box(s, (6, 14, 4, 2), PAL["iron"])
    box(s, (7, 0, 2, 1), PAL["iron"])
    box(s, (5, 1, 6, 1), PAL["iron"])
    box(s, (4, 2, 8, 1), PAL["metal"])
    box(s, (5, 3, 6, 4), PAL["iron"])
    box(s, (6, 3, 4, 3), PAL["fire_lt"])
    box(s, (7, 4, 2, 1), PAL["white"])
    put(s, 6, 5, PAL["yellow"])
    put(s, 9, 5, PAL["yellow"])


def paint_lamp(s: pygame.Surface) -> None:
    """Paint the street lamp over a faint halo of warm light."""
    for y in range(9):
        for x in range(TILE_SIZE):
            if in_ellipse(x, y, (8, 4.5, 6.5, 4.5)):
                put(s, x, y, (*PAL["yellow"], 36))
    object_tile(draw_lamp, PAL["ink"], (8, 15, 4, 1.5))(s)


def draw_sign(s: pygame.Surface) -> None:
    """Draw a wooden signboard on a post."""
    box(s, (7, 9, 2, 6), PAL["wood_dk"])
    put(s, 7, 9, PAL["wood"])
    box(s, (2, 2, 12, 7), PAL["wood"])
    box(s, (2, 2, 12, 1), PAL["wood_lt"])
    box(s, (2, 8, 12, 1), PAL["wood_dk"])
    for y, x0, x1 in ((4, 4, 11), (6, 4, 9)):
        box(s, (x0, y, x1 - x0 + 1, 1), PAL["wood_dd"])
    put(s, 3, 3, PAL["iron"])
    put(s, 12, 3, PAL["iron"])


def draw_well(s: pygame.Surface) -> None:
    """Draw a stone well with a wooden winch and bucket."""
    ellipse(s, (8, 10.5, 6.5, 5), PAL["stone"])
    ellipse(s, (8, 10, 6, 4.5), PAL["stone_lt"])
    for x, y in ((3, 10), (6, 14), (11, 13), (13, 9)):
        put(s, x, y, PAL["stone_dk"])
    ellipse(s, (8, 10.5, 4, 3), PAL["ink"])
    ellipse(s, (8, 11, 3, 2), PAL["water_dk"])
    box(s, (2, 3, 2, 9), PAL["wood"])
    box(s, (12, 3, 2, 9), PAL["wood_dk"])
    box(s, (1, 2, 14, 2), PAL["wood_lt"])
    box(s, (1, 3, 14, 1), PAL["wood_dk"])
    box(s, (8, 4, 1, 4), PAL["cream"])
    box(s, (7, 7, 3, 2), PAL["metal"])
    put(s, 7, 7, PAL["metal_lt"])


def draw_stump(s: pygame.Surface) -> None:
    """Draw a sawn tree stump showing its rings."""
    box(s, (3, 8, 10, 5), PAL["trunk"])
    box(s, (9, 8, 4, 5), PAL["trunk_dk"])
    put(s, 2, 12, PAL["trunk"])
    put(s, 13, 12, PAL["trunk_dk"])
    ellipse(s, (8, 7.5, 5, 3.5), PAL["plank"])
    ellipse(s, (8, 7.5, 3.5, 2.5), PAL["plank_lt"])
    ellipse(s, (8, 7.5, 2.5, 1.5), PAL["plank_dk"])
    ellipse(s, (8, 7.5, 1.5, 1), PAL["plank_lt"])
    put(s, 7, 5, PAL["plank_dk"])


def draw_hedge(s: pygame.Surface) -> None:
    """Draw a clipped hedge filling the tile so that rows and columns join up."""
    s.fill(PAL["leaf_dk"])
    for i, (cx, cy) in enumerate(((3, 3), (9, 2), (14, 4), (6, 8), (12, 9), (2, 12), (9, 13), (15, 14))):
        leaf_clump(s, (cx, cy, 3.5), 140 + i, dark=True)
    speckle(s, 150, [(0.0, 0.05, PAL["leaf"])], full())
    box(s, (0, 0, TILE_SIZE, 1), PAL["leaf"])


def draw_fence(s: pygame.Surface) -> None:
    """Draw a wooden post-and-rail fence running across the tile."""
    for y in (5, 10):
        box(s, (0, y, TILE_SIZE, 2), PAL["wood"])
        box(s, (0, y, TILE_SIZE, 1), PAL["wood_lt"])
    for x in (2, 11):
        box(s, (x, 3, 3, 12), PAL["wood"])
        box(s, (x, 3, 1, 12), PAL["wood_lt"])
        box(s, (x + 2, 3, 1, 12), PAL["wood_dk"])
        put(s, x + 1, 2, PAL["wood_lt"])


# --------------------------------------------------------------------------------------------
# Furniture (transparent background, drawn over the floor)
# --------------------------------------------------------------------------------------------


def draw_table(s: pygame.Surface) -> None:
    """Draw a wooden table with a plank top and a fruit bowl."""
    box(s, (1, 3, 14, 9), PAL["wood_lt"])
    box(s, (1, 3, 14, 1), PAL["plank_lt"])
    box(s, (1, 7, 14, 1), PAL["wood"])
    box(s, (1, 11, 14, 2), PAL["wood_dk"])
    box(s, (2, 13, 2, 2), PAL["wood_dd"])
    box(s, (12, 13, 2, 2), PAL["wood_dd"])
    ellipse(s, (8, 6, 3, 2), PAL["cream"])
    ellipse(s, (8, 6.5, 2, 1), PAL["stone_lt"])
    put(s, 7, 5, PAL["red"])
    put(s, 8, 5, PAL["orange"])
    put(s, 9, 6, PAL["leaf_lt"])


def draw_chair(s: pygame.Surface) -> None:
    """Draw a small wooden chair with a spindle back."""
    box(s, (4, 2, 8, 2), PAL["wood_lt"])
    for x in (4, 6, 9, 11):
        box(s, (x, 4, 1, 3), PAL["wood"])
    box(s, (4, 7, 8, 5), PAL["wood_lt"])
    box(s, (4, 7, 8, 1), PAL["plank_lt"])
    box(s, (4, 11, 8, 1), PAL["wood_dk"])
    box(s, (4, 12, 1, 2), PAL["wood_dd"])
    box(s, (11, 12, 1, 2), PAL["wood_dd"])
    box(s, (5, 8, 6, 3), PAL["red"])
    box(s, (5, 10, 6, 1), PAL["red_dk"])


def draw_bed(s: pygame.Surface) -> None:
    """Draw a double bed with pillow and a blue patchwork quilt."""
    box(s, (2, 1, 12, 15), PAL["wood"])
    box(s, (2, 1, 12, 2), PAL["wood_dk"])
    box(s, (3, 3, 10, 12), PAL["cream"])
    box(s, (4, 4, 8, 3), PAL["white"])
    box(s, (4, 6, 8, 1), PAL["tile_a"])
    box(s, (3, 8, 10, 7), PAL["blue"])
    for y in range(9, 15):
        for x in range(3, 13):
            if ((x - 3) // 2 + (y - 9) // 2) % 2:
                put(s, x, y, PAL["blue_dk"])
    box(s, (3, 8, 10, 1), PAL["cream"])
    box(s, (2, 15, 12, 1), PAL["wood_dk"])


def draw_cot(s: pygame.Surface) -> None:
    """Draw a narrow camp cot with a grey-green wool blanket."""
    box(s, (4, 1, 8, 14), PAL["metal"])
    box(s, (5, 2, 6, 12), PAL["sand_lt"])
    box(s, (6, 3, 4, 2), PAL["white"])
    box(s, (5, 7, 6, 7), PAL["wool"])
    box(s, (5, 7, 6, 1), PAL["sand_lt"])
    box(s, (5, 10, 6, 1), PAL["wool_dk"])
    box(s, (4, 15, 1, 1), PAL["iron"])
    box(s, (11, 15, 1, 1), PAL["iron"])


def paint_counter_body(s: pygame.Surface) -> None:
    """Draw a shop counter spanning the tile: a light top over a panelled front."""
    box(s, (0, 3, TILE_SIZE, 5), PAL["plank_lt"])
    box(s, (0, 3, TILE_SIZE, 1), PAL["cream"])
    box(s, (0, 7, TILE_SIZE, 1), PAL["plank_dk"])
    box(s, (0, 8, TILE_SIZE, 8), PAL["wood"])
    for x0 in (1, 9):
        box(s, (x0, 9, 6, 5), PAL["wood_dk"])
        box(s, (x0 + 1, 10, 4, 3), PAL["wood"])
    box(s, (0, 15, TILE_SIZE, 1), PAL["wood_dd"])


def draw_counter(s: pygame.Surface) -> None:
    """Draw a shop counter with a ledger lying on top."""
    paint_counter_body(s)
    box(s, (3, 4, 4, 3), PAL["cream"])
    box(s, (3, 4, 1, 3), PAL["red_dk"])
    put(s, 5, 5, PAL["stone_dk"])


def draw_bar_tap(s: pygame.Surface) -> None:
    """Draw a bar counter with a brass two-handled beer tap and a foaming mug."""
    paint_counter_body(s)
    box(s, (2, 3, 8, 2), PAL["gold"])
    box(s, (2, 3, 8, 1), PAL["yellow"])
    for x, handle in ((3, "red_dk"), (8, "wood_dd")):
        box(s, (x, 0, 1, 3), PAL[handle])
        put(s, x, 5, PAL["metal"])
    box(s, (5, 5, 2, 2), PAL["gold"])
    box(s, (11, 2, 3, 5), PAL["orange"])
    box(s, (11, 2, 3, 1), PAL["white"])
    put(s, 14, 4, PAL["metal_lt"])
    put(s, 11, 3, PAL["fire_lt"])


def draw_desk(s: pygame.Surface) -> None:
    """Draw a dark writing desk with drawers, paper, ink and quill."""
    box(s, (1, 3, 14, 6), PAL["wood_dk"])
    box(s, (1, 3, 14, 1), PAL["wood"])
    box(s, (1, 9, 14, 6), PAL["wood_dd"])
    box(s, (2, 10, 5, 3), PAL["wood_dk"])
    box(s, (9, 10, 5, 3), PAL["wood_dk"])
    put(s, 4, 11, PAL["gold"])
    put(s, 11, 11, PAL["gold"])
    box(s, (3, 4, 5, 4), PAL["cream"])
    for y in (5, 6):
        box(s, (4, y, 3, 1), PAL["stone_lt"])
    box(s, (11, 5, 2, 2), PAL["iron"])
    put(s, 12, 4, PAL["white"])
    put(s, 13, 3, PAL["white"])


def draw_bookshelf(s: pygame.Surface) -> None:
    """Draw a tall bookshelf with three shelves of coloured books."""
    box(s, (1, 0, 14, 16), PAL["wood_dk"])
    box(s, (2, 1, 12, 14), PAL["wood_dd"])
    colors = ("red", "blue", "leaf", "gold", "purple", "cream", "red_dk", "blue_dk", "orange")
    for shelf, y0 in enumerate((1, 6, 11)):
        x = 2
        while x < 14:
            n = noise(x, shelf, 160)
            width = 2 if n < 0.35 else 1
            height = 3 + int(n * 10) % 2
            color = PAL[colors[int(noise(x, shelf, 161) * len(colors))]]
            box(s, (x, y0 + 4 - height, min(width, 14 - x), height), color)
            put(s, x, y0 + 4 - height, PAL["cream"] if color != PAL["cream"] else PAL["gold"])
            x += width + (1 if noise(x, shelf, 162) < 0.15 else 0)
        box(s, (1, y0 + 4, 14, 1), PAL["wood"])
    box(s, (1, 0, 14, 1), PAL["wood"])


def draw_stall(s: pygame.Surface) -> None:
    """Draw a market stall: striped awning over a counter of fruit and greens."""
    box(s, (1, 7, 1, 8), PAL["wood_dk"])
    box(s, (14, 7, 1, 8), PAL["wood_dk"])
    box(s, (0, 10, TILE_SIZE, 5), PAL["wood"])
    box(s, (0, 10, TILE_SIZE, 1), PAL["wood_lt"])
    box(s, (0, 14, TILE_SIZE, 1), PAL["wood_dk"])
    produce = (("red", 2), ("red", 3), ("orange", 6), ("orange", 7), ("leaf_lt", 10), ("leaf", 11),
               ("yellow", 13))
    for name, x in produce:
        box(s, (x, 9, 1, 2), PAL[name])
    for y in range(7):
        for x in range(TILE_SIZE):
            stripe = (x // 2) % 2 == 0
            put(s, x, y, PAL["red"] if stripe else PAL["cream"])
    for x in range(TILE_SIZE):
        if x % 4 in (1, 2):
            put(s, x, 7, PAL["red_dk"] if (x // 2) % 2 == 0 else PAL["cap_dk"])
    box(s, (0, 0, TILE_SIZE, 1), PAL["red_dk"])
    for x in range(TILE_SIZE):
        put(s, x, 6, PAL["red_dk"] if (x // 2) % 2 == 0 else PAL["cap_dk"])


def draw_oven(s: pygame.Surface) -> None:
    """Draw a domed brick bread oven with a fire in its mouth."""
    ellipse(s, (8, 9, 7, 7), PAL["brick"])
    box(s, (1, 9, 14, 7), PAL["brick"])
    for y in range(3, 16, 3):
        for x in range(TILE_SIZE):
            if s.get_at((x, y)).a and (x + (y // 3) * 3) % 6 != 0:
                put(s, x, y, PAL["brick_lt"])
    ellipse(s, (8, 11, 4, 4), PAL["ink"])
    box(s, (4, 11, 8, 4), PAL["ink"])
    box(s, (5, 12, 6, 3), PAL["fire"])
    for x, y in ((6, 11), (8, 10), (9, 12), (7, 13), (10, 13)):
        put(s, x, y, PAL["fire_lt"])
    box(s, (3, 15, 10, 1), PAL["stone_dk"])
    box(s, (11, 0, 3, 4), PAL["stone_dk"])
    box(s, (11, 0, 3, 1), PAL["stone"])


def draw_barrel(s: pygame.Surface) -> None:
    """Draw an upright oak barrel with iron hoops."""
    box(s, (3, 4, 10, 11), PAL["wood"])
    box(s, (2, 6, 12, 7), PAL["wood"])
    for x in (5, 8, 11):
        box(s, (x, 4, 1, 11), PAL["wood_dk"])
    box(s, (3, 4, 1, 11), PAL["wood_lt"])
    for y in (6, 12):
        box(s, (2, y, 12, 1), PAL["iron"])
    ellipse(s, (8, 3.5, 5, 2.5), PAL["wood_lt"])
    ellipse(s, (8, 3.5, 4, 1.5), PAL["plank"])
    put(s, 8, 3, PAL["wood_dk"])


def draw_plant(s: pygame.Surface) -> None:
    """Draw a leafy potted plant in a terracotta pot."""
    leaves = ((4, 6, 2.5, 1.5), (12, 6, 2.5, 1.5), (6, 3, 1.5, 2.5), (10, 3, 1.5, 2.5), (8, 6, 2.5, 3))
    for i, (cx, cy, rx, ry) in enumerate(leaves):
        ellipse(s, (cx, cy, rx, ry), PAL["leaf"] if i % 2 else PAL["leaf_lt"])
    box(s, (8, 4, 1, 6), PAL["leaf_dk"])
    put(s, 5, 6, PAL["leaf_dk"])
    put(s, 11, 6, PAL["leaf_dk"])
    box(s, (4, 9, 8, 2), PAL["clay"])
    box(s, (4, 9, 8, 1), PAL["brick_lt"])
    box(s, (5, 11, 6, 4), PAL["clay"])
    box(s, (9, 11, 2, 4), PAL["clay_dk"])


def draw_crate(s: pygame.Surface) -> None:
    """Draw a wooden shipping crate with a diagonal brace."""
    box(s, (2, 3, 12, 12), PAL["plank"])
    for y in (6, 9, 12):
        box(s, (3, y, 10, 1), PAL["plank_dk"])
    for i in range(10):
        put(s, 3 + i, 13 - i, PAL["plank_dd"])
        put(s, 4 + i, 13 - i, PAL["wood"])
    box(s, (2, 3, 12, 1), PAL["plank_lt"])
    for x, y, w, h in ((2, 3, 12, 1), (2, 14, 12, 1), (2, 3, 1, 12), (13, 3, 1, 12)):
        box(s, (x, y, w, h), PAL["wood"])
    box(s, (2, 3, 12, 1), PAL["wood_lt"])
    for x, y in ((3, 4), (12, 4), (3, 13), (12, 13)):
        put(s, x, y, PAL["iron"])


def draw_blocked(s: pygame.Surface) -> None:
    """Draw the translucent red X that marks blocked cells in the editor."""
    red = (224, 44, 44)
    box(s, (0, 0, TILE_SIZE, TILE_SIZE), (*red, 40))
    for i in range(2, 14):
        for dx in (0, 1):
            put(s, i + dx, i, (*red, 190))
            put(s, 15 - i - dx, i, (*red, 190))
    for x, y, w, h in ((0, 0, 16, 1), (0, 15, 16, 1), (0, 0, 1, 16), (15, 0, 1, 16)):
        box(s, (x, y, w, h), (*red, 120))


# --------------------------------------------------------------------------------------------
# The tileset
# --------------------------------------------------------------------------------------------

WOOD_EDGE = PAL["wood_dd"]
LEAF_EDGE = PAL["leaf_dd"]
STONE_EDGE = PAL["stone_dd"]

PAINTERS: dict[str, Painter] = {
    "grass": paint_grass, "grass_dark": paint_grass_dark, "flowers": paint_flowers,
    "dirt_path": paint_dirt_path, "cobble": paint_cobble, "water": paint_water, "sand": paint_sand,
    "bridge": paint_bridge, "floor_wood": paint_floor_wood, "floor_stone": paint_floor_stone,
    "floor_tile": paint_floor_tile, "rug": paint_rug, "wall": paint_wall,
    "wall_window": paint_wall_window, "door": paint_door,
    "fence": object_tile(draw_fence, WOOD_EDGE, None),
    "tree": object_tile(draw_tree, LEAF_EDGE, (8, 14.5, 5.5, 2)),
    "bush": object_tile(draw_bush, LEAF_EDGE, (8, 13, 6.5, 2.5)),
    "flowerbed": object_tile(draw_flowerbed, WOOD_EDGE, (8, 14, 7.5, 2)),
    "bench": object_tile(draw_bench, WOOD_EDGE, (8, 14, 7.5, 2)),
    "fountain": object_tile(draw_fountain, STONE_EDGE, None),
    "lamp": paint_lamp,
    "sign": object_tile(draw_sign, WOOD_EDGE, (8, 15, 4, 1.5)),
    "well": object_tile(draw_well, STONE_EDGE, (8, 14, 7.5, 2)),
    "table": object_tile(draw_table, WOOD_EDGE, (8, 14, 7, 2)),
    "chair": object_tile(draw_chair, WOOD_EDGE, (8, 13.5, 5, 2)),
    "bed": object_tile(draw_bed, WOOD_EDGE, None),
    "counter": object_tile(draw_counter, WOOD_EDGE, None),
    "bookshelf": object_tile(draw_bookshelf, WOOD_EDGE, None),
    "stall": object_tile(draw_stall, WOOD_EDGE, (8, 15, 8, 1.5)),
    "oven": object_tile(draw_oven, PAL["brick_dk"], None),
    "barrel": object_tile(draw_barrel, WOOD_EDGE, (8, 14.5, 6, 1.5)),
    "plant": object_tile(draw_plant, PAL["leaf_dd"], (8, 15, 4, 1.5)),
    "crate": object_tile(draw_crate, WOOD_EDGE, (8, 15, 7, 1.5)),
    "bar_tap": object_tile(draw_bar_tap, WOOD_EDGE, None),
    "desk": object_tile(draw_desk, WOOD_EDGE, (8, 15, 7, 1.5)),
    "cot": object_tile(draw_cot, PAL["iron"], None),
    "hedge": draw_hedge, "stump": object_tile(draw_stump, PAL["trunk_dk"], (8, 13, 6.5, 2)),
    "blocked": draw_blocked,
}
"""How to paint each tile of the catalogue."""


def draw_tileset() -> pygame.Surface:
    """Paint every catalogue tile into one sheet, in ``TILES`` order."""
    missing = set(TILES) ^ set(PAINTERS)
    if missing:
        raise ValueError(f"tile painters and catalogue disagree: {sorted(missing)}")
    rows = (len(TILES) + COLUMNS - 1) // COLUMNS
    sheet = pygame.Surface((COLUMNS * TILE_SIZE, rows * TILE_SIZE), pygame.SRCALPHA)
    for index, name in enumerate(TILES):
        tile = new_tile()
        PAINTERS[name](tile)
        position = ((index % COLUMNS) * TILE_SIZE, (index // COLUMNS) * TILE_SIZE)
        sheet.blit(tile, position, special_flags=pygame.BLEND_RGBA_MAX)
    return sheet



# --------------------------------------------------------------------------------------------
# Characters
# --------------------------------------------------------------------------------------------
# Letters in the templates: s skin, S skin shade, e eye, t shirt, T shirt shade, p trousers,
# P trouser shade, f shoe, h hair, H hair shade, L hair highlight, a hat, A hat band/brim.

FRAME = 16
"""Width and height of one character frame, in pixels."""

HEAD_FRONT = [
    "................",
    ".....ssssss.....",
    "....ssssssss....",
    "....ssssssss....",
    "....ssssssss....",
    "....ssessess....",
    "....ssessess....",
    "....ssssssss....",
    ".....SSSSSS.....",
]
HEAD_SIDE = [
    "................",
    ".....ssssss.....",
    "....ssssssss....",
    "....ssssssss....",
    "....ssssssss....",
    "....sessssss....",
    "...ssessssss....",
    "....ssssssss....",
    ".....SSSSSS.....",
]
BODY_FRONT = (
    [
        "....tttttttt....",
        "....TttttttT....",
        "....TttttttT....",
        "....sppppppT....",
        ".....pp..ff.....",
        ".....ff.........",
        "................",
    ],
    [
        "....tttttttt....",
        "....TttttttT....",
        "....TttttttT....",
        "....TppppppS....",
        ".....ff..pp.....",
        ".........ff.....",
        "................",
    ],
)
BODY_SIDE = (
    [
        "......tttt......",
        ".....tTTtt......",
        ".....sTttt......",
        "......pppp......",
        ".....pp..pp.....",
        "....ff....ff....",
        "................",
    ],
    [
        "......tttt......",
        "......tTtt......",
        "......tTtt......",
        "......pspp......",
        ".......pp.......",
        "......fff.......",
        "................",
    ],
)

HAIR_STYLES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "short": (
        ["", ".....hhhhhh.....", "....hhLLhhhh....", "....hhhhhhhh....", "....hhh.hhhh....",
         "....h......h...."],
        ["", ".....hhhhhh.....", "....hhhhLLhh....", "....hhhhhhhh....", "....h.hhhhhh....",
         ".......hhhhh....", "........Shhh....", "........hhh....."],
        ["", ".....hhhhhh.....", "....hhLLhhhh....", "....hhhhhhhh....", "....hhhhhhhh....",
         "....hhhhhhhh....", "....hhhhhhhh....", "....HhhhhhhH...."],
    ),
    "long": (
        ["", ".....hhhhhh.....", "....hhLLhhhh....", "...hhhhhhhhhh...", "...hhh....hhh...",
         "...hh......hh...", "...hh......hh...", "...hh......hh...", "...hH......Hh...",
         "...hH......Hh...", "...H........H..."],
        ["", ".....hhhhhh.....", "....hhhhLLhhh...", "....hhhhhhhhh...", "....hh.hhhhhh...",
         ".......hhhhhh...", "........Shhhh...", "........hhhhh...", "........hhhhh...",
         ".........hhhh...", ".........hhH...."],
        ["", ".....hhhhhh.....", "....hhLLhhhh....", "...hhhhhhhhhh...", "...hhhhhhhhhh...",
         "...hhhhhhhhhh...", "...hhhhhhhhhh...", "...hhhhhhhhhh...", "...hhhhhhhhhh...",
         "...hhhhhhhhhh...", "....HhhhhhhH....", ".....HHHHHH....."],
    ),
    "pigtails": (
        ["", ".....hhhhhh.....", "....hhLLhhhh....", "....hhhhhhhh....", "..AhhhhhhhhhhA..",
         "..hhh......hhh..", "..hh........hh..", "..hH........Hh..", "...H........H..."],
        ["", ".....hhhhhh.....", "....hhhhLLhh....", "....hhhhhhhh....", "....h.hhhhhhA...",
         ".......hhhhhhh..", "........Shhhhh..", "........hhh.hH..", "............H..."],
        ["", ".....hhhhhh.....", "....hhLLhhhh....", "....hhhhhhhh....", "..AhhhhhhhhhhA..",
         "..hhhhhhhhhhhh..", "..hhhhhhhhhhhh..", "..hHHhhhhhhHHh..", "...H........H..."],
    ),
    "cap": (
        ["", ".....aaaaaa.....", "....aaaaaaaa....", "....aaaaaaaa....", "...AAAAAAAAAA...",
         "....h......h....", "....h......h...."],
        ["", ".....aaaaaa.....", "....aaaaaaaa....", "....aaaaaaaa....", "..AAAAAAAAhh....",
         ".......hhhhh....", "........Shhh....", "........hhh....."],
        ["", ".....aaaaaa.....", "....aaaaaaaa....", "....aaaaaaaa....", "....AAAAAAAA....",
         "....hhhhhhhh....", "....hhhhhhhh....", "....HhhhhhhH...."],
    ),
    "bald": (
        ["", "", "", "....h......h....", "....hh....hh....", "....h......h...."],
        ["", "", "", "........hhhh....", "........hhhh....", ".......hhhhh....",
         "........Shhh....", "........hhh....."],
        ["", "", "", "....hh....hh....", "....hhhhhhhh....", "....hhhhhhhh....",
         "....hhhhhhhh....", "....HhhhhhhH...."],
    ),
    "ponytail": (
        ["", ".....hhhhhh.....", "....hhLLhhhh....", "....hhhhhhhh....", "....hhhhh.hh....",
         "....h......h...."],
        ["", ".....hhhhhh.....", "....hhhhLLhh....", "....hhhhhhhh....", "....h.hhhhhhA...",
         ".......hhhhhHH..", "........ShhhHH..", "........hhh.HH..", "............H..."],
        ["", ".....hhhhhh.....", "....hhLLhhhh....", "....hhhhhhhh....", "....hhhhhhhh....",
         "....hhhhhhhh....", "....hhhhhhhh....", "....HhhAAhhH....", ".......hh.......",
         ".......hH.......", ".......HH......."],
    ),
    "messy": (
        ["", "....h.hhhh.h....", "...hhhhLLhhhh...", "...hhhhhhhhhh...", "....hh.hh.hh....",
         "....h......h...."],
        ["", ".....h.hhh.h....", "...hhhhhLLhhh...", "....hhhhhhhhhh..", "....h.hhhhhhh...",
         ".......hhhhhh...", "........Shhh....", "........hhh....."],
        ["", "....h.hhhh.h....", "...hhhhLLhhhh...", "...hhhhhhhhhh...", "...hhhhhhhhhh...",
         "....hhhhhhhh....", "....hhhhhhhh....", "....HhhhhhhH...."],
    ),
}
"""Hair overlays per style: (facing down, facing left, facing up); "" rows are left untouched."""

BEARD = (
    ["", "", "", "", "", "", "", "....h.hhhh.h....", ".....hhhhhh.....", "......hhhh......"],
    ["", "", "", "", "", "", "", "....hhhh........", ".....hhhh.......", "......hh........"],
)
"""Beard overlays (facing down, facing left); nothing shows from behind."""

SKINS: dict[str, tuple[Rgb, Rgb]] = {
    "pale": ((250, 218, 190), (226, 182, 152)), "fair": ((242, 198, 160), (212, 160, 124)),
    "tan": ((220, 166, 118), (186, 130, 90)), "brown": ((170, 114, 78), (138, 88, 60)),
    "deep": ((118, 78, 56), (92, 58, 42)),
}
HAIRS: dict[str, tuple[Rgb, Rgb, Rgb]] = {
    "black": ((54, 48, 60), (34, 30, 40), (92, 86, 104)),
    "brown": ((112, 72, 44), (82, 52, 34), (152, 104, 66)),
    "chestnut": ((152, 86, 52), (114, 62, 40), (190, 120, 76)),
    "blonde": ((236, 200, 104), (198, 156, 72), (252, 234, 164)),
    "ginger": ((212, 102, 52), (162, 70, 40), (242, 148, 88)),
    "grey": ((170, 170, 178), (132, 132, 146), (210, 210, 218)),
    "white": ((232, 232, 236), (194, 194, 206), (255, 255, 255)),
    "plum": ((126, 72, 126), (92, 50, 98), (172, 110, 170)),
}
CLOTH: dict[str, Rgb] = {
    "red": (206, 74, 68), "blue": (78, 122, 198), "green": (84, 156, 84), "yellow": (236, 190, 70),
    "purple": (150, 100, 182), "teal": (58, 160, 158), "orange": (234, 130, 58), "cream": (236, 226, 200),
    "brown": (150, 100, 64), "pink": (234, 140, 172), "navy": (56, 66, 118), "olive": (132, 140, 72),
    "white": (240, 240, 234), "maroon": (142, 52, 66), "grey": (112, 114, 128), "black": (54, 52, 62),
    "khaki": (186, 162, 114), "denim": (82, 110, 162), "forest": (70, 104, 72),
}
"""Skin tones (base, shade), hair colours (base, shade, highlight) and cloth colours."""

VARIANTS: list[tuple[str, str, str, str, str, str, bool]] = [
    # skin, hair, style, shirt, trousers, accent (hat or ribbon), beard
    ("fair", "brown", "short", "blue", "khaki", "red", False),
    ("tan", "black", "long", "red", "navy", "yellow", False),
    ("deep", "black", "short", "yellow", "grey", "red", False),
    ("pale", "blonde", "pigtails", "pink", "denim", "red", False),
    ("brown", "black", "cap", "green", "khaki", "red", False),
    ("fair", "grey", "bald", "brown", "grey", "red", True),
    ("pale", "ginger", "ponytail", "teal", "brown", "forest", False),
    ("tan", "brown", "messy", "orange", "navy", "red", False),
    ("deep", "black", "long", "purple", "black", "yellow", False),
    ("fair", "white", "long", "maroon", "grey", "red", False),
    ("brown", "brown", "short", "olive", "brown", "red", True),
    ("pale", "chestnut", "ponytail", "cream", "forest", "yellow", False),
    ("tan", "grey", "short", "navy", "khaki", "red", False),
    ("fair", "blonde", "messy", "red", "denim", "red", False),
    ("deep", "black", "pigtails", "teal", "navy", "yellow", False),
    ("brown", "black", "messy", "white", "black", "red", False),
    ("pale", "plum", "long", "green", "black", "red", False),
    ("fair", "brown", "cap", "orange", "denim", "blue", False),
    ("tan", "ginger", "short", "blue", "brown", "red", True),
    ("deep", "grey", "bald", "cream", "brown", "red", False),
    ("brown", "black", "ponytail", "yellow", "forest", "red", False),
    ("pale", "black", "short", "purple", "grey", "red", False),
    ("fair", "white", "short", "navy", "khaki", "red", True),
    ("tan", "blonde", "long", "pink", "denim", "red", False),
]
"""One row of the character sheet per entry."""

OUTLINE: Rgb = (38, 30, 42)
"""Dark outline drawn round every character."""
EYE: Rgb = (38, 30, 42)
SHOE: Rgb = (76, 52, 44)


def shade(color: Rgb, factor: float = 0.76) -> Rgb:
    """Return a darker version of ``color``."""
    r, g, b = color
    return (int(r * factor), int(g * factor), int(b * factor))


def variant_colors(variant: tuple[str, str, str, str, str, str, bool]) -> dict[str, Rgb]:
    """Map template letters to colours for one character variant."""
    skin, hair, _style, shirt, trousers, accent, _beard = variant
    skin_base, skin_shade = SKINS[skin]
    hair_base, hair_shade, hair_light = HAIRS[hair]
    return {
        "s": skin_base, "S": skin_shade, "e": EYE, "f": SHOE,
        "t": CLOTH[shirt], "T": shade(CLOTH[shirt]), "p": CLOTH[trousers], "P": shade(CLOTH[trousers]),
        "h": hair_base, "H": hair_shade, "L": hair_light,
        "a": CLOTH[accent], "A": shade(CLOTH[accent], 0.7),
    }


def overlay(grid: list[list[str]], layer: list[str]) -> None:
    """Copy the non-blank letters of ``layer`` onto ``grid``."""
    for y, row in enumerate(layer):
        for x, letter in enumerate(row):
            if letter != ".":
                grid[y][x] = letter


def frame_grid(variant: tuple[str, str, str, str, str, str, bool], facing: int, step: int) -> list[list[str]]:
    """Return the letter grid of one frame; ``facing`` is 0 down, 1 left or 3 up."""
    style = HAIR_STYLES[variant[2]]
    if facing == 1:
        rows = HEAD_SIDE + BODY_SIDE[step]
        layers = [style[1], BEARD[1] if variant[6] else []]
    elif facing == 3:
        rows = [row.replace("e", "s") for row in HEAD_FRONT] + BODY_FRONT[step]
        layers = [style[2]]
    else:
        rows = HEAD_FRONT + BODY_FRONT[step]
        layers = [style[0], BEARD[0] if variant[6] else []]
    grid = [list(row) for row in rows]
    for layer in layers:
        overlay(grid, layer)
    return grid


def draw_frame(variant: tuple[str, str, str, str, str, str, bool], facing: int, step: int) -> pygame.Surface:
    """Draw one outlined 16x16 character frame facing 0 down, 1 left, 2 right or 3 up."""
    colors = variant_colors(variant)
    grid = frame_grid(variant, 1 if facing == 2 else facing, step)
    surf = pygame.Surface((FRAME, FRAME), pygame.SRCALPHA)
    for y, row in enumerate(grid):
        for x, letter in enumerate(row):
            if letter != ".":
                surf.set_at((x, y), colors[letter])
    outline(surf, OUTLINE)
    return pygame.transform.flip(surf, True, False) if facing == 2 else surf


def draw_character_sheet() -> pygame.Surface:
    """Draw every variant as a row of 8 frames: (down, left, right, up) x (step 0, step 1)."""
    sheet = pygame.Surface((8 * FRAME, len(VARIANTS) * FRAME), pygame.SRCALPHA)
    for row, variant in enumerate(VARIANTS):
        for facing in range(4):
            for step in range(2):
                frame = draw_frame(variant, facing, step)
                sheet.blit(frame, ((facing * 2 + step) * FRAME, row * FRAME),
                           special_flags=pygame.BLEND_RGBA_MAX)
    return sheet

FONT_CELL = (6, GLYPH_ROWS)
"""Width and height of one glyph cell in the font sheet."""

FONT_COLUMNS = 16
"""Glyph cells per row in the font sheet."""

SPACE_ADVANCE = 4
"""Horizontal advance of the space character, in pixels."""


def write_png(surface: pygame.Surface, path: Path) -> None:
    """Write ``surface`` as a deterministic 8-bit RGBA PNG (no timestamps or metadata)."""
    width, height = surface.get_size()
    raw = pygame.image.tobytes(surface, "RGBA")
    stride = width * 4
    scanlines = b"".join(b"\x00" + raw[y * stride : (y + 1) * stride] for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    png += chunk(b"IDAT", zlib.compress(scanlines, 9)) + chunk(b"IEND", b"")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)


def draw_font() -> tuple[pygame.Surface, dict[str, object]]:
    """Draw the font sheet (white on transparent) and build its JSON metadata."""
    chars = "".join(chr(code) for code in range(32, 127))
    rows = (len(chars) + FONT_COLUMNS - 1) // FONT_COLUMNS
    cell_w, cell_h = FONT_CELL
    sheet = pygame.Surface((FONT_COLUMNS * cell_w, rows * cell_h), pygame.SRCALPHA)
    advances: dict[str, int] = {}
    for index, char in enumerate(chars):
        glyph = glyph_rows(char)
        ox, oy = (index % FONT_COLUMNS) * cell_w, (index // FONT_COLUMNS) * cell_h
        for y, row in enumerate(glyph):
            for x, cell in enumerate(row):
                if cell == "#":
                    sheet.set_at((ox + x, oy + y), (255, 255, 255, 255))
        advances[char] = SPACE_ADVANCE if char == " " else len(glyph[0]) + 1
    meta: dict[str, object] = {
        "cell_width": cell_w,
        "cell_height": cell_h,
        "baseline": BASELINE,
        "line_height": cell_h + 1,
        "columns": FONT_COLUMNS,
        "chars": chars,
        "advances": advances,
    }
    return sheet, meta


README_TEXT = """\
# Assets

Original art generated by `tools/make_art.py` (`.venv/bin/python tools/make_art.py [--out DIR]`), nothing
downloaded or copied; dedicated to the public domain (CC0) by the npcworld project. Rerunning is byte-identical.

- `tiles/town.png`: 16x16 px tiles, 8 columns, tile i (Tiled local id i) at column i % 8, row i // 8, in the
  order of `TILES` in `tools/tiles.py`. Ground tiles are opaque; object tiles (walls aside) have transparent
  backgrounds and soft shadows so they sit on any ground; `blocked` is the translucent collision marker.
- `sprites/characters.png`: 16x16 px RGBA frames, row r = character variant r ({variants} rows), column =
  direction * 2 + frame, directions 0 down, 1 left, 2 right, 3 up; frames 0 and 1 alternate when walking.
- `fonts/npcfont.png` + `fonts/npcfont.json`: white glyphs in 6x9 px cells, 16 per row, ASCII 32..126 in
  order; the JSON gives cell size, baseline, line height and each character's advance.
"""


def generate(out_dir: Path) -> list[Path]:
    """Render every asset into ``out_dir`` and return the paths written."""
    pygame.init()
    tileset = draw_tileset()
    characters = draw_character_sheet()
    font_sheet, font_meta = draw_font()
    written = [
        out_dir / "tiles" / "town.png",
        out_dir / "sprites" / "characters.png",
        out_dir / "fonts" / "npcfont.png",
        out_dir / "fonts" / "npcfont.json",
        out_dir / "README.md",
    ]
    write_png(tileset, written[0])
    write_png(characters, written[1])
    write_png(font_sheet, written[2])
    written[3].write_text(json.dumps(font_meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    variants = characters.get_height() // 16
    written[4].write_text(README_TEXT.format(variants=variants), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and generate the assets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "assets", help="output directory")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
