"""Where npcworld's own small model lives (assets/models/), for the local brain's default."""

from __future__ import annotations

from pathlib import Path

BUNDLED = Path(__file__).resolve().parent.parent.parent / "assets" / "models" / "npcworld-small"
"""The shipped model folder."""


def bundled_model_path() -> Path:
    """Return the bundled model folder, or explain how to get a model when it is missing."""
    if not (BUNDLED / "config.json").exists():
        raise ValueError(f"no bundled model at {BUNDLED}: pass --model PATH (a model folder) or a cached hub id, "
                         "or rebuild it with `npcworld train-model`")
    return BUNDLED
