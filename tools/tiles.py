"""The tile catalogue for the tools here; it lives in the package (game/worldgen/tiles.py) so new-world can use it."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from game.worldgen.tiles import BLOCKING, COLUMNS, TILE_SIZE, TILES, TILESET_IMAGE, tile_id

__all__ = ["BLOCKING", "COLUMNS", "TILES", "TILESET_IMAGE", "TILE_SIZE", "tile_id"]
