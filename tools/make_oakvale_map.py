"""Generate the Oakvale town map, ``worlds/oakvale/map.tmx``.

Run from the repository root::

    .venv/bin/python tools/make_oakvale_map.py          # write the map and print an ASCII view
    .venv/bin/python tools/make_oakvale_map.py --quiet  # write the map only

The script uses the standard library only and is deterministic: running it twice writes the
same file. The map is a Tiled 1.10 orthogonal map with CSV layers and one embedded tileset
(``assets/tiles/town.png``, catalogue in ``tools/tiles.py``):

* ``ground``    every cell filled (grass, paths, roads, water, floors);
* ``objects``   walls, doors, furniture, trees and street furniture (0 where empty);
* ``collision`` (hidden) the ``blocked`` tile on every cell nobody may stand on;
* ``places``    one rectangle per place (name = place id, type = category, property label);
* ``spawns``    a point object ``player`` on a road tile.

Before writing, the script checks that every place has enough walkable tiles and that every
walkable tile of the map is reachable from every other one; it exits with an error otherwise.
"""

from __future__ import annotations

import itertools
import random
import sys
from collections import deque
from pathlib import Path
from xml.sax.saxutils import quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiles import BLOCKING, COLUMNS, TILE_SIZE, TILES

from game.worldgen.grid import Rect as Place  # one named area of the map, in tiles

ROOT = Path(__file__).resolve().parent.parent
OUT_PATH = ROOT / "worlds" / "oakvale" / "map.tmx"
IMAGE_SOURCE = "../../assets/tiles/town.png"

WIDTH = 64
HEIGHT = 46
SEED = 1807  # the year Oakvale got its charter, according to Felix

GROUND_KINDS = {
    "grass",
    "grass_dark",
    "flowers",
    "dirt_path",
    "cobble",
    "water",
    "sand",
    "bridge",
    "floor_wood",
    "floor_stone",
    "floor_tile",
    "rug",
}

ASCII = {
    "grass": ".",
    "grass_dark": ",",
    "flowers": "*",
    "dirt_path": ":",
    "cobble": "=",
    "water": "~",
    "sand": "s",
    "bridge": "H",
    "floor_wood": "_",
    "floor_stone": "_",
    "floor_tile": "_",
    "rug": "r",
    "wall": "#",
    "wall_window": "O",
    "door": "D",
    "fence": "|",
    "tree": "T",
    "bush": "b",
    "flowerbed": "f",
    "bench": "n",
    "fountain": "F",
    "lamp": "l",
    "sign": "!",
    "well": "W",
    "table": "t",
    "chair": "c",
    "bed": "B",
    "counter": "C",
    "bookshelf": "K",
    "stall": "S",
    "oven": "V",
    "barrel": "o",
    "plant": "p",
    "crate": "x",
    "bar_tap": "P",
    "desk": "d",
    "cot": "z",
    "hedge": "h",
    "stump": "u",
    "blocked": "X",
}


def gid(name: str) -> int:
    """Global tile id (firstgid 1) of the tile called ``name``."""
    return TILES.index(name) + 1


