"""The loading screen: the window opens at once and says what is loading while the town is built on a thread.

A player who has never given a name types it here meanwhile, so the wait for the embedder and the town's
memories is spent doing something. The residents' language model loads in its own process, started while the
town is built and still loading when it appears (the HUD says so until it is ready), so the town shows as soon
as it exists.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pygame

from game.view.bitmapfont import BitmapFont, default_font
from game.view.profile import NAME_LIMIT, clean_name
from game.view.ui.textinput import TextInput
from game.view.ui.widgets import ACCENT, DIM, INK, panel

T = TypeVar("T")


class Progress:
    """What is loading now: set by the loading thread, drawn by the window, echoed (to stderr) by the caller."""

    def __init__(self, echo: Callable[[str], None] | None = None):
        self.step = "starting"
        self._echo = echo

    def say(self, step: str) -> None:
        """Note the step that begins now."""
        self.step = step
        if self._echo is not None:
            self._echo(step)


def load_in_window(screen: pygame.Surface, build: Callable[[Progress], T], progress: Progress, title: str,
                   ask_name: str | None = None) -> tuple[T | None, str | None]:
    """Run ``build`` on a thread while drawing the loading screen; return what it built and the typed name.

    With ``ask_name`` (the field's starting text) the player types a name and presses Enter; the screen stays
    until both are done. Closing the window waits for ``build`` to end and returns (built, None); the caller
    closes what was built. An error raised by ``build`` is raised here.
    """
    result: dict[str, Any] = {}

    def work() -> None:
        """Build, keeping what came out or the error raised."""
        try:
            result["built"] = build(progress)
        except BaseException as exc:  # handed to the window's thread, which raises it
            result["error"] = exc

    thread = threading.Thread(target=work, name="npcworld-loading", daemon=True)
    thread.start()
    field = TextInput(ask_name, len(ask_name), NAME_LIMIT) if ask_name is not None else None
    name: str | None = None
    font, clock = default_font(), pygame.time.Clock()
    frame = 0
    while thread.is_alive() or (field is not None and name is None):
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                thread.join()
                if "error" in result:
                    raise result["error"]
                return result.get("built"), None
            if field is not None and name is None:
                name = _edit(field, event)
        draw_loading(screen, font, title, progress.step if thread.is_alive() else "ready", field, name, frame)
        pygame.display.flip()
        frame += 1
        clock.tick(30)
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("built"), name


def _edit(field: TextInput, event: pygame.event.Event) -> str | None:
    """Apply one key or text event to the name field; return the name once Enter confirms a usable one."""
    if event.type == pygame.TEXTINPUT:
        field.insert(event.text)
    elif event.type == pygame.KEYDOWN:
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return clean_name(field.text) or None
        if event.key == pygame.K_BACKSPACE:
            field.backspace()
        elif event.key == pygame.K_LEFT:
            field.move(-1)
        elif event.key == pygame.K_RIGHT:
            field.move(1)
    return None


def draw_loading(screen: pygame.Surface, font: BitmapFont, title: str, step: str, field: TextInput | None,
                 name: str | None, frame: int) -> None:
    """The loading screen: the town's name, what is loading (with moving dots), and the name field if asked."""
    screen.fill((18, 20, 28))
    width, height = screen.get_size()
    scale = 3 if width >= 1000 else 2
    box = pygame.Rect(0, 0, min(width - 40, 760), 220 if field is not None else 140)
    box.center = (width // 2, height // 2)
    panel(screen, box)
    y = box.y + 20
    heading = font.render(f"Welcome to {title}", ACCENT, scale)
    screen.blit(heading, (box.centerx - heading.get_width() // 2, y))
    y += heading.get_height() + 16
    dots = "." * (1 + frame // 10 % 3) if step != "ready" else ""
    status = font.render(f"Loading: {step}{dots}" if step != "ready" else "Ready.", DIM, 2)
    screen.blit(status, (box.centerx - status.get_width() // 2, y))
    y += status.get_height() + 20
    if field is None:
        return
    ask = font.render("What's your name?" if name is None else f"Hello, {name}!", INK, 2)
    screen.blit(ask, (box.x + 24, y))
    y += ask.get_height() + 8
    line = pygame.Rect(box.x + 24, y, box.width - 48, font.line_height * 2 + 12)
    pygame.draw.rect(screen, (40, 42, 54), line, border_radius=4)
    shown = field.text if name is None else name
    cursor = "|" if name is None and frame // 15 % 2 == 0 else ""
    screen.blit(font.render(shown[:field.cursor] + cursor + shown[field.cursor:], INK, 2), (line.x + 8, line.y + 6))
    if name is None:
        hint = font.render("Enter to start", DIM, 2)
        screen.blit(hint, (line.right - hint.get_width(), line.bottom + 8))
