"""Scripted players for a joined town (docs and tests): a window's player visits a resident; a bot keeps close by.

``Visit`` acts only through the input a person would give, the key and text events ``play``'s scripts post too,
so what it shows is what a player at the keyboard gets; pass it to ``join_window(driver=...)``. ``follow`` makes a
headless bot (game/net/bot.py) walk after a player and greet it aloud, so a second player shows in the window.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import pygame
from websockets.exceptions import ConnectionClosed

from game.net.bot import Bot
from game.view.remote_game import RemoteGame
from game.view.scene import Said
from game.world.worldmap import Tile

ARROWS = {(1, 0): pygame.K_RIGHT, (-1, 0): pygame.K_LEFT, (0, 1): pygame.K_DOWN, (0, -1): pygame.K_UP}
"""The key that steps each way."""

PACE = 0.13
"""Seconds between two steps (the window walks a tile every 0.12 s while a key is held)."""


def press(key: int) -> None:
    """Post a key press, as the keyboard would."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))


def route(grid: list[str], start: Tile, goals: set[Tile]) -> list[Tile]:
    """The tiles from ``start`` (left out) to the nearest of ``goals`` over open tiles (breadth first); [] if none."""
    came: dict[Tile, Tile] = {start: start}
    frontier = deque([start])
    while frontier:
        tile = frontier.popleft()
        if tile in goals:
            path = []
            while tile != start:
                path.append(tile)
                tile = came[tile]
            return path[::-1]
        for dx, dy in ARROWS:
            x, y = tile[0] + dx, tile[1] + dy
            if (x, y) not in came and 0 <= y < len(grid) and 0 <= x < len(grid[y]) and grid[y][x] != "#":
                came[(x, y)] = tile
                frontier.append((x, y))
    return []


class Visit:
    """Walk beside the nearest resident who is free, press E, say ``line`` on the player's turn, await the answer.

    A place at a resident's side is preferred to one in front or behind when it is at most ``detour`` steps
    farther (side by side, the speech bubbles leave both faces in view); the residents named in ``prefer`` come
    first while one of them is free and in view (whoever stops the player for a talk on the way will do too).
    ``answer`` holds the resident's reply once it came; ``then`` (if given) is called every frame after that.
    """

    def __init__(self, line: str, then: Callable[[RemoteGame], None] | None = None, detour: int = 15,
                 prefer: tuple[str, ...] = (), clock: Callable[[], float] = time.monotonic):
        self.line, self.then, self.detour, self.prefer, self._clock = line, then, detour, prefer, clock
        self.stage = "find"
        self.target: str | None = None
        self.tried: set[str] = set()
        self.path: list[Tile] = []
        self.answer: Said | None = None
        self._at = 0.0
        self._arrived = 0
        self._heard = 0

    def __call__(self, game: RemoteGame) -> None:
        """One frame of the visit."""
        if self.stage in ("find", "walk", "knock") and game.scene.talk is not None and game.chat_open:
            self.stage = "say"  # a resident stopped the player for a talk: that will do
        getattr(self, f"_{self.stage}")(game)

    def _find(self, game: RemoteGame) -> None:
        """Choose the nearest resident not talking (and not tried) and a way to a tile beside them."""
        scene = game.scene
        me = scene.figure(scene.me)
        if me is None:
            return
        free = {f.id: f for f in scene.figures() if not f.player and not f.talking and f.id not in self.tried}
        chosen = [fid for fid in self.prefer if fid in free]
        free = {chosen[0]: free[chosen[0]]} if chosen else free
        place = scene.tilemap.place_at  # a resident talks to whoever is in the same place (indoors or out)
        beside = {(f.x + dx, f.y + dy): fid for fid, f in free.items() for dx, dy in ARROWS
                  if scene.open((f.x + dx, f.y + dy)) and place((f.x + dx, f.y + dy)) == place((f.x, f.y))}
        if (me.x, me.y) in beside:
            self.target, self.path, self.stage = beside[(me.x, me.y)], [], "walk"
            return
        way = route(scene.grid, (me.x, me.y), set(beside))
        aside = {tile for tile, fid in beside.items() if tile[1] == free[fid].y}
        side = route(scene.grid, (me.x, me.y), aside) if way and aside else []
        if side and len(side) <= len(way) + self.detour:
            way = side
        self.path = way
        if self.path:
            self.target, self.stage, self._at = beside[self.path[-1]], "walk", self._clock()

    def _walk(self, game: RemoteGame) -> None:
        """Step along the way at walking pace; choose again when the resident moves off or the way is lost."""
        scene = game.scene
        me, target = scene.figure(scene.me), scene.figure(self.target or "")
        if me is None or target is None or target.talking:
            self.stage = "find"
            return
        while self.path and self.path[0] == (me.x, me.y):
            self.path.pop(0)
        if not self.path:
            near = max(abs(target.x - me.x), abs(target.y - me.y)) <= 1
            self.stage, self._arrived = ("knock", scene.tick) if near else ("find", 0)
            return
        now = self._clock()
        step = (self.path[0][0] - me.x, self.path[0][1] - me.y)
        if step not in ARROWS or now - self._at > 3.0:
            self.stage = "find"  # pushed off the way, or stuck
        elif now - self._at >= PACE:
            self._at = now
            press(ARROWS[step])

    def _knock(self, game: RemoteGame) -> None:
        """Press E beside the resident, once the town has had two ticks to see the player arrive."""
        if game.scene.tick >= self._arrived + 2:
            press(pygame.K_e)
            self.stage, self._at = "wait", self._clock()

    def _wait(self, game: RemoteGame) -> None:
        """Wait for the server to start the talk; a refusal (the box closed again) means someone else."""
        if game.scene.talk is not None:
            self.stage = "say"
        elif not game.chat_open or self._clock() - self._at > 6.0:
            self.tried.add(self.target or "")
            self.stage = "find"

    def _say(self, game: RemoteGame) -> None:
        """On the player's turn, type the line and press Enter."""
        talk: dict[str, Any] | None = game.scene.talk
        if talk is None:
            self.stage = "find"
        elif talk.get("turn"):
            self.target = talk["with"]
            self._heard = len(game.scene.lines)
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=self.line))
            press(pygame.K_RETURN)
            self.stage = "listen"

    def _listen(self, game: RemoteGame) -> None:
        """Wait for the resident's answer: their first line to the player after the player's own line."""
        scene = game.scene
        lines = scene.lines[self._heard:]
        mine = next((i for i, s in enumerate(lines) if s.who == scene.me and s.to == self.target), None)
        if mine is not None:
            self.answer = next((s for s in lines[mine + 1:] if s.who == self.target and s.to == scene.me), None)
        if self.answer is not None:
            self.stage = "done"

    def _done(self, game: RemoteGame) -> None:
        """After the answer: whatever comes next."""
        if self.then is not None:
            self.then(game)


