"""The hardening suite's long run: hostile player lines, fuzzed content files and a hostile model server, at length.

Three parts, each counted by kind in one table (tried, passed, failed):
- every hostile line of tests/hostile_lines.py said to several residents of towns of several seeds, on the scripted
  brain and on the openai brain against tests/fake_openai.py, with the checks of tests/test_hostile_players.py
  (the world changes only as after an ordinary line; nothing leaks; the line is kept as quoted speech), and
  Iris's secret asked after by every resident in turn;
- the loader fuzzers of tests/test_hostile_content.py and test_hostile_files.py (persona, world, card and cassette
  files) with many more examples;
- headless runs against tests/hostile_openai.py's seeded fault server: runs that complete, applied decisions
  that are valid intents, events that name real residents and places.

    .venv/bin/python benchmarks/bench_hardening.py            # a few minutes
    .venv/bin/python benchmarks/bench_hardening.py --quick    # under a minute
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


@dataclass
class Row:
    """One kind of attack or fault: how many cases were tried, passed and failed, and the first failures."""

    tried: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)


class Table:
    """The counts by kind, in the order kinds were first seen."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}

    def count(self, kind: str, problems: list[str], case: str = "") -> None:
        """Count one case of ``kind``: passed when ``problems`` is empty."""
        row = self.rows.setdefault(kind, Row())
        row.tried += 1
        if problems:
            row.failed += 1
            if len(row.failures) < 3:
                row.failures.append(f"{case}: {problems[0]}"[:300])
        else:
            row.passed += 1

    def skip(self, kind: str) -> None:
        """Count a case that could not be tried (the resident could not talk)."""
        self.rows.setdefault(kind, Row()).skipped += 1

    def print(self) -> None:
        """Print the table, then the first failures of each kind."""
        width = max([len(k) for k in self.rows] + [20])
        print(f"\n{'kind of attack / fault':<{width}}  {'tried':>7}  {'passed':>7}  {'failed':>7}  {'skipped':>7}")
        print("-" * (width + 40))
        for kind, row in self.rows.items():
            print(f"{kind:<{width}}  {row.tried:>7}  {row.passed:>7}  {row.failed:>7}  {row.skipped:>7}")
        total = Row(*(sum(getattr(r, f) for r in self.rows.values()) for f in ("tried", "passed", "failed", "skipped")))
        print("-" * (width + 40))
        print(f"{'total':<{width}}  {total.tried:>7}  {total.passed:>7}  {total.failed:>7}  {total.skipped:>7}")
        for kind, row in self.rows.items():
            for failure in row.failures:
                print(f"  FAILED {kind}: {failure}")

    @property
    def failed(self) -> int:
        """Failed cases over all kinds."""
        return sum(r.failed for r in self.rows.values())


@contextmanager
def part(table: Table, name: str) -> Iterator[None]:
    """Time a part; a part that crashes is one failed case of its own, and the others still run."""
    began = time.monotonic()
    print(f"{name}...", file=sys.stderr, flush=True)
    try:
        yield
    except Exception as exc:  # a broken part is a result to report, not a reason to stop the others
        table.count(f"{name}: crashed", [f"{type(exc).__name__}: {exc}"], traceback.format_exc(limit=3))
    print(f"{name}: {time.monotonic() - began:.0f} s", file=sys.stderr, flush=True)


# --- hostile player lines ---

def free_residents(save: Path, count: int, avoid: str) -> list[str]:
    """Up to ``count`` residents who can talk at the save's moment (not ``avoid``), in id order."""
    from game.world.chat import busy_reason
    from game.world.simulation import Simulation
    with Simulation.resume(save) as sim:
        free = [rid for rid, entity in sorted(sim.town.residents.items())
                if rid not in ("player", avoid) and busy_reason(sim, entity) is None]
    return free[:count]


def hostile_lines(table: Table, seeds: list[int], residents: int, folder: Path) -> None:
    """Every hostile line to ``residents`` residents per seed (each line to one, in turn, when 0), both brains."""
    import test_hostile_players as hp
    from fake_openai import FakeServer

    from agents.brains.openai import OpenAIBrain
    from agents.brains.scripted import ScriptedBrain
    server = FakeServer().start()
    try:
        for seed in seeds:
            save = hp.plant_and_save(folder, seed)
            people = free_residents(save, max(residents, 3), hp.SECRET_OWNER)
            if not people:
                table.count("player: residents free to talk", ["nobody could talk"], f"seed {seed}")
                continue
            for make in (ScriptedBrain, lambda: OpenAIBrain(server.base_url, timeout=5.0)):
                forks = hp.Forks(save, make())
                try:
                    _say_every_line(table, forks, f"seed {seed}", people, residents)
                finally:
                    forks.close()
    finally:
        server.kill()


