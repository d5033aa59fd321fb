"""A headless client of the town server, for tests and load: it joins, walks, talks, and measures what it sees."""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from game.net import protocol as p

STEP_TIMEOUT = 3.0
"""Seconds a step waits for the server's answer before the bot gives up on it."""


class Bot:
    """One connected player, as a program: the state the server sent it, and what it measured."""

    def __init__(self, connection: ClientConnection, welcome: dict[str, Any]):
        self.connection = connection
        self.welcome = welcome
        self.me: str = welcome["you"]
        self.token: str = welcome["token"]
        self.grid: list[str] = welcome["grid"]
        self.figures: dict[str, list[Any]] = {}
        """Figure id -> [x, y, facing, variant, talking, kind, name] as sent (kind 0 resident, 1 player, 2 away)."""
        self.moves_seen: dict[str, int] = {}
        """Figure id -> how many times it was seen at a new tile."""
        self.heard: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []
        self.talk: dict[str, Any] | None = None
        self.ack = 0
        self.clock = (welcome["day"], welcome["minute"])
        self.latencies: list[float] = []
        """Seconds from sending a step to the update that applied it."""
        self.bytes_received = len(json.dumps(welcome))
        self.closed: tuple[int | None, str] | None = None
        self._seq = 0
        self._sent_at: dict[int, float] = {}
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())
        self._pending: deque[str] = deque()

    @classmethod
    async def join(cls, url: str, name: str, *, password: str | None = None, token: str | None = None) -> Bot:
        """Connect, say hello, and wait for the welcome; ConnectionClosed (with the reason) when refused."""
        connection = await connect(url, max_size=None, open_timeout=10)
        await connection.send(json.dumps({"t": "hello", "v": p.VERSION, "name": name, "token": token,
                                          "password": password}))
        welcome = json.loads(await connection.recv())
        if welcome.get("t") != "welcome":
            raise RuntimeError(f"expected a welcome, got {str(welcome)[:80]}")
        bot = cls(connection, welcome)
        await bot.until(lambda: bot.position is not None, STEP_TIMEOUT)  # the first update follows the welcome
        return bot

    @property
    def position(self) -> tuple[int, int] | None:
        """The bot's own tile, as the server last said."""
        mine = self.figures.get(self.me)
        return (mine[0], mine[1]) if mine else None

    async def _read(self) -> None:
        """Take every server message into the bot's state until the connection closes."""
        try:
            async for frame in self.connection:
                self.bytes_received += len(frame)
                self._take(json.loads(frame))
                self._changed.set()
        except ConnectionClosed:
            pass
        self.closed = (self.connection.close_code, self.connection.close_reason or "")
        self._changed.set()

    def _take(self, message: dict[str, Any]) -> None:
        """Apply one server message."""
        match message["t"]:
            case "update":
                for fid, *state in message["fig"]:
                    old = self.figures.get(fid)
                    if old is not None and old[:2] != state[:2]:
                        self.moves_seen[fid] = self.moves_seen.get(fid, 0) + 1
                    self.figures[fid] = state
                for fid in message["gone"]:
                    self.figures.pop(fid, None)
                self.talk, self.clock = message["talk"], (message["day"], message["minute"])
                if message["ack"] > self.ack:
                    now = time.perf_counter()
                    for seq in [s for s in self._sent_at if s <= message["ack"]]:
                        self.latencies.append(now - self._sent_at.pop(seq))
                    self.ack = message["ack"]
            case "said":
                self.heard.append(message)
            case "refused":
                self.refused.append(message)
                self._sent_at.pop(message.get("seq", -1), None)

    async def send(self, message: dict[str, Any]) -> None:
        """Send any message as it is (tests use this to send what a well-behaved client would not)."""
        await self.connection.send(json.dumps(message))

    async def until(self, check: Any, timeout: float = 10.0) -> bool:
        """Wait until ``check()`` is true or the connection closes; return whether it came true in time."""
        deadline = time.monotonic() + timeout
        while not check():
            if self.closed is not None:
                return bool(check())
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                return bool(check())
        return True

    async def step(self, dx: int, dy: int) -> bool:
        """Step one tile and wait for the server's answer; return whether it moved the bot."""
        self._seq += 1
        seq, refusals = self._seq, len(self.refused)
        self._sent_at[seq] = time.perf_counter()
        await self.send({"t": "move", "dx": dx, "dy": dy, "seq": seq})
        await self.until(lambda: self.ack >= seq or len(self.refused) > refusals, STEP_TIMEOUT)
        return self.ack >= seq

    def path_to(self, goal: tuple[int, int]) -> list[tuple[int, int]]:
        """Steps (dx, dy) from the bot's tile to ``goal`` over open tiles (breadth first); [] if none."""
        start = self.position
        if start is None or start == goal:
            return []
        came: dict[tuple[int, int], tuple[int, int]] = {start: start}
        frontier = deque([start])
        while frontier:
            x, y = frontier.popleft()
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                nxt = (x + dx, y + dy)
                if nxt in came or not (0 <= nxt[1] < len(self.grid) and 0 <= nxt[0] < len(self.grid[0])) \
                        or self.grid[nxt[1]][nxt[0]] == "#":
                    continue
                came[nxt] = (x, y)
                if nxt == goal:
                    steps = []
                    while nxt != start:
                        prev = came[nxt]
                        steps.append((nxt[0] - prev[0], nxt[1] - prev[1]))
                        nxt = prev
                    return steps[::-1]
                frontier.append(nxt)
        return []

    def tile_away(self, steps: int) -> tuple[int, int]:
        """An open tile ``steps`` steps from the bot's (or the farthest one reachable, if none is that far)."""
        start = self.position
        assert start is not None, "the bot is in the town"
        seen, frontier, last = {start}, deque([(start, 0)]), start
        while frontier:
            (x, y), dist = frontier.popleft()
            last = (x, y)
            if dist == steps:
                return last
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                nxt = (x + dx, y + dy)
                if nxt not in seen and 0 <= nxt[1] < len(self.grid) and 0 <= nxt[0] < len(self.grid[0]) \
                        and self.grid[nxt[1]][nxt[0]] != "#":
                    seen.add(nxt)
                    frontier.append((nxt, dist + 1))
        return last

    async def walk_to(self, goal: tuple[int, int], pace: float = p.STEP_SECONDS) -> bool:
        """Walk to ``goal`` at walking pace, a step at a time; return whether it got there.

        A resident who stops the bot to talk is left politely (the bot has somewhere to be), and the step is
        tried again.
        """
        for dx, dy in self.path_to(goal):
            for _attempt in range(3):
                began = time.monotonic()
                moved = await self.step(dx, dy)
                await asyncio.sleep(max(0.0, pace - (time.monotonic() - began)))
                if moved or not self.refused or not self.refused[-1]["why"].startswith("you are in a conversation"):
                    break
                await self.send({"t": "leave"})
                await self.until(lambda: self.talk is None, STEP_TIMEOUT)
            if not moved:
                return False
        return self.position == goal

    async def close(self) -> None:
        """Leave the town."""
        await self.connection.close()
        await self._reader