async def follow(bot: Bot, who: str, near: int = 2, say: str | None = None, every: float = 5.0) -> None:
    """Keep ``bot`` about ``near`` tiles from the figure ``who`` and, once there, say ``say`` aloud every ``every`` s.

    Runs until the bot's connection closes; a resident who stops the bot for a talk is left at once.
    """
    said_at = -every
    try:
        while bot.closed is None:
            target, here = bot.figures.get(who), bot.position
            if target is not None and here is not None:
                goal = (target[0], target[1])
                if max(abs(goal[0] - here[0]), abs(goal[1] - here[1])) > near + 1:
                    await _step_towards(bot, goal, near)
                elif say and time.monotonic() - said_at >= every:
                    said_at = time.monotonic()
                    await bot.send({"t": "say", "text": say})
            await asyncio.sleep(0.2)
    except ConnectionClosed:
        return


async def _step_towards(bot: Bot, goal: Tile, near: int) -> None:
    """A few steps towards an open tile ``near`` tiles from ``goal`` (then the goal is looked at again).

    A tile on the goal's row comes first when one is reachable: beside it, a speech bubble hides no face.
    """
    ring = {(goal[0] + dx, goal[1] + dy) for dy in range(-near, near + 1) for dx in range(-near, near + 1)
            if max(abs(dx), abs(dy)) == near}
    ring = {t for t in ring if 0 <= t[1] < len(bot.grid) and 0 <= t[0] < len(bot.grid[t[1]])
            and bot.grid[t[1]][t[0]] != "#"}
    here = bot.position or goal
    steps = route(bot.grid, here, {t for t in ring if t[1] == goal[1]}) or route(bot.grid, here, ring)
    for tile in steps[:4]:
        if bot.talk is not None:
            await bot.send({"t": "leave"})
            await bot.until(lambda: bot.talk is None, 3.0)
        if not await bot.step(tile[0] - here[0], tile[1] - here[1]):
            return
        here = tile
        await asyncio.sleep(PACE)
