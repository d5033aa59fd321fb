"""The game clock: a fixed simulation step that advances day, hour and minute."""

from __future__ import annotations

from dataclasses import dataclass

from agents.persona import WEEKDAYS

SECONDS_PER_DAY = 24 * 60 * 60
"""Seconds in a game day."""


@dataclass(slots=True)
class GameClock:
    """Counts ticks of ``tick_seconds`` game seconds from ``start_minute`` on ``start_day``."""

    start_day: int
    start_minute: int
    start_weekday: int
    tick_seconds: int
    tick: int = 0

    @property
    def seconds(self) -> int:
        """Game seconds since midnight of the start day."""
        return self.start_minute * 60 + self.tick * self.tick_seconds

    @property
    def total_minutes(self) -> int:
        """Whole game minutes since midnight of the start day (the unit of timers)."""
        return self.seconds // 60

    @property
    def day(self) -> int:
        """The current day number (the start day is usually 1)."""
        return self.start_day + self.seconds // SECONDS_PER_DAY

    @property
    def minute_of_day(self) -> int:
        """Minutes since the current day's midnight."""
        return (self.seconds % SECONDS_PER_DAY) // 60

    @property
    def weekday(self) -> int:
        """The current weekday, 0 = Monday."""
        return (self.start_weekday + self.day - self.start_day) % 7

    @property
    def hhmm(self) -> str:
        """The time of day as ``HH:MM``."""
        minute = self.minute_of_day
        return f"{minute // 60:02d}:{minute % 60:02d}"

    def label(self) -> str:
        """A human label such as ``Day 2 (Tue) 07:30``."""
        return f"Day {self.day} ({WEEKDAYS[self.weekday].title()}) {self.hhmm}"

    def minutes_to_ticks(self, minutes: float) -> int:
        """How many ticks ``minutes`` of game time take (at least one)."""
        return max(1, round(minutes * 60 / self.tick_seconds))

    def advance(self) -> None:
        """Move the clock one tick forward."""
        self.tick += 1