class Town:
    """Mutable tile grid plus the list of places, built up by the ``build_*`` functions."""

    def __init__(self) -> None:
        self.ground: list[list[str]] = [["grass"] * WIDTH for _ in range(HEIGHT)]
        self.objects: list[list[str | None]] = [[None] * WIDTH for _ in range(HEIGHT)]
        self.places: list[Place] = []
        self.doors: list[tuple[int, int]] = []
        self.spawn: tuple[int, int] = (0, 0)
        self.rng = random.Random(SEED)

    # -- basic painting -------------------------------------------------------------------

    def inside(self, x: int, y: int) -> bool:
        """Whether (x, y) lies on the map."""
        return 0 <= x < WIDTH and 0 <= y < HEIGHT

    def paint(self, x: int, y: int, w: int, h: int, name: str) -> None:
        """Fill a rectangle of the ground layer."""
        assert name in GROUND_KINDS, name
        for yy in range(y, y + h):
            for xx in range(x, x + w):
                self.ground[yy][xx] = name

    def put(self, x: int, y: int, name: str) -> None:
        """Place one object tile; refuses to overwrite another object."""
        assert name in TILES and name not in GROUND_KINDS, name
        assert self.inside(x, y), (x, y, name)
        if self.objects[y][x] is not None:
            raise AssertionError(f"cell {(x, y)} already holds {self.objects[y][x]}, not {name}")
        self.objects[y][x] = name

    def put_if_free(self, x: int, y: int, name: str) -> bool:
        """Place an outdoor decoration on a free, plain-grass cell; return whether it did."""
        if not self.inside(x, y) or self.objects[y][x] is not None:
            return False
        if self.ground[y][x] not in ("grass", "grass_dark", "flowers"):
            return False
        self.objects[y][x] = name
        return True

    def row(self, x: int, y: int, names: str) -> None:
        """Place a run of objects from a compact string (see FURNITURE_CODES); '.' skips."""
        for i, ch in enumerate(names):
            if ch != ".":
                self.put(x + i, y, FURNITURE_CODES[ch])

    def blocked(self, x: int, y: int) -> bool:
        """Whether nobody may stand on (x, y): the border ring, or a BLOCKING ground/object."""
        if x in (0, WIDTH - 1) or y in (0, HEIGHT - 1):
            return True
        obj = self.objects[y][x]
        return self.ground[y][x] in BLOCKING or (obj is not None and obj in BLOCKING)

    # -- composite features ---------------------------------------------------------------

    def building(
        self,
        pid: str,
        category: str,
        label: str,
        rect: tuple[int, int, int, int],
        *,
        floor: str,
        door: tuple[str, int],
    ) -> Place:
        """Draw a cutaway building (walls round a floor) with one door, and register its place.

        ``door`` is (side, offset): side is "n", "s", "w" or "e" and offset counts from the
        wall's first (top or left) corner. The place rectangle covers the interior floor and
        the door tile. ``rect`` is (x, y, width, height) in tiles, walls included.
        """
        x, y, w, h = rect
        side, off = door
        assert 0 < off < (w - 1 if side in "ns" else h - 1), (pid, door)
        self.paint(x, y, w, h, floor)
        dx, dy = {
            "n": (x + off, y),
            "s": (x + off, y + h - 1),
            "w": (x, y + off),
            "e": (x + w - 1, y + off),
        }[side]
        perimeter = []
        for xx in range(x, x + w):
            perimeter.append((xx, y, "n"))
            perimeter.append((xx, y + h - 1, "s"))
        for yy in range(y + 1, y + h - 1):
            perimeter.append((x, yy, "w"))
            perimeter.append((x + w - 1, yy, "e"))
        for xx, yy, wall_side in perimeter:
            corner = xx in (x, x + w - 1) and yy in (y, y + h - 1)
            if (xx, yy) == (dx, dy):
                self.put(xx, yy, "door")
                continue
            near_door = abs(xx - dx) + abs(yy - dy) <= 1
            pos = xx - x if wall_side in "ns" else yy - y
            window = not corner and not near_door and pos % 3 == 2
            if wall_side in "we" and h <= 5:
                window = False
            self.put(xx, yy, "wall_window" if window else "wall")
        self.doors.append((dx, dy))
        # Interior plus the wall row (or column) that holds the door.
        ix, iy, iw, ih = {
            "n": (x + 1, y, w - 2, h - 1),
            "s": (x + 1, y + 1, w - 2, h - 1),
            "w": (x, y + 1, w - 1, h - 2),
            "e": (x + 1, y + 1, w - 1, h - 2),
        }[side]
        place = Place(pid, category, label, ix, iy, iw, ih)
        self.places.append(place)
        return place

    def path(self, cells: list[tuple[int, int]], name: str = "dirt_path") -> None:
        """Paint a polyline of ground through the given corner points (axis-aligned legs)."""
        for (ax, ay), (bx, by) in itertools.pairwise(cells):
            assert ax == bx or ay == by, (ax, ay, bx, by)
            for xx in range(min(ax, bx), max(ax, bx) + 1):
                for yy in range(min(ay, by), max(ay, by) + 1):
                    if self.ground[yy][xx] not in ("cobble", "bridge", "water"):
                        self.ground[yy][xx] = name
        if len(cells) == 1:
            x, y = cells[0]
            self.ground[y][x] = name


FURNITURE_CODES = {
    "t": "table",
    "c": "chair",
    "B": "bed",
    "C": "counter",
    "K": "bookshelf",
    "S": "stall",
    "V": "oven",
    "o": "barrel",
    "p": "plant",
    "x": "crate",
    "P": "bar_tap",
    "d": "desk",
    "z": "cot",
    "n": "bench",
    "l": "lamp",
    "!": "sign",
    "f": "flowerbed",
    "b": "bush",
    "T": "tree",
    "h": "hedge",
    "|": "fence",
    "u": "stump",
    "W": "well",
    "F": "fountain",
}


# --------------------------------------------------------------------------------------------
# The town, district by district
# --------------------------------------------------------------------------------------------


