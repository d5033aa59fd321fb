"""Settings: one frozen object built from world.toml and command-line flags, passed down."""

from __future__ import annotations

from dataclasses import dataclass, fields

from agents.tomlfile import Table


@dataclass(frozen=True, slots=True)
class Settings:
    """Tunable numbers of a world; world.toml's [settings] sets them, flags may override."""

    tick_seconds: int = 10
    """Game seconds per simulation step."""
    walk_tiles_per_minute: float = 6.0
    """Walking speed."""
    time_scale: float = 60.0
    """Game seconds per real second in the window at 1x speed."""
    perception_radius: int = 6
    """How far (in tiles) a resident notices others."""
    routine_jitter_minutes: int = 20
    """How far the scripted routine may move each block's start, per day."""
    conversation_cooldown_minutes: int = 180
    """How long two residents wait before talking to each other again."""
    conversation_max_turns: int = 6
    """Lines after which a conversation ends."""


_RANGES: dict[str, tuple[float, float]] = {
    "tick_seconds": (1, 600),
    "walk_tiles_per_minute": (0.5, 600),
    "time_scale": (1, 100_000),
    "perception_radius": (1, 64),
    "routine_jitter_minutes": (0, 120),
    "conversation_cooldown_minutes": (0, 24 * 60),
    "conversation_max_turns": (2, 40),
}


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
