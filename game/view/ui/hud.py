"""Heads-up display: clock and day, speed, FPS, hints, and a minimap with everyone on it."""

from __future__ import annotations

from collections import deque

import pygame

from game.view.bitmapfont import BitmapFont
from game.view.camera import Camera
from game.view.ui.widgets import ACCENT, DIM, INK, panel

HUD_HEIGHT = 52
"""Screen pixels the top bar takes (with its margin); bubbles stay below it."""

MINIMAP_WIDTH = 220
"""Width of the minimap in pixels."""


class FrameRate:
    """Frames per second over the last ``window`` frames shown, timed from one shown frame to the next.

    Start-up (opening the window, loading the map and the models) comes before the first frame is shown, so it is
    never inside an interval; a long frame counts for as long as it took, then leaves the window.
    """

    def __init__(self, window: int = 60):
        self._shown: deque[float] = deque(maxlen=window + 1)

    def shown(self, now: float) -> None:
        """Note that a frame was put on screen at ``now`` (seconds, any monotonic clock)."""
        self._shown.append(now)

    @property
    def fps(self) -> float:
        """The rate over the frames in the window (0 until two frames were shown)."""
        span = self._shown[-1] - self._shown[0] if len(self._shown) > 1 else 0.0
        return (len(self._shown) - 1) / span if span > 0 else 0.0


class Hud:
    """Draws the top bar and the minimap; caches the scaled map."""

    def __init__(self, font: BitmapFont, map_surface: pygame.Surface):
        self.font = font
        scale = MINIMAP_WIDTH / map_surface.get_width()
        size = (MINIMAP_WIDTH, round(map_surface.get_height() * scale))
        self.minimap = pygame.transform.smoothscale(map_surface, size)
        self.scale = scale

    def draw(self, screen: pygame.Surface, clock_label: str, speed: str, fps: float, hint: str) -> None:
        """Draw the top bar: world clock, speed, FPS, and a hint."""
        bar = pygame.Rect(8, 8, screen.get_width() - 16, 40)
        panel(screen, bar)
        screen.blit(self.font.render(clock_label, ACCENT, 2), (bar.x + 12, bar.y + 11))
        right = self.font.render(f"{speed}   {fps:4.0f} FPS   F1 help", INK, 2)
        screen.blit(right, (bar.right - right.get_width() - 12, bar.y + 11))
        if hint:
            middle = self.font.render(hint, DIM, 2)
            if middle.get_width() < bar.width - right.get_width() - 400:
                screen.blit(middle, (bar.centerx - middle.get_width() // 2, bar.y + 11))

    def draw_minimap(self, screen: pygame.Surface, dots: list[tuple[float, float, tuple[int, int, int]]],
                     camera: Camera) -> pygame.Rect:
        """Draw the minimap bottom-right with a dot per resident and the camera's view."""
        rect = self.minimap.get_rect()
        rect.bottomright = (screen.get_width() - 10, screen.get_height() - 10)
        frame = rect.inflate(8, 8)
        panel(screen, frame)
        screen.blit(self.minimap, rect)
        for wx, wy, colour in dots:
            pygame.draw.circle(screen, colour, (rect.x + wx * self.scale, rect.y + wy * self.scale), 3)
        left, top = camera.to_world(0, 0)
        right, bottom = camera.to_world(camera.view_w, camera.view_h)
        view = pygame.Rect(rect.x + left * self.scale, rect.y + top * self.scale,
                           (right - left) * self.scale, (bottom - top) * self.scale).clip(rect)
        pygame.draw.rect(screen, (255, 255, 255), view, 1)
        return rect
