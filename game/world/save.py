"""Saves: a town's whole state in one SQLite file, written in one transaction, read back to continue exactly.

The file has a ``schema_version`` table, a ``meta`` table (world, seed, clock, settings, the hashes of the
world's files), a ``residents`` table (who is where, needs, memories: readable with any SQLite tool), and
one ``state`` row: the town's state as a pickle (clock, seeded generator, every entity and component with
each mind's memory stream and embeddings, plans, conversations, happenings, news, the player, pending
requests, counters). Everything is rewritten in a single transaction (WAL journal, full sync), so a kill or
a full disk at any moment leaves either the previous complete save or the new one, never a mixture.

A save is a pickle: open only saves you trust, as you would a script.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import pickle
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.world.components import Mind, Position, Resident

if TYPE_CHECKING:
    from game.world.simulation import Simulation

SCHEMA_VERSION = 1
"""The save format this npcworld writes; older ones are migrated by ``MIGRATIONS`` on opening."""

MIGRATIONS: dict[int, Any] = {}
"""Schema version -> a function upgrading an open save from it to the next version (none yet: 1 is the first)."""

_TABLES = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS residents (id TEXT PRIMARY KEY, name TEXT, place TEXT, x INTEGER, y INTEGER, "
    "needs TEXT, memories INTEGER)",
    "CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), blob BLOB NOT NULL)",
)


class SaveError(Exception):
    """A save that cannot be written or read, with the file and what to do."""


@dataclass(frozen=True)
class Saved:
    """A save read back: what it says about itself, and the state to restore."""

    path: Path
    meta: dict[str, Any]
    state: dict[str, Any]


def world_files(root: Path) -> dict[str, str]:
    """sha256 of each file that defines a world (world.toml, the map, personas, prompt overrides), by path."""
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".toml", ".tmx", ".tsx", ".txt")]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def write_save(sim: Simulation, path: Path) -> None:
    """Save ``sim`` to ``path`` in one transaction; on any failure the previous save there stays as it was."""
    blob = pickle.dumps(capture(sim), protocol=pickle.HIGHEST_PROTOCOL)
    clock = sim.clock
    meta = {"world": sim.world.name, "world_dir": str(sim.world.root), "seed": sim.seed, "tick": clock.tick,
            "day": clock.day, "time": clock.hhmm, "brain": sim.brain_name, "overrides": sim.overrides,
            "files": world_files(sim.world.root)}
    rows = []
    for state in sim.residents():
        needs = {name: round(getattr(state.mind.needs, name), 2) for name in ("energy", "hunger", "social", "fun")}
        rows.append((state.id, state.name, state.place, state.tile[0], state.tile[1], json.dumps(needs),
                     len(state.mind.memory)))
    try:
        connection = _connect(path)
    except sqlite3.Error as exc:
        raise SaveError(f"cannot write save {path}: {exc} (is the folder there and writable?)") from exc
    try:
        connection.execute("BEGIN IMMEDIATE")
        for table in _TABLES:
            connection.execute(table)
        for table in ("schema_version", "meta", "residents", "state"):
            connection.execute(f"DELETE FROM {table}")
        connection.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        connection.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
        connection.executemany("INSERT INTO residents VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        connection.execute("INSERT INTO state VALUES (1, ?)", (blob,))
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise SaveError(f"cannot write save {path}: {exc}; the last good save there is kept") from exc
    finally:
        connection.close()


def read_save(path: Path) -> Saved:
    """Open a save, migrating an older schema; a newer, broken or foreign file is a ``SaveError`` saying so."""
    if not path.is_file():
        raise SaveError(f"no save at {path}")
    try:
        connection = _connect(path)
        try:
            version = _version(connection, path)
            while version < SCHEMA_VERSION:
                if version not in MIGRATIONS:
                    raise SaveError(f"{path} is a save of schema version {version}, which this npcworld (schema "
                                    f"{SCHEMA_VERSION}) cannot upgrade: open it with the npcworld that wrote it")
                MIGRATIONS[version](connection)
                version += 1
            meta = {key: json.loads(value) for key, value in connection.execute("SELECT key, value FROM meta")}
            row = connection.execute("SELECT blob FROM state WHERE id = 1").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise SaveError(f"{path} is not a readable npcworld save ({exc})") from exc
    if row is None:
        raise SaveError(f"{path} holds no town state (not an npcworld save, or never completed)")
    return Saved(path, meta, pickle.loads(row[0]))


def resume(path: Path, *, events_sink: Any = None, keep_events: bool = True, **options: Any) -> Simulation:
    """Build the saved world again (as its files are now), put the saved state in, and return the simulation.

    ``options`` go to ``Simulation`` (brain, embedder, trace, threaded...); the seed and settings come from the
    save. The world's files that changed since are listed in ``changed_files``.
    """
    from game.world.loader import load_world
    from game.world.simulation import Simulation
    saved = read_save(path)
    folder = Path(saved.meta["world_dir"])
    world = load_world(folder if folder.is_dir() else saved.meta["world"].lower())
    if "seed" in options or "plants" in options:
        raise ValueError("a resumed run keeps its save's seed and planted memories")
    sim = Simulation(world, seed=saved.meta["seed"], events_sink=None, keep_events=False,
                     **options, **saved.meta["overrides"])
    assert sim.trace.answers == 0, "building the town answers nothing: the saved counters go in as they were"
    sim.town.log.stream_to(events_sink, keep_events)  # what building the town logged again is dropped
    restore(sim, saved.state)
    now, then = world_files(world.root), saved.meta["files"]
    sim.changed_files = sorted(name for name in now.keys() | then.keys() if now.get(name) != then.get(name))
    return sim


def _version(connection: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, or a ``SaveError`` if it has none or a newer one."""
    try:
        row = connection.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.OperationalError as exc:
        raise SaveError(f"{path} is not an npcworld save (no schema_version table)") from exc
    if row is None:
        raise SaveError(f"{path} is not an npcworld save (no schema version)")
    if row[0] > SCHEMA_VERSION:
        raise SaveError(f"{path} was written by a newer npcworld (save schema {row[0]}; this one reads up to "
                        f"{SCHEMA_VERSION}): upgrade npcworld to open it")
    return int(row[0])


