"""The brain protocol: what a brain is asked (requests with ids) and what it answers (text, parsed later)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from agents.memory import Happening
from agents.persona import Persona
from agents.plans import DayPlan

RequestKind = Literal["plan", "decide", "converse", "importance", "reflect"]
"""The kinds of question a brain answers."""

REQUEST_KINDS: tuple[str, ...] = ("plan", "decide", "converse", "importance", "reflect")
"""The same, as a tuple (one prompt template each)."""


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

    conversation: str
    partner: str
    partner_name: str
    turn: int
    max_turns: int
    closing: bool
    """True once the other side has said goodbye."""
    history: tuple[tuple[str, str], ...] = ()
    """(speaker id, line) so far, oldest first."""


@dataclass(frozen=True, slots=True)
class News:
    """A piece of news the resident could pass on, with its structured happening."""

    key: str
    text: str
    happening: Happening | None = None
    source: str = ""
    """Who told the resident (a full name), or "" when it is the resident's own or was planted."""


@dataclass(frozen=True, slots=True)
class Acquaintance:
    """Someone a resident knows: how close they are, and how they know them."""

    id: str
    name: str
    closeness: float
    note: str = ""
    """How they know each other ("her nephew and apprentice"), from the persona file."""
    about: str = ""
    """What the other person is ("the baker"), as the town knows it."""


@dataclass(frozen=True, slots=True)
class Talked:
    """A conversation the resident had: when, with whom, where."""

    day: int
    minute: int
    who: str
    """The other person's full name."""
    place: str
    """Where, as the map labels it."""


@dataclass(frozen=True, slots=True)
class TalkFacts:
    """What a conversation may need beyond the moment: people, places, yesterday, today, tomorrow, news."""

    world: str
    """The town's name."""
    workplace: str
    """The resident's workplace as labelled on the map ("" when none)."""
    places: tuple[tuple[str, str], ...]
    """(place id, label) of every public place, and of the resident's home."""
    people: tuple[Acquaintance, ...]
    """Everyone the resident knows, closest first."""
    talks: tuple[Talked, ...]
    """Conversations since the start of yesterday, oldest first."""
    today: DayPlan | None
    tomorrow: DayPlan | None
    """The routine for tomorrow with the happenings the resident knows of."""
    news: tuple[News, ...]
    """Every happening the resident knows of that is coming up or took place since yesterday."""
    partner_about: str = ""
    """Who the conversation partner is, in a few words."""
    focus: tuple[str, ...] = ()
    """Sentences about oneself that the other person's line asks about (agents.focus.fact_lines), best first."""

    def label(self, place: str) -> str:
        """The display name of a place id (the id itself when unknown)."""
        return next((label for pid, label in self.places if pid == place), place)


@dataclass(frozen=True, slots=True)
class MindView:
    """The inner state a brain sees: needs, mood, relationships, and what memory brought back."""

    needs: tuple[tuple[str, int], ...] = ()
    needs_text: str = ""
    mood: str = "content"
    urgent: str | None = None
    """A need below its urgent level ("hunger", "energy"), if any."""
    closeness: tuple[tuple[str, float], ...] = ()
    """(resident id, closeness) for everyone the resident knows."""
    memories: tuple[tuple[int, str], ...] = ()
    """(memory id, text) retrieved for this request, best first (or, for reflect, the recent ones)."""
    happenings: tuple[Happening, ...] = ()
    """Upcoming things the resident knows about."""
    news: tuple[News, ...] = ()
    """News it has not yet told the current partner (converse requests)."""

    def closeness_to(self, resident: str) -> float:
        """Return the closeness to ``resident`` (0 for strangers)."""
        return next((c for r, c in self.closeness if r == resident), 0.0)


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
    mind: MindView = MindView()
    subject: str = ""
    """For importance requests: the memory text to rate."""
    facts: TalkFacts | None = None
    """For converse requests: what the conversation may need to draw on."""
    prompt: str = ""
    """The rendered prompt for model brains (the scripted brain reads the structured fields instead)."""
    messages: tuple[tuple[str, str], ...] = ()
    """The same prompt as chat messages (role, content), for kinds rendered as a conversation (converse)."""
    urgent: bool = False
    """A person is waiting on this answer (the player's conversation): served first, streamed where possible."""
    lean: bool = False
    """Built without recalled memories or talk facts, since the hour's model budget was already spent for it when
    asked (game/world/attention.py): the scripted policy answers it, and never reads those."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A brain's raw reply to one request; the world parses and validates it."""

    request_id: int
    text: str
    latency_s: float = 0.0
    tokens: int | None = None
    error: str | None = None
    """Why the backend could not answer (server down, timeout...); the world then falls back."""


class BrainFatalError(RuntimeError):
    """A brain failure that must stop the run (a replay miss), not be papered over by the fallback."""


@runtime_checkable
class Brain(Protocol):
    """Anything that answers a batch of requests; every backend implements this."""

    name: str

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        """Answer every request in the batch (in any order); each answer names its request id."""
        ...


@runtime_checkable
class FallbackPolicy(Brain, Protocol):
    """What the world falls back on when a brain's answer is late, missing or unusable.

    The world receives one from its composition root (the scripted brain by default) rather than importing a
    concrete brain, so a run can choose a cheaper or stricter fallback without touching the world's rules.
    """

    def answer(self, request: Request) -> str:
        """Return a valid reply for one request, at once."""
        ...

    def plan(self, request: Request) -> DayPlan:
        """Return a usable day plan for a ``plan`` request."""
        ...

    def fit_need(self, plan: DayPlan, need: str | None, now: int, home: str, here: str | None,
                 places: Sequence[str]) -> DayPlan:
        """Return ``plan`` with a block laid from ``now`` for an urgent need (hunger, energy), if any."""
        ...
