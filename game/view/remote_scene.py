"""A served town as the window sees it: the map and the figures the server sent, gliding between its updates.

Each figure keeps where it was drawn when its new tile arrived and when that was; it is drawn from there to the new
tile over one server tick (measured between updates), so the town moves smoothly at any frame rate. The player's
own steps are shown at once (the grid says where the way is open) and set right by the server's answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from game.view.scene import Said
from game.world.snapshot import Figure
from game.world.worldmap import Tile, TileMap

SNAP_TILES = 3.0
"""A figure that jumps farther than this (it came into view, or was put somewhere) is not slid there."""

FACINGS = {(0, 1): 0, (-1, 0): 1, (1, 0): 2, (0, -1): 3}
"""Sprite facing per step direction (as the world turns a player who steps)."""


@dataclass(slots=True)
class Track:
    """One figure as last sent, and the spot it glides from (since ``since``, over ``span`` seconds)."""

    figure: Figure
    kind: int
    """0 a resident, 1 a player, 2 a player whose client went away."""
    start: tuple[float, float]
    since: float
    span: float

    def spot(self, now: float) -> tuple[float, float]:
        """Where the figure is drawn at ``now``: from ``start`` towards its tile, the share of ``span`` gone by."""
        share = 1.0 if self.span <= 0 else min(1.0, max(0.0, (now - self.since) / self.span))
        (sx, sy), fig = self.start, self.figure
        return sx + (fig.x - sx) * share, sy + (fig.y - sy) * share


class RemoteScene:
    """What the server told this client: who it is, the clock, the figures in view, its talk and the lines heard."""

    def __init__(self, welcome: dict[str, Any], tilemap: TileMap, clock: Callable[[], float] = time.perf_counter,
                 step_span: float = 0.12):
        self.me: str = welcome["you"]
        self.name: str = welcome["name"]
        self.world: str = welcome.get("world", "")
        self.grid: list[str] = welcome["grid"]
        self.names: dict[str, str] = dict(welcome.get("names", {}))
        self._tilemap = tilemap
        self._tick: int = welcome["tick"]
        self.day: int = welcome["day"]
        self.minute: int = welcome["minute"]
        self.tick_span = welcome["tick_seconds"] / 60.0
        """Real seconds per server tick, measured between updates (first guess: the usual pace at 1x)."""
        self.step_span = step_span
        """Seconds the player's own step glides over (its walking pace)."""
        self.tracks: dict[str, Track] = {}
        self.talk: dict[str, Any] | None = None
        """The player's conversation as the server last said: {"with", "name", "turn"}, or None."""
        self.ack = 0
        self.lines: list[Said] = []
        self._clock = clock
        self._tick_at: float | None = None
        self._server: Figure | None = None
        """The player's figure as the server last said (the predicted one may be ahead of it)."""
        self._pending: dict[int, Tile] = {}

    # ---- the Scene the renderer draws --------------------------------------------------------------

    @property
    def tilemap(self) -> TileMap:
        """The served map."""
        return self._tilemap

    @property
    def tick(self) -> int:
        """The server's tick, as last heard."""
        return self._tick

    @property
    def minute_of_day(self) -> int:
        """The server's time of day, as last heard."""
        return self.minute

    def figures(self) -> list[Figure]:
        """Everyone in view, back to front."""
        return sorted((t.figure for t in self.tracks.values()), key=lambda f: (f.y, f.id))

    def figure(self, figure_id: str) -> Figure | None:
        """One figure in view."""
        track = self.tracks.get(figure_id)
        return track.figure if track is not None else None

    def spot(self, person: Figure, alpha: float) -> tuple[float, float]:
        """Where the figure glides now (by the real time since its tile changed; ``alpha`` is not needed)."""
        track = self.tracks.get(person.id)
        return track.spot(self._clock()) if track is not None else (float(person.x), float(person.y))

    def away(self, person: Figure) -> bool:
        """Whether the figure is a player whose client went away."""
        track = self.tracks.get(person.id)
        return track is not None and track.kind == 2

    def lines_since(self, cursor: int) -> tuple[list[Said], int]:
        """The lines heard after the first ``cursor``."""
        return self.lines[cursor:], len(self.lines)

    # ---- what the server sends ------------------------------------------------------------------

    @property
    def alpha(self) -> float:
        """How far the time is between the last server tick and the next (0..1), for the walking frames."""
        if self._tick_at is None or self.tick_span <= 0:
            return 0.0
        return min(1.0, (self._clock() - self._tick_at) / self.tick_span)

    def clock_label(self) -> str:
        """The server's day and time, e.g. ``Day 1 09:30``."""
        return f"Day {self.day} {self.minute // 60:02d}:{self.minute % 60:02d}"

    def take(self, message: dict[str, Any]) -> None:
        """Apply an ``update`` or a ``said`` from the server (other messages are the window's)."""
        if message["t"] == "update":
            self._update(message)
        elif message["t"] == "said":
            who, to = message["who"], message.get("to")
            self.names.setdefault(who, message.get("name") or who)
            self.lines.append(Said(who, to, message["text"], message.get("tick", self._tick)))

    def _update(self, message: dict[str, Any]) -> None:
        """The clock, the figures that changed, those gone out of view, the player's talk and last applied step."""
        now = self._clock()
        tick = message["tick"]
        if tick > self._tick and self._tick_at is not None:
            measured = min((now - self._tick_at) / (tick - self._tick), 2.0)  # a long stall is not the pace
            self.tick_span = 0.7 * self.tick_span + 0.3 * measured
        if tick > self._tick or self._tick_at is None:
            self._tick, self._tick_at = tick, now
        self.day, self.minute = message["day"], message["minute"]
        self.talk, self.ack = message.get("talk"), max(self.ack, message.get("ack", 0))
        for fid, x, y, facing, variant, talking, kind, name in message["fig"]:
            self.names[fid] = name
            found = Figure(fid, name, x, y, (), variant, facing, bool(talking), kind != 0)
            if fid == self.me:
                self._server = found
            else:
                self._place(found, kind, now, self.tick_span)
        for fid in message["gone"]:
            self.tracks.pop(fid, None)
        self._reconcile(now)

    def _place(self, found: Figure, kind: int, now: float, span: float) -> None:
        """Take a figure's new state; a new tile starts a glide from where it is drawn now."""
        old = self.tracks.get(found.id)
        if old is None:
            self.tracks[found.id] = Track(found, kind, (found.x, found.y), now, 0.0)
        elif (old.figure.x, old.figure.y) == (found.x, found.y):
            old.figure, old.kind = found, kind
        else:
            start = old.spot(now)
            if max(abs(start[0] - found.x), abs(start[1] - found.y)) > SNAP_TILES:
                start = (found.x, found.y)
            self.tracks[found.id] = Track(found, kind, start, now, span)

    # ---- the player's own steps ---------------------------------------------------------------------

    def open(self, tile: Tile) -> bool:
        """Whether ``tile`` is on the map and not blocked."""
        x, y = tile
        return 0 <= y < len(self.grid) and 0 <= x < len(self.grid[y]) and self.grid[y][x] != "#"

    def predict(self, seq: int, dx: int, dy: int) -> bool:
        """Show the player's step ``seq`` at once; False (nothing to send) into a wall or in a conversation."""
        track = self.tracks.get(self.me)
        if track is None or self.talk is not None:
            return False
        tile = (track.figure.x + dx, track.figure.y + dy)
        if not self.open(tile):
            return False
        self._pending[seq] = tile
        self._place(replace(track.figure, x=tile[0], y=tile[1], facing=FACINGS[(dx, dy)]), track.kind,
                    self._clock(), self.step_span)
        return True

    def reject(self) -> None:
        """The server refused a step: forget the steps not yet answered and go back to where it says."""
        self._pending.clear()
        self._reconcile(self._clock())

    def _reconcile(self, now: float) -> None:
        """Draw the player where the server says, unless steps it has not answered yet are still on their way."""
        self._pending = {seq: tile for seq, tile in self._pending.items() if seq > self.ack}
        server = self._server
        if server is None:
            return
        if self._pending:
            track = self.tracks[self.me]
            track.figure = replace(server, x=track.figure.x, y=track.figure.y, facing=track.figure.facing)
        else:
            self._place(server, 1, now, self.step_span)
