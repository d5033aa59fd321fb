"""Saves: a town's whole state in one SQLite file, written in one transaction, read back to continue exactly.

Tables: ``schema_version``; ``meta`` (world, seed, clock, settings, the sha256 of each of the world's
files); ``residents`` (who is where, needs, how many memories); ``components`` (every entity's components
as JSON, through game/world/codec.py, personas by id); ``embeddings`` (each memory stream's vectors, float32,
kept as they were: embedding again may differ in the last bits and change a ranking); and one ``state`` row
of JSON (the clock, the seeded generator, requests queued for the next batch, conversations, claims, timed
events, players' commands, counters). Everything is plain data: nothing in a save runs code when opened.
A save rewrites all of it in a single transaction (WAL journal, full sync), so a kill or a full disk at any
moment leaves either the previous complete save or the new one, never a mixture.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agents.protocol import Answer, Request
from game.world import codec
from game.world.commands import Leave, Outcome, PlaceAt, Say, StartTalk, Typing, Walk
from game.world.components import Resident
from game.world.scenario import TimedEvent

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
    "CREATE TABLE IF NOT EXISTS components (entity INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, "
    "PRIMARY KEY (entity, type))",
    "CREATE TABLE IF NOT EXISTS embeddings (owner TEXT PRIMARY KEY, rows INTEGER, dim INTEGER, data BLOB)",
    "CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL)",
)


class SaveError(Exception):
    """A save that cannot be written or read, with the file and what to do."""


@dataclass(frozen=True)
class Saved:
    """A save read back: what it says about itself, the town's state, and the memories' embeddings."""

    path: Path
    meta: dict[str, Any]
    state: dict[str, Any]
    vectors: dict[str, np.ndarray]


def world_files(root: Path) -> dict[str, str]:
    """sha256 of each file that defines a world (world.toml, the map, personas, prompt overrides), by path."""
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".toml", ".tmx", ".tsx", ".txt")]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def write_save(sim: Simulation, path: Path) -> None:
    """Save ``sim`` to ``path`` in one transaction; on any failure the previous save there stays as it was."""
    state = capture(sim)
    entities = state.pop("entities")
    state["entity_order"] = [entity for entity, _ in entities]  # one with no components has no row below
    clock = sim.clock
    meta = {"world": sim.world.name, "world_dir": str(sim.world.root), "seed": sim.seed, "tick": clock.tick,
            "day": clock.day, "time": clock.hhmm, "brain": sim.brain_name, "overrides": sim.overrides,
            "files": world_files(sim.world.root)}
    rows = []
    for resident in sim.residents():
        needs = {name: round(getattr(resident.mind.needs, name), 2) for name in ("energy", "hunger", "social", "fun")}
        rows.append((resident.id, resident.name, resident.place, resident.tile[0], resident.tile[1],
                     json.dumps(needs), len(resident.mind.memory)))
    components = [(entity, data["type"], json.dumps(data)) for entity, datas in entities for data in datas]
    vectors = [(owner, len(rows_), int(rows_.shape[1]), np.ascontiguousarray(rows_, dtype=np.float32).tobytes())
               for owner, rows_ in sim.town.mind.index.state().items()]
    try:
        connection = _connect(path)
    except sqlite3.Error as exc:
        raise SaveError(f"cannot write save {path}: {exc} (is the folder there and writable?)") from exc
    try:
        connection.execute("BEGIN IMMEDIATE")
        for table in _TABLES:
            connection.execute(table)
        for table in ("schema_version", "meta", "residents", "components", "embeddings", "state"):
            connection.execute(f"DELETE FROM {table}")
        connection.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        connection.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
        connection.executemany("INSERT INTO residents VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        connection.executemany("INSERT INTO components VALUES (?, ?, ?)", components)
        connection.executemany("INSERT INTO embeddings VALUES (?, ?, ?, ?)", vectors)
        connection.execute("INSERT INTO state VALUES (1, ?)", (json.dumps(state),))
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
        connection = sqlite3.connect(path, timeout=10)  # no pragmas: reading must not change the file's mode
        try:
            version = _version(connection, path)
            while version < SCHEMA_VERSION:
                if version not in MIGRATIONS:
                    raise SaveError(f"{path} is a save of schema version {version}, which this npcworld (schema "
                                    f"{SCHEMA_VERSION}) cannot upgrade: open it with the npcworld that wrote it")
                MIGRATIONS[version](connection)
                version += 1
            meta = {key: json.loads(value) for key, value in connection.execute("SELECT key, value FROM meta")}
            row = connection.execute("SELECT data FROM state WHERE id = 1").fetchone()
            entities: dict[int, list[dict[str, Any]]] = {}
            for entity, data in connection.execute("SELECT entity, data FROM components ORDER BY rowid"):
                entities.setdefault(entity, []).append(json.loads(data))
            stored = connection.execute("SELECT owner, rows, dim, data FROM embeddings")
            vectors = {owner: np.frombuffer(blob, dtype=np.float32).reshape(count, dim).copy()
                       for owner, count, dim, blob in stored}
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise SaveError(f"{path} is not a readable npcworld save ({exc})") from exc
    except DAMAGE as exc:
        raise damaged(path, exc) from None
    if row is None:
        raise SaveError(f"{path} holds no town state (not an npcworld save, or never completed)")
    for key, kind in META_FIELDS.items():
        if not isinstance(meta.get(key), kind) or isinstance(meta.get(key), bool):
            raise SaveError(f"{path} is damaged: its meta field '{key}' is "
                            f"{'missing' if key not in meta else type(meta[key]).__name__}, not {kind.__name__}")
    try:
        state = json.loads(row[0])
        order = state.pop("entity_order", None) or list(entities)
        state["entities"] = [[entity, entities.get(entity, [])] for entity in order]
    except DAMAGE as exc:
        raise damaged(path, exc) from None
    return Saved(path, meta, state, vectors)


META_FIELDS = {"world": str, "world_dir": str, "seed": int, "overrides": dict, "files": dict, "tick": int}
"""The meta table's fields a resume reads, and their types."""

