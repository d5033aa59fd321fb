"""The brain protocol: what a brain is asked (requests with ids) and what it answers (text, parsed later)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from agents.persona import Persona
from agents.plans import DayPlan

RequestKind = Literal["plan", "decide", "converse"]
"""The kinds of question a brain answers."""


@dataclass(frozen=True, slots=True)
class Nearby:
    """Another resident within perception range."""

    id: str
    name: str
    doing: str


@dataclass(frozen=True, slots=True)
class Situation:
    """What a resident perceives when it is asked to think."""

    day: int
    weekday: int
    minute: int
    """Minutes since midnight."""
    place: str | None
    """The place id it stands in, or None outdoors."""
    place_label: str
    """The place's display name ("The Copper Kettle"), or "outdoors"."""
    doing: str
    nearby: tuple[Nearby, ...] = ()
    reason: str = "idle"
    """Why it is thinking now: "start", "arrived", "activity_ended", "met:<id>", "conversation_ended"..."""


@dataclass(frozen=True, slots=True)
class Options:
    """What the resident may do right now: the world accepts only these targets."""

    places: tuple[str, ...]
    people: tuple[str, ...]
    can_sleep: bool


@dataclass(frozen=True, slots=True)
class Dialogue:
    """The state of a conversation when one side is asked for its next line."""

    conversation: int
    partner: str
    partner_name: str
    turn: int
    max_turns: int
    closing: bool
    """True once the other side has said goodbye."""
    history: tuple[tuple[str, str], ...] = ()
    """(speaker id, line) so far, oldest first."""


@dataclass(frozen=True, slots=True)
class Request:
    """One question to a brain, with an id so that its answer can be matched and stale ones dropped."""

    id: int
    kind: RequestKind
    npc: str
    persona: Persona
    situation: Situation
    seed: int
    """Seed for any random choice the brain makes (drawn from the world's generator)."""
    options: Options | None = None
    plan: DayPlan | None = None
    dialogue: Dialogue | None = None
    jitter: int = 0
    """For plan requests: how many minutes routine starts may move."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A brain's raw reply to one request; the world parses and validates it."""

    request_id: int
    text: str
    latency_s: float = 0.0
    tokens: int | None = None


@runtime_checkable
class Brain(Protocol):
    """Anything that answers a batch of requests; every backend implements this."""

    name: str

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        """Answer every request in the batch (in any order); each answer names its request id."""
        ...