def _say_every_line(table: Table, forks: Any, where: str, people: list[str], residents: int) -> None:
    """Say each hostile line in its own fork and count the problems; then ask after the secret, one talk each."""
    import test_hostile_players as hp
    from hostile_lines import HOSTILE_LINES
    brain = forks.recorder.name
    for index, (kind, line) in enumerate(HOSTILE_LINES):
        for resident in people[:residents] if residents else [people[index % len(people)]]:
            talk, problems = hp.all_problems(forks, resident, line)
            if talk.refused is not None:
                table.skip(f"player: {kind} ({brain})")
                continue
            table.count(f"player: {kind} ({brain})", problems, f"{where}, {resident}, {line[:40]!r}")
    for resident in people[:residents] if residents else people[:2]:
        talk = forks.talk(resident, hp.SECRET_ASKS)
        if talk.refused is not None and not talk.replies:
            table.skip(f"player: secret asked ({brain})")
            continue
        table.count(f"player: secret asked ({brain})", hp.secret_problems(talk), f"{where}, {resident}")


# --- the loader fuzzers, longer ---

def fuzzers(table: Table, examples: int, seed: int) -> None:
    """The persona, world, card and cassette fuzzers (tests/test_hostile_*.py), ``examples`` examples each."""
    import test_hostile_content as hc
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    from agents.brains.replay import ReplayBrain
    from agents.cards import read_card
    from agents.persona_file import load_persona
    from game.world.loader import load_world

    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "oakvale"
        shutil.copytree(hc.OAKVALE, scratch)
        persona_path = Path(folder) / "scratch.toml"

        def persona(content: bytes) -> None:
            persona_path.write_bytes(content)
            hc.loads_or_refuses(lambda: load_persona(persona_path))

        def world(content: bytes) -> None:
            (scratch / "world.toml").write_bytes(content)
            hc.loads_or_refuses(lambda: load_world(scratch))

        def card(case: tuple[bytes, bool]) -> None:
            content, as_png = case
            path = scratch / "card.png"
            path.write_bytes(hc.png((b"tEXt", b"chara\x00" + base64.b64encode(content)))
                             if as_png else content)
            hc.loads_or_refuses(lambda: read_card(path))

        def cassette(content: bytes) -> None:
            path = scratch / "fuzzed.jsonl"
            path.write_bytes(content)
            try:
                ReplayBrain(path)
            except ValueError as exc:
                if "fuzzed.jsonl" not in str(exc):
                    raise AssertionError(f"a cassette error that does not name the file: {exc}") from None

        good_cassette = "\n".join(json.dumps(line) for line in (
            {"cassette": 1, "brain": "local"},
            {"key": "ab", "kind": "decide", "npc": "mara", "text": "{}", "tokens": 3}))
        card_json = json.dumps(hc.card(first_mes="Ahoy, {{user}}!", alternate_greetings=["Hi"], extensions={"a": [1]}))
        cases: list[tuple[str, Any, Callable[[Any], None]]] = [
            ("fuzz: persona files", hc.spliced((hc.OAKVALE / "personas" / "mara.toml").read_text()), persona),
            ("fuzz: world files", hc.spliced((hc.OAKVALE / "world.toml").read_text()), world),
            ("fuzz: cards", st.tuples(hc.spliced(card_json), st.booleans()), card),
            ("fuzz: cassettes", hc.spliced(good_cassette) | st.binary(max_size=2000), cassette),
        ]
        for kind, strategy, check in cases:
            tried = [0]
            test = hypothesis_seed(seed)(settings(max_examples=examples, deadline=None, database=None,
                                                  suppress_health_check=list(HealthCheck))(
                given(strategy)(_counted(check, tried))))
            try:
                test()
                failure = None
            except Exception as exc:  # hypothesis re-raises the shrunk failing example
                failure = f"{type(exc).__name__}: {exc}"
            row = table.rows.setdefault(kind, Row())
            row.tried += tried[0]
            row.failed += 1 if failure else 0
            row.passed += max(0, tried[0] - (1 if failure else 0))
            if failure:
                row.failures.append(failure[:300])


def _counted(check: Callable[[Any], None], tried: list[int]) -> Callable[[Any], None]:
    """``check``, counting its calls in ``tried[0]``."""
    def run(value: Any) -> None:
        tried[0] += 1
        check(value)
    return run


# --- a hostile model server ---

