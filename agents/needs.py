"""Needs (energy, hunger, social, fun) that rise and fall with time and activity, and shape plans."""

from __future__ import annotations

from dataclasses import dataclass, field

NEED_NAMES = ("energy", "hunger", "social", "fun")
"""Each need is a level from 0 (desperate) to 100 (fully satisfied); 'hunger' 100 means well fed."""

_DRAIN = {"energy": -4.0, "hunger": -7.0, "social": -3.0, "fun": -2.5}
"""Change per game hour whatever one does."""

_GAIN = {
    "sleep": {"energy": 16.0, "hunger": 4.0, "social": 3.0, "fun": 2.5},
    "meal": {"hunger": 90.0, "fun": 3.0},
    "work": {"energy": -2.0, "fun": -1.5},
    "leisure": {"fun": 12.0, "energy": 1.0},
    "chores": {"fun": 0.5},
    "talking": {"social": 40.0, "fun": 4.0},
}
"""Extra change per game hour by what one is doing."""

URGENT = {"hunger": 15.0, "energy": 10.0}
"""Below these levels a need is urgent: the resident replans to meet it."""


@dataclass(slots=True)
class Needs:
    """Current levels of a resident's needs."""

    energy: float = 85.0
    hunger: float = 80.0
    social: float = 60.0
    fun: float = 60.0
    weights: dict[str, float] = field(default_factory=dict)
    """Per-need multipliers of how fast it runs down (a persona's [needs] table)."""

    def update(self, doing: str, minutes: float) -> None:
        """Advance the needs by ``minutes`` spent ``doing`` (an activity kind, "talking" or "walking")."""
        hours = minutes / 60
        gain = _GAIN.get(doing, {})
        for name in NEED_NAMES:
            level = getattr(self, name) + (_DRAIN[name] * self.weights.get(name, 1.0) + gain.get(name, 0.0)) * hours
            setattr(self, name, min(100.0, max(0.0, level)))

    def urgent(self) -> str | None:
        """Return the most pressing need that is below its urgent level, if any."""
        pressing = [(getattr(self, n) / limit, n) for n, limit in URGENT.items() if getattr(self, n) < limit]
        return min(pressing)[1] if pressing else None

    def describe(self) -> str:
        """Describe the needs in words, as prompts show them."""
        words = {
            "energy": ("exhausted", "tired", "rested"),
            "hunger": ("starving", "hungry", "fed"),
            "social": ("lonely", "wanting company", "sociable"),
            "fun": ("bored", "restless", "content"),
        }
        parts = []
        for name in NEED_NAMES:
            level = getattr(self, name)
            low, mid, high = words[name]
            parts.append(low if level < 20 else mid if level < 50 else high)
        return ", ".join(parts)

    def levels(self) -> tuple[tuple[str, int], ...]:
        """Return (name, rounded level) pairs."""
        return tuple((name, round(getattr(self, name))) for name in NEED_NAMES)
