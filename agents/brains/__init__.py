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
    """Create the brain called ``name`` (a backend, or ``package.module:Class`` for one of your own)."""
    if ":" in name:
        module_name, _, class_name = name.partition(":")
    elif name in BACKENDS:
        module_name, class_name = BACKENDS[name]
    else:
        raise UnknownBrainError(f"unknown brain '{name}' (available: {', '.join(sorted(BACKENDS))}, "
                                "or package.module:Class)")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(f"brain '{name}' needs a library that is not installed: {exc.name}. "
                          "Run `make setup` (or `pip install -e .`) to install npcworld's dependencies.") from exc
    brain: Brain = getattr(module, class_name)(**options)
    return brain
