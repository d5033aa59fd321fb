"""Scripted input for the window: timed key presses, text, clicks and screenshots (for docs and tests)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.world.commands import PlaceAt

if TYPE_CHECKING:
    from game.view.session import Game


def save_screenshot(path: Path) -> None:
    """Save the current frame as a PNG."""
    surface = pygame.display.get_surface()
    if surface is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(surface, str(path))


def load_script(path: Path) -> dict[int, list[dict[str, Any]]]:
    """Read a script of timed inputs: JSON lines like {"frame": 30, "key": "e"} or {"frame": 40, "text": "hi"}."""
    by_frame: dict[int, list[dict[str, Any]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            command = json.loads(line)
            by_frame.setdefault(int(command["frame"]), []).append(command)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a script line ({exc})") from exc
    return by_frame


COMMANDS: dict[str, Callable[[Any, Game], None]] = {
    "key": lambda v, g: _post(pygame.event.Event(pygame.KEYDOWN, key=pygame.key.key_code(v), mod=0, unicode="",
                                                 scancode=0)),
    "text": lambda v, g: _post(pygame.event.Event(pygame.TEXTINPUT, text=v)),
    "click": lambda v, g: _post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=tuple(v))),
    "inspect": lambda v, g: setattr(g, "inspecting", v),
    "walk_to": lambda v, g: walk_to(g, v),
    "speed": lambda v, g: _speed(g, v),
    "leave": lambda v, g: _leave(g),
    "walk_to_free": lambda v, g: _walk_to_free(g),
    "screenshot": lambda v, g: _screenshot(g, v),
    "quit": lambda v, g: _post(pygame.event.Event(pygame.QUIT)),
}
"""What a script line may do, by key."""


def _leave(game: Game) -> None:
    """Script helper: close the chat if one is open."""
    if game.chat_open:
        game.close_chat()


def _walk_to_free(game: Game) -> None:
    """Script helper: stand next to the first resident who is awake, standing still and not talking."""
    for state in game.sim.residents():
        if state.id != "player" and state.activity_kind not in (None, "sleep") and not state.walking_to \
                and not state.talking:
            walk_to(game, state.id)
            return


def _speed(game: Game, value: float) -> None:
    """Script helper: set the game speed."""
    game.controls.speed = float(value)


def _post(event: pygame.event.Event) -> None:
    """Script helper: queue an input event as if it came from the keyboard or mouse."""
    pygame.event.post(event)


def _screenshot(game: Game, path: str) -> None:
    """Script helper: draw the current state and save it."""
    surface = pygame.display.get_surface()
    if surface is not None:
        game.draw(surface)
        save_screenshot(Path(path))


def play_command(command: dict[str, Any], game: Game) -> None:
    """Carry out one script command."""
    for key, value in command.items():
        if key in COMMANDS:
            COMMANDS[key](value, game)


def walk_to(game: Game, resident_id: str) -> None:
    """Script helper: put the player on a free tile next to a resident (for staged screenshots)."""
    if game.sim.player is None:
        return
    target = game.sim.resident(resident_id).tile
    town = game.sim.town
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)):
        tile = (target[0] + dx, target[1] + dy)
        if town.tilemap.walkable(tile):
            game.sim.command(PlaceAt(town.resident_id(game.sim.player), *tile))  # the next tick places the player
            return
