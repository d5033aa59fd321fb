"""Drawing helpers shared by the panels: boxes, wrapped text, bars."""

from __future__ import annotations

import pygame

from game.view.bitmapfont import BitmapFont

INK = (235, 232, 222)
"""Default text colour on dark panels."""
DIM = (160, 158, 150)
"""Secondary text."""
ACCENT = (255, 206, 110)
"""Headings."""
PANEL = (22, 24, 32, 228)
"""Panel background (with alpha)."""


def panel(screen: pygame.Surface, rect: pygame.Rect) -> None:
    """Draw a translucent rounded panel."""
    surface = pygame.Surface(rect.size, pygame.SRCALPHA)
    pygame.draw.rect(surface, PANEL, surface.get_rect(), border_radius=8)
    pygame.draw.rect(surface, (90, 92, 110, 255), surface.get_rect(), 1, border_radius=8)
    screen.blit(surface, rect.topleft)


def wrap(text: str, font: BitmapFont, width: int, scale: int) -> list[str]:
    """Split ``text`` into lines that fit ``width`` pixels at ``scale``."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if font.size(candidate)[0] * scale <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return lines


def text(screen: pygame.Surface, font: BitmapFont, words: str, pos: tuple[int, int], color: tuple[int, int, int] = INK,
         scale: int = 2, width: int | None = None) -> int:
    """Draw (wrapped) text at ``pos``; return the y just below it."""
    x, y = pos
    lines = wrap(words, font, width, scale) if width else [words]
    for line in lines:
        screen.blit(font.render(line, color, scale), (x, y))
        y += font.line_height * scale
    return y


def bar(screen: pygame.Surface, rect: pygame.Rect, share: float, color: tuple[int, int, int]) -> None:
    """Draw a horizontal bar filled to ``share`` (0..1)."""
    pygame.draw.rect(screen, (50, 52, 62), rect, border_radius=3)
    filled = rect.copy()
    filled.width = max(0, int(rect.width * max(0.0, min(1.0, share))))
    pygame.draw.rect(screen, color, filled, border_radius=3)
