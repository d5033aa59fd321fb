"""Shared by the benchmarks: real requests from a scripted run of Oakvale, and the window loop's frame times."""

from __future__ import annotations

import time
from typing import Any

from agents.brains.scripted import ScriptedBrain
from agents.protocol import Request
from game.world.simulation import Simulation


class Spy(ScriptedBrain):
    """The scripted brain, keeping every request it answers."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def think(self, requests):  # type: ignore[no-untyped-def]
        self.requests.extend(requests)
        return super().think(requests)


def real_requests(hours: float = 6) -> list[Request]:
    """Every request of a few hours of scripted Oakvale (seed 3), prompts rendered."""
    spy = Spy()
    with Simulation("oakvale", seed=3, brain=spy) as sim:
        sim.run(hours=hours)
    return spy.requests


def frame_times(sim: Simulation, screen: Any, speed: float, count: int, pace: bool = False,
                centre: tuple[int, int] | None = None) -> list[float]:
    """Milliseconds per frame of the window loop (due ticks, then draw), sorted; ``pace`` sleeps to 60 Hz like play.

    The camera starts at the middle of the map, or on the tile ``centre``.
    """
    import pygame

    from game.view.render import Renderer
    renderer = Renderer(sim, screen.get_size())
    if centre:
        tile = sim.world.tilemap.tile_size
        renderer.camera.x, renderer.camera.y = centre[0] * tile + tile / 2, centre[1] * tile + tile / 2
        renderer.camera.clamp()
    per_frame = sim.options.time_scale * speed / 60 / sim.clock.tick_seconds  # ticks per 60 Hz frame
    carry, times = 0.0, []
    for _ in range(count):
        began = time.perf_counter()
        pygame.event.pump()
        carry += per_frame
        ticks, carry = int(carry), carry - int(carry)
        if ticks:
            sim.step(ticks)
        renderer.draw(screen, carry)
        pygame.display.flip()
        times.append((time.perf_counter() - began) * 1000)
        if pace:
            time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - began)))
    return sorted(times)
