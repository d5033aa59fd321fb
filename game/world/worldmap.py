"""The tile map: a Tiled .tmx read with pytmx into a collision grid and named places (no pygame needed)."""

from __future__ import annotations

import binascii
import functools
import math
import sys
import zlib
from base64 import b64decode
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, fromstring

from agents.errors import ContentError, printable, read_limited, text_problem
from agents.routine_file import PLACE_CHARS


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

MAX_MAP_TILES = 1000
"""The most tiles a map may have across and down (the window draws the whole map onto one picture)."""

MAX_MAP_PIXELS = 16_384
"""The most pixels a map may measure across and down (tiles times tile size)."""

MAX_MAP_BYTES = 64 * 1024 * 1024
"""The largest .tmx (or external .tsx tileset) file read."""

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

    @functools.cached_property
    def public_places(self) -> tuple[tuple[str, str], ...]:
        """(id, label) of every place that is not a home and has tiles, by label (worked out once per map)."""
        return tuple((p.id, p.label) for p in sorted(self.places.values(), key=lambda p: p.label)
                     if p.kind != "home" and p.tiles)

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
    """Load a .tmx map, checking its size, layers, tile ids and places; errors name the file and object."""
    try:
        root = fromstring(read_limited(path, MAX_MAP_BYTES, "map file"))
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise ContentError(path, None, f"not a valid Tiled map (XML error: {exc})", line) from exc
    _check_header(path, root)
    try:
        tmx = pytmx.TiledMap()
        tmx.filename = str(path)
        tmx.parse_xml(root)
    except Exception as exc:  # pytmx raises plain exceptions for bad content
        raise ContentError(path, None, f"not a valid Tiled map: {exc}") from exc
    _find_tile_images(path, tmx)
    _check_layers(path, tmx)
    blocked = _collision(path, tmx)
    places = _places(path, tmx, blocked)
    return TileMap(path, tmx, blocked, places, _spawns(path, tmx))


def _check_header(path: Path, root: Element) -> None:
    """Check, before pytmx reads the rest, the map's size, external tilesets and the size of compressed layers."""
    size = {key: _whole(path, root, key) for key in ("width", "height", "tilewidth", "tileheight")}
    if size["tilewidth"] != size["tileheight"]:
        raise ContentError(path, "tilewidth", "tiles must be square")
    for key in ("width", "height"):
        if not 1 <= size[key] <= MAX_MAP_TILES or not 1 <= size[key] * size["tilewidth"] <= MAX_MAP_PIXELS:
            raise ContentError(path, key, f"the map is {size['width']} x {size['height']} tiles of "
                               f"{size['tilewidth']} pixels (at most {MAX_MAP_TILES} tiles and "
                               f"{MAX_MAP_PIXELS:,} pixels a side)")
    for tileset in root.iter("tileset"):
        if tileset.get("source"):
            read_limited(path.parent / str(tileset.get("source")), MAX_MAP_BYTES, "tileset file")
    for layer in root.iter("layer"):
        data = layer.find("data")
        if data is None or data.get("encoding") != "base64" or not data.get("compression"):
            continue
        most = size["width"] * size["height"] * 4
        try:
            unpacked = zlib.decompressobj(wbits=47).decompress(b64decode((data.text or "").strip()), most + 1)
        except (binascii.Error, ValueError, zlib.error) as exc:
            raise ContentError(path, _layer(layer.get("name")), f"layer data cannot be decoded ({exc})") from exc
        if len(unpacked) > most:
            raise ContentError(path, _layer(layer.get("name")), "layer data holds more tiles than the map")


def _layer(name: str | None) -> str:
    """The field that names a layer in errors (its name shortened and made printable)."""
    return f"layers.{printable(str(name))[:PLACE_CHARS]}"


def _whole(path: Path, root: Element, key: str) -> int:
    """A whole-number attribute of the <map> element."""
    try:
        return int(str(root.get(key, "")))
    except ValueError as exc:
        raise ContentError(path, key, f"expected a whole number, got {root.get(key)!r:.40}") from exc


