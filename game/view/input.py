"""Input: keys and mouse mapped through tables to game actions; text goes to the chat field. No input crashes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pygame

from game.view.render import Renderer
from game.view.ui.textinput import TextInput

MOVE_KEYS = {
    pygame.K_LEFT: (-1, 0), pygame.K_a: (-1, 0), pygame.K_RIGHT: (1, 0), pygame.K_d: (1, 0),
    pygame.K_UP: (0, -1), pygame.K_w: (0, -1), pygame.K_DOWN: (0, 1), pygame.K_s: (0, 1),
}
"""Keys that walk the player, with their direction."""

MIN_WINDOW = (320, 240)
"""The smallest window the game draws in: a resize below it is undone (the command line refuses less too)."""

SPEED_KEYS = {pygame.K_1: 1.0, pygame.K_2: 4.0, pygame.K_3: 16.0, pygame.K_4: 64.0}
"""Keys that set the game speed."""

WORLD_KEYS = {
    pygame.K_e: "talk", pygame.K_i: "inspect", pygame.K_l: "log", pygame.K_F1: "help", pygame.K_c: "center",
    pygame.K_SPACE: "pause", pygame.K_p: "pause", pygame.K_PLUS: "zoom_in", pygame.K_EQUALS: "zoom_in",
    pygame.K_KP_PLUS: "zoom_in", pygame.K_MINUS: "zoom_out", pygame.K_KP_MINUS: "zoom_out", pygame.K_ESCAPE: "back",
}
"""Keys outside the chat, by action name (Game.act carries them out)."""


@dataclass(slots=True)
class Controls:
    """What input has set: running, paused, speed, camera following, and a drag in progress."""

    speed: float = 1.0
    paused: bool = False
    running: bool = True
    dragging: bool = False
    follow: bool = True


class Game(Protocol):
    """What input needs of the window's session (``game.view.session.Game`` provides it; no import circle)."""

    controls: Controls
    renderer: Renderer
    field: TextInput
    chat_open: bool
    log_open: bool
    log_scroll: int

    def act(self, action: str) -> None:
        """Carry out a named action (talk, inspect, log, zoom...)."""
        ...

    def save_game(self) -> None:
        """Save now (F5)."""
        ...

    def load_game(self) -> None:
        """Load the save back (F9)."""
        ...

    def walk(self, dx: int, dy: int) -> None:
        """Step the player one tile."""
        ...

    def send(self) -> None:
        """Say the chat field's line."""
        ...

    def close_chat(self) -> None:
        """Leave the conversation."""
        ...

    def click(self, pos: tuple[int, int]) -> None:
        """Select what lies under a click."""
        ...


def handle_event(event: Any, game: Game) -> None:
    """Apply one pygame event to the game."""
    controls = game.controls
    if event.type == pygame.QUIT:
        controls.running = False
    elif event.type == pygame.KEYDOWN:
        if event.key == pygame.K_q and event.mod & pygame.KMOD_CTRL:
            controls.running = False
        elif event.key == pygame.K_F1:
            game.act("help")
        elif event.key == pygame.K_F5:
            game.save_game()
        elif event.key == pygame.K_F9:
            game.load_game()
        elif game.chat_open:
            _chat_key(event, game)
        else:
            _world_key(event, game)
    elif event.type == pygame.TEXTINPUT and game.chat_open:
        game.field.insert(event.text)
    elif event.type == pygame.MOUSEWHEEL:
        _wheel(event, game)
    elif event.type == pygame.MOUSEBUTTONDOWN:
        _click(event, game)
    else:
        _mouse_or_window(event, game)


def _mouse_or_window(event: Any, game: Game) -> None:
    """Dragging the view, and following window resizes."""
    controls = game.controls
    if event.type == pygame.MOUSEBUTTONUP:
        controls.dragging = False
    elif event.type == pygame.MOUSEMOTION and controls.dragging:
        controls.follow = False
        game.renderer.camera.pan(-event.rel[0], -event.rel[1])
    elif event.type in (pygame.VIDEORESIZE, pygame.WINDOWRESIZED, pygame.WINDOWSIZECHANGED):
        surface = pygame.display.get_surface()
        if surface is not None:
            game.renderer.camera.resize(*keep_minimum_size(surface).get_size())


def keep_minimum_size(surface: pygame.Surface) -> pygame.Surface:
    """The window's surface, first enlarged to ``MIN_WINDOW`` if it was made smaller (panels need the room)."""
    width, height = surface.get_size()
    if width >= MIN_WINDOW[0] and height >= MIN_WINDOW[1]:
        return surface
    return pygame.display.set_mode((max(width, MIN_WINDOW[0]), max(height, MIN_WINDOW[1])), pygame.RESIZABLE)


def _world_key(event: Any, game: Game) -> None:
    """A key press while walking around."""
    if event.key in MOVE_KEYS:
        game.walk(*MOVE_KEYS[event.key])
    elif event.key in SPEED_KEYS:
        game.controls.speed = SPEED_KEYS[event.key]
        game.controls.paused = False
    elif event.key in WORLD_KEYS:
        game.act(WORLD_KEYS[event.key])


def _chat_key(event: Any, game: Game) -> None:
    """A key press while the chat box has the keyboard."""
    field = game.field
    actions = {pygame.K_BACKSPACE: field.backspace, pygame.K_DELETE: field.delete, pygame.K_HOME: field.home,
               pygame.K_END: field.end, pygame.K_LEFT: lambda: field.move(-1), pygame.K_RIGHT: lambda: field.move(1),
               pygame.K_RETURN: game.send, pygame.K_KP_ENTER: game.send, pygame.K_ESCAPE: game.close_chat}
    if event.key in actions:
        actions[event.key]()
    elif event.key == pygame.K_v and event.mod & pygame.KMOD_CTRL:
        field.insert(_clipboard())


def _clipboard() -> str:
    """Text from the clipboard where the platform offers one, else nothing."""
    try:
        return pygame.scrap.get_text() or ""
    except (pygame.error, AttributeError, NotImplementedError):
        return ""


def _wheel(event: Any, game: Game) -> None:
    """Scroll the log when it is open and the mouse is over it; zoom otherwise."""
    if game.log_open and pygame.mouse.get_pos()[0] < 540:
        game.log_scroll = max(0, game.log_scroll + (1 if event.y > 0 else -1) * 3)
    else:
        game.renderer.camera.set_zoom(1 if event.y > 0 else -1)


def _click(event: Any, game: Game) -> None:
    """Left click: a resident opens the inspector, the minimap moves the camera; other buttons drag the view."""
    if event.button in (4, 5):
        return
    if event.button != 1:
        game.controls.dragging = True
        return
    game.click(event.pos)