DAMAGE = (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, OverflowError)
"""What decoding a save whose contents were changed by hand (or by a failing disk) raises."""


def damaged(path: Path, exc: BaseException) -> SaveError:
    """The error for a save whose contents do not decode: the file, and what was wrong, in one line."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return SaveError(f"{path} is damaged: its contents do not make a town ({what[:160]}); use another save")


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
    try:
        sim = Simulation(world, seed=saved.meta["seed"], events_sink=None, keep_events=False,
                         **options, **saved.meta["overrides"])
    except (TypeError, ValueError) as exc:
        raise damaged(path, exc) from None
    assert sim.trace.answers == 0, "building the town answers nothing: the saved counters go in as they were"
    sim.town.log.stream_to(events_sink, keep_events)  # what building the town logged again is dropped
    try:
        restore(sim, saved.state, saved.vectors)
    except DAMAGE as exc:
        sim.close()
        raise damaged(path, exc) from None
    sim.changed_files = _changed(world.root, saved.meta["files"])
    return sim


def load_into(sim: Simulation, path: Path) -> None:
    """Replace ``sim``'s town with a save of the same world, in place (the window's F9): brain and view go on.

    Requests still out with the brain are forgotten (their answers are dropped); the save's own are sent again.
    """
    saved = read_save(path)
    if saved.meta["world"] != sim.world.name:
        raise SaveError(f"{path} is a save of {saved.meta['world']}, not of {sim.world.name}")
    if saved.meta["overrides"] != sim.overrides:
        raise SaveError(f"{path} was saved with other settings ({saved.meta['overrides']}); resume it instead")
    before = json.loads(json.dumps(capture(sim))), sim.town.mind.index.state()  # requests in flight are in it
    sim.town.mind.executor.forget()
    try:
        restore(sim, saved.state, saved.vectors)
    except DAMAGE as exc:
        restore(sim, *before)  # the town goes on as it was, its requests in flight queued again
        raise damaged(path, exc) from None
    sim.changed_files = _changed(sim.world.root, saved.meta["files"])


def _changed(root: Path, then: dict[str, str]) -> list[str]:
    """The world's files added, removed or changed since a save's hashes ``then``."""
    now = world_files(root)
    return sorted(name for name in now.keys() | then.keys() if now.get(name) != then.get(name))


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
    """Everything of ``sim`` a continuation needs, JSON-ready (embeddings apart: ``MemoryIndex.state``).

    Components go through game/world/codec.py (personas by id); requests queued for the next batch, timed
    events, players' commands and any answer not yet applied through the same field-by-field encoding.
    """
    town, ecs, mind, trace = sim.town, sim.town.ecs, sim.town.mind, sim.town.trace
    personas = {p.id for p in sim.world.personas}
    players = {resident.id: resident.persona.name for _, resident in ecs.get_component(Resident)
               if resident.id not in personas}
    version, internal, gauss = town.rng.getstate()
    next_entity, dead, entities = ecs.dump()
    return {
        "tick": town.clock.tick, "rng": [version, list(internal), gauss], "plan_seed": town.plan_seed,
        "next_entity": next_entity, "dead": dead,
        "entities": [[entity, [codec.to_dict(c) for c in components]] for entity, components in entities],
        "residents": town.residents, "conversations": town.conversations,
        "conversations_started": town.conversations_started,
        "claims": [[x, y, owner] for (x, y), owner in town.claims.items()],
        "scenario": [codec.encode(event) for event in town.scenario],
        "waiting": [_typed(command) for command in town.inbox.waiting],
        "outcomes": [{"command": _typed(o.command), "tick": o.tick, "refused": o.refused}
                     for o in town.inbox.outcomes],
        "player": sim.player, "players": players,
        "mind": {"next_id": mind._next_id,  # queued for the next batch, then out with the brain (sent again)
                 "outbox": [codec.encode(r) for r in [*mind._outbox, *mind.executor.pending()]],
                 "answers": {kind: [[codec.encode(request), codec.encode(answer)] for request, answer in pairs]
                             for kind, pairs in mind._inbox.items() if pairs},
                 "batches": mind.batches, "requests": mind.requests, "timeouts": mind.timeouts},
        "log_counts": town.log.counts,
        "trace": {"retrieved": {str(k): v for k, v in trace._retrieved.items()},
                  "prompts": sorted(trace._prompts_written), "answers": trace.answers,
                  "by_fallback": trace.by_fallback,
                  "tiers": {str(k): list(v) for k, v in sorted(trace._tiers.items())}},
        "attention": sim.attention.dump(),
    }


def restore(sim: Simulation, state: dict[str, Any], vectors: dict[str, np.ndarray]) -> None:
    """Put a captured state into a freshly built ``sim`` of the same world, seed and settings.

    Residents take their personas from the world's files as they are now (live edits go on); players are
    made again from their names.
    """
    from game.world.player import player_persona
    town, ecs, mind, trace = sim.town, sim.town.ecs, sim.town.mind, sim.town.trace
    _check_state(state)
    personas = {p.id: p for p in sim.world.personas}
    personas |= {pid: replace(player_persona(name), id=pid) for pid, name in state["players"].items()}
    town.clock.tick = state["tick"]
    version, internal, gauss = state["rng"]
    town.rng.setstate((version, tuple(internal), gauss))
    town.plan_seed = state["plan_seed"]
    entities = [(entity, tuple(codec.from_dict(data, personas) for data in datas))
                for entity, datas in state["entities"]]
    ecs.load(state["next_entity"], state["dead"], entities)
    town.residents, town.conversations = dict(state["residents"]), dict(state["conversations"])
    town.conversations_started = state["conversations_started"]
    town.claims = {(x, y): owner for x, y, owner in state["claims"]}
    town.scenario = [codec.decode(TimedEvent, event, personas) for event in state["scenario"]]
    town.inbox.waiting.clear()
    town.inbox.waiting.extend(_untyped(command) for command in state["waiting"])
    town.inbox.outcomes = [Outcome(_untyped(o["command"]), o["tick"], o["refused"]) for o in state["outcomes"]]
    sim.player = state["player"]
    saved_mind = state["mind"]
    mind._next_id = saved_mind["next_id"]
    mind._outbox = [codec.decode(Request, request, personas) for request in saved_mind["outbox"]]
    mind._inbox.clear()
    for kind, pairs in saved_mind.get("answers", {}).items():
        mind._inbox[kind] = [(codec.decode(Request, request, personas), codec.decode(Answer, answer, personas))
                             for request, answer in pairs]
    mind.batches, mind.requests, mind.timeouts = saved_mind["batches"], saved_mind["requests"], saved_mind["timeouts"]
    mind.index.load_state(vectors)
    town.log.counts = dict(state["log_counts"])
    saved_trace = state["trace"]
    trace.answers, trace.by_fallback = saved_trace["answers"], saved_trace["by_fallback"]
    trace._retrieved = {int(k): v for k, v in saved_trace["retrieved"].items()}
    trace._prompts_written = set(saved_trace["prompts"])
    trace._tiers = {int(k): (v[0], v[1]) for k, v in saved_trace.get("tiers", {}).items()}
    if "attention" in state:
        sim.attention.load(state["attention"])


def _check_state(state: dict[str, Any]) -> None:
    """Raise TypeError naming the first field of a saved state (beyond what the codec checks) of the wrong type."""
    def whole(value: Any) -> bool:
        """Whether ``value`` is a count: an int (not a bool) of at least 0."""
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    checks = {
        "tick": whole, "plan_seed": whole, "next_entity": whole, "conversations_started": whole,
        "players": lambda v: isinstance(v, dict) and all(isinstance(n, str) for n in v.values()),
        "residents": lambda v: isinstance(v, dict) and all(whole(e) for e in v.values()),
        "conversations": lambda v: isinstance(v, dict) and all(whole(e) for e in v.values()),
        "dead": lambda v: isinstance(v, list) and all(whole(e) for e in v),
        "entities": lambda v: isinstance(v, list) and all(isinstance(e, list) and len(e) == 2 and whole(e[0])
                                                          and isinstance(e[1], list) for e in v),
        "claims": lambda v: isinstance(v, list) and all(isinstance(c, list) and len(c) == 3 for c in v),
        "player": lambda v: v is None or whole(v),
        "log_counts": lambda v: isinstance(v, dict) and all(whole(n) for n in v.values()),
        "mind": lambda v: isinstance(v, dict) and all(whole(v.get(k)) for k in ("next_id", "batches", "requests",
                                                                                "timeouts")),
        "trace": lambda v: isinstance(v, dict) and whole(v.get("answers")) and isinstance(v.get("by_fallback"), int),
    }
    for key, good in checks.items():
        if not good(state.get(key)):
            raise TypeError(f"state field '{key}' is {str(state.get(key))[:40]!r}")


def _typed(command: Any) -> dict[str, Any]:
    """A player's command with its type name."""
    return {"type": type(command).__name__, **codec.encode(command)}


def _untyped(data: dict[str, Any]) -> Any:
    """A command back from ``_typed``'s form."""
    kind = _COMMANDS.get(data["type"])
    if kind is None:
        raise SaveError(f"unknown command type {data['type']!r} in the save")
    return codec.decode(kind, {k: v for k, v in data.items() if k != "type"}, {})


_COMMANDS = {kind.__name__: kind for kind in (Walk, StartTalk, Say, Leave, Typing, PlaceAt)}
