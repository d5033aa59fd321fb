"""The window: open it, run the fixed-step loop (simulate, then draw once per frame), save screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame

from agents.embeddings import Embedder
from agents.protocol import Brain
from game.view.input import handle_event
from game.view.script import load_script, play_command, save_screenshot
from game.view.session import Game
from game.world.loader import WorldDef
from game.world.mindproc import BrainSpec
from game.world.scenario import Plant
from game.world.simulation import Simulation


def play(world: WorldDef | str | Path, *, seed: int = 0, brain: Brain | str | BrainSpec = "scripted",
         frames: int | None = None,
         screenshot: Path | None = None, speed: float = 1.0, size: tuple[int, int] = (1280, 800),
         embedder: Embedder | None = None, plants: tuple[Plant, ...] = (), script: Path | None = None) -> int:
    """Open the window and run until closed (or for ``frames`` frames); optionally save the last frame.

    Brains answer on a worker thread while frames go on; a counted run (``frames``) answers inline instead,
    so that its screenshots are reproducible.
    """
    sim = Simulation(world, seed=seed, brain=brain, embedder=embedder, plants=plants, threaded=frames is None,
                     player=True)
    pygame.init()
    try:
        screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        pygame.display.set_caption(f"npcworld - {sim.world.name}")
        game = Game(sim, screen, speed)
        run_loop(game, frames, load_script(script) if script else None)
        if screenshot is not None:
            save_screenshot(screenshot)
    finally:
        sim.close()
        pygame.quit()
    return 0


def run_loop(game: Game, frames: int | None, script: dict[int, list[dict[str, Any]]] | None = None) -> None:
    """Step by elapsed time times the speed; draw after the steps, once per frame."""
    clock = pygame.time.Clock()
    fixed = frames is not None  # a counted run advances 1/60 s per frame, so its frames are reproducible
    frame = 0
    while game.controls.running:
        elapsed = clock.tick(60) / 1000.0
        if fixed:
            elapsed = 1 / 60
        for command in (script or {}).get(frame, []):
            play_command(command, game)
        for event in pygame.event.get():
            handle_event(event, game)
        game.update(elapsed)
        game.fps = clock.get_fps()
        screen = pygame.display.get_surface()
        if screen is None:
            break
        game.draw(screen)
        pygame.display.flip()
        frame += 1
        if frames is not None and frame >= frames:
            break
