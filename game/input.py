"""Input: keys and mouse mapped through tables to camera moves and game speed; no input can crash the game."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pygame

from game.camera import Camera

PAN_SPEED = 600.0
"""Camera speed in screen pixels per second while an arrow key is held."""

PAN_KEYS = {
    pygame.K_LEFT: (-1, 0), pygame.K_a: (-1, 0), pygame.K_RIGHT: (1, 0), pygame.K_d: (1, 0),
    pygame.K_UP: (0, -1), pygame.K_w: (0, -1), pygame.K_DOWN: (0, 1), pygame.K_s: (0, 1),
}
"""Held keys that pan the camera, with their direction."""

SPEED_KEYS = {pygame.K_1: 1.0, pygame.K_2: 4.0, pygame.K_3: 16.0, pygame.K_4: 64.0}
"""Keys that set the game speed."""


@dataclass(slots=True)
class Controls:
    """What the player's input has set: running, paused, speed, and a mouse drag in progress."""

    speed: float = 1.0
    paused: bool = False
    running: bool = True
    dragging: bool = False


def handle_event(event: Any, controls: Controls, camera: Camera) -> None:
    """Apply one pygame event to the controls and the camera."""
    if event.type == pygame.QUIT:
        controls.running = False
    elif event.type == pygame.KEYDOWN:
        _key(event.key, controls, camera)
    elif event.type == pygame.MOUSEWHEEL:
        camera.set_zoom(1 if event.y > 0 else -1)
    elif event.type == pygame.MOUSEBUTTONDOWN and event.button in (1, 2, 3):
        controls.dragging = True
    elif event.type == pygame.MOUSEBUTTONUP:
        controls.dragging = False
    elif event.type == pygame.MOUSEMOTION and controls.dragging:
        camera.pan(-event.rel[0], -event.rel[1])
    elif event.type in (pygame.VIDEORESIZE, pygame.WINDOWRESIZED, pygame.WINDOWSIZECHANGED):
        surface = pygame.display.get_surface()
        if surface is not None:
            camera.resize(*surface.get_size())


def _key(key: int, controls: Controls, camera: Camera) -> None:
    """Apply a key press."""
    if key == pygame.K_ESCAPE:
        controls.running = False
    elif key in (pygame.K_SPACE, pygame.K_p):
        controls.paused = not controls.paused
    elif key in SPEED_KEYS:
        controls.speed = SPEED_KEYS[key]
        controls.paused = False
    elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
        camera.set_zoom(1)
    elif key in (pygame.K_MINUS, pygame.K_KP_MINUS):
        camera.set_zoom(-1)


def apply_held(camera: Camera, elapsed: float) -> None:
    """Pan the camera for the arrow or WASD keys held down."""
    pressed = pygame.key.get_pressed()
    dx = dy = 0
    for key, (kx, ky) in PAN_KEYS.items():
        if pressed[key]:
            dx, dy = dx + kx, dy + ky
    if dx or dy:
        camera.pan(dx * PAN_SPEED * elapsed, dy * PAN_SPEED * elapsed)
