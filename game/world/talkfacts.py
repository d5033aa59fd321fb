"""What a resident knows that a conversation may need: people, places, yesterday, today, tomorrow and news."""

from __future__ import annotations

import zlib

from agents.known_text import NEWS_WORDINGS
from agents.memory import Happening
from agents.plans import DayPlan, routine_plan
from agents.protocol import Acquaintance, News, Talked, TalkFacts
from game.world.components import Mind, Plan, PlayerControlled, Relationships, Resident
from game.world.minds import describe
from game.world.town import Town

TALK_MEMORY_DAYS = 3
"""Conversations older than this many days are forgotten by the talk log (the memory stream keeps them)."""


def talk_facts(town: Town, entity: int, partner: int) -> TalkFacts:
    """Gather the facts a conversation between ``entity`` and ``partner`` may draw on, from ``entity``'s side."""
    resident = town.ecs.component_for_entity(entity, Resident)
    persona = resident.persona
    places = town.tilemap.places
    workplace = places[persona.workplace].label if persona.workplace in places else ""
    public = town.tilemap.public_places
    home = ((persona.home, "home"),) if persona.home in places else ()
    plan = town.ecs.try_component(entity, Plan)
    clock = town.clock
    return TalkFacts(town.world.name, workplace, public + home, _people(town, entity), _talks(town, entity),
                     plan.plan if plan is not None and plan.plan is not None and plan.plan.day == clock.day else None,
                     tomorrow_plan(town, entity), _news(town, entity), about(town, partner, entity))


def tomorrow_plan(town: Town, entity: int) -> DayPlan:
    """The routine the resident will follow tomorrow (the scripted planner's draw for that day)."""
    persona = town.ecs.component_for_entity(entity, Resident).persona
    clock = town.clock
    kept = town.routines.get(persona.id)  # drawn once a day per resident: a line of talk asks for it each time
    if kept is None or kept[0] is not persona or kept[1:3] != (clock.day + 1, town.plan_seed):
        kept = (persona, clock.day + 1, town.plan_seed, routine_plan(
            persona, clock.day + 1, (clock.weekday + 1) % 7, town.plan_seed, town.settings.routine_jitter_minutes))
        town.routines[persona.id] = kept
    return kept[3]


def about(town: Town, entity: int, viewer: int | None = None) -> str:
    """Who someone is, in a few words ("the baker at Quinn's Bakery", "a newcomer to town")."""
    persona = town.ecs.component_for_entity(entity, Resident).persona
    if town.ecs.has_component(entity, PlayerControlled):
        return "a newcomer to town, a real person exploring it"
    place = town.tilemap.places.get(persona.workplace or "")
    work = f"the {persona.occupation}" + (f" at {place.label}" if place is not None else "")
    if viewer is not None:
        note = town.ecs.component_for_entity(viewer, Resident).persona.relationships.get(persona.id)
        if note is not None and note.note:
            return f"{note.note}; {work}"
    return work


def _people(town: Town, entity: int) -> tuple[Acquaintance, ...]:
    """Everyone the resident has a closeness with or a note about, closest first."""
    persona = town.ecs.component_for_entity(entity, Resident).persona
    closeness = town.ecs.component_for_entity(entity, Relationships).closeness
    known = sorted(set(closeness) | set(persona.relationships))
    people = []
    for other_id in known:
        other = town.residents.get(other_id)
        if other is None or not town.ecs.entity_exists(other):
            continue
        other_persona = town.ecs.component_for_entity(other, Resident).persona
        relation = persona.relationships.get(other_id)
        people.append(Acquaintance(other_id, other_persona.name, round(closeness.get(other_id, 0.0), 2),
                                   relation.note if relation is not None else "", about(town, other)))
    return tuple(sorted(people, key=lambda a: (-a.closeness, a.name)))


def _talks(town: Town, entity: int) -> tuple[Talked, ...]:
    """Conversations since the start of yesterday, oldest first."""
    mind = town.ecs.component_for_entity(entity, Mind)
    since = (town.clock.day - 1 - town.clock.start_day) * 24 * 60
    talks = []
    for minute, other_id, place in mind.talks:
        other = town.residents.get(other_id)
        if minute < since or other is None or not town.ecs.entity_exists(other):
            continue
        name = town.ecs.component_for_entity(other, Resident).persona.name
        talks.append(Talked(town.clock.start_day + minute // (24 * 60), minute % (24 * 60), name, place))
    return tuple(talks)


def own_wording(resident_id: str, happening: Happening, today: int) -> int:
    """Which of the ``NEWS_WORDINGS`` a resident tells a happening in.

    Until it is over, everyone passes it on as it was announced (wording 0: an invitation is repeated as given,
    and the conversations that spread it read the same words). Once it is over, each resident recounts it in a
    wording of its own, fixed by who it is and what happened, so that twelve people asked about last night's
    party do not all say the same sentence.
    """
    if happening.day >= today:
        return 0
    return zlib.crc32(f"{resident_id}:{happening.key}".encode()) % NEWS_WORDINGS


def _news(town: Town, entity: int) -> tuple[News, ...]:
    """Happenings the resident knows of, from yesterday on, with who told it (a past one in its own words)."""
    mind = town.ecs.component_for_entity(entity, Mind)
    resident_id = town.resident_id(entity)
    seen: dict[str, News] = {}
    for memory in mind.memory.memories:
        happening = memory.happening
        if happening is None or happening.key in seen or happening.day < town.clock.day - 1:
            continue
        source = town.residents.get(memory.source or "")
        name = town.ecs.component_for_entity(source, Resident).persona.name if source is not None else ""
        wording = own_wording(resident_id, happening, town.clock.day)
        seen[happening.key] = News(happening.key, describe(town, happening, wording), happening, name)
    return tuple(seen.values())
