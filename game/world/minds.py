"""World-side glue for minds: remembering, building what a brain sees, planting and passing on news."""

from __future__ import annotations

from agents.known_text import happening_text
from agents.memory import Happening, MemoryStream, RetrievalWeights, Scored, rule_importance
from agents.needs import Needs
from agents.persona import Persona
from agents.protocol import MindView, News, Request
from game.world.components import InFlight, Mind, Relationships, Requests, Resident
from game.world.events import MemoryFormed, NewsLearned
from game.world.situation import situation
from game.world.town import Town

RATED_KINDS = ("conversation", "news", "reflection")
"""Memory kinds whose importance the brain is asked to rate (observations keep the rule-based rating)."""


def new_mind(town: Town, persona: Persona) -> Mind:
    """Create a resident's mind with the world's retrieval weights and the persona's overrides."""
    s = town.settings
    weights = RetrievalWeights(persona.retrieval.get("recency", s.retrieval_recency),
                               persona.retrieval.get("importance", s.retrieval_importance),
                               persona.retrieval.get("relevance", s.retrieval_relevance), s.recency_decay)
    return Mind(MemoryStream(persona.id, weights, s.memory_limit), Needs(weights=dict(persona.needs)))


def remember(town: Town, entity: int, kind: str, text: str, *, source: str | None = None,
             happening: Happening | None = None, cites: tuple[int, ...] = (), importance: int | None = None,
             rate: bool = True) -> int:
    """Add a memory (rated by rule now, by the brain later for some kinds unless ``rate`` is off)."""
    mind = town.ecs.component_for_entity(entity, Mind)
    rated = importance if importance is not None else rule_importance(kind, text)
    memory = town.mind.index.add(mind.memory, kind, text, town.clock.total_minutes, rated, cites=cites,
                                 source=source, happening=happening)
    mind.importance_since_reflection += memory.importance
    if kind in RATED_KINDS and rate:
        resident = town.ecs.component_for_entity(entity, Resident)
        request = Request(town.mind.next_id(), "importance", resident.id, resident.persona,
                          situation(town, entity, "rate memory"), 0, subject=text)
        town.ecs.component_for_entity(entity, Requests).add(InFlight("importance", request.id, town.clock.tick,
                                                                      memory=memory.id))
        town.mind.ask(request)
    if kind != "observation":
        town.emit(MemoryFormed(town.resident_id(entity), kind, text, memory.importance, source))
    return memory.id


def view(town: Town, entity: int, query: str | None, *, partner: str | None = None,
         recent: int = 0, skip: tuple[str, ...] = ()) -> tuple[MindView, list[Scored]]:
    """Build what the brain sees: needs, mood, closeness, known happenings, memories retrieved for ``query``."""
    mind = town.ecs.component_for_entity(entity, Mind)
    relations = town.ecs.component_for_entity(entity, Relationships)
    scored: list[Scored] = []
    if recent:
        memories = tuple((m.id, m.text) for m in mind.memory.recent(recent))
    elif query:
        scored = town.mind.index.retrieve(mind.memory, query, town.clock.total_minutes,
                                          town.settings.retrieval_count, skip=skip)
        memories = tuple((s.memory.id, s.memory.text) for s in scored)
    else:
        memories = ()
    news: tuple[News, ...] = ()
    if partner is not None:
        news = tuple(News(h.key, describe(town, h)) for h in mind.memory.happenings()
                     if (h.key, partner) not in mind.told and h.day >= town.clock.day)
    return MindView(mind.needs.levels(), mind.needs.describe(), mind.emotion.label(), mind.needs.urgent(),
                    tuple(sorted((k, round(v, 3)) for k, v in relations.closeness.items())), memories,
                    tuple(h for h in mind.memory.happenings() if h.day >= town.clock.day), news), scored


def describe(town: Town, happening: Happening, wording: int = 0, kept: bool = False) -> str:
    """Say what a happening is, where and when, in words a resident would pass on (see ``happening_text``).

    ``kept`` names the weekday instead of "today"/"tomorrow", for a memory that is read on later days.
    """
    place = town.tilemap.places.get(happening.place)
    label = place.label if place else happening.place
    weekday = (town.clock.weekday + happening.day - town.clock.day) % 7 if kept else None
    return happening_text(happening.title, label, happening.day, town.clock.day, happening.start, wording, weekday)


def pass_on(town: Town, speaker: int, listener: int, key: str) -> bool:
    """Let ``speaker`` tell ``listener`` a piece of news it really holds; return whether the listener learned it."""
    speaker_mind = town.ecs.component_for_entity(speaker, Mind)
    happening = next((h for h in speaker_mind.memory.happenings() if h.key == key), None)
    listener_id = town.resident_id(listener)
    if happening is None:
        return False
    speaker_mind.told.add((key, listener_id))
    listener_mind = town.ecs.component_for_entity(listener, Mind)
    if listener_mind.memory.knows(key):
        return False
    speaker_id = town.resident_id(speaker)
    name = town.ecs.component_for_entity(speaker, Resident).persona.first_name
    remember(town, listener, "news", f"{name} told me: {describe(town, happening, kept=True)}", source=speaker_id,
             happening=happening)
    listener_mind.told.add((key, speaker_id))
    listener_mind.emotion.nudge(0.05, 0.2)
    town.emit(NewsLearned(listener_id, key, speaker_id, happening.title))
    return True
