"""The entity-component store a world owns: esper's calls and semantics, held by an object instead of module globals.

esper 3 keeps one set of worlds in module globals and switches between them, so two towns in one process (a
server's rooms, a test beside a game) would share and switch state. ``Entities`` keeps the same calls
(``create_entity``, ``add_component``, ``get_components``, ``process`` ...) and the same semantics (deletion is
delayed to the next ``process``; queries are cached until something changes; a query walks the smallest
component set), so a run's events do not change, but each ``Town`` owns its own store.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, TypeVar, overload

C = TypeVar("C")
C2 = TypeVar("C2")
C3 = TypeVar("C3")
C4 = TypeVar("C4")


class Processor:
    """One job of a tick; ``Entities.process`` runs the processors in the order they were added."""

    uses: ClassVar[frozenset[str]] = frozenset()
    """The town resources (``Town`` fields) the processor reads or writes; tests/test_resources.py holds it to it."""

    def process(self) -> None:
        """Do this processor's job for one tick."""
        raise NotImplementedError


class Entities:
    """Entities (plain ints), their components (one per type), the processors of a tick, and cached queries."""

    def __init__(self) -> None:
        self._next = 1
        """The id the next new entity gets."""
        self._entities: dict[int, dict[type[Any], Any]] = {}
        self._holders: dict[type[Any], set[int]] = {}
        """Component type -> the entities that have one."""
        self._dead: set[int] = set()
        self._queries: dict[tuple[type[Any], ...], list[Any]] = {}
        self.processors: list[Processor] = []

    # entities -----------------------------------------------------------------------------------------------------

    def create_entity(self, *components: Any) -> int:
        """Make a new entity, with these components, and return its id."""
        entity = self._next
        self._next += 1
        self._entities[entity] = {}
        for component in components:
            self._attach(entity, type(component), component)
        self._queries.clear()
        return entity

    def delete_entity(self, entity: int, immediate: bool = False) -> None:
        """Delete an entity and its components: at the start of the next ``process``, or now if ``immediate``."""
        if immediate:
            self._purge(entity)
            self._queries.clear()
        else:
            self._dead.add(entity)

    def entity_exists(self, entity: int) -> bool:
        """Return whether the entity exists and is not waiting to be deleted."""
        return entity in self._entities and entity not in self._dead

    def entities(self) -> Iterator[int]:
        """Every entity id, oldest first (ones waiting to be deleted included)."""
        return iter(list(self._entities))

    def dump(self) -> tuple[int, list[int], list[tuple[int, tuple[Any, ...]]]]:
        """Everything stored, for a save: the next id, the entities waiting to be deleted, each one's components."""
        return self._next, sorted(self._dead), [(e, tuple(c.values())) for e, c in self._entities.items()]

    def load(self, next_id: int, dead: list[int], entities: list[tuple[int, tuple[Any, ...]]]) -> None:
        """Replace everything stored with what ``dump`` gave (processors stay); queries start afresh."""
        self._next, self._dead = next_id, set(dead)
        self._entities, self._holders = {}, {}
        for entity, components in entities:
            self._entities[entity] = {}
            for component in components:
                self._attach(entity, type(component), component)
        self._queries.clear()

    # components ---------------------------------------------------------------------------------------------------

    def add_component(self, entity: int, component: Any) -> None:
        """Give an entity a component, replacing one of the same type."""
        self._attach(entity, type(component), component)
        self._queries.clear()

    def remove_component(self, entity: int, kind: type[C]) -> C:
        """Take a component off an entity and return it; KeyError if it has none."""
        holders = self._holders[kind]
        holders.discard(entity)
        if not holders:
            del self._holders[kind]
        self._queries.clear()
        component: C = self._entities[entity].pop(kind)
        return component

    def try_remove_component(self, entity: int, kind: type[C]) -> C | None:
        """Take a component off an entity if it has one; return it, or None."""
        if kind not in self._entities.get(entity, {}):
            return None
        return self.remove_component(entity, kind)

    def component_for_entity(self, entity: int, kind: type[C]) -> C:
        """An entity's component of a type; KeyError if it has none."""
        component: C = self._entities[entity][kind]
        return component

    def try_component(self, entity: int, kind: type[C]) -> C | None:
        """An entity's component of a type, or None (also for an unknown entity)."""
        components = self._entities.get(entity)
        if components is None:
            return None
        found: C | None = components.get(kind)
        return found

    def has_component(self, entity: int, kind: type[Any]) -> bool:
        """Return whether an entity has a component of this type; KeyError for an unknown entity."""
        return kind in self._entities[entity]

    def components_for_entity(self, entity: int) -> tuple[Any, ...]:
        """Every component of an entity (to save it, or to show it)."""
        return tuple(self._entities[entity].values())

    # queries ------------------------------------------------------------------------------------------------------

    def get_component(self, kind: type[C]) -> list[tuple[int, C]]:
        """Every (entity, component) of a type, in id order; the list stays valid while the world changes under it."""
        cached = self._queries.get((kind,))
        if cached is None:
            cached = [(e, self._entities[e][kind]) for e in sorted(self._holders.get(kind, ()))]
            self._queries[(kind,)] = cached
        return cached

    @overload
    def get_components(self, k1: type[C], k2: type[C2], /) -> list[tuple[int, tuple[C, C2]]]: ...

    @overload
    def get_components(self, k1: type[C], k2: type[C2], k3: type[C3], /) -> list[tuple[int, tuple[C, C2, C3]]]: ...

    @overload
    def get_components(self, k1: type[C], k2: type[C2], k3: type[C3], k4: type[C4], /) -> list[
            tuple[int, tuple[C, C2, C3, C4]]]: ...

    def get_components(self, *kinds: type[Any]) -> list[tuple[int, tuple[Any, ...]]]:
        """Every entity that has all these component types, with them in the order asked."""
        key = ("*", *kinds)
        cached = self._queries.get(key)  # type: ignore[arg-type]
        if cached is None:
            cached = list(self._matching(kinds))
            self._queries[key] = cached  # type: ignore[index]
        return cached

    def _matching(self, kinds: tuple[type[Any], ...]) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Walk the smallest holder set (the first of equal size) in id order and keep the entities that have the rest.

        Id order, not the set's own: a set's order depends on its history (what was added and removed, how large
        it grew), which a town read back from a save does not share; sorted, the same town queries the same way.
        """
        sets = [self._holders.get(kind) for kind in kinds]
        if not kinds or any(s is None for s in sets):
            return
        smallest = min(range(len(kinds)), key=lambda i: len(sets[i]))  # type: ignore[arg-type]
        others = [kind for i, kind in enumerate(kinds) if i != smallest]
        for entity in sorted(sets[smallest]):  # type: ignore[arg-type]  # by id: no set's history decides the order
            components = self._entities[entity]
            if all(kind in components for kind in others):
                yield entity, tuple(components[kind] for kind in kinds)

    # the tick -----------------------------------------------------------------------------------------------------

    def add_processor(self, processor: Processor) -> None:
        """Append a processor to the tick's schedule."""
        self.processors.append(processor)

    def process(self) -> None:
        """Delete the entities marked dead, then run every processor once, in order."""
        if self._dead:
            for entity in self._dead:
                self._purge(entity)
            self._dead.clear()
            self._queries.clear()
        for processor in self.processors:
            processor.process()

    def _attach(self, entity: int, kind: type[Any], component: Any) -> None:
        """Record a component without touching the query cache."""
        self._holders.setdefault(kind, set()).add(entity)
        self._entities[entity][kind] = component

    def _purge(self, entity: int) -> None:
        """Remove an entity and its components from every index."""
        for kind in self._entities[entity]:
            holders = self._holders[kind]
            holders.discard(entity)
            if not holders:
                del self._holders[kind]
        del self._entities[entity]
