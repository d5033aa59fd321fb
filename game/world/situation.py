"""What a resident perceives and may do right now, as the brain protocol's Situation and Options."""

from __future__ import annotations

from agents.persona import Persona
from agents.protocol import Nearby, Options, Situation
from game.world.components import Activity, Path, Perceived, Position, Resident, Talking
from game.world.town import Town
from game.world.worldmap import TileMap


def doing(town: Town, entity: int) -> str:
    """Describe what an entity is doing, in a few words."""
    if town.ecs.has_component(entity, Talking):
        return "talking"
    path = town.ecs.try_component(entity, Path)
    if path is not None:
        return f"walking to {path.destination}"
    activity = town.ecs.try_component(entity, Activity)
    return activity.name if activity is not None else "idle"


def situation(town: Town, entity: int, reason: str) -> Situation:
    """Build the Situation of a resident from the world as it is now."""
    position = town.ecs.component_for_entity(entity, Position)
    perceived = town.ecs.try_component(entity, Perceived)
    nearby = []
    for other_id in sorted(perceived.nearby if perceived else ()):
        other = town.entity_of(other_id)
        if other is not None:
            resident = town.ecs.component_for_entity(other, Resident)
            nearby.append(Nearby(resident.id, resident.persona.name, doing(town, other)))
    clock = town.clock
    place = town.tilemap.places.get(position.place) if position.place else None
    return Situation(clock.day, clock.weekday, clock.minute_of_day, position.place,
                     place.label if place else "outdoors", doing(town, entity), tuple(nearby), reason)


def options(town: Town, entity: int) -> Options:
    """Build the Options of a resident: places it can reach, people it may talk to, whether it may sleep."""
    resident = town.ecs.component_for_entity(entity, Resident)
    position = town.ecs.component_for_entity(entity, Position)
    perceived = town.ecs.try_component(entity, Perceived)
    people = []
    for other_id in sorted(perceived.nearby if perceived else ()):
        other = town.entity_of(other_id)
        if other is not None and town.available(other) and not town.in_cooldown(entity, other_id):
            people.append(other_id)
    return Options(enterable(town.tilemap, resident.persona), tuple(people), position.place == resident.persona.home)


_ENTERABLE: dict[tuple[int, int], tuple[Persona, TileMap, tuple[str, ...]]] = {}


def enterable(tilemap: TileMap, persona: Persona) -> tuple[str, ...]:
    """The places ``persona`` may go into on ``tilemap``, sorted; worked out once per persona and map.

    Both are immutable (a reloaded persona is a new object), and in a town of a thousand homes going through
    every place for every decision was the largest cost of a tick.
    """
    key = (id(persona), id(tilemap))
    cached = _ENTERABLE.get(key)
    if cached is not None and cached[0] is persona and cached[1] is tilemap:
        return cached[2]
    if len(_ENTERABLE) > 20_000:
        _ENTERABLE.clear()
    visits = {persona.resolve_place(where) for block in persona.routine for where in block.places}
    places = tuple(sorted(p.id for p in tilemap.places.values()
                          if p.tiles and (p.kind != "home" or p.id == persona.home or p.id in visits)))
    _ENTERABLE[key] = (persona, tilemap, places)
    return places

