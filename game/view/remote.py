"""``npcworld join``: the window on a town served by ``npcworld serve``, with the look and keys of ``play``.

The window opens at once and says it is connecting; the welcome brings the map (drawn with this checkout's art),
then the loop runs as in ``play``, except that the server keeps the time: each frame takes what arrived, draws
everyone where they glide to, and sends what the player did. The token the server gives is kept per server and
name, so joining again puts the player back where it was. A refused join prints why and returns 2.
"""

from __future__ import annotations

import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pygame

from agents.errors import ContentError
from game.net.protocol import VERSION
from game.view.bitmapfont import BitmapFont, default_font
from game.view.input import SPEED_KEYS, handle_event
from game.view.netclient import NetClient
from game.view.profile import DEFAULT_NAME, clean_name, load_name
from game.view.remote_game import RemoteGame
from game.view.remote_scene import RemoteScene
from game.view.script import save_screenshot
from game.view.tokens import load_token, save_token
from game.view.ui.hud import FrameRate
from game.view.ui.widgets import ACCENT, DIM, INK, panel, text
from game.world.worldmap import SHARED_TILES, TileMap, load_tilemap

WELCOME_SECONDS = 20.0
"""Seconds to wait for the server's welcome before giving up."""

REFUSED = 2
"""Exit status of a join the server refused (or could not be reached)."""


def join_window(url: str, *, name: str | None = None, password: str | None = None,
                size: tuple[int, int] = (1280, 800), frames: int | None = None, screenshot: Path | None = None,
                driver: Callable[[RemoteGame], None] | None = None, keep_token: bool = True) -> int:
    """Join the town at ``url`` as ``name`` (else the kept profile name) in a window; return the exit status.

    Runs until the window closes (or for ``frames`` frames); ``screenshot`` saves the last frame; ``driver`` is
    called with the session once a frame, before input (scripted players for docs and tests post events there).
    ``keep_token`` keeps the server's seat token in the profile (not for a one-off loopback server).
    A join refused, or a server not reached, prints the reason and returns 2 (and interactively shows it too).
    """
    player = clean_name(name or "") or load_name() or DEFAULT_NAME
    token = load_token(url, player) if keep_token else None
    client = NetClient(url, {"t": "hello", "v": VERSION, "name": player, "token": token,
                             "password": password})
    pygame.init()
    try:
        screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        pygame.display.set_caption(f"npcworld - joining {url}")
        client.start()
        welcome, arrived, why = _welcome(screen, client, f"Joining {url} as {player}")
        if welcome is None:
            return _refused(screen, url, why, frames is None) if why is not None else 0
        if keep_token:
            save_token(url, welcome["name"], welcome["token"])
        with tempfile.TemporaryDirectory(prefix="npcworld-join-") as folder:
            try:
                tilemap = load_served_map(welcome["map"], Path(folder))
            except ContentError as error:
                return _refused(screen, url, f"its map cannot be drawn here: {error}", frames is None)
            scene = RemoteScene(welcome, tilemap, step_span=max(0.12, welcome.get("step_seconds", 0.1) * 1.2))
            game = RemoteGame(scene, client, screen)
            for message in arrived:
                game.take(message)
            pygame.display.set_caption(f"npcworld - {scene.world} ({scene.name})")
            run(game, frames, driver)
            if screenshot is not None:
                save_screenshot(screenshot)
    finally:
        client.close()
        pygame.quit()
    return 0


def run(game: RemoteGame, frames: int | None, driver: Callable[[RemoteGame], None] | None = None) -> None:
    """The loop: real time (the server's clock runs on regardless), input, what arrived, one frame drawn."""
    clock, rate = pygame.time.Clock(), FrameRate()
    frame = 0
    while game.controls.running:
        elapsed = clock.tick(60) / 1000.0
        if driver is not None:
            driver(game)
        for event in pygame.event.get():
            handle_joined_event(event, game)
        game.update(elapsed)
        game.fps = rate.fps
        screen = pygame.display.get_surface()
        if screen is None:
            break
        game.draw(screen)
        pygame.display.flip()
        rate.shown(time.perf_counter())
        frame += 1
        if frames is not None and frame >= frames:
            break


def handle_joined_event(event: Any, game: RemoteGame) -> None:
    """The keys of ``play``, less the speed keys; Enter outside a talk says a line aloud."""
    if event.type == pygame.KEYDOWN and not game.chat_open:
        if event.key in SPEED_KEYS:
            game.act("pause")  # says that the server keeps the time
            return
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            game.say_aloud()
            return
    handle_event(event, game)


def load_served_map(text: str, folder: Path) -> TileMap:
    """The map a welcome carried, written into ``folder`` with its tileset images found in this checkout's art.

    A map that names an outside tileset file is refused (a server must not make the client read its files).
    """
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise ContentError(folder / "map.tmx", None, f"the server's map is not valid XML ({error})") from None
    for tileset in root.iter("tileset"):
        if "source" in tileset.attrib:
            raise ContentError(folder / "map.tmx", "tileset.source", "the server's map names an outside tileset file")
    for image in root.iter("image"):
        image.set("source", str(SHARED_TILES / Path(image.get("source", "")).name))
    path = folder / "map.tmx"
    path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return load_tilemap(path)


def _welcome(screen: pygame.Surface, client: NetClient,
             title: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]], str | None]:
    """Draw "connecting" until the welcome comes; (the welcome, the messages that came after it, None).

    When it does not: (None, [], why the join was refused), or (None, [], None) when the window was closed.
    """
    font, clock = default_font(), pygame.time.Clock()
    began, frame = time.monotonic(), 0
    while time.monotonic() - began < WELCOME_SECONDS:
        messages = client.poll()
        for index, message in enumerate(messages):
            if message["t"] == "welcome":
                return message, messages[index + 1:], None
            if message["t"] == "closed":
                code = f" (code {message['code']})" if message.get("code") else ""
                return None, [], (message.get("reason") or "the server closed the connection") + code
        if any(event.type == pygame.QUIT for event in pygame.event.get()):
            return None, [], None
        draw_message(screen, font, title, ["Connecting" + "." * (1 + frame // 10 % 3)])
        pygame.display.flip()
        frame += 1
        clock.tick(30)
    return None, [], f"no welcome from the server in {WELCOME_SECONDS:.0f} seconds"


def _refused(screen: pygame.Surface, url: str, why: str, interactive: bool) -> int:
    """Say why the join failed (on stderr, and in the window until it is closed when interactive); return 2."""
    print(f"npcworld: could not join {url}: {why}", file=sys.stderr, flush=True)
    font, clock = default_font(), pygame.time.Clock()
    while interactive:
        if any(e.type == pygame.QUIT or (e.type == pygame.KEYDOWN and e.key == pygame.K_ESCAPE)
               for e in pygame.event.get()):
            break
        draw_message(screen, font, f"Could not join {url}", [why, "", "Close the window (or Esc) to quit."])
        pygame.display.flip()
        clock.tick(15)
    return REFUSED


def draw_message(screen: pygame.Surface, font: BitmapFont, title: str, lines: list[str]) -> None:
    """A centred panel with a title and a few lines (connecting, or why a join failed)."""
    screen.fill((18, 20, 28))
    width = min(screen.get_width() - 40, 820)
    box = pygame.Rect(0, 0, width, 90 + 40 * len(lines))
    box.center = screen.get_rect().center
    panel(screen, box)
    y = text(screen, font, title, (box.x + 24, box.y + 20), ACCENT, 3, width - 48)
    for index, line in enumerate(lines):
        y = text(screen, font, line, (box.x + 24, y + 10), INK if index == 0 else DIM, 2, width - 48)
