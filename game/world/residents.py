"""Bringing a resident into a town: standing at home with a mind, its starting memories and a decision due."""

from __future__ import annotations

from agents.persona import Persona
from game.world.components import DecisionDue, Perceived, Plan, Position, Relationships, Requests, Resident, Sprite
from game.world.events import Spawned
from game.world.minds import new_mind, remember
from game.world.town import Town


def spawn_resident(town: Town, persona: Persona, variant: int) -> int | None:
    """Create a persona's entity at a free spot of its home and return it; None when the home has no room."""
    spot = town.claim_spot(persona.id, persona.home)
    if spot is None:
        return None
    place = town.tilemap.place_at(spot)
    closeness = {other: r.closeness for other, r in persona.relationships.items()}
    entity = town.ecs.create_entity(Resident(persona.id, persona), Position(spot[0], spot[1], place),
                                    Sprite(variant), Plan(), Perceived(), Relationships(closeness),
                                    new_mind(town, persona), Requests(), DecisionDue("start"))
    town.residents[persona.id] = entity
    town.emit(Spawned(persona.id, place, spot[0], spot[1]))
    for text, importance in persona.memories:
        remember(town, entity, "observation", text, importance=importance)
    return entity
