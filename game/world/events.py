"""Typed events (frozen, past tense) and the event log that writes them as JSON lines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, TextIO

from agents.replytext import dumps_line
from game.world.clock import GameClock


@dataclass(frozen=True, slots=True)
class Event:
    """Base of all events; ``type`` is the name written to events.jsonl."""

    type: ClassVar[str] = "event"


@dataclass(frozen=True, slots=True)
class Spawned(Event):
    """A resident appeared in the world."""

    type: ClassVar[str] = "spawned"
    npc: str
    place: str | None
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class PlanMade(Event):
    """A resident made its plan for a day."""

    type: ClassVar[str] = "plan_made"
    npc: str
    plan_day: int
    blocks: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class MoveStarted(Event):
    """A resident set off towards a place."""

    type: ClassVar[str] = "move_started"
    npc: str
    to: str
    origin: str | None
    steps: int


@dataclass(frozen=True, slots=True)
class Arrived(Event):
    """A resident reached the place it was walking to."""

    type: ClassVar[str] = "arrived"
    npc: str
    place: str
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class ActivityStarted(Event):
    """A resident began an activity (sleeping and waiting included)."""

    type: ClassVar[str] = "activity"
    npc: str
    kind: str
    activity: str
    place: str | None
    minutes: int


@dataclass(frozen=True, slots=True)
class ConversationStarted(Event):
    """A resident started a conversation with another."""

    type: ClassVar[str] = "conversation_started"
    npc: str
    partner: str
    conversation: str
    place: str | None


@dataclass(frozen=True, slots=True)
class Said(Event):
    """A resident said a line (in a conversation, or aloud)."""

    type: ClassVar[str] = "said"
    npc: str
    to: str | None
    text: str
    act: str
    conversation: str | None
    by: str | None = field(default=None, metadata={"omit_none": True})
    """"fallback" when the scripted policy spoke for the resident (its brain was late or its reply unusable)."""


@dataclass(frozen=True, slots=True)
class ConversationEnded(Event):
    """A conversation finished."""

    type: ClassVar[str] = "conversation_ended"
    npc: str
    partner: str
    conversation: str
    turns: int
    reason: str


@dataclass(frozen=True, slots=True)
class IntentRejected(Event):
    """The world refused what a resident's brain proposed, and says why."""

    type: ClassVar[str] = "intent_rejected"
    npc: str
    intent: str
    reason: str


@dataclass(frozen=True, slots=True)
class MemoryFormed(Event):
    """A resident formed a memory other than a passing observation (planted news included)."""

    type: ClassVar[str] = "memory_formed"
    npc: str
    kind: str
    text: str
    importance: int
    source: str | None


@dataclass(frozen=True, slots=True)
class NewsLearned(Event):
    """A resident learned of a happening from another resident."""

    type: ClassVar[str] = "news_learned"
    npc: str
    news: str
    source: str
    title: str


@dataclass(frozen=True, slots=True)
class RelationshipChanged(Event):
    """A conversation changed how close one resident feels to another."""

    type: ClassVar[str] = "relationship_changed"
    npc: str
    other: str
    closeness: float


@dataclass(frozen=True, slots=True)
class ScenarioFired(Event):
    """A scenario's timed event happened."""

    type: ClassVar[str] = "scenario"
    action: str
    npc: str | None
    place: str | None
    what: str | None


class EventLog:
    """Collects events stamped with tick, day and time; optionally streams them to a JSONL file."""

    def __init__(self, clock: GameClock, sink: TextIO | None = None, keep: bool = True):
        self.clock = clock
        self.records: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}
        self._sink = sink
        self._keep = keep

    def append(self, event: Event) -> dict[str, Any]:
        """Record ``event`` at the current time and return its JSON-ready form."""
        record: dict[str, Any] = {"tick": self.clock.tick, "day": self.clock.day,
                                  "time": self.clock.hhmm, "type": event.type}
        for f in fields(event):
            value = getattr(event, f.name)
            if value is None and f.metadata.get("omit_none"):
                continue  # a field only some records need is left out of the others
            record[f.name] = list(value) if isinstance(value, tuple) else value
        self.counts[event.type] = self.counts.get(event.type, 0) + 1
        if self._keep:
            self.records.append(record)
        if self._sink is not None:
            self._sink.write(dumps(record) + "\n")
        return record

    @property
    def keeps(self) -> bool:
        """Whether records are kept in memory (besides any file they stream to)."""
        return self._keep

    def stream_to(self, sink: TextIO | None, keep: bool) -> None:
        """From now on write records to ``sink`` (and keep them in memory if ``keep``)."""
        self._sink, self._keep = sink, keep

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        """Return the kept records whose type is ``kind``."""
        return [r for r in self.records if r["type"] == kind]


def dumps(record: dict[str, Any]) -> str:
    """Serialise one record exactly as events.jsonl stores it (escaped to ASCII if it holds a lone surrogate)."""
    return dumps_line(record, separators=(",", ":"))


def read_events(path: Path) -> list[dict[str, Any]]:
    """Read an events.jsonl file back into records."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