def hostile_server(table: Table, seeds: list[int], hours: float, folder: Path) -> None:
    """Headless runs of Oakvale against the seeded fault server: completed runs, valid intents, valid events."""
    from hostile_openai import FAULTS, HostileServer

    from agents.brains.openai import OpenAIBrain
    from agents.embeddings import HashEmbedder
    from agents.intents import Fallback, parse_intent
    from game.cli.headless import simulate
    from game.world.loader import load_world
    world = load_world("oakvale")
    places, people = set(world.tilemap.places), {p.id for p in world.personas}
    for seed in seeds:
        server = HostileServer(FAULTS, seed=seed, slow_seconds=0.6, trickle_every=0.1, trickle_for=2.0).start()
        brain = OpenAIBrain(server.base_url, timeout=0.3, retries=1, backoff=0.01, breaker_failures=5,
                            breaker_seconds=0.05)
        out = folder / f"server-{seed}"
        try:
            simulate("oakvale", hours=hours, seed=seed, brain=brain, out=out, embedder=HashEmbedder())
            table.count("server: runs completed", [])
        except Exception as exc:  # a run that fails is what this counts
            table.count("server: runs completed", [f"{type(exc).__name__}: {exc}"], f"seed {seed}")
            continue
        finally:
            brain.close()
            server.kill()
        for record in _records(out / "trace.jsonl"):
            if record["kind"] == "decide":
                bad = isinstance(parse_intent(record["applied"]), Fallback)
                table.count("server: applied intents", [f"invalid: {record['applied']!r}"] if bad else [],
                            f"seed {seed}")
        for event in _records(out / "events.jsonl"):
            wrong = [f"{key}={event[key]!r}" for key in ("place", "to", "origin")
                     if event.get(key) is not None and event[key] not in places and event["type"] != "said"]
            if event.get("npc", "okafor") not in people:
                wrong.append(f"npc={event['npc']!r}")
            table.count("server: events valid", wrong, f"seed {seed}, {event['type']}")


FRAME_STALL_MS = 100.0
"""A frame longer than this counts as a stall (a blocked call shows as the 0.3 s timeout or more)."""


def window_on_hostile_server(table: Table, seconds: float) -> None:
    """The play window at 1x with its minds on the fault server: frames never wait for the server."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame
    from hostile_openai import FAULTS, HostileServer

    from agents.embeddings import HashEmbedder
    from game.view.session import Game
    from game.world.mindproc import BrainSpec
    from game.world.simulation import Simulation
    server = HostileServer(FAULTS, seed=4, slow_seconds=0.6, trickle_every=0.1, trickle_for=2.0).start()
    spec = BrainSpec("openai", {"base_url": server.base_url, "timeout": 0.3, "retries": 1, "backoff": 0.01,
                                "breaker_failures": 5, "breaker_seconds": 0.05})
    pygame.init()
    screen = pygame.display.set_mode((1280, 800))
    sim = Simulation("oakvale", seed=4, brain=spec, threaded=True, player=True, embedder=HashEmbedder())
    frames: list[float] = []
    try:
        game = Game(sim, screen)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            pygame.event.pump()
            game.update(1 / 60)
            game.draw(screen)
            pygame.display.flip()
            frames.append((time.perf_counter() - start) * 1000)
            time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - start)))
        answered = sim.town.mind.requests
    finally:
        sim.close()
        pygame.quit()
        server.kill()
    for index, ms in enumerate(frames):
        table.count("server: window frames", [f"{ms:.0f} ms"] if ms > FRAME_STALL_MS else [], f"frame {index}")
    ordered = sorted(frames)
    print(f"window on the fault server: {len(frames)} frames, p50 {ordered[len(ordered) // 2]:.1f} ms, "
          f"p99 {ordered[int(len(ordered) * 0.99)]:.1f} ms, max {ordered[-1]:.1f} ms; {answered} requests asked")


def _records(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of a run's file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    """Run the parts and print the table; exit 1 if any case failed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute)")
    parser.add_argument("--seeds", type=int, nargs="+", help="town seeds for the player lines (default 7 11)")
    parser.add_argument("--residents", type=int, help="residents each line goes to (0: each line to one, in turn)")
    parser.add_argument("--examples", type=int, help="hypothesis examples per fuzzer (default 400)")
    parser.add_argument("--server-hours", type=float, help="game hours of each hostile-server run (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed")
    args = parser.parse_args()
    seeds = args.seeds or ([7] if args.quick else [7, 11])
    residents = args.residents if args.residents is not None else (0 if args.quick else 4)
    examples = args.examples or (25 if args.quick else 400)
    server_hours = args.server_hours or (0.5 if args.quick else 2.0)
    server_seeds = [1] if args.quick else [1, 2, 3]
    table = Table()
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        with part(table, "hostile player lines"):
            hostile_lines(table, seeds, residents, Path(folder))
        with part(table, "loader fuzzers"):
            fuzzers(table, examples, args.seed)
        with part(table, "hostile model server"):
            hostile_server(table, server_seeds, server_hours, Path(folder))
        with part(table, "the window on a hostile server"):
            window_on_hostile_server(table, 15.0 if args.quick else 60.0)
    table.print()
    print(f"\n{time.monotonic() - began:.0f} s; seeds {seeds}, {residents or 'one'} resident(s) a line, "
          f"{examples} examples a fuzzer, {len(server_seeds)} server run(s) of {server_hours} h")
    return 1 if table.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