def _check_layers(path: Path, tmx: Any) -> None:
    """Check that every tile layer covers the map exactly and uses only tiles of its tilesets."""
    missing = {gid for gid in range(1, len(tmx.images)) if tmx.images[gid] is None}
    known = sorted(tmx.tiledgidmap[gid] for gid in range(1, len(tmx.images)) if gid not in missing)
    for layer in tmx.layers:
        if not isinstance(layer, pytmx.TiledTileLayer):
            continue
        rows = [len(row) for row in layer.data]
        if len(rows) != tmx.height or any(n != tmx.width for n in rows):
            across = f"{min(rows)}-{max(rows)}" if rows and min(rows) != max(rows) else str(rows[0] if rows else 0)
            raise ContentError(path, _layer(layer.name), f"has {len(rows)} rows of {across} tiles, but the map "
                               f"is {tmx.width} x {tmx.height}")
        if missing:
            for y, row in enumerate(layer.data):
                bad = next((x for x, gid in enumerate(row) if gid in missing), None)
                if bad is not None:
                    held = f"ids {known[0]} to {known[-1]}" if known else "no tiles"
                    raise ContentError(path, _layer(layer.name), f"tile id {tmx.tiledgidmap[row[bad]]} at "
                                       f"({bad}, {y}) is not in any tileset (the tilesets hold {held})")


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
    area = 0
    for obj in group:
        field = f"{PLACES_LAYER}.{printable(obj.name)[:PLACE_CHARS] if obj.name else obj.id}"
        if not obj.name:
            raise ContentError(path, f"{PLACES_LAYER}.object {obj.id}", "a place needs a name (its id)")
        if obj.name in places:
            raise ContentError(path, field, f"two places are named '{obj.name}'")
        _check_name(path, field, obj.name)
        if not obj.width or not obj.height:
            raise ContentError(path, field, "a place must be a rectangle with a width and a height")
        _check_finite(path, field, obj)
        x0, y0 = int(obj.x // size), int(obj.y // size)
        x1, y1 = int(-(-(obj.x + obj.width) // size)), int(-(-(obj.y + obj.height) // size))
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(tmx.width, x1), min(tmx.height, y1)
        tiles = tuple((x, y) for y in range(y0, y1) for x in range(x0, x1) if not blocked[y][x])
        label = obj.properties.get("label") or obj.name.replace("_", " ").title()
        kind = getattr(obj, "type", None) or getattr(obj, "class", None) or "place"
        _check_name(path, f"{field}.label", str(label))
        _check_name(path, f"{field}.type", str(kind))
        area += (x1 - x0) * (y1 - y0)
        if area > 4 * tmx.width * tmx.height:
            raise ContentError(path, field, "the places cover more than four times the map between them")
        places[obj.name] = Place(obj.name, str(kind), str(label), (x0, y0, x1, y1), tiles)
    return places


def _check_name(path: Path, field: str, text: str) -> None:
    """Refuse a place's name, label or kind that is too long or holds control characters or line breaks."""
    if len(text) > PLACE_CHARS:
        raise ContentError(path, field, f"is {len(text):,} characters long (at most {PLACE_CHARS})")
    problem = text_problem(text, single_line=True)
    if problem is not None:
        raise ContentError(path, field, problem)


def _check_finite(path: Path, field: str, obj: Any) -> None:
    """Refuse an object whose position or size is not a finite number."""
    if not all(math.isfinite(float(getattr(obj, key, 0) or 0)) for key in ("x", "y", "width", "height")):
        raise ContentError(path, field, "position and size must be finite numbers")


def _spawns(path: Path, tmx: Any) -> dict[str, Tile]:
    """Read the optional 'spawns' object layer: named points."""
    try:
        group = tmx.get_layer_by_name("spawns")
    except ValueError:
        return {}
    size = tmx.tilewidth
    for obj in group:
        _check_finite(path, f"spawns.{obj.name or obj.id}", obj)
    return {obj.name: (int(obj.x // size), int(obj.y // size)) for obj in group if obj.name}
