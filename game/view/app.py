"""The window: open it, run the fixed-step loop (simulate, then draw once per frame), save screenshots."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pygame

from agents.embeddings import Embedder
from agents.protocol import Brain
from game.view.input import MIN_WINDOW, handle_event, keep_minimum_size
from game.view.loading import Progress, load_in_window
from game.view.profile import DEFAULT_NAME, clean_name, load_name, save_name
from game.view.script import load_script, play_command, save_screenshot
from game.view.session import Game
from game.view.ui.hud import FrameRate
from game.world.loader import WorldDef
from game.world.mindproc import BrainSpec
from game.world.player import PLAYER_ID
from game.world.scenario import Plant
from game.world.simulation import Simulation


def play(world: WorldDef | str | Path, *, seed: int = 0, brain: Brain | str | BrainSpec = "scripted",
         frames: int | None = None,
         screenshot: Path | None = None, speed: float = 1.0, size: tuple[int, int] = (1280, 800),
         embedder: Embedder | Callable[[], Embedder] | None = None, plants: tuple[Plant, ...] = (),
         script: Path | None = None, name: str | None = None,
         progress: Callable[[str], None] | None = None, save: Path | None = None,
         resume: Path | None = None, **overrides: Any) -> int:
    """Open the window and run until closed (or for ``frames`` frames); optionally save the last frame.

    The window opens first and shows what is loading while the town is built on a thread (``embedder`` may be
    a function that loads one, so that happens there too); ``progress`` hears each step. The player is
    ``name``, else the name kept from an earlier game, else (in an interactive game) asked for on the loading
    screen and kept; counted and scripted runs without one use ``DEFAULT_NAME``. Brains answer on a worker
    thread while frames go on; a counted run (``frames``) answers inline instead, so that its screenshots are
    reproducible. With ``save`` (or ``resume``, which also names where to save) F5 saves, F9 loads, and the town
    saves itself every game hour and on quitting; ``resume`` starts from that save instead of afresh.
    """
    interactive = frames is None and script is None
    kept = clean_name(name or "") or (load_name() if interactive else None)
    size = (max(size[0], MIN_WINDOW[0]), max(size[1], MIN_WINDOW[1]))

    def build(steps: Progress) -> Simulation:
        """Load the embedder and build the town (on the loading thread)."""
        chosen: Embedder | None
        if embedder is not None and not hasattr(embedder, "embed"):
            steps.say("the embedder (MiniLM)")
            chosen = cast(Callable[[], Embedder], embedder)()
        else:
            chosen = cast(Embedder | None, embedder)
        steps.say("the town and its residents' memories")
        if resume is not None:
            return Simulation.resume(resume, brain=brain, embedder=chosen, threaded=frames is None, player=False)
        return Simulation(world, seed=seed, brain=brain, embedder=chosen, plants=plants, threaded=frames is None,
                          player=False, **overrides)

    pygame.init()
    sim: Simulation | None = None
    try:
        if script is not None:
            load_script(script)  # a bad line is an error naming its file, line and field before anything loads
        screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        title = world.name if isinstance(world, WorldDef) else Path(str(world)).name.title()
        pygame.display.set_caption(f"npcworld - {title}")
        sim, typed = load_in_window(screen, build, Progress(progress), title,
                                    ask_name="" if interactive and kept is None else None)
        if sim is None or (interactive and kept is None and typed is None):
            return 0  # closed while loading
        player = typed or kept or DEFAULT_NAME
        if typed or name:
            save_name(player)
        sim.join_player(PLAYER_ID, player)
        pygame.display.set_caption(f"npcworld - {sim.world.name}")
        game = Game(sim, screen, speed, save=save or resume)
        run_loop(game, frames, load_script(script, residents=set(sim.town.residents)) if script else None)
        if game.saves.path is not None:
            game.saves.save(game, quiet=True)  # on quitting
        if screenshot is not None:
            save_screenshot(screenshot)
    finally:
        if sim is not None:
            sim.close()
        pygame.quit()
    return 0


def run_loop(game: Game, frames: int | None, script: dict[int, list[dict[str, Any]]] | None = None,
             handler: Callable[[Any, Any], None] = handle_event) -> None:
    """Step by elapsed time times the speed; draw after the steps, once per frame (``handler`` takes input)."""
    clock = pygame.time.Clock()
    rate = FrameRate()
    fixed = frames is not None  # a counted run advances 1/60 s per frame, so its frames are reproducible
    frame = 0
    while game.controls.running:
        elapsed = clock.tick(60) / 1000.0
        if fixed:
            elapsed = 1 / 60
        for command in (script or {}).get(frame, []):
            play_command(command, game)
        for event in pygame.event.get():
            handler(event, game)
        game.update(elapsed)
        game.fps = rate.fps
        screen = pygame.display.get_surface()
        if screen is None:
            break
        game.draw(keep_minimum_size(screen))
        pygame.display.flip()
        rate.shown(time.perf_counter())
        frame += 1
        if frames is not None and frame >= frames:
            break