def build_roads(t: Town) -> None:
    """Lay the High Street, the square, Mill Lane and the back lanes."""
    # High Street, running east-west through the middle of town.
    t.paint(1, 19, WIDTH - 2, 2, "cobble")
    # The square, straddling the High Street in front of the town hall.
    t.paint(24, 14, 16, 11, "cobble")
    # Mill Lane, running south from the square past the market.
    t.paint(31, 25, 2, HEIGHT - 26, "cobble")
    # North lane behind the cottages, and the path along the orchard.
    t.path([(2, 8), (23, 8), (23, 13)])
    t.path([(9, 8), (9, 18)])
    t.path([(23, 13), (23, 18)])
    # Lane from the market to the south-east cottages.
    t.path([(38, 38), (62, 38)])


def build_homes(t: Town) -> None:
    """Build the twelve residents' cottages; each layout row is furniture inside the walls."""

    def home(
        pid: str, label: str, rect: tuple[int, int, int, int], door: tuple[str, int], layout: list[str]
    ) -> None:
        t.building(pid, "home", label, rect, floor="floor_wood", door=door)
        x, y = rect[0], rect[1]
        for dy, line in enumerate(layout):
            t.row(x + 1, y + 1 + dy, line)

    # North-west cottages along the back lane.
    home(
        "home_iris",
        "Iris's Cottage",
        (2, 2, 7, 6),
        ("s", 3),
        [
            "KK.Bp",
            ".....",
            "tc...",
            "...o.",
        ],
    )
    home(
        "home_felix",
        "Felix's Cottage",
        (10, 2, 7, 6),
        ("s", 3),
        [
            "B..Kd",
            "....c",
            ".....",
            "ct..p",
        ],
    )
    home(
        "home_harriet",
        "Harriet's House",
        (18, 2, 6, 6),
        ("s", 2),
        [
            "B.pK",
            "....",
            "....",
            "tc.o",
        ],
    )
    home(
        "home_sam",
        "Sam's Cottage",
        (2, 11, 7, 6),
        ("s", 3),
        [
            "B..KK",
            ".....",
            "tc..d",
            "p...c",
        ],
    )
    home(
        "home_june",
        "June's Cottage",
        (10, 11, 7, 6),
        ("s", 3),
        [
            "pB.Bp",
            ".....",
            ".....",
            "ct..o",
        ],
    )
    # By the square and Mill Lane.
    home(
        "home_mara",
        "Mara's Cottage",
        (24, 26, 7, 6),
        ("e", 3),
        [
            "B..pV",
            ".....",
            ".....",
            "tc..o",
        ],
    )
    home(
        "home_ben",
        "Ben's Cottage",
        (24, 35, 7, 6),
        ("e", 2),
        [
            "B.p.x",
            ".....",
            "....p",
            "tc.pp",
        ],
    )
    # South-east cottages along the market lane.
    home(
        "home_rosa",
        "Rosa's House",
        (49, 32, 7, 6),
        ("s", 3),
        [
            "B.pxx",
            ".....",
            ".....",
            "tc..o",
        ],
    )
    home(
        "home_gwen",
        "Gwen's Rooms",
        (57, 32, 6, 6),
        ("s", 2),
        [
            "B..o",
            "....",
            "....",
            "pct.",
        ],
    )
    home(
        "home_okafor",
        "Dr Okafor's House",
        (49, 39, 7, 6),
        ("n", 3),
        [
            "K....",
            ".....",
            "tc..p",
            "B..Kd",
        ],
    )
    home(
        "home_tomas",
        "Tomas's House",
        (57, 39, 6, 6),
        ("n", 2),
        [
            "p...",
            "....",
            "tc..",
            "B..o",
        ],
    )
    home(
        "home_leo",
        "Leo's Lodgings",
        (35, 40, 7, 5),
        ("n", 3),
        [
            "p...x",
            ".....",
            "B.tco",
        ],
    )


VACANT_HOMES = [
    # (place id, label, rect x/y/w/h with walls, door (side, offset), furniture rows inside the walls)
    # Under the library, its door on the High Street.
    ("home_vacant_1", "Vacant Cottage 1", (40, 14, 6, 5), ("s", 3), ["B..p", "....", "tc.."]),
    # Between Leo's Lodgings and Dr Okafor's House, off the market lane.
    ("home_vacant_2", "Vacant Cottage 2", (42, 40, 6, 5), ("n", 3), ["....", "tc..", "B..o"]),
    # Below Ben's Cottage, its door on Mill Lane.
    ("home_vacant_3", "Vacant Cottage 3", (24, 41, 7, 4), ("e", 1), ["B....", "p..tc"]),
]
"""Three empty cottages kept for residents that players add later."""