def _connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL journal, fully synced commits."""
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def capture(sim: Simulation) -> dict[str, Any]:
    """Everything of ``sim`` a continuation needs, as plain picklable data (no files, brains or processes)."""
    town, ecs, mind, trace = sim.town, sim.town.ecs, sim.town.mind, sim.town.trace
    return {
        "tick": town.clock.tick, "rng": town.rng.getstate(), "plan_seed": town.plan_seed,
        "next_entity": int(repr(ecs._ids)[6:-1]), "entities": ecs._entities, "holders": ecs._holders,
        "dead": ecs._dead,
        "residents": town.residents, "conversations": town.conversations,
        "conversations_started": town.conversations_started, "claims": town.claims, "scenario": town.scenario,
        "inbox": town.inbox, "player": sim.player,
        "processors": [{k: v for k, v in vars(p).items() if k != "town"} for p in ecs.processors],
        "mind": {"next_id": mind._next_id, "outbox": mind._outbox, "inbox": dict(mind._inbox),
                 "batches": mind.batches, "requests": mind.requests, "timeouts": mind.timeouts,
                 "index": mind.index.state()},
        "log": {"counts": town.log.counts, "records": town.log.records},
        "trace": {"records": trace.records, "retrieved": trace._retrieved,
                  "prompts": trace._prompts_written, "answers": trace.answers,
                  "by_fallback": trace.by_fallback},
    }


def restore(sim: Simulation, state: dict[str, Any]) -> None:
    """Put a captured state into a freshly built ``sim`` of the same world, seed and settings."""
    town, ecs, mind, trace = sim.town, sim.town.ecs, sim.town.mind, sim.town.trace
    town.clock.tick = state["tick"]
    town.rng.setstate(state["rng"])
    town.plan_seed = state["plan_seed"]
    ecs._ids = itertools.count(state["next_entity"])
    ecs._entities, ecs._holders, ecs._dead = state["entities"], state["holders"], state["dead"]
    ecs._queries.clear()
    town.residents, town.conversations = state["residents"], state["conversations"]
    town.conversations_started, town.claims = state["conversations_started"], state["claims"]
    town.scenario, town.inbox, sim.player = state["scenario"], state["inbox"], state["player"]
    for processor, saved in zip(ecs.processors, state["processors"], strict=True):
        vars(processor).update(saved)
    saved_mind = state["mind"]
    mind._next_id, mind._outbox = saved_mind["next_id"], saved_mind["outbox"]
    mind._inbox.clear()
    mind._inbox.update(saved_mind["inbox"])
    mind.batches, mind.requests, mind.timeouts = saved_mind["batches"], saved_mind["requests"], saved_mind["timeouts"]
    mind.index.load_state(saved_mind["index"])
    town.log.counts = state["log"]["counts"]
    if town.log.keeps:
        town.log.records = state["log"]["records"]
    saved_trace = state["trace"]
    trace.answers, trace.by_fallback = saved_trace["answers"], saved_trace["by_fallback"]
    trace._retrieved, trace._prompts_written = saved_trace["retrieved"], saved_trace["prompts"]
    if trace.keeps:
        trace.records = saved_trace["records"]
    personas = {p.id: p for p in sim.world.personas}
    for _, resident in ecs.get_component(Resident):  # live edits: residents continue with today's files
        if resident.id in personas:
            resident.persona = personas[resident.id]
    assert all(ecs.has_component(e, Mind) and ecs.has_component(e, Position) for e in town.residents.values()
               if ecs.has_component(e, Resident)), "every resident comes back with a mind and a position"
