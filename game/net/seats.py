"""The server's players: who holds which avatar, their tokens, what each client was last sent, and their limits."""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from game.net import protocol as p
from game.world.player import clean_name, conversation_of
from game.world.simulation import Simulation
from game.world.snapshot import Figure, figures

MAX_PLAYERS = 64
"""Players connected at once at most; the next is told to try again later."""


def chebyshev(a: Figure, b: Figure) -> int:
    """Tiles between two figures, diagonals counting one."""
    return max(abs(a.x - b.x), abs(a.y - b.y))


@dataclass(eq=False)
class Seat:
    """One player: its avatar, its secret, its connection (None while away) and what it was last sent."""

    name: str
    player_id: str
    token: str
    connection: ServerConnection | None = None
    away_since: float | None = None
    sent: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Figure id -> the state this client last got (deltas send only what differs)."""
    ack: int = 0
    """The last step (its seq) applied."""
    steps: float = p.STEP_BURST
    """Steps it may take now (walking pace: one more every ``STEP_SECONDS``, at most ``STEP_BURST``)."""
    steps_at: float = 0.0
    strikes: int = 0
    chat_allowance: float = p.CHAT_BURST
    chat_at: float = 0.0
    recent: deque[float] = field(default_factory=deque)
    outbox: asyncio.Queue[str] | None = None
    bytes_sent: int = 0
    closing: asyncio.Future[None] | None = None

    def attach(self, connection: ServerConnection, limit: int) -> None:
        """Take ``connection``: from now on this seat's messages queue for it (``write`` sends them)."""
        self.connection, self.away_since, self.sent, self.strikes = connection, None, {}, 0
        self.outbox = asyncio.Queue(limit)

    async def write(self, connection: ServerConnection, outbox: asyncio.Queue[str]) -> None:
        """Send the queued messages to ``connection``, in order, until it closes."""
        try:
            while True:
                frame = await outbox.get()
                await connection.send(frame)
                self.bytes_sent += len(frame.encode("utf-8"))
        except ConnectionClosed:
            pass

    def send(self, frame: str) -> None:
        """Queue a message; a client too slow to take its messages is closed."""
        if self.outbox is None or self.connection is None:
            return
        try:
            self.outbox.put_nowait(frame)
        except asyncio.QueueFull:
            self.outbox = None  # nothing more is queued; the close goes out on its own
            self.closing = asyncio.ensure_future(self.close(p.CLOSE_TRY_AGAIN, "too slow: messages piled up"))

    async def close(self, code: int, reason: str) -> None:
        """Close this seat's connection (if it has one) with a code and reason."""
        if self.connection is not None:
            await self.connection.close(code, reason)

    def refuse(self, what: str, why: str, **extra: Any) -> None:
        """Tell the client a command was refused; too many refusals close it (a client cheating or broken)."""
        self.strikes += 1
        self.send(p.encode("refused", what=what, why=why, **extra))
        if self.strikes > p.STRIKES:
            raise p.ProtocolError(f"too many refused commands (last: {why})")

    def count(self, now: float) -> None:
        """Count one message; more than the protocol allows in a second closes the connection."""
        self.recent.append(now)
        while self.recent and now - self.recent[0] > 1.0:
            self.recent.popleft()
        if len(self.recent) > p.MESSAGES_PER_SECOND:
            raise p.ProtocolError(f"flooding: more than {p.MESSAGES_PER_SECOND} messages in a second")

    def may_step(self, now: float) -> bool:
        """Whether one more step may be taken now, at walking pace."""
        self.steps = min(p.STEP_BURST, self.steps + (now - self.steps_at) / p.STEP_SECONDS)
        self.steps_at = now
        return self.steps >= 1

    def may_chat(self, now: float) -> bool:
        """Whether one more line may be said now (a burst, then one every ``CHAT_EVERY`` seconds)."""
        self.chat_allowance = min(p.CHAT_BURST, self.chat_allowance + (now - self.chat_at) / p.CHAT_EVERY)
        self.chat_at = now
        if self.chat_allowance < 1:
            return False
        self.chat_allowance -= 1
        return True


