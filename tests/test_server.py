"""The town server with real WebSocket clients: players share the town, talk, and cannot cheat or break it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from game.net.bot import Bot
from game.net.protocol import CHAT_BURST, VERSION
from game.net.server import TownServer
from game.world.simulation import ResidentState, Simulation

Scenario = Callable[[TownServer, str], Awaitable[None]]


def serve(scenario: Scenario, *, password: str | None = None, hours: float = 3.0, save: Path | None = None) -> None:
    """Run Oakvale (scripted brain) ``hours`` in, serve it at 4x on a free port, and play ``scenario`` against it."""
    sim = Simulation("oakvale", seed=1, brain="scripted")
    sim.run(hours=hours)

    async def main() -> None:
        server = TownServer(sim, password=password, speed=4.0, save=save)
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        running = asyncio.create_task(server.run("127.0.0.1", 0, ready))
        try:
            await scenario(server, f"ws://127.0.0.1:{await ready}")
        finally:
            server.stop()
            await running

    try:
        asyncio.run(main())
    finally:
        sim.close()


def at_work(sim: Simulation) -> list[ResidentState]:
    """Residents standing at their work now (they stay put for hours: good people to walk up to)."""
    return [r for r in sim.residents() if r.activity_kind == "work" and not r.walking_to and not r.talking]


async def meet(bot: Bot, sim: Simulation, taken: set[str]) -> ResidentState:
    """Walk up to a resident at work (not one in ``taken``) and start talking; the first that has time for it."""
    for host in [h for h in at_work(sim) if h.id not in taken]:
        beside = [t for t in ((host.tile[0] + dx, host.tile[1] + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))
                  if bot.path_to(t)]
        if not beside or not await bot.walk_to(beside[0]):
            continue
        refusals = len(bot.refused)
        await bot.send({"t": "talk", "to": host.id})
        await bot.until(lambda h=host.id, n=refusals: (bot.talk is not None and bot.talk["with"] == h)
                        or len(bot.refused) > n)
        if bot.talk is not None and bot.talk["with"] == host.id:
            return host
    raise AssertionError(f"{bot.me} found nobody with time to talk: {bot.refused[-3:]}")


def remembers(resident: ResidentState, name: str) -> list[str]:
    """A resident's memories that name ``name``."""
    return [m.text for m in resident.mind.memory.recent(500) if name in m.text]


def test_players_see_each_other_and_residents_answer_and_remember_each_by_name() -> None:
    async def scenario(server: TownServer, url: str) -> None:
        names = ("Ann", "Bob", "Cy")
        bots = [await Bot.join(url, name) for name in names]
        ids = {b.me for b in bots}
        assert len(ids) == 3
        for bot in bots:
            assert await bot.until(lambda b=bot: b.figures.keys() >= ids), "the next tick shows who joined later"
        hosts: list[ResidentState] = []
        for bot, name in zip(bots, names, strict=True):
            host = await meet(bot, server.sim, {h.id for h in hosts})
            hosts.append(host)
            await bot.send({"t": "say", "text": f"Hello, I'm {name}, new in town."})
            assert await bot.until(lambda b=bot, h=host: any(x["who"] == h.id and x["to"] == b.me for x in b.heard))
            await bot.send({"t": "leave"})
            assert await bot.until(lambda b=bot: b.talk is None)
        for bot in bots:
            others = [b.me for b in bots if b is not bot]
            assert all(bot.moves_seen.get(o, 0) >= 1 for o in others), "each saw the others walk"
            assert bot.latencies and all(r["what"] == "talk" or r["why"].startswith("you are in a conversation")
                                         for r in bot.refused), "only residents busy or stopping it for a chat"
        for host, name in zip(hosts, names, strict=True):
            assert remembers(server.sim.resident(host.id), name), f"{host.id} remembers {name} by name"
        assert remembers(server.sim.resident(hosts[0].id), "Ann") and not remembers(server.sim.resident(hosts[0].id),
                                                                                     "Cy")
        for bot in bots:
            await bot.close()

    serve(scenario)