def build_vacant_homes(t: Town) -> None:
    """Build the vacant cottages (bed and table only) and the paths from their doors."""
    for pid, label, rect, door, layout in VACANT_HOMES:
        t.building(pid, "home", label, rect, floor="floor_wood", door=door)
        x, y = rect[0], rect[1]
        for dy, line in enumerate(layout):
            t.row(x + 1, y + 1 + dy, line)
    # Cottage 2's garden path up to the market lane.
    t.path([(45, 39), (45, 38)])


def build_public(t: Town) -> None:
    """Town hall, library, school, bakery, cafe, clinic, pub and the market."""

    def furnish(place_x: int, place_y: int, layout: list[str]) -> None:
        for dy, line in enumerate(layout):
            t.row(place_x, place_y + dy, line)

    # Town hall, facing the square from the north.
    t.building(
        "town_hall", "town_hall", "Oakvale Town Hall", (25, 4, 14, 10), floor="floor_stone", door=("s", 6)
    )
    t.paint(31, 6, 1, 7, "rug")
    t.paint(29, 5, 5, 1, "rug")
    furnish(
        26,
        5,
        [
            "KKK..d.d.KKK",
            "p...cc.c...p",
            "............",
            "dc........cd",
            "CC........CC",
            "............",
            "n..n....n..n",
            "p..........p",
        ],
    )

    # Library, north-east of the square.
    t.building("library", "library", "Oakvale Library", (41, 5, 12, 9), floor="floor_wood", door=("s", 5))
    t.paint(44, 9, 4, 3, "rug")
    furnish(
        42,
        6,
        [
            "KKKK..KKKK",
            "..........",
            "KKK....KKK",
            "....ct....",
            "KKK.tc.KKK",
            "..........",
            "pdc.....cp",
        ],
    )

    # School, in the north-east corner with its yard.
    t.building(
        "school", "school", "Oakvale Village School", (54, 2, 9, 10), floor="floor_wood", door=("s", 4)
    )
    furnish(
        55,
        3,
        [
            "K..c..K",
            "...d...",
            ".......",
            "tc.tc.p",
            ".......",
            "tc.tc.p",
            ".......",
            "K.....x",
        ],
    )
    t.paint(54, 12, 9, 6, "dirt_path")
    for yy in range(12, 18):
        t.put(53, yy, "fence")
    for xx in range(54, 63):
        if xx not in (57, 58, 59):
            t.put(xx, 17, "fence")
    t.put(61, 13, "tree")
    t.put(55, 15, "stump")
    t.put(60, 15, "bench")
    t.put(56, 12, "sign")

    # Bakery, on the High Street west of the square.
    t.building("bakery", "bakery", "Quinn's Bakery", (2, 22, 10, 7), floor="floor_tile", door=("n", 5))
    furnish(
        3,
        23,
        [
            "p.......",
            "CCC..CCC",
            "........",
            "x.tt...o",
            "VV....VV",
        ],
    )

    # Cafe, opening on to the square.
    t.building("cafe", "cafe", "The Copper Kettle Cafe", (13, 22, 10, 8), floor="floor_wood", door=("e", 2))
    t.paint(17, 24, 5, 1, "rug")
    furnish(
        14,
        23,
        [
            "PCCCC..p",
            "........",
            "ct.ct.ct",
            "........",
            "tc.ct.tc",
            "p......p",
        ],
    )
    t.path([(23, 24), (23, 24)])

    # Clinic, east of the square.
    t.building("clinic", "clinic", "Oakvale Clinic", (41, 22, 10, 7), floor="floor_tile", door=("n", 4))
    furnish(
        42,
        23,
        [
            "nn.....p",
            "p.CCd..K",
            "........",
            "z.z..z.z",
            "p......K",
        ],
    )

    # The Crooked Lantern, at the east end of the High Street.
    t.building("pub", "pub", "The Crooked Lantern", (52, 22, 11, 9), floor="floor_wood", door=("n", 4))
    t.paint(53, 24, 3, 2, "rug")
    furnish(
        53,
        23,
        [
            "o...p..oo",
            ".........",
            "ct.tc.ct.",
            ".........",
            "ct.tc.ct.",
            "CCCPCC...",
            "oo.....xp",
        ],
    )

    # Open-air market beside Mill Lane.
    t.paint(33, 29, 15, 9, "dirt_path")
    t.paint(33, 29, 15, 1, "cobble")
    t.paint(33, 37, 15, 1, "cobble")
    t.paint(33, 29, 1, 9, "cobble")
    t.paint(47, 29, 1, 9, "cobble")
    furnish(
        33,
        29,
        [
            "l.....!.......l",
            "..SS..SS..SS...",
            "..xo......ox...",
            "...............",
            "..SS..SS..SS...",
            "..x........o...",
            "...............",
            "..SS..xx..SS...",
            "l.............l",
        ],
    )
    t.places.append(Place("market", "market", "Oakvale Market", 33, 29, 15, 9))
    # Leo's garden path to the market lane.
    t.path([(38, 39), (38, 38)])


