"""The panels: the chat box, the inspector, the conversation log and the help overlay."""

from __future__ import annotations

import pygame

from game.view.bitmapfont import BitmapFont
from game.view.inspect import Inspection
from game.view.ui.textinput import TextInput
from game.view.ui.widgets import ACCENT, DIM, INK, bar, panel, text, wrap

HELP = (
    ("Arrows / WASD", "walk"), ("E", "talk to the nearest resident"), ("Enter", "send a line (in the chat)"),
    ("Esc", "close the chat or panel"), ("Click a resident", "open the inspector"),
    ("I", "inspect the nearest resident"), ("L", "show or hide the conversation log"),
    ("Space / P", "pause"), ("1 / 2 / 3 / 4", "speed 1x / 4x / 16x / 64x"), ("Wheel, + / -", "zoom"),
    ("Right-drag", "pan the camera"), ("C", "camera back on you"), ("F1", "this help"), ("Ctrl+Q", "quit"),
)
"""Every control, as the help overlay lists it."""

NEED_COLOURS = {"energy": (110, 190, 255), "hunger": (240, 170, 90), "social": (230, 120, 170), "fun": (140, 220, 130)}


def detail_scale(screen: pygame.Surface) -> int:
    """Pixel scale of the panels' detail text: 2 from 1000 pixels wide (readable at 1280x800), else 1."""
    return 2 if screen.get_width() >= 1000 else 1


CHAT_BOX_HEIGHT = 250
"""Screen pixels the chat box takes at the bottom of the window (with its margin)."""


def draw_chat(screen: pygame.Surface, font: BitmapFont, partner: str, lines: list[tuple[str, str]], field: TextInput,
              thinking: bool, your_turn: bool, blink: bool, notice: str) -> None:
    """The chat box at the bottom: the conversation so far, the input line with its cursor, and status."""
    width = min(screen.get_width() - 40, 900)
    rect = pygame.Rect((screen.get_width() - width) // 2, screen.get_height() - CHAT_BOX_HEIGHT, width,
                       CHAT_BOX_HEIGHT - 20)
    panel(screen, rect)
    y = text(screen, font, f"Talking with {partner}", (rect.x + 14, rect.y + 10), ACCENT)
    shown: list[tuple[str, str]] = []
    for speaker, line in lines[-6:]:
        shown.append((speaker, line))
    for speaker, line in shown:
        colour = (150, 220, 255) if speaker == "You" else INK
        y = text(screen, font, f"{speaker}: {line}", (rect.x + 14, y + 2), colour, width=width - 28)
        if y > rect.bottom - 60:
            break
    status = notice or (f"{partner} is thinking..." if thinking else "")
    if status:
        text(screen, font, status, (rect.x + 14, rect.bottom - 62), DIM)
    box = pygame.Rect(rect.x + 10, rect.bottom - 38, width - 20, 28)
    pygame.draw.rect(screen, (40, 42, 54), box, border_radius=4)
    prompt = "> " + field.text if your_turn else "(wait for your turn, Esc to leave)"
    screen.blit(font.render(prompt, INK if your_turn else DIM, 2), (box.x + 6, box.y + 5))
    if your_turn and blink:
        cursor_x = box.x + 6 + font.size("> " + field.text[:field.cursor])[0] * 2
        pygame.draw.line(screen, INK, (cursor_x, box.y + 4), (cursor_x, box.bottom - 4), 2)


