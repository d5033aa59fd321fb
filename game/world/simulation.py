"""The composition root: builds a town from a world, declares the processor schedule, and runs it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from agents.brains import load_brain
from agents.embeddings import Embedder, HashEmbedder
from agents.memory import MemoryIndex
from agents.persona import Persona
from agents.plans import DayPlan
from agents.prompting import load_templates
from agents.prompting import prepare as prepare_request
from agents.protocol import Brain, FallbackPolicy, Request
from game.world.attention import Attention
from game.world.clock import GameClock
from game.world.commands import Command, Outcome
from game.world.components import (
    Activity,
    Mind,
    Plan,
    Position,
    Relationships,
    Resident,
    Talking,
)
from game.world.components import Path as WalkPath
from game.world.ecs import Processor
from game.world.events import EventLog
from game.world.loader import WorldDef, load_world
from game.world.mind import Executor, InlineExecutor, MindService, ThreadExecutor
from game.world.mindproc import BrainSpec, ProcessExecutor
from game.world.minds import remember
from game.world.pathfinding import Pathfinder
from game.world.player import PLAYER_ID, spawn_player
from game.world.processors.activity import ActivityProcessor
from game.world.processors.clock import ClockProcessor
from game.world.processors.commands import CommandProcessor
from game.world.processors.conversation import ConversationProcessor
from game.world.processors.decisions import DecisionProcessor
from game.world.processors.intents import IntentProcessor
from game.world.processors.memory import MemoryProcessor
from game.world.processors.movement import MovementProcessor
from game.world.processors.needs import NeedsProcessor
from game.world.processors.perception import PerceptionProcessor
from game.world.processors.planning import PlanningProcessor
from game.world.processors.scenario import ScenarioProcessor
from game.world.processors.speech import SpeechProcessor
from game.world.processors.thinking import ThinkingProcessor
from game.world.residents import spawn_resident
from game.world.scenario import Plant, TimedEvent, check_plants
from game.world.settings import RunOptions, checked, split_overrides
from game.world.town import Town
from game.world.trace import Trace

SCHEDULE: tuple[Callable[[Town], Processor], ...] = (
    CommandProcessor,       # apply the players' commands queued since the last tick
    ScenarioProcessor,      # fire the scenario's timed events that are due
    ThinkingProcessor,      # send last tick's requests as one batch, collect answers
    PlanningProcessor,      # apply day plans
    IntentProcessor,        # validate and apply decisions
    SpeechProcessor,        # say the lines that came back, pass on news, end finished talks
    ConversationProcessor,  # ask for the next lines that are due
    MemoryProcessor,        # apply importance ratings, reflect when enough has happened
    MovementProcessor,      # walk
    ActivityProcessor,      # end finished activities
    NeedsProcessor,         # needs and mood move; urgent needs trigger replanning
    PerceptionProcessor,    # notice who is near; remember them; meetings are decision points
    DecisionProcessor,      # queue plan and decide requests for the next batch
    ClockProcessor,         # advance time
)
"""The one place that states the order of a tick."""

@dataclass(frozen=True, slots=True)
class ResidentState:
    """A snapshot of one resident, for tests and tools."""

    id: str
    name: str
    tile: tuple[int, int]
    place: str | None
    activity: str | None
    activity_kind: str | None
    walking_to: str | None
    talking: bool
    plan: DayPlan | None
    persona: Persona
    mind: Mind
    closeness: dict[str, float]


class Simulation:
    """A headless town: ``Simulation("oakvale", seed=7).run(hours=24)``, then read ``events`` and ``resident()``."""

    def __init__(self, world: WorldDef | str | Path = "oakvale", *, seed: int = 0,
                 brain: Brain | str | BrainSpec = "scripted", embedder: Embedder | None = None,
                 events_sink: TextIO | None = None, keep_events: bool = True, trace: Trace | None = None,
                 plants: tuple[Plant, ...] = (), threaded: bool = False, player: bool = False,
                 processors: tuple[Callable[[Town], Processor], ...] = SCHEDULE, **overrides: Any):
        self.world = world if isinstance(world, WorldDef) else load_world(world)
        self.seed = seed
        self.overrides = dict(overrides)
        """The settings and run options given as keywords (a save keeps them, so a resumed run has the same)."""
        self.changed_files: list[str] = []
        """For a resumed run: the world's files that changed since its save (the run goes on with them)."""
        rules, run = split_overrides(overrides)
        settings = checked(self.world.settings, **rules)
        self.options = checked(RunOptions(), **run)
        """How this run is served: the window's pace and the minds' timeouts (keyword overrides set them)."""
        clock = GameClock(self.world.start_day, self.world.start_minute, self.world.start_weekday,
                          settings.tick_seconds)
        rng = random.Random(seed)
        templates = load_templates(self.world.root)
        fallback = load_brain("scripted")
        assert isinstance(fallback, FallbackPolicy), "the scripted brain is the fallback policy"
        self.brain: Brain | None = None
        """The brain, when it runs in this process (a brain served from another process is not here)."""
        executor = self._executor(brain, threaded, self.options)

        def prepare(request: Request) -> Request:
            """Render the request's prompt (and a conversation's messages) from the world's templates."""
            return prepare_request(templates, request, self.world.name)

        embedder = embedder or HashEmbedder()
        self.town = Town(self.world, settings, clock, rng, EventLog(clock, events_sink, keep_events),
                         MindService(executor, fallback, prepare, MemoryIndex(embedder)), fallback, rng.getrandbits(63),
                         Pathfinder(self.world.tilemap.walkable), embedder, trace or Trace())
        unbudgeted = self.brain_name == "scripted" and "think_budget" not in overrides  # no model to spare
        recorded = getattr(self.brain, "recorded_budget", False)  # a replay keeps the recording's budget
        budget = None if unbudgeted else self.options.think_budget or None
        self.attention = Attention(recorded if recorded is not False and "think_budget" not in overrides else budget)
        """The model budget's state (who is promoted, what this game hour has spent)."""
        self.town.mind.triage = partial(self.attention.triage, self.town)
        self.town.mind.certain = partial(self.attention.certain_scripted, self.town)
        self.town.mind.on_tier = self.town.trace.tier
        all_plants = self.world.plants + plants
        check_plants(plants, {p.id for p in self.world.personas}, set(self.world.tilemap.places), Path("--plant"))
        for processor in processors:  # SCHEDULE, or a test's chosen few
            self.town.ecs.add_processor(processor(self.town))
        self._spawn_residents()
        self.town.scenario.extend(self.world.events)
        self.player = spawn_player(self.town, len(self.world.personas)) if player else None
        """The player's entity, when the run has one (the window does)."""
        for plant in all_plants:
            remember(self.town, self.town.residents[plant.npc], "news" if plant.happening else "observation",
                     plant.text, happening=plant.happening, importance=8 if plant.happening else None)

    def _executor(self, brain: Brain | str | BrainSpec, threaded: bool, options: RunOptions) -> Executor:
        """Inline for headless runs; a thread, or for model brains given as a spec a process, for the window."""
        if isinstance(brain, BrainSpec) and threaded and brain.name != "scripted":
            self.brain_name = brain.name
            return ProcessExecutor(brain, options.think_timeout_seconds, options.chat_timeout_seconds,
                                   threads=int(brain.options.get("threads") or 1))
        if isinstance(brain, BrainSpec):
            brain = load_brain(brain.name, **brain.options)
        self.brain = load_brain(brain) if isinstance(brain, str) else brain
        self.brain_name = self.brain.name
        if threaded:
            return ThreadExecutor(self.brain, options.think_timeout_seconds,
                                  urgent_timeout=options.chat_timeout_seconds)
        return InlineExecutor(self.brain)

    def _spawn_residents(self) -> None:
        """Create one entity per persona, standing at home, with a mind and a decision due."""
        for variant, persona in enumerate(self.world.personas):
            entity = spawn_resident(self.town, persona, variant)
            assert entity is not None, "the loader checks that every home has a walkable tile"

    @property
    def clock(self) -> GameClock:
        """The game clock."""
        return self.town.clock

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event so far, as the JSON objects written to events.jsonl."""
        return self.town.log.records

    @property
    def trace(self) -> Trace:
        """The decision trace: one record per answered brain request."""
        return self.town.trace

    def schedule(self, event: TimedEvent) -> None:
        """Add a timed event to the scenario (the Python form of world.toml's [[event]])."""
        self.town.scenario.append(event)
        self.town.scenario.sort(key=lambda e: (e.day, e.minute))

    def command(self, command: Command) -> None:
        """Queue a player's command (walk, talk, say, leave, place); the next tick applies it first thing.

        The outcome (applied, or refused and why) is read back with ``outcomes(actor)`` after a step.
        """
        self.town.inbox.waiting.append(command)

    def outcomes(self, actor: str) -> list[Outcome]:
        """Take the outcomes of ``actor``'s commands applied so far, oldest first."""
        return self.town.inbox.take_outcomes(actor)

    def step(self, ticks: int = 1) -> None:
        """Run ``ticks`` fixed simulation steps."""
        for _ in range(ticks):
            self.town.ecs.process()

    def run(self, hours: float = 0, minutes: float = 0,
            progress: Callable[[int, int], None] | None = None) -> None:
        """Simulate ``hours`` + ``minutes`` of game time as fast as possible, reporting progress per chunk."""
        total = self.clock.minutes_to_ticks(hours * 60 + minutes)
        done = 0
        while done < total:
            chunk = min(360, total - done)
            self.step(chunk)
            done += chunk
            if progress is not None:
                progress(done, total)

    def use_brain(self, brain: Brain) -> None:
        """Answer from now on with ``brain`` (a headless run only: e.g. live on the scripted brain, then talk)."""
        if not isinstance(self.town.mind.executor, InlineExecutor):
            raise ValueError("use_brain works on headless runs (the window's brain runs elsewhere)")
        self.town.mind.executor = InlineExecutor(brain)
        self.brain, self.brain_name = brain, brain.name

    def join_player(self, player_id: str = PLAYER_ID, name: str = "Alex Rowe") -> int:
        """Add a player to the town if it is not there yet; return its entity (the first is ``self.player``).

        Any number of players may join, each with its own id; they act through ``command``.
        """
        if player_id in self.town.residents:
            return self.town.residents[player_id]
        entity = spawn_player(self.town, len(self.world.personas), player_id, name)
        if self.player is None:
            self.player = entity
        return entity

    def chat(self, resident_id: str, text: str) -> str:
        """Say ``text`` to a resident as the player, step until it answers, and return its reply.

        Goes through exactly the chat box's path; raises ``game.world.chat.ChatRefused`` with the reason when
        the resident cannot talk now (asleep, walking somewhere, talking with someone else).
        """
        from game.world.chat import chat
        return chat(self, resident_id, text)

    def resident(self, resident_id: str) -> ResidentState:
        """Return a snapshot of one resident's state."""
        ecs = self.town.ecs
        entity = self.town.residents[resident_id]
        resident = ecs.component_for_entity(entity, Resident)
        position = ecs.component_for_entity(entity, Position)
        activity = ecs.try_component(entity, Activity)
        path = ecs.try_component(entity, WalkPath)
        return ResidentState(resident.id, resident.persona.name, position.tile, position.place,
                             activity.name if activity else None, activity.kind if activity else None,
                             path.destination if path else None, ecs.has_component(entity, Talking),
                             plan.plan if (plan := ecs.try_component(entity, Plan)) else None,
                             resident.persona,
                             ecs.component_for_entity(entity, Mind),
                             dict(ecs.component_for_entity(entity, Relationships).closeness))

    def residents(self) -> list[ResidentState]:
        """Return snapshots of every resident, in id order."""
        return [self.resident(rid) for rid in sorted(self.town.residents)]

    def save(self, path: Path) -> None:
        """Save the whole town to the SQLite file ``path`` in one transaction (see game/world/save.py)."""
        from game.world.save import write_save
        write_save(self, path)

    def load(self, path: Path) -> None:
        """Put a save of this world in place of the town as it is now (the window's F9)."""
        from game.world.save import load_into
        load_into(self, path)

    @classmethod
    def resume(cls, path: Path, **options: Any) -> Simulation:
        """Continue from a save exactly where it stopped; ``options`` as for the constructor (brain, sinks...)."""
        from game.world.save import resume
        return resume(path, **options)

    def close(self) -> None:
        """Stop the brain's worker (if any)."""
        self.town.mind.close()

    def __enter__(self) -> Simulation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
