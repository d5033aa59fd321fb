"""Live reload: a persona file saved while the game runs updates that resident at the next safe point.

A file saved with an error is reported and the resident keeps its last good version; a new file adds a
resident at its home. Called between simulation steps (never inside a tick).
"""

from __future__ import annotations

from pathlib import Path

from agents.errors import ContentError
from agents.persona import Persona
from agents.persona_file import load_persona
from game.world.components import (
    DecisionDue,
    Mind,
    Plan,
    Relationships,
    Resident,
)
from game.world.loader import check_personas
from game.world.residents import spawn_resident
from game.world.simulation import Simulation


class PersonaWatcher:
    """Watches a world's persona files by modification time."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.folder = sim.world.root / "personas"
        self.seen = self._stamps()

    def _stamps(self) -> dict[Path, float]:
        """Modification times of the persona files now."""
        return {path: path.stat().st_mtime_ns for path in sorted(self.folder.glob("*.toml"))}

    def poll(self) -> list[str]:
        """Apply changed and new persona files; return a message per change or problem."""
        now = self._stamps()
        changed = [path for path, stamp in now.items() if self.seen.get(path) != stamp]
        self.seen = now
        messages = []
        for path in changed:
            try:
                persona = load_persona(path)
                others = [self._persona(rid) for rid in self.sim.town.residents if rid not in (persona.id, "player")]
                check_personas([persona, *others], self.sim.world.tilemap)
            except ContentError as exc:
                messages.append(f"{path.name} not loaded, keeping the last good version: {exc}")
                continue
            messages.append(self._apply(persona))
        return messages

    def _persona(self, resident_id: str) -> Persona:
        """The current persona of a resident."""
        return self.sim.town.ecs.component_for_entity(self.sim.town.residents[resident_id], Resident).persona

    def _apply(self, persona: Persona) -> str:
        """Update an existing resident in place, or spawn a new one at home."""
        town = self.sim.town
        entity = town.residents.get(persona.id)
        if entity is not None:
            self.sim.town.ecs.component_for_entity(entity, Resident).persona = persona
            self.sim.town.ecs.component_for_entity(entity, Mind).needs.weights = dict(persona.needs)
            relations = self.sim.town.ecs.component_for_entity(entity, Relationships)
            for other, relation in persona.relationships.items():
                relations.closeness.setdefault(other, relation.closeness)
            self.sim.town.ecs.component_for_entity(entity, Plan).plan = None  # the next decision plans the day again
            self.sim.town.ecs.add_component(entity, DecisionDue("persona changed"))
            return f"{persona.name} updated from {persona.source.name if persona.source else persona.id}"
        if spawn_resident(town, persona, len(town.residents) + 1) is None:
            return f"{persona.name}: home {persona.home} has no room"
        return f"{persona.name} moved into {persona.home}"