def draw_inspector(screen: pygame.Surface, font: BitmapFont, info: Inspection) -> pygame.Rect:
    """The inspector on the right: persona, needs, mood, relationships, last decision and its mind, plan, memories."""
    width = min(680, screen.get_width() // 2)
    rect = pygame.Rect(screen.get_width() - width - 10, 60, width, screen.get_height() - 80)
    panel(screen, rect)
    small = detail_scale(screen)
    screen.set_clip(rect.inflate(-4, -4))  # a long plan or memory list ends at the panel's edge
    x, inner = rect.x + 14, width - 28
    y = text(screen, font, info.name, (x, rect.y + 10), ACCENT, 3)
    y = text(screen, font, info.summary, (x, y + 2), DIM, width=inner)
    y = text(screen, font, f"Now: {info.doing}. Mood: {info.mood}.", (x, y + 4), width=inner)
    for i, (name, level) in enumerate(info.needs):
        bx = x + (i % 2) * (inner // 2)
        by = y + 8 + (i // 2) * 22
        screen.blit(font.render(name, DIM, small), (bx, by))
        bar(screen, pygame.Rect(bx + 48 * small, by, inner // 2 - 60 * small, 5 * small + 5), level / 100,
            NEED_COLOURS[name])
    y += 8 + 2 * 22
    if info.relationships:
        y = text(screen, font, "Close to: " + ", ".join(f"{r} {c:+.1f}" for r, c in info.relationships),
                 (x, y), width=inner, scale=small)
    decision = info.decision
    if decision:  # why they did what they did comes before the long lists, so it is never the part cut off
        y = text(screen, font, f"Last decision ({decision.get('time')}, {decision.get('reason')})", (x, y + 6), ACCENT)
        mind = f"the scripted policy ({decision['error']})" if decision.get("error") else "the resident's brain"
        y = text(screen, font, f"answered by: {mind}", (x, y), INK, small, inner)
        y = text(screen, font, f"reply: {_cut(str(decision.get('reply', '')), 160)}", (x, y), INK, small, inner)
        verdict = "accepted" if decision.get("accepted") else f"refused: {decision.get('rejection')}"
        y = text(screen, font, f"applied: {decision.get('applied', '')} ({verdict})", (x, y), INK, small, inner)
        for memory in decision.get("retrieved", [])[:3]:
            line = (f"rec {memory['recency']:.2f} imp {memory['importance']:.2f} rel {memory['relevance']:.2f}: "
                    f"{_cut(memory['text'], 120)}")
            y = text(screen, font, line, (x, y), DIM, small, inner)
    y = text(screen, font, "Plan today", (x, y + 6), ACCENT)
    for when, what, current in info.plan:
        y = text(screen, font, f"{'>' if current else ' '} {when} {what}", (x, y), INK if current else DIM, small,
                 inner)
    y = text(screen, font, "Recent memories", (x, y + 6), ACCENT)
    for memory in info.memories:
        y = text(screen, font, f"- {_cut(memory, 160)}", (x, y), DIM, small, inner)
    screen.set_clip(None)
    return rect


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word, with an ellipsis."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def draw_log(screen: pygame.Surface, font: BitmapFont, lines: list[str], scroll: int) -> None:
    """The conversation log on the left: the latest lines, scrollable with the wheel."""
    rect = pygame.Rect(10, 60, min(640, screen.get_width() // 2 - 20), screen.get_height() - 80)
    panel(screen, rect)
    small = detail_scale(screen)
    y = text(screen, font, "Conversation log", (rect.x + 14, rect.y + 10), ACCENT)
    room = (rect.bottom - y - 10) // (font.line_height * small)
    rows: list[str] = []
    for line in reversed(lines[:max(0, len(lines) - scroll)]):  # the newest lines that fit, wrapped, oldest first
        wrapped = wrap(line, font, rect.width - 28, small)
        if len(rows) + len(wrapped) > room:
            break
        rows[:0] = wrapped
    for row in rows:
        y = text(screen, font, row, (rect.x + 14, y), DIM, small)


def draw_help(screen: pygame.Surface, font: BitmapFont, rows: tuple[tuple[str, str], ...] = HELP) -> None:
    """The help overlay listing every control (``rows``: key and what it does)."""
    rect = pygame.Rect(0, 0, 640, 60 + 24 * len(rows))
    rect.center = screen.get_rect().center
    panel(screen, rect)
    y = text(screen, font, "Controls", (rect.x + 20, rect.y + 14), ACCENT, 3)
    for key, what in rows:
        screen.blit(font.render(key, ACCENT, 2), (rect.x + 20, y + 4))
        screen.blit(font.render(what, INK, 2), (rect.x + 220, y + 4))
        y += 24


def draw_card(screen: pygame.Surface, font: BitmapFont, title: str, lines: list[str]) -> pygame.Rect:
    """A small panel on the right: a title and a few lines (what a client knows of someone it clicked)."""
    width = min(520, screen.get_width() // 2)
    inner = width - 28
    small = detail_scale(screen)
    height = 24 + 3 * font.line_height + sum(2 + len(wrap(line, font, inner, small)) * font.line_height * small
                                            for line in lines)
    rect = pygame.Rect(screen.get_width() - width - 10, 60, width, min(height, screen.get_height() - 80))
    panel(screen, rect)
    screen.set_clip(rect.inflate(-4, -4))
    y = text(screen, font, title, (rect.x + 14, rect.y + 10), ACCENT, 3)
    for line in lines:
        y = text(screen, font, line, (rect.x + 14, y + 2), INK, small, inner)
    screen.set_clip(None)
    return rect