PARK = (1, 31, 22, 14)
"""Willow Green Park: x, y, width, height in tiles (south-west of the High Street)."""


def build_park(t: Town) -> None:
    """Lay out the park: hedges and gates, a pond and brook with a bridge, paths, a fountain."""
    x0, y0, w, h = PARK
    t.paint(x0, y0, w, h, "grass")
    # Hedge along the top and the east side, with a gate in each.
    for xx in range(1, 23):
        if xx != 12:
            t.put(xx, 30, "hedge")
    for yy in range(31, HEIGHT - 1):
        if yy != 33:
            t.put(23, yy, "hedge")
    _park_water(t)
    _park_paths(t)
    _park_furniture(t)
    t.places.append(Place("park", "park", "Willow Green Park", x0, y0, w, h))


def _park_water(t: Town) -> None:
    """Dig the pond, the brook that runs out of it to the south, and a sandy shore."""
    pond = [
        "..~~~~..",
        ".~~~~~~.",
        "~~~~~~~~",
        "~~~~~~~.",
        ".~~~~~..",
        "..~~~...",
    ]
    px, py = 3, 34
    for dy, line in enumerate(pond):
        for dx, ch in enumerate(line):
            if ch == "~":
                t.ground[py + dy][px + dx] = "water"
    for yy in range(py + len(pond), HEIGHT):
        t.ground[yy][5] = "water"
        t.ground[yy][6] = "water"
    # Sand shore on the east side of the pond.
    for xx, yy in [(10, 35), (11, 36), (11, 37), (10, 38), (9, 39), (8, 40)]:
        t.ground[yy][xx] = "sand"


def _park_paths(t: Town) -> None:
    """Lay a loop round the pond, a ring round the fountain, and paths to both gates."""
    t.path([(12, 30), (12, 32), (2, 32), (2, 42), (16, 42), (16, 40)])
    t.path([(12, 32), (20, 32), (20, 33), (23, 33), (30, 33)])
    t.path([(14, 35), (18, 35), (18, 39), (14, 39), (14, 35)])
    t.path([(12, 32), (12, 34), (14, 34), (14, 35)])
    t.path([(18, 33), (18, 35)])
    t.path([(16, 39), (16, 42)])
    for xx in (5, 6):
        t.ground[42][xx] = "bridge"


def _park_furniture(t: Town) -> None:
    """Place the fountain, flowerbeds, benches, lamps, the sign and the trees."""
    t.put(16, 37, "fountain")
    for xx, yy in [(15, 36), (17, 36), (15, 38), (17, 38)]:
        t.paint(xx, yy, 1, 1, "flowers")
    t.put(16, 36, "flowerbed")
    t.put(16, 38, "flowerbed")
    # Benches, lamps and a sign.
    for xx, yy, name in [
        (13, 36, "bench"),
        (19, 37, "bench"),
        (10, 31, "bench"),
        (3, 31, "bench"),
        (11, 43, "bench"),
        (20, 43, "bench"),
        (13, 31, "sign"),
        (11, 31, "lamp"),
        (19, 34, "lamp"),
        (13, 40, "lamp"),
        (3, 43, "lamp"),
        (8, 41, "lamp"),
        (21, 31, "lamp"),
    ]:
        t.put(xx, yy, name)
    # Trees and flowerbeds.
    for xx, yy in [
        (1, 31),
        (7, 31),
        (16, 31),
        (19, 31),
        (22, 34),
        (21, 36),
        (21, 39),
        (20, 41),
        (1, 38),
        (1, 34),
        (11, 40),
        (12, 38),
        (10, 33),
        (15, 43),
        (18, 43),
        (22, 44),
        (8, 44),
        (12, 44),
        (3, 44),
        (1, 44),
    ]:
        t.put(xx, yy, "tree")
    for xx, yy in [(9, 43), (10, 43), (20, 35), (20, 36), (21, 33)]:
        t.put(xx, yy, "flowerbed")


