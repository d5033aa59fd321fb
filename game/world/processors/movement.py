"""MovementProcessor: walks residents tile by tile along their paths at walking speed."""

from __future__ import annotations

from typing import ClassVar

from game.world.components import DecisionDue, Path, Position, Resident, Sprite
from game.world.ecs import Processor
from game.world.events import Arrived
from game.world.town import Town

FACINGS = {(0, 1): 0, (-1, 0): 1, (1, 0): 2, (0, -1): 3}
"""Step direction -> sprite facing (down, left, right, up)."""


class MovementProcessor(Processor):
    """Advances each walker by its share of tiles this tick; logs arrival and asks for a new decision."""

    uses: ClassVar[frozenset[str]] = frozenset({"ecs", "log", "settings", "world"})

    def __init__(self, town: Town):
        self.town = town
        self.tiles_per_tick = town.settings.walk_tiles_per_minute * town.settings.tick_seconds / 60

    def process(self) -> None:
        """Move every walker; clear the trails of those standing still."""
        town = self.town
        for entity, position in town.ecs.get_component(Position):
            if position.trail and not town.ecs.has_component(entity, Path):
                position.trail = ()
        for entity, (position, path) in sorted(town.ecs.get_components(Position, Path), key=lambda p: p[0]):
            trail = [position.tile]
            path.budget += self.tiles_per_tick
            while path.budget >= 1.0 and path.steps:
                step = path.steps[0]
                if not town.tilemap.walkable(step):
                    path.steps.clear()
                    break
                path.steps.pop(0)
                path.budget -= 1.0
                sprite = town.ecs.try_component(entity, Sprite)
                if sprite is not None:
                    sprite.facing = FACINGS.get((step[0] - position.x, step[1] - position.y), sprite.facing)
                position.x, position.y = step
                position.place = town.tilemap.place_at(step)
                trail.append(step)
            position.trail = tuple(trail)
            if not path.steps:
                town.ecs.remove_component(entity, Path)
                npc = town.ecs.component_for_entity(entity, Resident).id
                town.emit(Arrived(npc, position.place or path.destination, position.x, position.y))
                town.ecs.add_component(entity, DecisionDue("arrived"))
