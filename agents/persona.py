"""Personas: who a resident is, how it talks and its weekly routine (the data; persona_file reads it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names in order; index 0 is Monday."""

BLOCK_KINDS = ("sleep", "meal", "work", "leisure", "chores")
"""The kinds of routine block a persona may declare."""

SPEECH_PLACEHOLDERS = frozenset({"partner", "name", "place", "topic"})
"""Names that speech lines may use in braces."""

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class RoutineBlock:
    """One block of a routine: from ``start`` (minute of day) until the next block that applies."""

    start: int
    kind: str
    activity: str
    places: tuple[str, ...]
    """Where: "home", "work" or place ids; with several, one is drawn per day."""
    days: frozenset[int]
    """Weekdays (0 = Monday) on which the block applies."""


@dataclass(frozen=True, slots=True)
class Relationship:
    """How a persona feels about another resident at the start."""

    closeness: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class SpeechBook:
    """Lines a persona uses in scripted conversations, with {partner}, {name}, {place}, {topic}."""

    greetings: tuple[str, ...]
    smalltalk: tuple[str, ...]
    farewells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Persona:
    """Everything the minds know about a resident before the simulation starts."""

    id: str
    name: str
    age: int
    occupation: str
    traits: tuple[str, ...]
    background: str
    speech_style: str
    home: str
    workplace: str | None
    work_days: frozenset[int]
    sociability: float
    topics: tuple[str, ...]
    speech: SpeechBook
    relationships: dict[str, Relationship] = field(default_factory=dict)
    routine: tuple[RoutineBlock, ...] = ()
    retrieval: dict[str, float] = field(default_factory=dict)
    """Overrides of the world's retrieval weights: any of "recency", "importance", "relevance"."""
    goals: tuple[str, ...] = ()
    """What the resident is working towards; prompts show them with the background."""
    needs: dict[str, float] = field(default_factory=dict)
    """How fast each need runs down, relative to everyone's (1.0 is usual)."""
    memories: tuple[tuple[str, int | None], ...] = ()
    """Memories the resident starts with: (text, importance or None for the rule-based rating)."""
    preserved: dict[str, str] = field(default_factory=dict)
    """Fields kept verbatim from an imported character card that have no place of ours."""
    source: Path | None = None

    @property
    def first_name(self) -> str:
        """Return the first word of the name, as others address this persona."""
        return self.name.split()[0]

    def resolve_place(self, where: str) -> str | None:
        """Map "home" and "work" to this persona's place ids; other names pass through."""
        if where == "home":
            return self.home
        if where == "work":
            return self.workplace
        return where

    def works_on(self, weekday: int) -> bool:
        """Return whether ``weekday`` (0 = Monday) is one of this persona's work days."""
        return weekday in self.work_days


def parse_hhmm(text: str) -> int | None:
    """Return minutes since midnight for an "HH:MM" string, or None when it is not one."""
    found = _HHMM.match(text)
    return int(found.group(1)) * 60 + int(found.group(2)) if found else None
