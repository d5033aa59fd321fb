"""Saves: time to save and to load Oakvale after 48 game hours, the file's size, and a kill-during-save loop.

    .venv/bin/python benchmarks/bench_save.py                 # 48 h with MiniLM, then 200 kills
    .venv/bin/python benchmarks/bench_save.py --kills 0 --embedder hash

The kill loop starts a process that saves a town over and over (a tick between saves, so most of its time is
spent saving), kills it with SIGKILL after a random delay, and opens the file: it must read back, with every
table from the same save. It prints how many kills left a corrupt or unreadable save (the goal: 0).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAVER = """
import sys
from pathlib import Path
from game.world.simulation import Simulation
with Simulation("oakvale", seed=5) as sim:
    sim.run(hours=1)
    sim.save(Path(sys.argv[1]))
    print("ready", flush=True)
    while True:
        sim.step(1)
        sim.save(Path(sys.argv[1]))
"""


def timings(hours: float, embedder_name: str, folder: Path) -> None:
    """Build the town, then time saves and loads (best and median of five) and print the file size."""
    from agents.embeddings import load_embedder
    from game.world.save import read_save
    from game.world.simulation import Simulation
    embedder = load_embedder(embedder_name, **({"threads": 1} if embedder_name == "minilm" else {}))
    began = time.perf_counter()
    sim = Simulation("oakvale", seed=7, embedder=embedder)
    sim.run(hours=hours)
    print(f"built {hours:g} game hours of Oakvale (scripted brain, {embedder_name}) in "
          f"{time.perf_counter() - began:.1f} s; {sum(len(r.mind.memory) for r in sim.residents())} memories")
    path = folder / "town.save"
    saves, loads = [], []
    for _ in range(5):
        began = time.perf_counter()
        sim.save(path)
        saves.append(time.perf_counter() - began)
        began = time.perf_counter()
        read_save(path)
        resumed = Simulation.resume(path, embedder=embedder)
        loads.append(time.perf_counter() - began)
        resumed.close()
    sim.close()
    print(f"save: best {min(saves) * 1000:.0f} ms, median {statistics.median(saves) * 1000:.0f} ms")
    print(f"load (read + rebuild the town + restore): best {min(loads) * 1000:.0f} ms, "
          f"median {statistics.median(loads) * 1000:.0f} ms")
    print(f"file: {path.stat().st_size / 1e6:.2f} MB")


def kills(count: int, folder: Path, seed: int) -> int:
    """Kill a saving process ``count`` times; return how many kills left a save that is corrupt or unreadable."""
    from game.world.save import SaveError, read_save
    rng = random.Random(seed)
    path = folder / "killed.save"
    bad = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = None
    for index in range(count):
        if child is None:
            child = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, env=env)
            assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child = None
        try:
            saved = read_save(path)
            with sqlite3.connect(path) as db:
                rows = db.execute("SELECT COUNT(*) FROM residents").fetchone()[0]
                check = db.execute("PRAGMA integrity_check").fetchone()[0]
            if rows != 12 or saved.state["tick"] != saved.meta["tick"] or check != "ok":
                bad += 1
                print(f"kill {index}: inconsistent save ({rows} residents, integrity {check})")
        except (SaveError, sqlite3.Error) as exc:
            bad += 1
            print(f"kill {index}: {exc}")
        if (index + 1) % 50 == 0:
            print(f"{index + 1} kills, {bad} bad so far", flush=True)
    return bad


def main() -> None:
    """Run the timings and the kill loop as asked on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=48)
    parser.add_argument("--embedder", default="minilm", choices=("minilm", "hash"))
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.hours > 0:
            timings(args.hours, args.embedder, Path(folder))
        if args.kills > 0:
            bad = kills(args.kills, Path(folder), args.seed)
            print(f"kills: {args.kills}, corrupt or unreadable saves: {bad}")


if __name__ == "__main__":
    main()