def build_town_furniture(t: Town) -> None:
    """Door paths, the square's furniture, street lamps, gardens and the town's trees."""
    # Paths from front doors to the nearest road.
    t.path([(5, 17), (5, 18)])
    t.path([(13, 17), (13, 18)])
    t.path([(46, 14), (46, 18)])
    t.path([(58, 18), (58, 18)])
    t.path([(7, 21), (7, 21)])
    t.path([(45, 21), (45, 21)])
    t.path([(56, 21), (56, 21)])
    t.path([(12, 21), (12, 29)])
    t.path([(52, 38), (52, 38)])
    # The square: a well, flowerbeds, benches, lamps and the notice board.
    t.paint(35, 22, 4, 3, "grass")
    t.paint(35, 22, 1, 1, "flowers")
    t.paint(38, 24, 1, 1, "flowers")
    t.put(36, 23, "well")
    t.put(38, 22, "tree")
    for xx, yy, name in [
        (24, 14, "lamp"),
        (39, 14, "lamp"),
        (24, 21, "lamp"),
        (39, 24, "lamp"),
        (27, 15, "flowerbed"),
        (28, 15, "flowerbed"),
        (35, 15, "flowerbed"),
        (36, 15, "flowerbed"),
        (27, 16, "bench"),
        (36, 16, "bench"),
        (33, 15, "sign"),
        (25, 22, "table"),
        (26, 22, "chair"),
        (25, 23, "chair"),
        (28, 22, "table"),
        (29, 22, "chair"),
        (28, 23, "chair"),
        (34, 23, "bench"),
        (37, 24, "bush"),
    ]:
        t.put(xx, yy, name)
    # Lamps along the High Street and Mill Lane.
    for xx in range(3, 62, 6):
        t.put_if_free(xx, 18, "lamp")
        t.put_if_free(xx + 3, 21, "lamp")
    for yy in range(27, 44, 5):
        t.put_if_free(33, yy, "lamp")
        t.put_if_free(30, yy + 2, "lamp")
    # Signs by the lanes.
    t.put(10, 18, "sign")
    t.put(47, 18, "sign")
    # The orchard between the cottages and the square.
    for xx, yy in [(18, 10), (21, 10), (18, 13), (21, 13), (18, 16), (21, 16)]:
        t.put(xx, yy, "tree")
    t.paint(17, 9, 6, 9, "grass_dark")
    t.put(19, 17, "bench")
    t.put(20, 12, "stump")
    # Garden hedges, fences and flowerbeds around the cottages.
    for xx, yy, name in [
        (3, 9, "flowerbed"),
        (4, 9, "flowerbed"),
        (7, 9, "bush"),
        (11, 9, "flowerbed"),
        (12, 9, "flowerbed"),
        (15, 9, "bush"),
        (3, 17, "bush"),
        (7, 17, "flowerbed"),
        (11, 17, "bush"),
        (15, 17, "flowerbed"),
        (25, 25, "bush"),
        (29, 25, "flowerbed"),
        (25, 32, "flowerbed"),
        (26, 32, "flowerbed"),
        (25, 34, "bush"),
        (29, 34, "bush"),
        (25, 41, "flowerbed"),
        (26, 41, "flowerbed"),
        (50, 31, "flowerbed"),
        (51, 31, "flowerbed"),
        (40, 2, "tree"),
        (40, 6, "tree"),
        (39, 10, "bush"),
        (40, 12, "lamp"),
        (14, 21, "flowerbed"),
        (15, 21, "flowerbed"),
        (42, 21, "flowerbed"),
        (49, 21, "flowerbed"),
        (3, 29, "bush"),
    ]:
        t.put_if_free(xx, yy, name)
    for xx in range(33, 43):
        if xx != 38:
            t.put_if_free(xx, 39, "fence")
    # Trees round the edge of town.
    border_trees(t)
    scatter(t)


def border_trees(t: Town) -> None:
    """Plant a ring of trees on the border (roads and the brook run out under it)."""
    for x in range(WIDTH):
        for y in (0, HEIGHT - 1):
            if t.ground[y][x] in ("grass", "grass_dark"):
                t.put(x, y, "tree")
    for y in range(1, HEIGHT - 1):
        for x in (0, WIDTH - 1):
            if t.ground[y][x] in ("grass", "grass_dark"):
                t.put(x, y, "tree")


