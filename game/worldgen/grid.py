"""A town map being drawn: ground and object tiles, buildings with doors, named places, and its Tiled text."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from game.worldgen.tiles import BLOCKING, COLUMNS, TILE_SIZE, TILES

GROUND = frozenset({"grass", "grass_dark", "flowers", "dirt_path", "cobble", "water", "sand", "bridge",
                    "floor_wood", "floor_stone", "floor_tile", "rug"})
"""Tiles of the ground layer; every other tile goes on the objects layer."""

IMAGE_SOURCE = "../../assets/tiles/town.png"
"""The tileset as a world under worlds/ reaches it (elsewhere the loader finds assets/tiles/town.png itself)."""


@dataclass(frozen=True, slots=True)
class Rect:
    """A named area in tiles: left, top, width, height."""

    pid: str
    category: str
    label: str
    x: int
    y: int
    w: int
    h: int

    def cells(self) -> list[tuple[int, int]]:
        """Every tile of the rectangle, row by row."""
        return [(x, y) for y in range(self.y, self.y + self.h) for x in range(self.x, self.x + self.w)]


class Grid:
    """The map under construction: a blocked border, ground everywhere, objects where placed."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.ground = [["grass"] * width for _ in range(height)]
        self.objects: list[list[str | None]] = [[None] * width for _ in range(height)]
        self.places: list[Rect] = []
        self.spawn = (1, 1)

    def paint(self, x: int, y: int, w: int, h: int, tile: str) -> None:
        """Fill a rectangle of the ground layer (clipped to the map)."""
        for yy in range(max(0, y), min(self.height, y + h)):
            for xx in range(max(0, x), min(self.width, x + w)):
                self.ground[yy][xx] = tile

    def put(self, x: int, y: int, tile: str) -> None:
        """Place one object tile."""
        self.objects[y][x] = tile

    def free(self, x: int, y: int) -> bool:
        """Whether (x, y) is open grass with nothing on it (for decoration)."""
        return (0 < x < self.width - 1 and 0 < y < self.height - 1 and self.objects[y][x] is None
                and self.ground[y][x] in ("grass", "grass_dark", "flowers"))

    def blocked(self, x: int, y: int) -> bool:
        """Whether nobody may stand on (x, y): the border ring, or a blocking tile."""
        if x in (0, self.width - 1) or y in (0, self.height - 1):
            return True
        obj = self.objects[y][x]
        return self.ground[y][x] in BLOCKING or (obj is not None and obj in BLOCKING)

    def building(self, pid: str, category: str, label: str, x: int, y: int, w: int, h: int, floor: str,
                 door_north: bool) -> Rect:
        """Walls round a floor, with one door in the middle of the north or south wall; the place is floor and door."""
        self.paint(x, y, w, h, floor)
        door = (x + w // 2, y if door_north else y + h - 1)
        for xx in range(x, x + w):
            for yy in (y, y + h - 1):
                if (xx, yy) != door:
                    window = 0 < xx - x < w - 1 and (xx - x) % 3 == 2 and abs(xx - door[0]) > 1
                    self.put(xx, yy, "wall_window" if window else "wall")
        for yy in range(y + 1, y + h - 1):
            self.put(x, yy, "wall")
            self.put(x + w - 1, yy, "wall")
        self.put(*door, "door")
        rect = Rect(pid, category, label, x + 1, y if door_north else y + 1, w - 2, h - 1)
        self.places.append(rect)
        return rect

    def area(self, pid: str, category: str, label: str, x: int, y: int, w: int, h: int) -> Rect:
        """An open-air place (park, square...)."""
        rect = Rect(pid, category, label, x, y, w, h)
        self.places.append(rect)
        return rect

    def unreachable(self) -> list[str]:
        """Places with no walkable tile connected to the spawn point."""
        seen = {self.spawn}
        queue = deque([self.spawn])
        while queue:
            x, y = queue.popleft()
            for nxt in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if nxt not in seen and not self.blocked(*nxt):
                    seen.add(nxt)
                    queue.append(nxt)
        return [p.pid for p in self.places if not any(cell in seen for cell in p.cells())]

    def tmx(self) -> str:
        """The map as Tiled 1.10 XML: ground, objects and a hidden collision layer, places and the spawn."""
        gid = {name: index + 1 for index, name in enumerate(TILES)}
        layers = (("ground", [[gid[t] for t in row] for row in self.ground], ""),
                  ("objects", [[gid[t] if t else 0 for t in row] for row in self.objects], ""),
                  ("collision", [[gid["blocked"] if self.blocked(x, y) else 0 for x in range(self.width)]
                                 for y in range(self.height)], ' visible="0"'))
        rows = -(-len(TILES) // COLUMNS)
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               f'<map version="1.10" tiledversion="1.10.2" orientation="orthogonal" renderorder="right-down" '
               f'width="{self.width}" height="{self.height}" tilewidth="{TILE_SIZE}" tileheight="{TILE_SIZE}" '
               f'infinite="0" nextlayerid="6" nextobjectid="{len(self.places) + 2}">',
               f' <tileset firstgid="1" name="town" tilewidth="{TILE_SIZE}" tileheight="{TILE_SIZE}" '
               f'tilecount="{len(TILES)}" columns="{COLUMNS}">',
               f'  <image source="{IMAGE_SOURCE}" width="{COLUMNS * TILE_SIZE}" height="{rows * TILE_SIZE}"/>',
               " </tileset>"]
        for layer_id, (name, data, extra) in enumerate(layers, start=1):
            csv = ",\n".join(",".join(map(str, row)) for row in data)
            out += [f' <layer id="{layer_id}" name="{name}" width="{self.width}" height="{self.height}"{extra}>',
                    f'  <data encoding="csv">\n{csv}\n</data>', " </layer>"]
        out.append(' <objectgroup id="4" name="places">')
        for object_id, p in enumerate(self.places, start=1):
            out += [f'  <object id="{object_id}" name={quoteattr(p.pid)} type={quoteattr(p.category)} '
                    f'x="{p.x * TILE_SIZE}" y="{p.y * TILE_SIZE}" width="{p.w * TILE_SIZE}" '
                    f'height="{p.h * TILE_SIZE}">',
                    f'   <properties>\n    <property name="label" value={quoteattr(p.label)}/>\n   </properties>',
                    "  </object>"]
        sx, sy = self.spawn
        out += [" </objectgroup>", ' <objectgroup id="5" name="spawns">',
                f'  <object id="{len(self.places) + 1}" name="player" x="{sx * TILE_SIZE + TILE_SIZE // 2}" '
                f'y="{sy * TILE_SIZE + TILE_SIZE // 2}">', "   <point/>", "  </object>", " </objectgroup>", "</map>"]
        return "\n".join(out) + "\n"
