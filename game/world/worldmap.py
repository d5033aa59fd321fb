"""The tile map: a Tiled .tmx read with pytmx into a collision grid and named places (no pygame needed)."""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from agents.errors import ContentError


def _import_pytmx_without_pygame() -> Any:
    """Import pytmx without pygame: its package imports pygame (for type hints and its image helper) when it can.

    While pygame is not loaded yet, ``None`` entries in ``sys.modules`` make those two imports fail, which pytmx
    expects and handles; they are removed again at once, so the view still imports pygame as usual.
    """
    blocked = [name for name in ("pygame", "pytmx.util_pygame") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import pytmx
    finally:
        for name in blocked:
            del sys.modules[name]
    return pytmx


pytmx = _import_pytmx_without_pygame()

Tile = tuple[int, int]
"""A tile coordinate (x, y)."""

COLLISION_LAYER = "collision"
"""Name of the tile layer whose non-empty cells are blocked."""

PLACES_LAYER = "places"
"""Name of the object layer that holds the named places."""

SHARED_TILES = Path(__file__).resolve().parents[2] / "assets" / "tiles"
"""Where a tileset image is looked for by its file name when the map's own path to it does not exist.

The rule that lets a world folder be copied anywhere: a map names its tileset image relative to itself (as
Tiled writes it); if no file is there, npcworld's shared art folder is tried with the same file name."""


@dataclass(frozen=True, slots=True)
class Place:
    """A named rectangle of the map (a home, the cafe, the park...)."""

    id: str
    kind: str
    label: str
    bounds: tuple[int, int, int, int]
    """Tile bounds (x0, y0, x1, y1), end-exclusive."""
    tiles: tuple[Tile, ...]
    """The walkable tiles inside, in row order."""


class TileMap:
    """The collision grid and places of a Tiled map; ``tmx`` keeps the pytmx map for the renderer."""

    def __init__(self, path: Path, tmx: Any, blocked: list[bytearray], places: dict[str, Place],
                 spawns: dict[str, Tile]):
        self.path = path
        self.tmx = tmx
        self.width: int = tmx.width
        self.height: int = tmx.height
        self.tile_size: int = tmx.tilewidth
        self.blocked = blocked
        self.places = places
        self.spawns = spawns
        self._place_at: dict[Tile, str] = {}
        for place in places.values():
            x0, y0, x1, y1 = place.bounds
            for y in range(y0, y1):
                for x in range(x0, x1):
                    self._place_at.setdefault((x, y), place.id)

    def in_bounds(self, tile: Tile) -> bool:
        """Return whether ``tile`` lies on the map."""
        return 0 <= tile[0] < self.width and 0 <= tile[1] < self.height

    def walkable(self, tile: Tile) -> bool:
        """Return whether a resident may stand on ``tile``."""
        return self.in_bounds(tile) and not self.blocked[tile[1]][tile[0]]

    def place_at(self, tile: Tile) -> str | None:
        """Return the id of the place that contains ``tile``, or None outdoors."""
        return self._place_at.get(tile)

    def unreachable_places(self) -> list[tuple[str, str]]:
        """Return (place, reference place) pairs whose walkable tiles are not connected."""
        with_tiles = [p for p in self.places.values() if p.tiles]
        if not with_tiles:
            return []
        reached = self._flood(with_tiles[0].tiles[0])
        return [(p.id, with_tiles[0].id) for p in with_tiles[1:] if p.tiles[0] not in reached]

    def _flood(self, start: Tile) -> set[Tile]:
        """Return every walkable tile connected to ``start``."""
        seen = {start}
        queue = deque([start])
        while queue:
            x, y = queue.popleft()
            for nxt in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if nxt not in seen and self.walkable(nxt):
                    seen.add(nxt)
                    queue.append(nxt)
        return seen


def load_tilemap(path: Path) -> TileMap:
    """Load a .tmx map, checking its collision layer and places; errors name the file and object."""
    try:
        tmx = pytmx.TiledMap(str(path))
    except FileNotFoundError as exc:
        raise ContentError(path, None, f"map file not found ({exc.filename})") from exc
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise ContentError(path, None, f"not a valid Tiled map (XML error: {exc})", line) from exc
    except Exception as exc:  # pytmx raises plain exceptions for bad content
        raise ContentError(path, None, f"not a valid Tiled map: {exc}") from exc
    if tmx.tilewidth != tmx.tileheight:
        raise ContentError(path, "tilewidth", "tiles must be square")
    _find_tile_images(path, tmx)
    blocked = _collision(path, tmx)
    places = _places(path, tmx, blocked)
    return TileMap(path, tmx, blocked, places, _spawns(tmx))


def _find_tile_images(path: Path, tmx: Any) -> None:
    """Point every tile at an image file that exists (``SHARED_TILES`` rule), or name the map and the missing path."""
    found: dict[str, str] = {}
    for gid, image in enumerate(tmx.images):
        if not image:
            continue
        filename = image[0]
        if filename not in found:
            shared = SHARED_TILES / Path(filename).name
            if Path(filename).is_file():
                found[filename] = filename
            elif shared.is_file():
                found[filename] = str(shared)
            else:
                raise ContentError(path, "tileset.image", f"tileset image {filename} not found (nor {shared})")
        if found[filename] != filename:
            tmx.images[gid] = (found[filename], *image[1:])


def _collision(path: Path, tmx: Any) -> list[bytearray]:
    """Read the collision layer: any non-empty cell is blocked."""
    try:
        layer = tmx.get_layer_by_name(COLLISION_LAYER)
    except ValueError as exc:
        raise ContentError(path, f"layers.{COLLISION_LAYER}", "the map needs a tile layer named "
                           f"'{COLLISION_LAYER}' whose tiles mark blocked cells") from exc
    if not isinstance(layer, pytmx.TiledTileLayer):
        raise ContentError(path, f"layers.{COLLISION_LAYER}", "must be a tile layer")
    return [bytearray(1 if gid else 0 for gid in row) for row in layer.data]


def _places(path: Path, tmx: Any, blocked: list[bytearray]) -> dict[str, Place]:
    """Read the named rectangles of the places layer."""
    try:
        group = tmx.get_layer_by_name(PLACES_LAYER)
    except ValueError as exc:
        raise ContentError(path, f"layers.{PLACES_LAYER}", "the map needs an object layer named "
                           f"'{PLACES_LAYER}' with one named rectangle per place") from exc
    size = tmx.tilewidth
    places: dict[str, Place] = {}
    for obj in group:
        field = f"{PLACES_LAYER}.{obj.name or obj.id}"
        if not obj.name:
            raise ContentError(path, f"{PLACES_LAYER}.object {obj.id}", "a place needs a name (its id)")
        if obj.name in places:
            raise ContentError(path, field, f"two places are named '{obj.name}'")
        if not obj.width or not obj.height:
            raise ContentError(path, field, "a place must be a rectangle with a width and a height")
        x0, y0 = int(obj.x // size), int(obj.y // size)
        x1, y1 = int(-(-(obj.x + obj.width) // size)), int(-(-(obj.y + obj.height) // size))
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(tmx.width, x1), min(tmx.height, y1)
        tiles = tuple((x, y) for y in range(y0, y1) for x in range(x0, x1) if not blocked[y][x])
        label = obj.properties.get("label") or obj.name.replace("_", " ").title()
        kind = getattr(obj, "type", None) or getattr(obj, "class", None) or "place"
        places[obj.name] = Place(obj.name, str(kind), str(label), (x0, y0, x1, y1), tiles)
    return places


def _spawns(tmx: Any) -> dict[str, Tile]:
    """Read the optional 'spawns' object layer: named points."""
    try:
        group = tmx.get_layer_by_name("spawns")
    except ValueError:
        return {}
    size = tmx.tilewidth
    return {obj.name: (int(obj.x // size), int(obj.y // size)) for obj in group if obj.name}
