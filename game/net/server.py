"""The town server: one simulation, run at the server's pace, shared over WebSockets by any number of players.

The server decides everything. A client's messages are checked (game/net/protocol.py) and become commands for
its own avatar only, through the same rules the window's keys meet (game/world/processors/commands.py). A step
is applied as it arrives, so its sender sees it at once; everything else is applied at the next tick. After each
tick every client gets what changed near its avatar, the lines said within hearing, and why any of its commands
were refused. A client that breaks the protocol is closed with the reason; the town and the others carry on.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections import deque
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from game.net import protocol as p
from game.net.seats import Seat, Seats, chebyshev
from game.world.commands import Leave, Say, SayAloud, StartTalk, Typing, Walk
from game.world.player import MAX_LINE
from game.world.processors.commands import apply_command
from game.world.simulation import Simulation
from game.world.snapshot import Figure, figures

HELLO_SECONDS = 10.0
"""A connection that has not said hello by then is closed."""

OUTBOX = 512
"""Messages waiting for one slow client at most; past that it is closed (it cannot keep up)."""


class TownServer:
    """Runs ``sim`` in real time (``speed`` x the world's pace) and serves it to clients on ``host``:``port``."""

    def __init__(self, sim: Simulation, *, password: str | None = None, speed: float = 1.0,
                 save: Path | None = None):
        self.sim = sim
        self.password = password
        self.speed = speed
        self.save_path = save
        self.seats = Seats(sim)
        self.tick_seconds = sim.clock.tick_seconds / (sim.options.time_scale * speed)
        """Real seconds per tick: the budget a tick must stay within."""
        self.tick_times: deque[float] = deque(maxlen=10_000)
        """Wall seconds each tick took (simulation and sending), latest last."""
        self.port = 0
        self._events_seen = len(sim.events)
        self._stop = asyncio.Event()

    async def run(self, host: str = "127.0.0.1", port: int = 8765, ready: asyncio.Future[int] | None = None) -> None:
        """Serve until ``stop`` (or cancellation); save at the end when a save path was given."""
        async with serve(self._handle, host, port, max_size=p.MAX_FRAME, max_queue=64,
                         ping_interval=20, ping_timeout=20) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            if ready is not None:
                ready.set_result(self.port)
            try:
                await self._ticks()
            finally:
                for seat in self.seats.connected():
                    await seat.close(1001, "the server is stopping")
                if self.save_path is not None:
                    self.sim.save(self.save_path)

    def stop(self) -> None:
        """Ask the server to stop after the current tick."""
        self._stop.set()

    # ---- the clock -----------------------------------------------------------------------------

    async def _ticks(self) -> None:
        """Step the town once per tick interval and send each client what changed near it."""
        loop = asyncio.get_running_loop()
        due = loop.time()
        while not self._stop.is_set():
            due += self.tick_seconds
            try:
                await asyncio.wait_for(self._stop.wait(), max(0.0, due - loop.time()))
                break
            except TimeoutError:
                pass
            began = time.perf_counter()
            self.sim.step(1)
            self.seats.expire(time.monotonic())
            self._broadcast()
            self.tick_times.append(time.perf_counter() - began)
            if loop.time() - due > 1.0:  # far behind (a long pause): do not run ticks back to back to catch up
                due = loop.time()

    def _broadcast(self) -> None:
        """After a tick: updates, lines heard and refusals for every connected client."""
        everyone = {f.id: f for f in figures(self.sim.town)}
        records = self.sim.events[self._events_seen:]
        self._events_seen = len(self.sim.events)
        said = [r for r in records if r["type"] == "said"]
        for seat in self.seats.connected():
            self._update(seat, everyone)
            me = everyone.get(seat.player_id)
            for record in said:
                speaker = everyone.get(record["npc"])
                near = me is not None and speaker is not None and chebyshev(me, speaker) <= p.HEARING
                if near or seat.player_id in (record["npc"], record["to"]):
                    seat.send(p.encode("said", who=record["npc"], to=record["to"], text=record["text"],
                                       name=self.seats.name_of(record["npc"]), tick=record["tick"]))
            for outcome in self.sim.outcomes(seat.player_id):
                if outcome.refused:
                    seat.send(p.encode("refused", what=_kind(outcome.command), why=outcome.refused))

    def _update(self, seat: Seat, everyone: dict[str, Figure]) -> None:
        """Send ``seat`` the figures near it that changed since it last heard, and those gone out of view."""
        me = everyone.get(seat.player_id)
        if me is None:
            return
        near = {f.id: f for f in everyone.values() if chebyshev(me, f) <= p.VIEW}
        changed = []
        for fid, figure in near.items():
            state = self.seats.state(figure)
            if seat.sent.get(fid) != state:
                seat.sent[fid] = state
                changed.append([fid, *state])
        gone = sorted(set(seat.sent) - set(near))
        for fid in gone:
            del seat.sent[fid]
        clock = self.sim.clock
        seat.send(p.encode("update", tick=clock.tick, day=clock.day, minute=clock.minute_of_day, ack=seat.ack,
                           fig=changed, gone=gone, talk=self.seats.talk_state(seat)))

    # ---- connections ---------------------------------------------------------------------------

    async def _handle(self, connection: ServerConnection) -> None:
        """One client: hello, welcome, then its messages until it goes (or breaks the protocol)."""
        try:
            hello = p.parse_hello(await asyncio.wait_for(connection.recv(), HELLO_SECONDS))
            if self.password is not None and not hmac.compare_digest((hello.password or "").encode(),
                                                                     self.password.encode()):
                raise p.ProtocolError("wrong or missing password")
            seat = self.seats.admit(hello, time.monotonic())
        except p.ProtocolError as error:
            await _close(connection, error.code, str(error))
            return
        except (TimeoutError, ConnectionClosed):
            await connection.close(p.CLOSE_POLICY, "no hello")
            return
        seat.attach(connection, OUTBOX)
        assert seat.outbox is not None
        writer = asyncio.create_task(seat.write(connection, seat.outbox))
        seat.send(self.seats.welcome(seat))
        self._update(seat, {f.id: f for f in figures(self.sim.town)})
        try:
            async for frame in connection:
                seat.count(time.monotonic())
                self._on_message(seat, p.parse(frame))
        except p.ProtocolError as error:
            await _close(connection, error.code, str(error))
        except ConnectionClosed:
            pass
        finally:
            writer.cancel()
            if seat.connection is connection:
                apply_command(self.sim.town, Leave(seat.player_id))
                self.seats.away(seat, time.monotonic())

    def _on_message(self, seat: Seat, message: p.Message) -> None:
        """Carry out one checked message for the seat's own avatar (refusals go back to it)."""
        fields, pid = message.fields, seat.player_id
        match message.type:
            case "move":
                dx, dy = fields["dx"], fields["dy"]
                if {abs(dx), abs(dy)} != {0, 1}:
                    return seat.refuse("move", "one tile at a time (one of dx, dy is 1 or -1)", seq=fields["seq"])
                if not seat.may_step(time.monotonic()):
                    return seat.refuse("move", "faster than walking pace", seq=fields["seq"])
                why = apply_command(self.sim.town, Walk(pid, dx, dy))
                if why:
                    return seat.refuse("move", why, seq=fields["seq"])
                seat.steps, seat.ack = seat.steps - 1, fields["seq"]
                self._update(seat, {f.id: f for f in figures(self.sim.town)})
            case "say":
                text = fields["text"]
                if len(text) > MAX_LINE:
                    return seat.refuse("say", f"a line is at most {MAX_LINE} characters")
                if not seat.may_chat(time.monotonic()):
                    return seat.refuse("say", "too many lines too fast: wait a moment")
                talking = self.seats.talk_state(seat) is not None
                self.sim.command(Say(pid, text) if talking else SayAloud(pid, text))
            case "talk":
                if fields["to"] in self.seats.player_ids():
                    return seat.refuse("talk", "talk to other players by saying it aloud near them")
                self.sim.command(StartTalk(pid, fields["to"]))
            case "leave":
                self.sim.command(Leave(pid))
            case "typing":
                self.sim.command(Typing(pid))
            case "ping":
                seat.send(p.encode("pong", seq=fields["seq"]))
        return None


async def _close(connection: ServerConnection, code: int, reason: str) -> None:
    """Close a connection with a reason, reading (and dropping) what it still sends until its close arrives.

    A flooding client's frames fill the incoming queue; unread, they would hide its close frame until the
    close timed out.
    """
    closing = asyncio.create_task(connection.close(code, reason[:120]))
    try:
        async for _ in connection:
            pass
    except ConnectionClosed:
        pass
    await closing


def _kind(command: Any) -> str:
    """A command's name as the protocol says it."""
    return {"Walk": "move", "StartTalk": "talk", "Say": "say", "SayAloud": "say", "Leave": "leave",
            "Typing": "typing"}.get(type(command).__name__, type(command).__name__.lower())
