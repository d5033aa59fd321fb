"""The window: a fixed-step loop that runs the simulation, then draws once per frame."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agents.embeddings import Embedder
from agents.protocol import Brain
from game.input import Controls, apply_held, handle_event
from game.scenario import Plant
from game.simulation import Simulation

if TYPE_CHECKING:
    from game.render import Renderer

MAX_TICKS_PER_FRAME = 60
"""Catch-up limit: past it the game slows down instead of freezing the window."""


def play(world: str | Path, *, seed: int = 0, brain: Brain | str = "scripted", frames: int | None = None,
         screenshot: Path | None = None, speed: float = 1.0, size: tuple[int, int] = (1280, 800),
         embedder: Embedder | None = None, plants: tuple[Plant, ...] = ()) -> int:
    """Open the window and run until closed (or for ``frames`` frames); optionally save the last frame.

    Brains answer on a worker thread while frames go on; a counted run (``frames``) answers inline instead,
    so that its screenshots are reproducible.
    """
    import pygame

    sim = Simulation(world, seed=seed, brain=brain, embedder=embedder, plants=plants, threaded=frames is None)
    pygame.init()
    try:
        screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        pygame.display.set_caption(f"npcworld - {sim.world.name}")
        from game.render import Renderer
        renderer = Renderer(sim, screen.get_size())
        controls = Controls(speed=speed)
        run_loop(sim, renderer, controls, frames)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            pygame.image.save(screen, str(screenshot))
    finally:
        sim.close()
        pygame.quit()
    return 0


def run_loop(sim: Simulation, renderer: Renderer, controls: Controls, frames: int | None) -> None:
    """Step the simulation by elapsed time times the speed; draw after the steps, once per frame."""
    import pygame

    clock = pygame.time.Clock()
    tick_seconds = sim.clock.tick_seconds
    scale = sim.town.settings.time_scale
    carry = 0.0
    frame = 0
    fixed = frames is not None  # a counted run advances 1/60 s per frame, so its frames are reproducible
    while controls.running:
        elapsed = clock.tick(60) / 1000.0
        if fixed:
            elapsed = 1 / 60
        for event in pygame.event.get():
            handle_event(event, controls, renderer.camera)
        apply_held(renderer.camera, elapsed)
        carry += min(elapsed, 0.25) * scale * controls.speed * (0 if controls.paused else 1)
        ticks = min(int(carry // tick_seconds), MAX_TICKS_PER_FRAME)
        carry = min(carry - ticks * tick_seconds, tick_seconds)
        if ticks:
            sim.step(ticks)
        screen = pygame.display.get_surface()
        if screen is None:
            break
        renderer.draw(screen, carry / tick_seconds)
        pygame.display.flip()
        frame += 1
        if frames is not None and frame >= frames:
            break
