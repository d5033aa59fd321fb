"""The player's profile between games: the name they chose, kept in a small TOML file in their config folder.

The folder is ``$NPCWORLD_CONFIG`` if set, else ``$XDG_CONFIG_HOME/npcworld``, else ``~/.config/npcworld``;
the file is ``player.toml`` with one key, ``name``. A file that cannot be read or written is never an error
that stops the game: the name is then asked again next time.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from game.world.player import NAME_LIMIT, clean_name

__all__ = ["DEFAULT_NAME", "NAME_LIMIT", "clean_name", "config_dir", "load_name", "save_name"]

DEFAULT_NAME = "Alex Rowe"
"""The player's name when none was given or kept (counted and scripted runs use it, so they stay reproducible)."""


def config_dir() -> Path:
    """Where npcworld keeps the player's profile."""
    if os.environ.get("NPCWORLD_CONFIG"):
        return Path(os.environ["NPCWORLD_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "npcworld"


def load_name(folder: Path | None = None) -> str | None:
    """The name kept from an earlier game, or None when there is none (or the file cannot be read)."""
    path = (folder or config_dir()) / "player.toml"
    try:
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return clean_name(name) or None if isinstance(name, str) else None


def save_name(name: str, folder: Path | None = None) -> Path | None:
    """Keep ``name`` for next time (written whole, then moved into place); return the file, or None if it failed."""
    folder = folder or config_dir()
    path = folder / "player.toml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".toml.partial")
        partial.write_text(f"name = {json.dumps(clean_name(name), ensure_ascii=False)}\n", encoding="utf-8")
        partial.replace(path)
    except OSError:
        return None
    return path
