"""`play --world-process`: the town runs in a process of its own and the window joins it, as `join` does.

A big town's tick (a thousand residents: tens to hundreds of milliseconds) then never holds up a frame. The
world process serves the town on loopback under a one-time password; the window draws what it sends and glides
figures between its ticks, on the other core. The window has join's features (walk, talk, say aloud); the
world keeps its own time (``--speed`` sets it once), and ``--save`` saves when the window closes.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import queue
import secrets
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.world.mindproc import BrainSpec

WAIT_STEP = 0.5
"""Seconds between looks at whether the world process has started serving (or died)."""


@dataclass(frozen=True)
class WorldJob:
    """What the world process needs to load and serve the town (all of it picklable)."""

    world: str
    seed: int
    brain: BrainSpec
    embedder: str
    password: str
    speed: float = 1.0
    plants: tuple[Any, ...] = ()
    budget: dict[str, Any] = field(default_factory=dict)
    save: Path | None = None
    resume: Path | None = None


def play_world_process(job: WorldJob, *, name: str | None, size: tuple[int, int], frames: int | None,
                       screenshot: Path | None) -> int:
    """Start the world process, join it in a window, and stop it (saving when asked) once the window closes."""
    from game.view.remote import join_window
    context = mp.get_context("spawn")
    ports: Any = context.Queue()
    stop = context.Event()
    # Not a daemon: the world process starts the model's own process in turn (stopped below in any case).
    child = context.Process(target=serve_world, args=(job, ports, stop), name="npcworld-world")
    child.start()
    try:
        print("npcworld: the world process is loading the town...", file=sys.stderr, flush=True)
        port = wait_for_port(child, ports)
        return join_window(f"ws://127.0.0.1:{port}", name=name, password=job.password, size=size, frames=frames,
                           screenshot=screenshot, keep_token=False)
    finally:
        stop.set()
        child.join(timeout=120)
        if child.is_alive():
            child.terminate()
            child.join(timeout=10)


def wait_for_port(child: Any, ports: Any) -> int:
    """The port the world process serves on, once it does; its error if it fails first."""
    while True:
        try:
            kind, value = ports.get(timeout=WAIT_STEP)
        except queue.Empty:
            if not child.is_alive():
                raise ValueError(f"the world process ended before serving the town (exit code {child.exitcode})"
                                 ) from None
            continue
        if kind == "error":
            raise ValueError(value)
        return int(value)


def serve_world(job: WorldJob, ports: Any, stop: Any) -> None:
    """The world process: load the town, serve it on loopback, say the port, and serve until ``stop``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the window, which stops this process in turn
    from agents.errors import ContentError
    from game.cli.main import _embedder
    from game.net.server import TownServer
    try:
        sim = served_simulation(job.world, job.seed, job.brain, _embedder(job.embedder, threads=1), job.plants,
                                job.budget, job.resume)
    except (ContentError, ValueError, ImportError, OSError) as exc:
        ports.put(("error", str(exc)))
        return
    server = TownServer(sim, password=job.password, speed=job.speed, save=job.save or job.resume)

    async def run() -> None:
        """Serve until the window says stop."""
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(server.run("127.0.0.1", 0, ready))
        ports.put(("port", await ready))
        while not stop.is_set() and not task.done():
            await asyncio.sleep(0.1)
        server.stop()
        await task

    try:
        asyncio.run(run())
    finally:
        sim.close()


def served_simulation(world: Any, seed: int, brain: BrainSpec, embedder: Any, plants: tuple[Any, ...],
                      budget: dict[str, Any], resume: Path | None) -> Any:
    """The town a server runs (`serve`, and the world process): its minds think off the tick, and no local player."""
    from game.world.simulation import Simulation
    if resume is not None:
        return Simulation.resume(resume, brain=brain, embedder=embedder, threaded=True, player=False)
    return Simulation(world, seed=seed, brain=brain, embedder=embedder, plants=plants, threaded=True, player=False,
                      **budget)


def new_password() -> str:
    """A one-time password for the loopback server, so no other local program can join the player's town."""
    return secrets.token_urlsafe(16)
