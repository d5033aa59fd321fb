"""The tile catalogue shared by the art generator, the Oakvale map generator and generated towns."""

from __future__ import annotations

TILE_SIZE = 16
"""Width and height of one tile, in pixels."""

COLUMNS = 8
"""Tiles per row in the tileset image."""

TILESET_IMAGE = "assets/tiles/town.png"
"""Path of the tileset image, relative to the repository root."""

TILES: tuple[str, ...] = (
    "grass", "grass_dark", "flowers", "dirt_path", "cobble", "water", "sand", "bridge",
    "floor_wood", "floor_stone", "floor_tile", "rug", "wall", "wall_window", "door", "fence",
    "tree", "bush", "flowerbed", "bench", "fountain", "lamp", "sign", "well",
    "table", "chair", "bed", "counter", "bookshelf", "stall", "oven", "barrel",
    "plant", "crate", "bar_tap", "desk", "cot", "hedge", "stump", "blocked",
)
"""Tile names in tileset order: the tile with index i has Tiled local id i (gid i + 1)."""

BLOCKING: frozenset[str] = frozenset({
    "water", "wall", "wall_window", "fence", "tree", "bush", "flowerbed", "fountain", "lamp",
    "sign", "well", "table", "bed", "counter", "bookshelf", "stall", "oven", "barrel", "plant",
    "crate", "bar_tap", "desk", "cot", "hedge", "stump", "blocked",
})
"""Tiles that nobody may stand on; the map generator marks them in the collision layer."""


def tile_id(name: str) -> int:
    """Return the local tile id (0-based index) of the tile called ``name``."""
    return TILES.index(name)
