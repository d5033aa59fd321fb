"""CommandProcessor: applies the players' queued commands at the start of a tick (the first processor)."""

from __future__ import annotations

from typing import ClassVar

from game.world import player as pl
from game.world.commands import Command, Leave, Outcome, PlaceAt, Say, SayAloud, StartTalk, Typing, Walk
from game.world.components import PlayerControlled, Position, Talking
from game.world.ecs import Processor
from game.world.town import Town

OUTCOMES_KEPT = 200
"""Outcomes nobody read are dropped after this many (a window that never reads them cannot grow the list)."""


class CommandProcessor(Processor):
    """Applies the queued commands, in order, at the start of a tick."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "inbox", "residents", "world"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Apply every waiting command and record its outcome."""
        inbox = self.town.inbox
        while inbox.waiting:
            command = inbox.waiting.popleft()
            inbox.outcomes.append(Outcome(command, self.town.clock.tick, apply_command(self.town, command)))
        del inbox.outcomes[:-OUTCOMES_KEPT]


def apply_command(town: Town, command: Command) -> str | None:
    """Carry out one command now (between ticks too: a server moves a player as its step arrives); say why not."""
    entity = town.entity_of(command.actor)
    if entity is None or not town.ecs.has_component(entity, PlayerControlled):
        return f"no player called '{command.actor}' in this town"
    match command:
        case Walk(_, dx, dy):
            if town.ecs.has_component(entity, Talking):
                return "you are in a conversation: leave it first"
            return None if pl.step(town, entity, dx, dy) else "the way is blocked"
        case StartTalk(_, resident):
            return pl.talk(town, entity, resident)
        case Say(_, text):
            return pl.say(town, entity, text)
        case SayAloud(_, text):
            return pl.say_aloud(town, entity, text)
        case Leave():
            pl.leave(town, entity)
            return None
        case Typing():
            return pl.typing(town, entity)
        case PlaceAt(_, x, y):
            if not town.tilemap.walkable((x, y)):
                return f"tile ({x}, {y}) is not walkable"
            position = town.ecs.component_for_entity(entity, Position)
            position.x, position.y, position.place, position.trail = x, y, town.tilemap.place_at((x, y)), ()
            return None
    return f"unknown command {command!r}"
