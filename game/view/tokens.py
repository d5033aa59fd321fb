"""Tokens the town servers gave, kept per server and name, so that joining again puts the player back as itself.

They live in ``servers.json`` in the profile folder (``game.view.profile.config_dir``), readable by the user
only: ``{"ws://host:port": {"tess": "token"}}``. Like the profile, a file that cannot be read or written never
stops the game: the server then sees a new player (or refuses a name still taken).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from game.view.profile import config_dir

FILE = "servers.json"
"""The file's name in the profile folder."""


def _read(path: Path) -> dict[str, Any]:
    """The whole file, or an empty table when it is missing or broken."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_token(url: str, name: str, folder: Path | None = None) -> str | None:
    """The token ``url`` gave ``name`` last time, or None."""
    token = _read((folder or config_dir()) / FILE).get(url.rstrip("/"), {}).get(name.lower())
    return token if isinstance(token, str) else None


def save_token(url: str, name: str, token: str, folder: Path | None = None) -> Path | None:
    """Keep ``token`` for ``name`` on ``url`` (written whole, then moved into place); the file, or None if it failed."""
    folder = folder or config_dir()
    path = folder / FILE
    data = _read(path)
    server = data.get(url.rstrip("/"))
    server = server if isinstance(server, dict) else {}
    server[name.lower()] = token
    data[url.rstrip("/")] = server
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.chmod(partial, 0o600)
        partial.replace(path)
    except OSError:
        return None
    return path