def test_cheats_floods_and_garbage_are_refused_or_closed_while_the_others_carry_on() -> None:
    async def scenario(server: TownServer, url: str) -> None:
        good, cheat, flooder = [await Bot.join(url, name) for name in ("Good", "Cheat", "Flooder")]
        x, y = cheat.position or (0, 0)
        wall = next((dx, dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)) if cheat.grid[y + dy][x + dx] == "#") \
            if any(cheat.grid[y + dy][x + dx] == "#" for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))) else None
        if wall is None:  # walk up to a wall first
            goal = next((gx, gy) for gy, row in enumerate(cheat.grid) for gx, c in enumerate(row)
                        if c == "." and gx + 1 < len(row) and row[gx + 1] == "#" and cheat.path_to((gx, gy)))
            assert await cheat.walk_to(goal)
            wall = (1, 0)
        before = cheat.position
        assert not await cheat.step(*wall) and cheat.position == before
        assert cheat.refused[-1]["why"] == "the way is blocked"
        assert not await cheat.step(5, 0) and cheat.refused[-1]["why"].startswith("one tile at a time")
        await asyncio.sleep(0.15)
        assert await cheat.step(-wall[0], -wall[1]), "an honest step still works"
        for index in range(CHAT_BURST + 3):
            await flooder.send({"t": "say", "text": f"spam {index}"})
        assert await flooder.until(lambda: sum(r["why"].startswith("too many lines") for r in flooder.refused) >= 3)
        assert sum(h["who"] == flooder.me for h in good.heard) <= CHAT_BURST
        await flooder.send({"t": "say", "text": "x" * 500})
        assert await flooder.until(lambda: flooder.refused[-1]["why"] == "a line is at most 200 characters")

        async def closed_with(message: str | bytes | dict[str, Any], name: str) -> tuple[int | None, str]:
            bot = await Bot.join(url, name)
            await (bot.connection.send(message) if isinstance(message, str | bytes) else bot.send(message))
            assert await bot.until(lambda: bot.closed is not None)
            assert bot.closed is not None
            return bot.closed

        assert await closed_with({"t": "move", "dx": 1, "dy": 0, "seq": 1, "actor": good.me}, "Impostor") == (
            1008, 'move: unexpected field "actor" (commands act for your own avatar only)')
        assert await closed_with("{not json", "Garbage") == (1003, "not JSON (Expecting property name enclosed in "
                                                                     "double quotes)")
        assert (await closed_with({"t": "teleport", "x": 3}, "Unknown"))[1] == 'unknown message type "teleport"'
        assert await closed_with("[" * 4000, "Deep") == (1003, "not a message: nested too deeply")
        assert (await closed_with(b"\x00\x01", "Binary"))[0] == 1003
        assert (await closed_with(json.dumps({"t": "say", "text": "y" * 9000}), "Huge"))[0] == 1009, "frame too big"
        burst = await Bot.join(url, "Burst")
        for seq in range(200):
            await burst.send({"t": "ping", "seq": seq})
        assert await burst.until(lambda: burst.closed is not None)
        assert burst.closed is not None and burst.closed[1].startswith("flooding")
        async with connect(url) as raw:  # a first message that is not a hello
            await raw.send(json.dumps({"t": "move", "dx": 1, "dy": 0, "seq": 1}))
            await raw.wait_closed()
            assert raw.close_reason == 'expected "hello" first, got "move"'
        tick = server.sim.clock.tick
        assert await good.walk_to(good.tile_away(3)), "the good client still walks"
        assert server.sim.clock.tick > tick and good.closed is None and not good.refused
        assert good.figures["player-impostor"][5] == 2 and good.figures[flooder.me][5] == 1, \
            "a closed client's avatar stays, shown as away; the others still play"
        for bot in (good, cheat, flooder):
            await bot.close()

    serve(scenario)


