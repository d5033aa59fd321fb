"""The camera: which part of the world the window shows, at what zoom (pure arithmetic, no pygame)."""

from __future__ import annotations

from dataclasses import dataclass

ZOOMS = (1, 2, 3, 4)
"""Zoom levels: screen pixels per map pixel."""


@dataclass(slots=True)
class Camera:
    """Centre (in map pixels), zoom, and the size of the view in screen pixels."""

    x: float
    y: float
    zoom: int
    view_w: int
    view_h: int
    world_w: int
    world_h: int
    below: int = 0
    """Screen pixels the view may show below the map's bottom edge (room for the chat box under the speakers)."""

    def clamp(self) -> None:
        """Keep the view inside the world (or centred on it when the world is smaller than the view)."""
        half_w, half_h = self.view_w / self.zoom / 2, self.view_h / self.zoom / 2
        self.x = self.world_w / 2 if 2 * half_w >= self.world_w else min(max(self.x, half_w), self.world_w - half_w)
        world_h = self.world_h + self.below / self.zoom
        self.y = world_h / 2 if 2 * half_h >= world_h else min(max(self.y, half_h), world_h - half_h)

    def pan(self, dx: float, dy: float) -> None:
        """Move the view by screen pixels."""
        self.x += dx / self.zoom
        self.y += dy / self.zoom
        self.clamp()

    def set_zoom(self, step: int) -> None:
        """Zoom in (step > 0) or out (step < 0) by one level, keeping the centre."""
        index = ZOOMS.index(self.zoom) if self.zoom in ZOOMS else 1
        self.zoom = ZOOMS[max(0, min(len(ZOOMS) - 1, index + step))]
        self.clamp()

    def resize(self, width: int, height: int) -> None:
        """Follow a window resize."""
        self.view_w, self.view_h = max(1, width), max(1, height)
        self.clamp()

    def to_screen(self, wx: float, wy: float) -> tuple[int, int]:
        """Map pixels to screen pixels."""
        return (round((wx - self.x) * self.zoom + self.view_w / 2), round((wy - self.y) * self.zoom + self.view_h / 2))

    def to_world(self, sx: float, sy: float) -> tuple[float, float]:
        """Screen pixels to map pixels."""
        return ((sx - self.view_w / 2) / self.zoom + self.x, (sy - self.view_h / 2) / self.zoom + self.y)

    def origin(self) -> tuple[int, int]:
        """Screen position of the map's top-left corner."""
        return self.to_screen(0, 0)
