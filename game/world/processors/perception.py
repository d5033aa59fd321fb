"""PerceptionProcessor: who notices whom (same place, within a radius), and who has just met someone."""

from __future__ import annotations

from collections import defaultdict
from typing import ClassVar

from game.world.components import (
    Activity,
    DecisionDue,
    Mind,
    Perceived,
    PlayerControlled,
    Position,
    Resident,
)
from game.world.ecs import Processor
from game.world.minds import remember
from game.world.situation import doing
from game.world.town import Town


class PerceptionProcessor(Processor):
    """Updates each resident's Perceived sets with a spatial hash; someone newly near and free is a decision point."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "settings", "world"})

    def __init__(self, town: Town):
        self.town = town
        self.radius = town.settings.perception_radius

    def process(self) -> None:
        """Recompute who is near whom and mark meetings.

        Residents are hashed by place and cell, so only those in the same place are compared, and each one's id
        and availability are looked up once a tick rather than once per pair (a crowded workplace of a
        thousand-resident town made that a million lookups a game minute).
        """
        town, radius = self.town, self.radius
        cells: dict[tuple[str | None, int, int], list[tuple[int, Position]]] = defaultdict(list)
        everyone = sorted(self.town.ecs.get_components(Position, Resident, Perceived), key=lambda p: p[0])
        ids = {entity: resident.id for entity, (_, resident, _) in everyone}
        for entity, (position, _, _) in everyone:
            cells[(position.place, position.x // radius, position.y // radius)].append((entity, position))
        free_now: dict[int, bool] = {}
        for entity, (position, _resident, perceived) in everyone:
            near: dict[str, int] = {}
            x, y, place = position.x, position.y, position.place
            cx, cy = x // radius, y // radius
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for other, where in cells.get((place, cx + dx, cy + dy), ()):
                        if other != entity and abs(x - where.x) <= radius and abs(y - where.y) <= radius:
                            near[ids[other]] = other
            if near.keys() != perceived.nearby:
                self._observe(entity, position, [near[i] for i in sorted(near.keys() - perceived.nearby)])
            for other in near.values():
                if other not in free_now:
                    free_now[other] = town.available(other)
            free = frozenset(i for i, other in near.items() if free_now[other])
            met = sorted(free - perceived.free)
            perceived.nearby, perceived.free = frozenset(near), free
            if met and self._free(entity) and not self.town.ecs.has_component(entity, PlayerControlled):
                for other_id in met:
                    if not town.in_cooldown(entity, other_id):
                        self.town.ecs.add_component(entity, DecisionDue(f"met:{other_id}"))
                        break

    def _observe(self, entity: int, position: Position, newcomers: list[int]) -> None:
        """Note in memory the people newly in view and what they are doing (once per observation gap each)."""
        town = self.town
        activity = town.ecs.try_component(entity, Activity)
        if not newcomers or (activity is not None and activity.kind == "sleep"):
            return
        mind = town.ecs.component_for_entity(entity, Mind)
        now = town.clock.total_minutes
        place = town.tilemap.places.get(position.place or "")
        where = place.label if place else "outdoors"
        for other in newcomers:
            resident = town.ecs.component_for_entity(other, Resident)
            if now - mind.last_seen.get(resident.id, -10**9) < town.settings.observation_gap_minutes:
                continue
            mind.last_seen[resident.id] = now
            remember(town, entity, "observation", f"Saw {resident.persona.name} {doing(town, other)} at {where}")

    def _free(self, entity: int) -> bool:
        """Return whether a resident may be distracted now (available, not already deciding)."""
        return (self.town.available(entity) and not self.town.choosing(entity)
                and not self.town.ecs.has_component(entity, DecisionDue))
