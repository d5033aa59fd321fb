"""Saving from the window: F5 saves, F9 loads the save back, and the town saves itself every game hour and on quit."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pygame

from game.world.save import SaveError
from game.world.simulation import Simulation


class Game(Protocol):
    """What saving needs of the window's session (``game.view.session.Game``; no import circle)."""

    sim: Simulation
    chat_open: bool
    log_lines: list[str]
    notice: str

    def notify(self, text: str, frames: int = 240) -> None:
        """Show a short message in the HUD."""
        ...

    def reset_view(self) -> None:
        """Forget what the view knew of the town before a load."""
        ...

AUTOSAVE_MINUTES = 60
"""Game minutes between autosaves."""


class Saves:
    """Where the window saves, and when it last did (in game minutes)."""

    def __init__(self, path: Path | None):
        self.path = path
        self.last: int | None = None

    def save(self, game: Game, quiet: bool = False) -> bool:
        """Save the town now; say so (or why not) in the HUD and the log. Return whether it worked."""
        if self.path is None:
            game.notify("No save file: start with --save PATH (or --resume PATH) to save")
            return False
        try:
            game.sim.save(self.path)
        except SaveError as exc:
            game.notify(str(exc)[:150], 600)
            game.log_lines.append(f"save failed: {exc}")
            return False
        self.last = game.sim.clock.total_minutes
        if not quiet:
            game.notify(f"Saved {game.sim.clock.label()} to {self.path.name}")
        return True

    def load(self, game: Game) -> None:
        """Put the save back in place of the town (the brain and the window go on); say what happened."""
        if self.path is None or not self.path.is_file():
            game.notify("Nothing to load yet: press F5 to save first")
            return
        if game.chat_open:
            game.chat_open = False
            pygame.key.stop_text_input()
        try:
            game.sim.load(self.path)
        except SaveError as exc:
            game.notify(str(exc)[:150], 600)
            return
        game.reset_view()
        self.last = game.sim.clock.total_minutes
        game.log_lines.append(f"-- loaded the save of {game.sim.clock.label()} --")
        game.notify(f"Loaded {game.sim.clock.label()} from {self.path.name}")

    def every_hour(self, game: Game) -> None:
        """Autosave when a game hour has passed since the last save (quietly, between ticks)."""
        if self.path is None:
            return
        now = game.sim.clock.total_minutes
        if self.last is None:
            self.last = now
        elif now - self.last >= AUTOSAVE_MINUTES:
            self.save(game, quiet=True)