def test_a_password_keeps_strangers_out_and_a_token_brings_a_player_back_where_it_was(tmp_path: Path) -> None:
    async def scenario(server: TownServer, url: str) -> None:
        async with connect(url) as raw:
            await raw.send(json.dumps({"t": "hello", "v": VERSION, "name": "Eve"}))
            await raw.wait_closed()
            assert (raw.close_code, raw.close_reason) == (1008, "wrong or missing password")
        ann = await Bot.join(url, "Ann", password="open sesame")
        await ann.walk_to(ann.tile_away(4))
        spot, token, me = ann.position, ann.token, ann.me
        watcher = await Bot.join(url, "Watcher", password="open sesame")
        await ann.close()
        assert await watcher.until(lambda: watcher.figures.get(me, [0] * 6)[5] == 2), "shown as away"
        for name, key in (("Ann", None), ("ann", "wrong")):
            async with connect(url) as raw:
                await raw.send(json.dumps({"t": "hello", "v": VERSION, "name": name, "token": key,
                                           "password": "open sesame"}))
                await raw.wait_closed()
                assert raw.close_reason == "hello: 'Ann' was taken; come back with its token or choose another"
        back = await Bot.join(url, "Ann", password="open sesame", token=token)
        assert (back.me, back.position) == (me, spot)
        assert await watcher.until(lambda: watcher.figures.get(me, [0] * 6)[5] == 1), "back, shown as playing"
        async with connect(url) as raw:
            await raw.send(json.dumps({"t": "hello", "v": VERSION, "name": "Mara Quinn", "password": "open sesame"}))
            await raw.wait_closed()
            assert raw.close_reason == "hello: 'Mara Quinn' is a resident's name; choose another"
        async with connect(url) as raw:
            await raw.send(json.dumps({"t": "hello", "v": VERSION, "name": "ANN", "token": token,
                                       "password": "open sesame"}))
            await raw.wait_closed()
            assert raw.close_reason == "hello: 'Ann' is playing already"
        await back.close()
        await watcher.close()

    save = tmp_path / "town.sqlite"
    serve(scenario, password="open sesame", save=save)
    assert save.stat().st_size > 0, "the server saved the town when it stopped"


@pytest.mark.parametrize("name", ["", "   ", "!!!"])
def test_an_empty_name_is_refused(name: str) -> None:
    async def scenario(server: TownServer, url: str) -> None:
        async with connect(url) as raw:
            await raw.send(json.dumps({"t": "hello", "v": VERSION, "name": name}))
            await raw.wait_closed()
            assert "the name is empty" in (raw.close_reason or "")

    serve(scenario, hours=0)


def test_a_resumed_town_gives_its_players_back_their_places(tmp_path: Path) -> None:
    save = tmp_path / "town.sqlite"
    where: dict[str, Any] = {}

    async def first(server: TownServer, url: str) -> None:
        ann = await Bot.join(url, "Ann")
        assert await ann.walk_to(ann.tile_away(5))
        where["ann"] = (ann.me, ann.position)
        await ann.close()

    serve(first, save=save)
    sim = Simulation.resume(save, brain="scripted")

    async def second() -> None:
        server = TownServer(sim, speed=4.0)
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        running = asyncio.create_task(server.run("127.0.0.1", 0, ready))
        url = f"ws://127.0.0.1:{await ready}"
        watcher = await Bot.join(url, "Watcher")
        assert await watcher.until(lambda: watcher.figures.get(where["ann"][0], [0] * 6)[5] == 2), "away till back"
        ann = await Bot.join(url, "Ann")  # the server restarted: her token went with it, her name brings her back
        assert (ann.me, ann.position) == where["ann"]
        async with connect(url) as raw:
            await raw.send(json.dumps({"t": "hello", "v": VERSION, "name": "Ann"}))
            await raw.wait_closed()
            assert raw.close_reason == "hello: 'Ann' is playing already"
        server.stop()
        await running

    try:
        asyncio.run(second())
    finally:
        sim.close()


def test_an_avatar_away_past_the_reconnect_time_leaves_the_town() -> None:
    import time

    from game.net.protocol import RECONNECT_SECONDS, Hello
    from game.net.seats import Seats
    with Simulation("oakvale", seed=1, brain="scripted") as sim:
        seats = Seats(sim)
        seat = seats.admit(Hello("Ann", None, None), time.monotonic())
        assert seat.player_id in sim.town.residents and seats.player_ids() == {seat.player_id}
        seats.away(seat, 100.0)
        seats.expire(100.0 + RECONNECT_SECONDS - 1)
        assert sim.town.entity_of(seat.player_id) is not None, "still waiting for Ann"
        seats.expire(100.0 + RECONNECT_SECONDS + 1)
        assert sim.town.entity_of(seat.player_id) is None and seat.player_id not in sim.town.residents
        assert not seats.player_ids() and seats.admit(Hello("Ann", None, None), 0.0).player_id == seat.player_id
        sim.step(3)  # the town goes on without her old avatar
