"""The town: the state every processor shares (its entities, clock, map, seeded generator, log, minds)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from agents.embeddings import Embedder
from agents.persona import Persona
from agents.plans import DayPlan
from agents.protocol import FallbackPolicy, Request
from game.world.clock import GameClock
from game.world.commands import Inbox
from game.world.components import (
    CHOICE,
    Activity,
    Conversation,
    InFlight,
    Path,
    Relationships,
    Requests,
    Resident,
    Talking,
)
from game.world.ecs import Entities
from game.world.events import Event, EventLog
from game.world.loader import WorldDef
from game.world.mind import MindService
from game.world.pathfinding import Pathfinder
from game.world.scenario import TimedEvent
from game.world.settings import Settings
from game.world.trace import Trace
from game.world.worldmap import Tile, TileMap


@dataclass(slots=True)
class Town:
    """Everything processors share; the town owns its entities, and the only random generator of a run lives here."""

    world: WorldDef
    settings: Settings
    clock: GameClock
    rng: random.Random
    log: EventLog
    mind: MindService
    fallback: FallbackPolicy
    """The rule-based policy that answers when a brain cannot (given by the composition root)."""
    plan_seed: int
    pathfinder: Pathfinder
    embedder: Embedder
    trace: Trace
    ecs: Entities = field(default_factory=Entities)
    inbox: Inbox = field(default_factory=Inbox)
    """Players' commands waiting for the next tick, and the outcomes of those applied."""
    """This town's entities and components, and the processors of its tick (no other town sees them)."""
    residents: dict[str, int] = field(default_factory=dict)
    """Resident id -> entity."""
    conversations: dict[str, int] = field(default_factory=dict)
    """Conversation id -> entity, while the conversation lasts."""
    conversations_started: int = 0
    """How many conversations this town has had (the next one's id is ``c<count + 1>``)."""
    claims: dict[Tile, str] = field(default_factory=dict)
    """Tiles where a resident stands or is heading, so that two do not pick the same spot."""
    scenario: list[TimedEvent] = field(default_factory=list)
    """Timed events still to fire, earliest first."""
    routines: dict[str, tuple[Persona, int, int, DayPlan]] = field(default_factory=dict)
    """Resident id -> (persona, day, plan seed, tomorrow's routine): a cache of game/world/talkfacts.py, not saved."""

    @property
    def tilemap(self) -> TileMap:
        """The world's map."""
        return self.world.tilemap

    def emit(self, event: Event) -> None:
        """Append an event to the log."""
        self.log.append(event)

    def resident_id(self, entity: int) -> str:
        """Return the resident id of an entity."""
        return self.ecs.component_for_entity(entity, Resident).id

    def claim_spot(self, owner: str, place: str) -> Tile | None:
        """Pick a free walkable tile of ``place`` for resident ``owner`` (seeded), release its old one, claim it."""
        tiles = self.tilemap.places[place].tiles
        if not tiles:
            return None
        free = [t for t in tiles if self.claims.get(t, owner) == owner]
        spot = self.rng.choice(free or list(tiles))
        self.release(owner)
        self.claims[spot] = owner
        return spot

    def release(self, owner: str) -> None:
        """Forget the spot resident ``owner`` claimed, if any."""
        for tile in [t for t, e in self.claims.items() if e == owner]:
            del self.claims[tile]

    def conversation(self, conversation_id: str) -> tuple[int, Conversation] | None:
        """The entity and state of a conversation that is still going on, or None."""
        entity = self.conversations.get(conversation_id)
        if entity is None or not self.ecs.entity_exists(entity):
            return None
        return entity, self.ecs.component_for_entity(entity, Conversation)

    def entity_of(self, resident_id: str) -> int | None:
        """The entity of a resident (or player) id that is still in the town, or None."""
        entity = self.residents.get(resident_id)
        return entity if entity is not None and self.ecs.entity_exists(entity) else None

    def take_in_flight(self, request: Request) -> tuple[int, InFlight] | None:
        """The asking resident's entity and its record of ``request``, removed; None when nobody awaits it now."""
        entity = self.entity_of(request.npc)
        requests = self.ecs.try_component(entity, Requests) if entity is not None else None
        record = requests.out.pop(request.id, None) if requests is not None else None
        return (entity, record) if entity is not None and record is not None else None

    def choosing(self, entity: int) -> bool:
        """Whether a plan or decision request is out for ``entity`` (its answer is awaited)."""
        requests = self.ecs.try_component(entity, Requests)
        return requests is not None and requests.waiting(*CHOICE)

    def available(self, entity: int) -> bool:
        """Return whether a resident could start a conversation now (awake, standing, not talking)."""
        if self.ecs.has_component(entity, Talking) or self.ecs.has_component(entity, Path):
            return False
        activity = self.ecs.try_component(entity, Activity)
        return activity is None or activity.kind != "sleep"

    def in_cooldown(self, entity: int, other_id: str) -> bool:
        """Return whether ``entity`` talked with ``other_id`` too recently to start again."""
        relations = self.ecs.try_component(entity, Relationships)
        if relations is None or other_id not in relations.last_talk:
            return False
        since = self.clock.total_minutes - relations.last_talk[other_id]
        return since < self.settings.conversation_cooldown_minutes
