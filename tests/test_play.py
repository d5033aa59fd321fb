"""The window under SDL's dummy driver: it draws the town, takes a screenshot, and survives any input."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.app import play, run_loop
from game.input import Controls
from game.render import Renderer
from game.simulation import Simulation


def colours(surface: pygame.Surface) -> int:
    small = pygame.transform.scale(surface, (160, 100))
    return len({tuple(small.get_at((x, y))) for x in range(160) for y in range(100)})


def test_play_saves_a_screenshot_of_the_town(tmp_path: Path) -> None:
    shot = tmp_path / "town.png"
    assert play("oakvale", seed=7, frames=40, screenshot=shot, speed=40, size=(960, 640)) == 0
    image = pygame.image.load(str(shot))
    assert image.get_size() == (960, 640)
    assert colours(image) > 60, "a rendered town, not a blank frame"


@pytest.fixture
def window():  # type: ignore[no-untyped-def]
    pygame.init()
    pygame.display.set_mode((800, 600), pygame.RESIZABLE)
    sim = Simulation("oakvale", seed=1)
    renderer = Renderer(sim, (800, 600))
    yield sim, renderer
    sim.close()
    pygame.quit()


def test_speed_pause_zoom_and_drag(window) -> None:  # type: ignore[no-untyped-def]
    sim, renderer = window
    controls = Controls()
    start = (renderer.camera.x, renderer.camera.y)
    for event in (
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_3, mod=0, unicode="3", scancode=0),
        pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1, flipped=False, precise_x=0.0, precise_y=1.0),
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(400, 300)),
        pygame.event.Event(pygame.MOUSEMOTION, pos=(300, 250), rel=(-100, -50), buttons=(1, 0, 0)),
        pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(300, 250)),
    ):
        pygame.event.post(event)
    run_loop(sim, renderer, controls, frames=5)
    assert controls.speed == 16.0
    assert renderer.camera.zoom == 3
    assert (renderer.camera.x, renderer.camera.y) != start
    ticks = sim.clock.tick
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=" ", scancode=0))
    run_loop(sim, renderer, controls, frames=5)
    assert controls.paused and sim.clock.tick == ticks, "paused time does not move"


def test_any_key_or_click_does_not_crash(window) -> None:  # type: ignore[no-untyped-def]
    sim, renderer = window
    controls = Controls()
    keys = [*range(32, 127), pygame.K_F1, pygame.K_F12, pygame.K_TAB, pygame.K_RETURN, pygame.K_BACKSPACE,
            pygame.K_LEFT, pygame.K_UP, pygame.K_KP_PLUS]
    for key in keys:
        if key not in (pygame.K_ESCAPE, pygame.K_SPACE, pygame.K_p):
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=chr(key % 128), scancode=0))
    for button in range(1, 8):
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=button, pos=(10, 10)))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, button=button, pos=(10, 10)))
    pygame.display.set_mode((500, 300), pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(500, 300), w=500, h=300))
    run_loop(sim, renderer, controls, frames=10)
    assert renderer.camera.view_w == 500 and renderer.camera.view_h == 300
    assert controls.running
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="\x1b", scancode=0))
    run_loop(sim, renderer, controls, frames=100)
    assert not controls.running
