"""Settings: the world's rules (world.toml's [settings]) and a run's options (flags), each frozen and range-checked."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

from agents.tomlfile import Table


@dataclass(frozen=True, slots=True)
class Settings:
    """The rules of a world (time, walking, perception, memory, conversation); world.toml's [settings] sets them."""

    tick_seconds: int = 10
    """Game seconds per simulation step."""
    walk_tiles_per_minute: float = 6.0
    """Walking speed."""
    perception_radius: int = 6
    """How far (in tiles) a resident notices others."""
    routine_jitter_minutes: int = 20
    """How far the scripted routine may move each block's start, per day."""
    conversation_cooldown_minutes: int = 180
    """How long two residents wait before talking to each other again."""
    conversation_max_turns: int = 6
    """Lines after which a conversation ends."""
    memory_limit: int = 400
    """Memories a resident keeps before old mundane observations are folded into summaries."""
    reflection_threshold: float = 150.0
    """Summed importance of new memories that makes a resident reflect."""
    retrieval_recency: float = 1.0
    """Weight of recency in memory retrieval (personas may override)."""
    retrieval_importance: float = 1.0
    """Weight of importance in memory retrieval (personas may override)."""
    retrieval_relevance: float = 1.0
    """Weight of relevance in memory retrieval (personas may override)."""
    recency_decay: float = 0.99
    """Recency factor per game hour since a memory was last accessed."""
    retrieval_count: int = 6
    """Memories retrieved into each prompt."""
    observation_gap_minutes: int = 60
    """A resident notes the same person in memory at most once per this many minutes."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How one run is served, not what the world is: the window's pace and how long minds may take."""

    time_scale: float = 60.0
    """Game seconds per real second in the window at 1x speed."""
    think_timeout_seconds: float = 5.0
    """In the window, a request unanswered after this many real seconds is decided by the scripted policy."""
    chat_timeout_seconds: float = 30.0
    """The same for a reply the player waits on (it streams into the chat box meanwhile)."""
    think_budget: int = 600
    """Model requests per game hour, a day plan counting 20 and a line of talk 3 (0: no limit); past it the
    scripted policy answers what matters least (game/world/attention.py). Twelve residents spend at most about
    300 in an hour; a thousand would spend tens of thousands. A run on the scripted brain has none unless given."""


_RANGES: dict[str, tuple[float, float]] = {
    "tick_seconds": (1, 600),
    "walk_tiles_per_minute": (0.5, 600),
    "time_scale": (1, 100_000),
    "perception_radius": (1, 64),
    "routine_jitter_minutes": (0, 120),
    "conversation_cooldown_minutes": (0, 24 * 60),
    "conversation_max_turns": (2, 40),
    "memory_limit": (20, 100_000),
    "reflection_threshold": (1, 100_000),
    "retrieval_recency": (0, 100),
    "retrieval_importance": (0, 100),
    "retrieval_relevance": (0, 100),
    "recency_decay": (0.5, 1.0),
    "retrieval_count": (1, 50),
    "observation_gap_minutes": (1, 24 * 60),
    "think_timeout_seconds": (0.05, 600),
    "chat_timeout_seconds": (0.05, 600),
    "think_budget": (0, 10_000_000),
}


T = TypeVar("T", Settings, RunOptions)


def checked(base: T, **changes: Any) -> T:
    """``base`` with ``changes``, each checked for name, type and range like world.toml (ValueError names the field)."""
    names = {f.name: f for f in fields(base)}
    for name, value in changes.items():
        if name not in names:
            raise ValueError(f"{type(base).__name__} has no field '{name}' (fields: {', '.join(names)})")
        kind = int if names[name].type in ("int", int) else float
        wrong = not isinstance(value, int | float) or (kind is int and not isinstance(value, int))
        if isinstance(value, bool) or wrong:
            raise ValueError(f"{name} must be {'an integer' if kind is int else 'a number'}, got {value!r}")
        low, high = _RANGES[name]
        if not low <= value <= high:
            raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value}")
    return replace(base, **changes)


def split_overrides(overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sort keyword overrides into world rules and run options; a name that is neither is an error."""
    rules = {f.name for f in fields(Settings)}
    options = {f.name for f in fields(RunOptions)}
    unknown = sorted(set(overrides) - rules - options)
    if unknown:
        raise ValueError(f"unknown setting {', '.join(unknown)} (world rules: {', '.join(sorted(rules))}; "
                         f"run options: {', '.join(sorted(options))})")
    return ({k: v for k, v in overrides.items() if k in rules}, {k: v for k, v in overrides.items() if k in options})


def settings_from_table(table: Table) -> Settings:
    """Read a [settings] table, rejecting unknown keys, wrong types and values out of range."""
    names = [f.name for f in fields(Settings)]
    table.check_keys(names)
    values: dict[str, float | int] = {}
    for f in fields(Settings):
        if f.name not in table.data:
            continue
        low, high = _RANGES[f.name]
        kind = int if f.type in ("int", int) else float
        value = table.get(f.name, kind)
        if not low <= value <= high:
            raise table.error(f.name, f"must be between {low:g} and {high:g}, got {value}")
        values[f.name] = value
    return Settings(**values)  # type: ignore[arg-type]
