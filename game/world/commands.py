"""Inputs as commands: what players ask of the world, queued, and applied by the first processor of a tick.

The window, the script runner, the headless chat (and later network clients) never change the world between
ticks: they queue commands, each naming the player it acts for, so any number of player-controlled residents
can share a town. ``CommandProcessor`` (game/world/processors/commands.py) checks that the actor is a player,
applies the command through the same rules a resident's intent meets, and records an ``Outcome`` (applied,
or refused and why) that the caller reads back.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Walk:
    """Step one tile (dx, dy of -1, 0 or 1, one of them zero)."""

    actor: str
    dx: int
    dy: int


@dataclass(frozen=True, slots=True)
class StartTalk:
    """Start a conversation with a resident nearby."""

    actor: str
    resident: str


@dataclass(frozen=True, slots=True)
class Say:
    """Say a line in the actor's conversation (as data for the other side, never as instructions)."""

    actor: str
    text: str


@dataclass(frozen=True, slots=True)
class SayAloud:
    """Say a line aloud outside any conversation: players near hear it, residents near overhear it (as data)."""

    actor: str
    text: str


@dataclass(frozen=True, slots=True)
class Leave:
    """End the actor's conversation."""

    actor: str


@dataclass(frozen=True, slots=True)
class Typing:
    """The actor is typing its line: the other side keeps waiting for it (no patience runs out meanwhile)."""

    actor: str


@dataclass(frozen=True, slots=True)
class PlaceAt:
    """Put the actor on a walkable tile at once (staged screenshots and the headless chat, not players' keys)."""

    actor: str
    x: int
    y: int


Command = Walk | StartTalk | Say | SayAloud | Leave | Typing | PlaceAt
"""Everything a player can ask of the world."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a command: applied (``refused`` is None) or refused, and why."""

    command: Command
    tick: int
    refused: str | None


@dataclass(slots=True)
class Inbox:
    """Commands waiting for the next tick, and the outcomes of those applied, until their caller reads them."""

    waiting: deque[Command] = field(default_factory=deque)
    outcomes: list[Outcome] = field(default_factory=list)

    def take_outcomes(self, actor: str) -> list[Outcome]:
        """Remove and return the outcomes of ``actor``'s commands, oldest first."""
        mine = [o for o in self.outcomes if o.command.actor == actor]
        self.outcomes = [o for o in self.outcomes if o.command.actor != actor]
        return mine