class Seats:
    """Every player the server knows, connected or away, by the lower-case name."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.by_name: dict[str, Seat] = {}
        self.by_id: dict[str, Seat] = {}
        """The same seats by avatar id."""
        self._resident_names = {n.lower() for pe in sim.world.personas for n in (pe.name, pe.first_name)}
        self._names = {pe.id: pe.first_name for pe in sim.world.personas}
        for figure in figures(sim.town):  # players in a resumed save: away, and theirs to claim by name
            if figure.player:
                name = sim.resident(figure.id).persona.name
                self.by_name[name.lower()] = self.by_id[figure.id] = Seat(name, figure.id, "",
                                                                          away_since=time.monotonic())
                self._names[figure.id] = name

    def connected(self) -> list[Seat]:
        """Seats with a live connection."""
        return [s for s in self.by_name.values() if s.connection is not None and s.outbox is not None]

    def admit(self, hello: p.Hello, now: float) -> Seat:
        """The seat for a hello: a new player, or one coming back with its token; ProtocolError when refused."""
        name = clean_name(hello.name)
        key = name.lower()
        if not name:
            raise p.ProtocolError("hello: the name is empty once cleaned (letters, digits, spaces, ' . -)")
        if key in self._resident_names:
            raise p.ProtocolError(f"hello: '{name}' is a resident's name; choose another")
        seat = self.by_name.get(key)
        if seat is not None:
            if seat.connection is not None:
                raise p.ProtocolError(f"hello: '{seat.name}' is playing already")
            if seat.token and not hmac.compare_digest((hello.token or "").encode(), seat.token.encode()):
                raise p.ProtocolError(f"hello: '{seat.name}' was taken; come back with its token or choose another")
            seat.token = seat.token or secrets.token_urlsafe(18)  # a player from a save: the first to come back
            return seat
        if len(self.connected()) >= MAX_PLAYERS:
            raise p.ProtocolError("the town is full; try again later", p.CLOSE_TRY_AGAIN)
        slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "x"
        player_id = f"player-{slug}"
        while player_id in self.sim.town.residents:
            player_id += "-"
        self.sim.join_player(player_id, name)
        self._names[player_id] = name
        seat = Seat(name, player_id, secrets.token_urlsafe(18))
        self.by_name[key] = self.by_id[player_id] = seat
        return seat

    def player_ids(self) -> set[str]:
        """The avatar ids of every player, connected or away."""
        return set(self.by_id)

    def away(self, seat: Seat, now: float) -> None:
        """The seat's client went: its avatar stays, drawn as away, until it comes back or expires."""
        seat.connection, seat.outbox, seat.away_since = None, None, now

    def expire(self, now: float) -> None:
        """Take out of the town the avatars away for longer than ``RECONNECT_SECONDS``."""
        for key, seat in list(self.by_name.items()):
            if seat.away_since is not None and now - seat.away_since > p.RECONNECT_SECONDS:
                town = self.sim.town
                entity = town.entity_of(seat.player_id)
                if entity is not None:
                    town.ecs.delete_entity(entity)
                town.residents.pop(seat.player_id, None)
                del self.by_name[key], self.by_id[seat.player_id]

    def name_of(self, figure_id: str | None) -> str:
        """The name shown for a resident or player id."""
        return self._names.get(figure_id or "", figure_id or "")

    def state(self, figure: Figure) -> tuple[Any, ...]:
        """What a client draws of a figure: x, y, facing, variant, talking, kind (0 resident, 1 player, 2 away)."""
        kind = 0
        if figure.player:
            seat = self.by_id.get(figure.id)
            kind = 2 if seat is None or seat.connection is None else 1
        return (figure.x, figure.y, figure.facing, figure.variant, figure.talking, kind, self.name_of(figure.id))

    def talk_state(self, seat: Seat) -> dict[str, Any] | None:
        """The seat's conversation: with whom, and whether it is the player's turn; None when not talking."""
        entity = self.sim.town.entity_of(seat.player_id)
        current = conversation_of(self.sim.town, entity) if entity is not None else None
        if current is None:
            return None
        conversation = current[1]
        partner = next((m for m in conversation.participants if m != seat.player_id), "")
        return {"with": partner, "name": self.name_of(partner),
                "turn": conversation.participants[conversation.speaker] == seat.player_id}

    def welcome(self, seat: Seat) -> str:
        """The first message to a client: who it is, its token, the map and the names of everyone."""
        tilemap, clock = self.sim.world.tilemap, self.sim.clock
        grid = ["".join("#" if row[x] else "." for x in range(tilemap.width)) for row in tilemap.blocked]
        return p.encode("welcome", v=p.VERSION, you=seat.player_id, name=seat.name, token=seat.token,
                        world=self.sim.world.name, map=tilemap.path.read_text(encoding="utf-8"),
                        tile=tilemap.tile_size, grid=grid, names=dict(self._names), tick=clock.tick,
                        day=clock.day, minute=clock.minute_of_day, tick_seconds=clock.tick_seconds,
                        step_seconds=p.STEP_SECONDS)
