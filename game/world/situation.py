"""What a resident perceives and may do right now, as the brain protocol's Situation and Options."""

from __future__ import annotations

from agents.persona import Persona
from agents.protocol import Nearby, Options, Situation
from game.world.components import Activity, Path, Perceived, Position, Resident, Talking
from game.world.loader import WorldDef
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
    homes = world_homes(town.world)
    return Options(enterable(town.tilemap, resident.persona, homes), tuple(people),
                   position.place == resident.persona.home)


_HOMES: dict[int, tuple[WorldDef, frozenset[str]]] = {}


def world_homes(world: WorldDef) -> frozenset[str]:
    """The places that are some resident's home in ``world``, whatever kind its map gives them (worked out once)."""
    cached = _HOMES.get(id(world))
    if cached is not None and cached[0] is world:
        return cached[1]
    if len(_HOMES) > 100:
        _HOMES.clear()
    homes = frozenset(persona.home for persona in world.personas)
    _HOMES[id(world)] = (world, homes)
    return homes


_ENTERABLE: dict[tuple[int, int], tuple[Persona, TileMap, frozenset[str], tuple[str, ...]]] = {}


def enterable(tilemap: TileMap, persona: Persona, homes: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The places ``persona`` may go into on ``tilemap``, sorted; worked out once per persona, map and homes.

    Never someone else's home: a place of kind "home", or one of ``homes`` (the residents' homes, which a map
    may give another kind), unless it is the persona's own or its routine goes there. All three are immutable
    (a reloaded persona is a new object), and in a town of a thousand homes going through every place for every
    decision was the largest cost of a tick.
    """
    key = (id(persona), id(tilemap))
    cached = _ENTERABLE.get(key)
    if cached is not None and cached[0] is persona and cached[1] is tilemap and cached[2] is homes:
        return cached[3]
    if len(_ENTERABLE) > 20_000:
        _ENTERABLE.clear()
    visits = {persona.resolve_place(where) for block in persona.routine for where in block.places}
    places = tuple(sorted(p.id for p in tilemap.places.values()
                          if p.tiles and (p.id == persona.home or p.id in visits
                                          or (p.kind != "home" and p.id not in homes))))
    _ENTERABLE[key] = (persona, tilemap, homes, places)
    return places