def scatter(t: Town) -> None:
    """Sprinkle flowers, dark grass, trees and bushes on open grass, deterministically."""
    rng = t.rng
    for y in range(1, HEIGHT - 1):
        for x in range(1, WIDTH - 1):
            if t.ground[y][x] != "grass" or t.objects[y][x] is not None:
                continue
            r = rng.random()
            if r < 0.07:
                t.ground[y][x] = "flowers"
            elif r < 0.15:
                t.ground[y][x] = "grass_dark"
    # Trees and bushes only where they cannot hem anything in: every neighbour is open grass.
    for y in range(1, HEIGHT - 1):
        for x in range(1, WIDTH - 1):
            if not _open_around(t, x, y):
                continue
            r = rng.random()
            if r < 0.22:
                t.put(x, y, "tree")
            elif r < 0.26:
                t.put(x, y, "bush")
            elif r < 0.28:
                t.put(x, y, "stump")


def _open_around(t: Town, x: int, y: int) -> bool:
    """Whether (x, y) and its eight neighbours are open lawn a plant may go in the middle of."""
    if t.objects[y][x] is not None:
        return False
    for yy in (y - 1, y, y + 1):
        for xx in (x - 1, x, x + 1):
            if not t.inside(xx, yy) or t.ground[yy][xx] not in ("grass", "grass_dark", "flowers"):
                return False
            if t.objects[yy][xx] not in (None, "tree", "bush", "stump", "flowerbed"):
                return False
    # Keep the cell free if any orthogonal neighbour is already a plant: no solid clumps.
    return not any(
        t.objects[y + dy][x + dx] in ("tree", "bush", "stump")
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
    )


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------

MIN_WALKABLE_HOME = 6
MIN_WALKABLE_PUBLIC = 12


class MapError(Exception):
    """The generated map breaks one of the rules; the message says which."""


def walkable_cells(t: Town) -> set[tuple[int, int]]:
    """Every cell that is not blocked."""
    return {(x, y) for y in range(HEIGHT) for x in range(WIDTH) if not t.blocked(x, y)}


def reachable_from(t: Town, start: tuple[int, int]) -> set[tuple[int, int]]:
    """Breadth-first search over non-blocked cells, four-way moves."""
    seen = {start}
    queue = deque([start])
    while queue:
        x, y = queue.popleft()
        for nx, ny in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if (nx, ny) not in seen and t.inside(nx, ny) and not t.blocked(nx, ny):
                seen.add((nx, ny))
                queue.append((nx, ny))
    return seen


def check(t: Town) -> list[str]:
    """Validate the town; raise MapError on a broken rule, return notes worth printing."""
    ids = [p.pid for p in t.places]
    if len(ids) != len(set(ids)):
        raise MapError(f"duplicate place ids: {sorted(ids)}")
    for y in range(HEIGHT):
        for x in range(WIDTH):
            if t.ground[y][x] not in GROUND_KINDS:
                raise MapError(f"ground at {(x, y)} is {t.ground[y][x]}")
    sx, sy = t.spawn
    if t.blocked(sx, sy) or t.ground[sy][sx] != "cobble":
        raise MapError(f"player spawn {t.spawn} is not on an open road tile")
    reach = reachable_from(t, t.spawn)
    _check_places(t, reach)
    for door in t.doors:
        if door not in reach:
            raise MapError(f"door at {door} cannot be reached")
    pockets = walkable_cells(t) - reach
    if pockets:
        raise MapError(f"{len(pockets)} walkable tiles are cut off from the town, e.g. {sorted(pockets)[:8]}")
    return [f"{len(reach)} walkable tiles, all connected; {len(t.places)} places"]


def _check_places(t: Town, reach: set[tuple[int, int]]) -> None:
    """Each place: inside the border, enough walkable tiles, all reachable, no overlaps."""
    for p in t.places:
        if p.x < 1 or p.y < 1 or p.x + p.w > WIDTH - 1 or p.y + p.h > HEIGHT - 1:
            raise MapError(f"place {p.pid} reaches the map border")
        open_cells = [c for c in p.cells() if not t.blocked(*c)]
        need = MIN_WALKABLE_HOME if p.category == "home" else MIN_WALKABLE_PUBLIC
        if len(open_cells) < need:
            raise MapError(f"place {p.pid} has only {len(open_cells)} walkable tiles (< {need})")
        stranded = [c for c in open_cells if c not in reach]
        if stranded:
            raise MapError(
                f"place {p.pid}: walkable tiles {stranded[:6]} cannot be reached from the rest of the town"
            )
    for a, b in itertools.combinations(t.places, 2):
        if set(a.cells()) & set(b.cells()):
            raise MapError(f"places {a.pid} and {b.pid} overlap")


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def csv_block(rows: list[list[int]]) -> str:
    """Tiled-style CSV layer data: one row per line, rows separated by commas."""
    lines = [",".join(str(v) for v in row) for row in rows]
    return "\n" + ",\n".join(lines) + "\n"


