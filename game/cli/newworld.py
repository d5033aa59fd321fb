"""The `new-world` command: write a generated town of any size as a world folder, then check it loads."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any


def new_world_parser(sub: Any) -> None:
    """Add new-world."""
    parser = sub.add_parser("new-world", help="generate a town of any size: map, residents and world.toml")
    parser.add_argument("name", help="a name (written under worlds/) or a folder path to create")
    parser.add_argument("--residents", type=int, default=100, help="how many residents (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="the same seed writes the same files")
    parser.add_argument("--title", default=None, help="the town's name as shown (default: from NAME)")


def new_world_command(args: argparse.Namespace) -> int:
    """Write the world, load it back as `simulate` would, and say where it is and how to run it."""
    from game.world.loader import WORLDS_DIR, load_world
    from game.worldgen import WorldExistsError, new_world
    name = str(args.name)
    plain = re.fullmatch(r"[A-Za-z0-9_-]+", name) is not None
    out = WORLDS_DIR / name if plain else Path(name)
    began = time.perf_counter()
    try:
        new_world(out, args.residents, args.seed, args.title)
    except WorldExistsError as exc:
        print(f"npcworld: error: {exc}", file=sys.stderr)
        return 2
    world = load_world(out)
    places = len(world.tilemap.places)
    people = len(world.personas)
    print(f"wrote {out}: {people} resident{'' if people == 1 else 's'}, {places} places, a {world.tilemap.width}x"
          f"{world.tilemap.height} map, in {time.perf_counter() - began:.1f} s")
    print(f"run it: npcworld play --world {name if plain else out}")
    return 0
