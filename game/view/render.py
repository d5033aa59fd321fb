"""The pygame renderer: map, people (interpolated between ticks), labels, speech bubbles, night; it draws a scene."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pygame

from game.view.bitmapfont import BitmapFont, default_font
from game.view.camera import Camera
from game.view.scene import Scene, SimScene
from game.world.player import PLAYER_ID
from game.world.simulation import Simulation
from game.world.snapshot import Figure
from game.world.worldmap import TileMap

ASSETS = Path(__file__).resolve().parents[2] / "assets"
"""The assets folder."""

SPRITE = 16
"""Character frame size in pixels."""

BUBBLE_TICKS = 36
"""How long a speech bubble stays up, in ticks."""

YOU, PLAYER, AWAY = (255, 230, 80), (150, 220, 255), (150, 150, 160)
"""Colours of the labels and minimap dots of the player, of other players, and of players whose client went away."""


class Renderer:
    """Draws a scene (a local simulation, or a served town) onto a surface; it reads and never changes it."""

    def __init__(self, scene: Scene | Simulation, view: tuple[int, int], me: str = PLAYER_ID):
        self.scene: Scene = SimScene(scene) if isinstance(scene, Simulation) else scene
        self.me = me
        """The player this window plays: labelled "You" and drawn yellow on the minimap."""
        tilemap = self.scene.tilemap
        self.tile = tilemap.tile_size
        self.camera = Camera(tilemap.width * self.tile / 2, tilemap.height * self.tile / 2, 2, view[0], view[1],
                             tilemap.width * self.tile, tilemap.height * self.tile)
        self.camera.clamp()
        self.font: BitmapFont = default_font()
        self.sheet = pygame.image.load(str(ASSETS / "sprites" / "characters.png"))
        self.rows = max(1, self.sheet.get_height() // SPRITE)
        self.map_surface = draw_map(tilemap.tmx, self.tile)
        self._scaled: dict[int, pygame.Surface] = {}
        self._bubbles: dict[str, tuple[str, int]] = {}
        self._live: dict[str, str] = {}
        self._dots: list[tuple[float, float, tuple[int, int, int]]] = []
        self._seen_lines = 0
        self.bounds: pygame.Rect | None = None
        """Where bubbles must stay (the window less the HUD bar and an open chat box); None: the whole window."""
        self.label_rects: list[pygame.Rect] = []
        """The name and bubble boxes of the last frame (none overlaps another)."""
        self.labels: dict[str, str] = {}
        """Figure id -> the name label drawn above it in the last frame (what is on screen, for tests)."""

    @property
    def text_scale(self) -> int:
        """Pixel scale of labels and bubbles: larger when zoomed in, so text stays readable."""
        return 1 if self.camera.zoom == 1 else 2

    def scaled_map(self) -> pygame.Surface:
        """The map surface at the camera's zoom (cached per zoom level)."""
        zoom = self.camera.zoom
        if zoom not in self._scaled:
            size = self.map_surface.get_size()
            self._scaled[zoom] = pygame.transform.scale(self.map_surface, (size[0] * zoom, size[1] * zoom))
        return self._scaled[zoom]

    def draw(self, screen: pygame.Surface, alpha: float, highlight: str | None = None,
             live: dict[str, str] | None = None) -> None:
        """Draw one frame; ``alpha`` (0..1) is how far the clock is between the last tick and the next.

        ``live`` maps residents to the text of a reply still streaming in, shown in their bubble as it grows.
        """
        self._live = live or {}
        self._read_events()
        screen.fill((24, 28, 36))
        screen.blit(self.scaled_map(), self.camera.origin())
        placed = [(f, self._world_xy(f, alpha)) for f in self.scene.figures()]
        self._dots = [(wx, wy, self._colour(f, (250, 250, 250))) for f, (wx, wy) in placed]
        margin = SPRITE * self.camera.zoom
        width, height = screen.get_size()
        seen = []  # only what is on screen is drawn (a town of a thousand has a few dozen in view)
        for person, (wx, wy) in placed:
            sx, sy = self.camera.to_screen(wx, wy)
            if -margin <= sx <= width + margin and -margin <= sy <= height + 2 * margin:
                seen.append((person, (wx, wy)))
        for person, (wx, wy) in seen:
            if person.id == highlight:
                self._draw_ring(screen, wx, wy)
            self._draw_sprite(screen, person, wx, wy, alpha)
        self._draw_labels(screen, seen)
        self._draw_tint(screen)

    def world_xy_of(self, resident_id: str, alpha: float) -> tuple[float, float] | None:
        """Map-pixel centre of a person, interpolated; None when they are not in the town."""
        person = self.scene.figure(resident_id)
        return self._world_xy(person, alpha) if person is not None else None

    def minimap_dots(self) -> list[tuple[float, float, tuple[int, int, int]]]:
        """Where everyone was drawn in the last frame, for the minimap (the player in yellow)."""
        return list(self._dots)

    def _draw_ring(self, screen: pygame.Surface, wx: float, wy: float) -> None:
        """A ring under the resident the inspector shows."""
        sx, sy = self.camera.to_screen(wx, wy)
        zoom = self.camera.zoom
        pygame.draw.ellipse(screen, (255, 206, 110), pygame.Rect(sx - 8 * zoom, sy + 1 * zoom, 16 * zoom, 6 * zoom), 2)

    def _world_xy(self, person: Figure, alpha: float) -> tuple[float, float]:
        """Map-pixel centre of a person, where the scene says they are now (between tiles while walking)."""
        fx, fy = self.scene.spot(person, alpha)
        return (fx + 0.5) * self.tile, (fy + 0.5) * self.tile

    def _label(self, person: Figure) -> str:
        """The name drawn above a person: "You", a player's name (marked when away), or a resident's first name."""
        if person.id == self.me:
            return "You"
        return person.first_name + (" (away)" if person.player and self.scene.away(person) else "")

    def _colour(self, person: Figure, resident: tuple[int, int, int]) -> tuple[int, int, int]:
        """The colour of a person's label and minimap dot: you, another player (away or here), or ``resident``."""
        if person.id == self.me:
            return YOU
        if person.player:
            return AWAY if self.scene.away(person) else PLAYER
        return resident

    def _draw_sprite(self, screen: pygame.Surface, sprite: Figure, wx: float, wy: float, alpha: float) -> None:
        """Blit a resident's frame, scaled to the zoom, standing on its tile."""
        zoom = self.camera.zoom
        frame = int(alpha * 4) % 2
        area = pygame.Rect((sprite.facing * 2 + frame) * SPRITE, (sprite.variant % self.rows) * SPRITE, SPRITE, SPRITE)
        image = pygame.transform.scale(self.sheet.subsurface(area), (SPRITE * zoom, SPRITE * zoom))
        if sprite.player and self.scene.away(sprite):
            image.set_alpha(110)  # a player whose client went away: still there, faded
        sx, sy = self.camera.to_screen(wx, wy)
        screen.blit(image, (sx - SPRITE * zoom // 2, sy - SPRITE * zoom + 4 * zoom))

    def _draw_labels(self, screen: pygame.Surface, placed: list[tuple[Figure, tuple[float, float]]]) -> None:
        """Draw names above people and speech bubbles above names, laid out so that no two overlap.

        The player and whoever is speaking are placed first, then the rest from the front of the scene back;
        a box that would overlap one already placed moves up above it, and bubbles stay inside the view
        (``self.bounds``: the screen less the HUD bar and an open chat box).
        """
        zoom, scale = self.camera.zoom, self.text_scale
        bounds = self.bounds or screen.get_rect()
        items = []
        for person, (wx, wy) in placed:
            sx, sy = self.camera.to_screen(wx, wy)
            if not -80 <= sx <= screen.get_width() + 80 or not -40 <= sy <= screen.get_height() + 80:
                continue
            text = self._live[person.id] + " ..." if person.id in self._live else None
            bubble = self._bubbles.get(person.id)
            if text is None and bubble is not None and bubble[1] >= self.scene.tick:
                text = bubble[0]
            mine = person.id == self.me
            items.append((not mine and text is None, -sy, person, sx, sy - SPRITE * zoom + 2 * zoom, text))
        taken: list[pygame.Rect] = []
        order = sorted(items, key=lambda item: item[:2])
        names = []
        self.labels = {}
        for _, _, person, sx, top, _said in order:  # names first: they say who is who, so they stay nearest
            label = self.labels[person.id] = self._label(person)
            name = self.font.render(label, self._colour(person, (255, 255, 255)), scale, shadow=(20, 20, 30))
            where = place_box(name.get_rect(midbottom=(sx, top)), taken, bounds, keep_inside=False)
            assert where is not None, "a name always finds a place above the others"
            names.append((name, where))
        bubbles = []
        for (_, _, person, sx, _, said), (name, where) in zip(order, names, strict=True):
            screen.blit(name, where)
            if said is not None:
                content = self._bubble_surface(said)
            elif person.talking:
                content = self.font.render("...", (40, 40, 50), scale)
            else:
                continue
            box = place_box(content.get_rect().inflate(8, 6), taken, bounds, anchor=(sx, where.top - 2))
            if box is not None:
                bubbles.append((content, box, sx, where.top))
        for _, box, sx, name_top in bubbles:  # a bubble moved aside points at its speaker's name, under the boxes
            if not box.left < sx < box.right or box.bottom < name_top - 8:
                tip = (min(max(sx, box.left + 6), box.right - 6), box.bottom - 1)
                pygame.draw.line(screen, (250, 248, 240), tip, (sx, name_top), 2)
        for content, box, _, _ in bubbles:
            self._draw_box(screen, content, box)
        self.label_rects = list(taken)

    def _bubble_surface(self, text: str) -> pygame.Surface:
        """A speech bubble's text (wrapped, at most three lines) on a transparent surface."""
        lines = _wrap(text, 30)[:3]
        rendered = [self.font.render(line, (30, 30, 40), self.text_scale) for line in lines]
        surface = pygame.Surface((max(r.get_width() for r in rendered), sum(r.get_height() for r in rendered)),
                                 pygame.SRCALPHA)
        y = 0
        for r in rendered:
            surface.blit(r, (0, y))
            y += r.get_height()
        return surface

    @staticmethod
    def _draw_box(screen: pygame.Surface, content: pygame.Surface, box: pygame.Rect) -> None:
        """Draw ``content`` in a white rounded box filling ``box``."""
        pygame.draw.rect(screen, (250, 248, 240), box, border_radius=4)
        pygame.draw.rect(screen, (60, 60, 70), box, 1, border_radius=4)
        screen.blit(content, (box.x + 4, box.y + 3))

    def _draw_tint(self, screen: pygame.Surface) -> None:
        """Darken the scene at night, with a warm tint at dawn and dusk."""
        minute = self.scene.minute_of_day
        hour = minute / 60
        if 7 <= hour < 18:
            return
        if hour >= 21 or hour < 5:
            color, strength = (10, 16, 48), 120
        else:
            edge = (hour - 18) / 3 if hour >= 18 else (7 - hour) / 2
            color, strength = (40, 24, 60), int(120 * min(max(edge, 0.0), 1.0))
        overlay = pygame.Surface(screen.get_size(), pygame.SRCALPHA)
        overlay.fill((*color, strength))
        screen.blit(overlay, (0, 0))

    def _read_events(self) -> None:
        """Turn the lines said since the last frame into bubbles."""
        lines, self._seen_lines = self.scene.lines_since(self._seen_lines)
        for line in lines:
            self._bubbles[line.who] = (line.text, line.tick + BUBBLE_TICKS)


def place_box(box: pygame.Rect, taken: list[pygame.Rect], bounds: pygame.Rect,
              anchor: tuple[int, int] | None = None, keep_inside: bool = True) -> pygame.Rect | None:
    """Where ``box`` goes without overlapping any box already ``taken`` (it is then appended to ``taken``).

    It starts with its bottom centre at ``anchor`` (or where it is) and moves up past whatever it meets; with
    ``keep_inside`` it must also lie within ``bounds``, and when stacking up runs out of room it tries beside
    the anchor, half a box and then a box and a half to the left and right. None when nowhere fits (a bubble
    is then not drawn: the chat box and the log still show what was said).
    """
    start = box.copy()
    if anchor is not None:
        start.midbottom = anchor
    step = start.width // 2 + 4
    for shift in ((0, -1, 1, -3, 3) if keep_inside else (0,)):
        spot = start.move(shift * step, 0)
        for _ in range(len(taken) + 1):
            if keep_inside:
                spot.clamp_ip(bounds)
            hit = spot.collidelist(taken)
            if hit < 0:
                break
            spot.bottom = taken[hit].top - 1
        if spot.collidelist(taken) < 0 and (not keep_inside or bounds.contains(spot)):
            taken.append(spot)
            return spot
    return None


def map_picture(tilemap: TileMap) -> np.ndarray:
    """The whole map drawn at its tile size, as an RGB array (rows, columns, 3) for pictures outside the window."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    return pygame.surfarray.array3d(draw_map(tilemap.tmx, tilemap.tile_size)).swapaxes(0, 1)


def draw_map(tmx: Any, tile: int) -> pygame.Surface:
    """Draw every visible tile layer of a pytmx map (loaded without images) onto one surface."""
    surface = pygame.Surface((tmx.width * tile, tmx.height * tile))
    sheets: dict[str, pygame.Surface] = {}
    for layer in tmx.visible_tile_layers:
        for x, y, image in tmx.layers[layer].tiles():
            filename, rect, _flags = image
            if filename not in sheets:
                sheets[filename] = pygame.image.load(filename)
            surface.blit(sheets[filename], (x * tile, y * tile), pygame.Rect(rect))
    return surface


def _wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]