def tmx_text(t: Town) -> str:
    """Return the whole map as TMX (Tiled 1.10) XML text."""
    ground = [[gid(t.ground[y][x]) for x in range(WIDTH)] for y in range(HEIGHT)]
    objects = [[gid(o) if o else 0 for o in t.objects[y]] for y in range(HEIGHT)]
    collision = [[gid("blocked") if t.blocked(x, y) else 0 for x in range(WIDTH)] for y in range(HEIGHT)]
    rows = (len(TILES) + COLUMNS - 1) // COLUMNS
    out: list[str] = []
    add = out.append
    next_object_id = len(t.places) + 2
    add('<?xml version="1.0" encoding="UTF-8"?>')
    add(
        f'<map version="1.10" tiledversion="1.10.2" orientation="orthogonal" '
        f'renderorder="right-down" width="{WIDTH}" height="{HEIGHT}" '
        f'tilewidth="{TILE_SIZE}" tileheight="{TILE_SIZE}" infinite="0" '
        f'nextlayerid="6" nextobjectid="{next_object_id}">'
    )
    add(
        f' <tileset firstgid="1" name="town" tilewidth="{TILE_SIZE}" '
        f'tileheight="{TILE_SIZE}" tilecount="{len(TILES)}" columns="{COLUMNS}">'
    )
    add(f'  <image source="{IMAGE_SOURCE}" width="{COLUMNS * TILE_SIZE}" height="{rows * TILE_SIZE}"/>')
    add(" </tileset>")
    for layer_id, (name, data, extra) in enumerate(
        [
            ("ground", ground, ""),
            ("objects", objects, ""),
            ("collision", collision, ' visible="0"'),
        ],
        start=1,
    ):
        add(f' <layer id="{layer_id}" name="{name}" width="{WIDTH}" height="{HEIGHT}"{extra}>')
        add(f'  <data encoding="csv">{csv_block(data)}</data>')
        add(" </layer>")
    add(' <objectgroup id="4" name="places">')
    for object_id, p in enumerate(t.places, start=1):
        add(
            f'  <object id="{object_id}" name={quoteattr(p.pid)} type={quoteattr(p.category)} '
            f'x="{p.x * TILE_SIZE}" y="{p.y * TILE_SIZE}" '
            f'width="{p.w * TILE_SIZE}" height="{p.h * TILE_SIZE}">'
        )
        add("   <properties>")
        add(f'    <property name="label" value={quoteattr(p.label)}/>')
        add("   </properties>")
        add("  </object>")
    add(" </objectgroup>")
    add(' <objectgroup id="5" name="spawns">')
    sx, sy = t.spawn
    add(
        f'  <object id="{len(t.places) + 1}" name="player" '
        f'x="{sx * TILE_SIZE + TILE_SIZE // 2}" y="{sy * TILE_SIZE + TILE_SIZE // 2}">'
    )
    add("   <point/>")
    add("  </object>")
    add(" </objectgroup>")
    add("</map>")
    return "\n".join(out) + "\n"


def build() -> Town:
    """Build the whole town."""
    t = Town()
    build_roads(t)
    build_homes(t)
    build_public(t)
    build_park(t)
    build_vacant_homes(t)
    build_town_furniture(t)
    t.spawn = (30, 20)
    return t


def main() -> int:
    """Build, check and write the map; return the process exit status."""
    quiet = "--quiet" in sys.argv
    t = build()
    try:
        notes = check(t)
    except MapError as exc:
        print(render_ascii(t), file=sys.stderr)
        print(f"make_oakvale_map: error: {exc}", file=sys.stderr)
        return 1
    OUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    OUT_PATH.write_text(tmx_text(t), encoding="utf-8")
    if not quiet:
        print(render_ascii(t))
        print()
        for p in t.places:
            print(
                f"{p.pid:14} {p.category:10} tiles x {p.x}..{p.x + p.w - 1}, "
                f"y {p.y}..{p.y + p.h - 1}  {p.label}"
            )
        for note in notes:
            print(note)
    print(f"wrote {OUT_PATH.relative_to(ROOT)} ({WIDTH}x{HEIGHT} tiles)")
    return 0


def render_ascii(t: Town) -> str:
    """One character per tile: the object if there is one, else the ground."""
    lines = []
    for y in range(HEIGHT):
        chars = []
        for x in range(WIDTH):
            obj = t.objects[y][x]
            chars.append(ASCII[obj] if obj else ASCII[t.ground[y][x]])
        lines.append("".join(chars))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
