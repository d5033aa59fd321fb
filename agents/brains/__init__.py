"""Brain backends, loaded lazily by name so that heavy libraries load only when chosen."""

from __future__ import annotations

import importlib
from typing import Any

from agents.protocol import Brain

BACKENDS = {
    "scripted": ("agents.brains.scripted", "ScriptedBrain"),
    "replay": ("agents.brains.replay", "ReplayBrain"),
    "local": ("agents.brains.local", "LocalBrain"),
    "openai": ("agents.brains.openai", "OpenAIBrain"),
}
"""Brain name -> (module, class); a backend's module is imported only when it is asked for."""


class UnknownBrainError(ValueError):
    """Raised for a brain name that no backend has."""


def load_brain(name: str, **options: Any) -> Brain:
    """Create the brain called ``name`` with backend-specific ``options``."""
    if name not in BACKENDS:
        raise UnknownBrainError(f"unknown brain '{name}' (available: {', '.join(sorted(BACKENDS))})")
    module_name, class_name = BACKENDS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(f"brain '{name}' needs a library that is not installed: {exc.name}. "
                          "Run `make setup` (or `pip install -e .`) to install npcworld's dependencies.") from exc
    brain: Brain = getattr(module, class_name)(**options)
    return brain
