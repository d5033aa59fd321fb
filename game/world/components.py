"""Components: plain data attached to entities (nouns), and empty markers."""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.emotion import Emotion
from agents.memory import MemoryStream
from agents.needs import Needs
from agents.persona import Persona
from agents.plans import DayPlan
from game.world.worldmap import Tile


@dataclass(slots=True)
class Resident:
    """Who this entity is: its id and persona."""

    id: str
    persona: Persona


@dataclass(slots=True)
class Position:
    """Where an entity stands, and the tiles it crossed during the last tick (for smooth drawing)."""

    x: int
    y: int
    place: str | None = None
    trail: tuple[Tile, ...] = ()

    @property
    def tile(self) -> Tile:
        """The tile as an (x, y) pair."""
        return (self.x, self.y)


@dataclass(slots=True)
class Path:
    """A walk in progress: the tiles still to step on, towards a place."""

    steps: list[Tile]
    destination: str
    budget: float = 0.0
    """Fraction of a tile already walked towards the next step."""


@dataclass(slots=True)
class Activity:
    """What a resident is doing where it stands, until a game minute."""

    kind: str
    name: str
    until: int
    """Game minute (since the start day's midnight) at which it is done."""


@dataclass(slots=True)
class Sprite:
    """How to draw an entity: a colour variant of the character sheet and a facing."""

    variant: int
    facing: int = 0
    """0 down, 1 left, 2 right, 3 up."""


@dataclass(slots=True)
class PlayerControlled:
    """Marker: a person controls this resident (no brain decides for it)."""


@dataclass(slots=True)
class DecisionDue:
    """Marker with a reason: this resident should consult its brain."""

    reason: str


@dataclass(frozen=True, slots=True)
class InFlight:
    """One request a resident has out: its kind, its id, the tick it went out, and what it is about."""

    kind: str
    request_id: int
    sent_tick: int
    memory: int | None = None
    """The memory an importance rating rates."""
    conversation: str | None = None
    """The conversation a line is for."""


CHOICE = ("plan", "decide")
"""Request kinds of which a resident has at most one out: a newer one makes the older one stale."""


@dataclass(slots=True)
class Requests:
    """Every request a resident has out, one ``InFlight`` each, by request id: the one record of every kind."""

    out: dict[int, InFlight] = field(default_factory=dict)

    def add(self, record: InFlight) -> None:
        """Note a request sent; a plan or decision makes any older plan or decision stale."""
        if record.kind in CHOICE:
            self.drop(*CHOICE)
        self.out[record.request_id] = record

    def waiting(self, *kinds: str) -> bool:
        """Whether a request of one of ``kinds`` is out."""
        return any(r.kind in kinds for r in self.out.values())

    def drop(self, *kinds: str) -> None:
        """Forget the requests of ``kinds`` (their answers will be stale)."""
        for request_id in [i for i, r in self.out.items() if r.kind in kinds]:
            del self.out[request_id]


@dataclass(slots=True)
class Plan:
    """The resident's plan for the current day, once made."""

    plan: DayPlan | None = None
    source: str = ""
    """Who made it: "brain" or "scripted" (see PlanMade)."""


@dataclass(slots=True)
class Talking:
    """The resident is in a conversation: its id (``Town.conversations`` finds its entity)."""

    conversation: str


@dataclass(slots=True)
class Perceived:
    """Whom the resident noticed last tick (resident ids), to tell who is newly met."""

    nearby: frozenset[str] = frozenset()
    free: frozenset[str] = frozenset()
    """The subset of ``nearby`` who were free to talk (awake, standing, not talking)."""


@dataclass(slots=True)
class Relationships:
    """How close the resident feels to each other resident, and when they last talked (game minute)."""

    closeness: dict[str, float] = field(default_factory=dict)
    last_talk: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Mind:
    """The inner life the world keeps for a resident: memory, needs, emotion and bookkeeping."""

    memory: MemoryStream
    needs: Needs = field(default_factory=Needs)
    emotion: Emotion = field(default_factory=Emotion)
    importance_since_reflection: float = 0.0
    last_seen: dict[str, int] = field(default_factory=dict)
    """Game minute each other resident was last noted in memory (to avoid noting them every tick)."""
    told: set[tuple[str, str]] = field(default_factory=set)
    """(news key, resident id) pairs: who this resident has already told what."""
    last_urgent: tuple[str, int] | None = None
    """The last urgent need that caused a replan, and when."""
    talks: list[tuple[int, str, str]] = field(default_factory=list)
    """(game minute, other resident id, place label) of each conversation of the last few days."""


@dataclass(slots=True)
class ReplanDue:
    """Marker with a reason: something salient happened and the day's plan should be made again."""

    reason: str


@dataclass(slots=True)
class Conversation:
    """A conversation entity: its id, its participants (resident ids), whose turn it is, and what was said."""

    id: str
    participants: list[str]
    place: str | None
    max_turns: int
    turn: int = 0
    speaker: int = 0
    """Index into participants of who speaks next."""
    closing: bool = False
    next_tick: int = 0
    history: list[tuple[str, str]] = field(default_factory=list)
    news: list[str] = field(default_factory=list)
    """Keys of news passed on in this conversation."""
    last_news: str | None = None
    """News passed on by the latest line, if any."""
    warmed: int = -1
    """The turn at which the resident's model was last asked to prefill (while the player types)."""
    overheard_by: set[str] = field(default_factory=set)
    """Bystanders who have noted this conversation: each remembers the first line it overhears, not every line."""
