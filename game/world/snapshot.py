"""What a front end may read of the world: frozen copies, so drawing can never change the town it draws."""

from __future__ import annotations

from dataclasses import dataclass

from game.world.components import PlayerControlled, Position, Resident, Sprite, Talking
from game.world.town import Town
from game.world.worldmap import Tile


@dataclass(frozen=True, slots=True)
class Figure:
    """One person as a front end draws them: who, where (with the tiles crossed last tick), how, and whether talking."""

    id: str
    first_name: str
    x: int
    y: int
    trail: tuple[Tile, ...]
    variant: int
    facing: int
    talking: bool
    player: bool


def figures(town: Town) -> list[Figure]:
    """Everyone in the town, back to front (by row, then id), as frozen data."""
    ecs = town.ecs
    found = [Figure(resident.id, resident.persona.first_name, position.x, position.y, position.trail, sprite.variant,
                    sprite.facing, ecs.has_component(entity, Talking), ecs.has_component(entity, PlayerControlled))
             for entity, (resident, position, sprite) in ecs.get_components(Resident, Position, Sprite)
             if ecs.entity_exists(entity)]
    return sorted(found, key=lambda f: (f.y, f.id))


def figure(town: Town, resident_id: str) -> Figure | None:
    """One person's figure, or None when they are not in the town."""
    return next((f for f in figures(town) if f.id == resident_id), None)
