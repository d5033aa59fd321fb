"""How the town's cost grows with its size: generated towns of 12 to 1,000 residents, headless and in the window.

    .venv/bin/python benchmarks/bench_scale.py                       # 12, 100, 300, 1000 residents, 1 game hour
    .venv/bin/python benchmarks/bench_scale.py --sizes 12,100 --hours 2 --plot docs/scale.png

For each size it writes a town with `new-world` (seed 3) and runs it in a process of its own (so peak memory is
that run's): the scripted brain from 06:30, the busiest hour (everyone wakes and walks to work), then the
window loop at 1x for some frames with the camera on the resident with the most others in view, in the town's
own process as `play` runs it and joined from a second process as `play --world-process` runs it. It prints
game minutes per wall second (and the real-time factor, x60), brain requests per resident per game hour
(each one a model call for a model brain), peak memory, and frame time p50/p99 both ways.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def child(world: Path, hours: float, frames: int, brain_name: str, budget: int) -> dict[str, float]:
    """One run: the headless hour, then frames; the figures as a dict."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from agents.embeddings import load_embedder
    from game.world.simulation import Simulation
    brain: object = brain_name
    if brain_name == "local":
        from agents.brains import load_brain
        from agents.brains.basemodels import default_cache_dir
        brain = load_brain("local", threads=os.cpu_count() or 2, seed=7, cache_dir=default_cache_dir())
    began = time.perf_counter()
    with Simulation(world, seed=7, brain=brain, embedder=load_embedder("hash"), keep_events=False,  # type: ignore[arg-type]
                    think_budget=budget) as sim:
        built = time.perf_counter() - began
        began = time.perf_counter()
        sim.run(hours=hours)
        wall = time.perf_counter() - began
        residents = len(sim.town.residents)
        out = {"residents": residents, "build_s": built, "minutes_per_s": hours * 60 / wall,
               "requests_per_resident_hour": sim.town.mind.requests / residents / hours,
               "model_requests_per_hour": sim.town.mind.requests / hours}
        if frames:
            busiest = _busiest(sim)
            out |= _frames(sim, frames, busiest)
            out |= _joined(sim, frames, busiest)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _busiest(sim: object) -> tuple[int, int]:
    """The tile of the resident with the most others in its 40x25-tile patch (a 1280x800 window's view)."""
    from game.world.components import Position, Resident
    town = sim.town  # type: ignore[attr-defined]
    spots = [(r.id, p.x, p.y) for _, (p, r) in town.ecs.get_components(Position, Resident)]
    cells: dict[tuple[int, int], int] = {}
    for _, x, y in spots:
        cells[(x // 40, y // 25)] = cells.get((x // 40, y // 25), 0) + 1
    busiest = max(spots, key=lambda s: (cells[(s[1] // 40, s[2] // 25)], s[0]))
    return busiest[1], busiest[2]


def _frames(sim: object, count: int, centre: tuple[int, int]) -> dict[str, float]:
    """Frame time p50/p99 of `play` at 1x, 1280x800, the camera on ``centre``: the due ticks, then the draw."""
    import pygame
    from common import frame_times
    pygame.init()
    screen = pygame.display.set_mode((1280, 800))
    times = frame_times(sim, screen, 1.0, count, centre=centre)  # type: ignore[arg-type]
    pygame.quit()
    return {"frame_p50_ms": times[len(times) // 2], "frame_p99_ms": times[int(len(times) * 0.99) - 1]}


def _joined(sim: object, count: int, centre: tuple[int, int]) -> dict[str, float]:
    """Frame time p50/p99 of `play --world-process`: this process serves the town at 1x, a window process joins.

    The player arrives on ``centre``; the window paces itself to 60 Hz as play does, and a frame's time is its
    work (what arrived, the update, the draw), not the wait for the next one.
    """
    import asyncio
    import multiprocessing as mp

    from game.net.server import TownServer
    from game.world.player import PLAYER_ID
    sim.town.tilemap.spawns[PLAYER_ID] = centre  # type: ignore[attr-defined]
    server = TownServer(sim, password="bench")  # type: ignore[arg-type]
    context = mp.get_context("spawn")
    results: Any = context.Queue()

    async def serve() -> dict[str, Any]:
        """Serve until the window process has its frames."""
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(server.run("127.0.0.1", 0, ready))
        window = context.Process(target=joined_window, args=(await ready, count, results))
        window.start()
        while window.is_alive() and results.empty():
            await asyncio.sleep(0.1)
        server.stop()
        await task
        window.join(timeout=30)
        return results.get(timeout=5) if not results.empty() else {}

    seen = asyncio.run(serve())
    times = sorted(seen.get("times", []))
    if not times:
        return {}
    return {"joined_p50_ms": times[len(times) // 2], "joined_p99_ms": times[int(len(times) * 0.99) - 1],
            "joined_figures": seen["figures"]}


def joined_window(port: int, count: int, results: Any) -> None:
    """The window process: join the bench's server, run ``count`` frames paced to 60 Hz; put their work times
    and how many figures it had in view at the end."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import tempfile

    import pygame

    from game.net.protocol import VERSION
    from game.view.netclient import NetClient
    from game.view.remote import _welcome, load_served_map
    from game.view.remote_game import RemoteGame
    from game.view.remote_scene import RemoteScene
    client = NetClient(f"ws://127.0.0.1:{port}", {"t": "hello", "v": VERSION, "name": "Bench Player", "token": None,
                                                  "password": "bench"})
    pygame.init()
    screen = pygame.display.set_mode((1280, 800))
    client.start()
    welcome, arrived, why = _welcome(screen, client, "bench")
    if welcome is None:
        raise SystemExit(f"the bench window could not join: {why}")
    with tempfile.TemporaryDirectory() as folder:
        scene = RemoteScene(welcome, load_served_map(welcome["map"], Path(folder)),
                            step_span=max(0.12, welcome.get("step_seconds", 0.1) * 1.2))
        game = RemoteGame(scene, client, screen)
        for message in arrived:
            game.take(message)
        times, previous = [], time.perf_counter()
        for _ in range(count):
            began = time.perf_counter()
            pygame.event.pump()
            game.update(began - previous)  # the time since the last frame began, as play's clock gives it
            game.draw(screen)
            pygame.display.flip()
            previous, done = began, time.perf_counter()
            times.append((done - began) * 1000)
            time.sleep(max(0.0, 1 / 60 - (done - began)))
        figures = len(scene.tracks)
    client.close()
    pygame.quit()
    results.put({"times": times, "figures": figures})


def main() -> None:
    """Generate the towns, run each in its own process, print the table (and plot it when asked)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="12,100,300,1000")
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--brain", default="scripted", choices=("scripted", "local"),
                        help="scripted, or the default model brain (local) under --budget")
    parser.add_argument("--budget", type=int, default=None,
                        help="the thinking budget (0: no limit; default 600 for the local brain, none for scripted)")
    parser.add_argument("--plot", type=Path, default=None, help="write the curves as a PNG")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.budget is None:
        args.budget = 600 if args.brain == "local" else 0
    if args.child:
        print(json.dumps(child(args.child, args.hours, args.frames, args.brain, args.budget)))
        return
    from game.worldgen import new_world
    rows = []
    print(f"{args.brain} brain, budget {args.budget or 'none'} a game hour, from 06:30 for {args.hours:g} game h; "
          f"window 1280x800 at 1x, {args.frames} frames; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    print("| residents | game min / wall s | real-time factor | model requests / resident / game h "
          "| model requests / game h | peak MB | frame p50 ms | frame p99 ms | world-process frame p50 / p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            world = new_world(Path(tmp) / f"town{size}", size, seed=3)
            done = subprocess.run([sys.executable, __file__, "--child", str(world), "--hours", str(args.hours),
                                   "--frames", str(args.frames), "--brain", args.brain, "--budget", str(args.budget)],
                                  check=False, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"the run of {size} residents failed:\n{done.stderr[-3000:]}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"| {row['residents']} | {row['minutes_per_s']:.1f} | {row['minutes_per_s'] * 60:,.0f}x | "
                  f"{row['requests_per_resident_hour']:.2f} | {row['model_requests_per_hour']:,.0f} | "
                  f"{row['peak_mb']:,.0f} | "
                  f"{row.get('frame_p50_ms', float('nan')):.1f} | {row.get('frame_p99_ms', float('nan')):.1f} | "
                  f"{row.get('joined_p50_ms', float('nan')):.1f} / {row.get('joined_p99_ms', float('nan')):.1f} "
                  f"({row.get('joined_figures', 0)} figures in view) |",
                  flush=True)
    if args.plot:
        _plot(rows, args.plot, f"{args.brain} brain, budget {args.budget or 'none'}")


def _plot(rows: list[dict[str, float]], path: Path, label: str) -> None:
    """Real-time factor and frame p99 against residents, log-scaled."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sizes = [r["residents"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(sizes, [r["minutes_per_s"] * 60 for r in rows], "o-", label=label)
    left.axhline(60, color="grey", linestyle="--", label="goal for 1,000 with the model budget: 60x")
    left.set(xscale="log", yscale="log", xlabel="residents", ylabel="times real time (headless)")
    left.legend(fontsize=8)
    right.plot(sizes, [r.get("frame_p99_ms", 0) for r in rows], "o-", label="frame p99")
    right.plot(sizes, [r.get("frame_p50_ms", 0) for r in rows], "o-", label="frame p50")
    right.plot(sizes, [r.get("joined_p99_ms", 0) for r in rows], "s--", label="frame p99, --world-process")
    right.axhline(16.7, color="grey", linestyle="--", label="60 FPS")
    right.set(xscale="log", xlabel="residents", ylabel="ms per frame at 1x")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
