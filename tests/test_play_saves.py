"""Saving in the window: F5 saves, F9 loads it back in place, the town saves every game hour and on quitting."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from game.view.app import play, run_loop
from game.view.session import Game
from game.world.save import read_save
from game.world.simulation import Simulation


def key(code: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode="", scancode=0))


@pytest.fixture
def window():  # type: ignore[no-untyped-def]
    pygame.init()
    yield pygame.display.set_mode((900, 600))
    pygame.quit()


def test_f5_saves_and_f9_puts_the_saved_town_back(window: pygame.Surface, tmp_path: Path) -> None:
    path = tmp_path / "town.save"
    with Simulation("oakvale", seed=4, player=True) as sim:
        game = Game(sim, window, speed=40, save=path)
        run_loop(game, 30)
        saved_tick = sim.clock.tick
        key(pygame.K_F5)
        run_loop(game, 1)  # keys are read before the frame's ticks
        assert read_save(path).meta["tick"] == saved_tick and "Saved Day 1" in game.notice
        run_loop(game, 60)
        assert sim.clock.tick > saved_tick + 100
        key(pygame.K_F9)
        run_loop(game, 1)
        assert saved_tick <= sim.clock.tick <= saved_tick + 10, "back at the save (and a frame's ticks on)"
        assert "Loaded Day 1" in game.notice and game.log_lines[-1].startswith("-- loaded the save of Day 1")
        assert read_save(path).meta["tick"] == saved_tick, "loading does not save"
        run_loop(game, 30)  # and the town goes on from there


def test_the_town_saves_every_game_hour_and_on_quitting(tmp_path: Path) -> None:
    path = tmp_path / "auto.save"
    assert play("oakvale", seed=4, frames=120, speed=64, size=(800, 600), save=path) == 0
    first = read_save(path).meta
    assert first["time"] > "06:30"
    assert play("oakvale", frames=60, speed=64, size=(800, 600), resume=path) == 0
    again = read_save(path).meta
    assert again["tick"] > first["tick"], "resumed from the save, and saved back on quitting"
    assert json.loads(json.dumps(again["overrides"])) == {}


def test_f9_without_a_save_says_so(window: pygame.Surface) -> None:
    with Simulation("oakvale", seed=4, player=True) as sim:
        game = Game(sim, window)
        key(pygame.K_F9)
        run_loop(game, 1)
        assert game.notice == "Nothing to load yet: press F5 to save first"
        key(pygame.K_F5)
        run_loop(game, 1)
        assert game.notice.startswith("No save file: start with --save PATH")
