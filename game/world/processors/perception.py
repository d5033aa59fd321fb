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
        """Recompute who is near whom and mark meetings."""
        town, radius = self.town, self.radius
        cells: dict[tuple[int, int], list[tuple[int, Position]]] = defaultdict(list)
        everyone = sorted(self.town.ecs.get_components(Position, Resident, Perceived), key=lambda p: p[0])
        for entity, (position, _, _) in everyone:
            cells[(position.x // radius, position.y // radius)].append((entity, position))
        for entity, (position, _resident, perceived) in everyone:
            near = set()
            cx, cy = position.x // radius, position.y // radius
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for other, where in cells.get((cx + dx, cy + dy), ()):
                        if other != entity and self._sees(position, where):
                            near.add(other)
            ids = {town.resident_id(other): other for other in near}
            self._observe(entity, position, [ids[i] for i in sorted(ids.keys() - perceived.nearby)])
            free = frozenset(i for i, other in ids.items() if town.available(other))
            met = sorted(free - perceived.free)
            perceived.nearby, perceived.free = frozenset(ids), free
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

    def _sees(self, a: Position, b: Position) -> bool:
        """Return whether a resident at ``a`` notices one at ``b``: within the radius, and in the same place."""
        if abs(a.x - b.x) > self.radius or abs(a.y - b.y) > self.radius:
            return False
        return a.place == b.place

    def _free(self, entity: int) -> bool:
        """Return whether a resident may be distracted now (available, not already deciding)."""
        return (self.town.available(entity) and not self.town.choosing(entity)
                and not self.town.ecs.has_component(entity, DecisionDue))
