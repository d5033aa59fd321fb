"""Scripted input for the window: timed key presses, text, clicks and screenshots (for docs and tests)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection
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


def load_script(path: Path, residents: Collection[str] | None = None) -> dict[int, list[dict[str, Any]]]:
    """Read a script of timed inputs: JSON lines like {"frame": 30, "key": "e"} or {"frame": 40, "text": "hi"}.

    Every line is checked here, so a bad one is a ValueError naming the file, line and field before the run starts
    (``residents``, when given, are the ids that "walk_to" and "inspect" may name).
    """
    by_frame: dict[int, list[dict[str, Any]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            command = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise ValueError(f"{path}:{number}: not a script line ({exc})") from exc
        if not isinstance(command, dict):
            raise ValueError(f"{path}:{number}: not a script line (expected a JSON object)")
        for field, value in command.items():
            problem = _problem(field, value, residents)
            if problem is not None:
                raise ValueError(f"{path}:{number}: {field}: {problem}")
        if "frame" not in command:
            raise ValueError(f"{path}:{number}: frame: missing (the frame number the line acts at)")
        by_frame.setdefault(command["frame"], []).append(command)
    return by_frame


def _problem(field: str, value: Any, residents: Collection[str] | None) -> str | None:
    """Why ``value`` cannot be the ``field`` of a script line, or None when it can."""
    if field == "frame":
        return None if _whole(value) and value >= 0 else "must be a whole number, 0 or more"
    if field not in COMMANDS:
        return f"unknown field (known: frame, {', '.join(sorted(COMMANDS))})"
    if field == "key":
        if not isinstance(value, str) or not _key_name(value):
            return f"{value!r} is not a key name (such as \"e\", \"return\", \"escape\", \"f1\")"
    elif field in ("text", "screenshot") and (not isinstance(value, str) or not value):
        return "must be text"
    elif field == "screenshot" and (value.endswith(("/", "\\")) or Path(value).is_dir()):
        return f"'{value}' is a folder; give a file name such as shot.png"
    elif field == "click" and not (isinstance(value, list) and len(value) == 2 and all(map(_whole, value))):
        return "must be a position [x, y] in whole pixels"
    elif field == "speed" and not (isinstance(value, int | float) and not isinstance(value, bool)
                                   and math.isfinite(value) and value >= 0):
        return "must be a finite number, 0 or more"
    elif field in ("walk_to", "inspect") and not (field == "inspect" and value is None):
        if not isinstance(value, str):
            return "must be a resident's id"
        if residents is not None and value not in residents:
            return f"no resident '{value}' (known: {', '.join(sorted(residents))})"
    return None


def _whole(value: Any) -> bool:
    """Whether a JSON value is a whole number (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _key_name(name: str) -> bool:
    """Whether pygame knows a key by ``name``."""
    try:
        pygame.key.key_code(name)
    except ValueError:
        return False
    return True


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
    if game.sim.player is None or resident_id not in game.sim.town.residents:
        return
    target = game.sim.resident(resident_id).tile
    town = game.sim.town
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)):
        tile = (target[0] + dx, target[1] + dy)
        if town.tilemap.walkable(tile):
            game.sim.command(PlaceAt(town.resident_id(game.sim.player), *tile))  # the next tick places the player
            return
