"""Pixel bitmap font: loads the generated npcfont sheet and renders cached, tinted text."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pygame

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
"""Directory holding ``npcfont.png`` and ``npcfont.json``."""

CACHE_LIMIT = 512
"""Most rendered strings kept per font before the oldest are dropped."""

FALLBACK = "?"
"""Character drawn in place of any character the font lacks."""

Rgb = tuple[int, int, int]
CacheKey = tuple[str, Rgb, int, Rgb | None]


class BitmapFont:
    """A variable-advance bitmap font cut from a sheet of white glyphs on transparency."""

    def __init__(self, glyphs: dict[str, pygame.Surface], advances: dict[str, int], height: int, baseline: int) -> None:
        self.glyphs = glyphs
        self.advances = advances
        self.height = height
        self.baseline = baseline
        self.line_height = height + 1
        self._cache: dict[CacheKey, pygame.Surface] = {}

    @classmethod
    def load(cls, png_path: Path, json_path: Path) -> BitmapFont:
        """Load a font sheet and its JSON metadata (pygame must be initialised)."""
        meta = json.loads(Path(json_path).read_text(encoding="utf-8"))
        sheet = pygame.image.load(str(png_path))
        if pygame.display.get_surface() is not None:
            sheet = sheet.convert_alpha()
        cell_w, cell_h, columns = meta["cell_width"], meta["cell_height"], meta["columns"]
        glyphs: dict[str, pygame.Surface] = {}
        advances: dict[str, int] = {}
        for index, char in enumerate(meta["chars"]):
            advance = int(meta["advances"][char])
            x, y = (index % columns) * cell_w, (index // columns) * cell_h
            glyphs[char] = sheet.subsurface(pygame.Rect(x, y, min(advance, cell_w), cell_h)).copy()
            advances[char] = advance
        font = cls(glyphs, advances, cell_h, int(meta["baseline"]))
        font.line_height = int(meta.get("line_height", cell_h + 1))
        return font

    def _char(self, char: str) -> str:
        """Return ``char`` if the font has it, else the fallback character."""
        return char if char in self.glyphs else FALLBACK

    def size(self, text: str) -> tuple[int, int]:
        """Return the unscaled (width, height) that ``text`` occupies, without shadow."""
        return sum(self.advances[self._char(c)] for c in text), self.height

    def render(self, text: str, color: Rgb, scale: int = 1, shadow: Rgb | None = None) -> pygame.Surface:
        """Return a shared (do not modify) RGBA surface of ``text``; a shadow adds ``scale`` px right/down."""
        key: CacheKey = (text, _rgb(color), scale, None if shadow is None else _rgb(shadow))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        surface = self._tinted(text, key[1])
        width, height = surface.get_size()
        if scale != 1:
            width, height = width * scale, height * scale
            surface = pygame.transform.scale(surface, (width, height))
        if shadow is not None:
            under = self.render(text, shadow, scale)
            framed = pygame.Surface((width + scale, height + scale), pygame.SRCALPHA)
            framed.blit(under, (scale, scale))
            framed.blit(surface, (0, 0))
            surface = framed
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = surface
        return surface

    def _tinted(self, text: str, color: Rgb) -> pygame.Surface:
        """Draw ``text`` at scale 1 in ``color`` on a transparent surface."""
        surface = pygame.Surface(self.size(text), pygame.SRCALPHA)
        x = 0
        for char in map(self._char, text):
            surface.blit(self.glyphs[char], (x, 0))
            x += self.advances[char]
        surface.fill((*color, 255), special_flags=pygame.BLEND_RGBA_MULT)
        return surface


def _rgb(color: Rgb) -> Rgb:
    """Return ``color`` as a plain, hashable (r, g, b) tuple."""
    return int(color[0]), int(color[1]), int(color[2])


@lru_cache(maxsize=1)
def default_font() -> BitmapFont:
    """Return the project's npcfont from ``assets/fonts/`` (loaded once, then shared)."""
    return BitmapFont.load(FONT_DIR / "npcfont.png", FONT_DIR / "npcfont.json")
