"""The joined window (`npcworld join`) against a real town server: it draws the town and the other players, walks,
talks through the chat box, comes back with its token, and says why a refused join was refused."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import threading
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pygame
import pytest

from game.net.bot import Bot
from game.net.server import TownServer
from game.view.remote import join_window, load_served_map
from game.view.remote_game import RemoteGame
from game.view.remote_scene import RemoteScene
from game.view.remote_script import ARROWS, Visit, follow, press
from game.view.render import Renderer
from game.view.tokens import load_token, save_token
from game.world.loader import WORLDS_DIR
from game.world.simulation import Simulation

PASSWORD = "oak and ash"


class Served:
    """A town server on its own asyncio loop in a thread; the window runs on the main thread, as a player's does."""

    def __init__(self, sim: Simulation, password: str | None = None, speed: float = 1.0):
        self.server = TownServer(sim, password=password, speed=speed)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.port = self.call(self._start())
        self.url = f"ws://127.0.0.1:{self.port}"

    async def _start(self) -> int:
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(self.server.run("127.0.0.1", 0, ready))
        return await ready

    def submit(self, work: Coroutine[Any, Any, Any]) -> concurrent.futures.Future[Any]:
        """Run a coroutine on the server's loop (a bot, say) without waiting for it."""
        return asyncio.run_coroutine_threadsafe(work, self.loop)

    def call(self, work: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
        """Run a coroutine on the server's loop and wait for its result."""
        return self.submit(work).result(timeout)

    def stop(self) -> None:
        async def end() -> None:
            self.server.stop()
            await self.task
        self.call(end())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def town() -> Iterator[Served]:
    """Oakvale at 09:30 (people at work), served with a password at the usual pace."""
    sim = Simulation("oakvale", seed=1, brain="scripted")
    sim.run(hours=3)
    served = Served(sim, password=PASSWORD)
    yield served
    served.stop()
    sim.close()


@pytest.fixture(autouse=True)
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profile folder of the test's own, where the window keeps its tokens."""
    folder = tmp_path / "config"
    monkeypatch.setenv("NPCWORLD_CONFIG", str(folder))
    return folder


def welcome(tmp_path: Path, **fields: Any) -> tuple[RemoteScene, list[float]]:
    """The scene built from a welcome as the server sends it (Oakvale's map), and its clock (set ``[0]`` by hand)."""
    message: dict[str, Any] = {"t": "welcome", "you": "player-tess", "name": "Tess", "token": "t", "world": "Oakvale",
               "map": (WORLDS_DIR / "oakvale" / "map.tmx").read_text(encoding="utf-8"), "tile": 16,
               "grid": [], "names": {}, "tick": 0, "day": 1, "minute": 570, "tick_seconds": 12, "step_seconds": 0.1}
    message.update(fields)
    tilemap = load_served_map(message["map"], tmp_path)
    if not message["grid"]:
        message["grid"] = ["".join("#" if cell else "." for cell in row) for row in tilemap.blocked]
    now = [0.0]
    return RemoteScene(message, tilemap, clock=lambda: now[0]), now


def update(tick: int, fig: list[list[Any]], ack: int = 0, gone: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"t": "update", "tick": tick, "day": 1, "minute": 570, "ack": ack, "fig": fig, "gone": list(gone),
            "talk": None}


def test_a_figure_halfway_between_two_updates_is_drawn_halfway(tmp_path: Path) -> None:
    pygame.init()
    pygame.display.set_mode((320, 240))
    try:
        scene, now = welcome(tmp_path)
        scene.take(update(1, [["ann", 10, 5, 0, 1, False, 0, "Ann"], ["player-tess", 20, 12, 0, 2, False, 1, "Tess"]]))
        now[0] = 0.2  # the next tick, 0.2 s later (12 game seconds at 60x: the pace guessed and measured agree)
        scene.take(update(2, [["ann", 11, 5, 2, 1, False, 0, "Ann"]]))
        assert scene.tick_span == pytest.approx(0.2)
        ann = scene.figure("ann")
        assert ann is not None and (ann.x, ann.y) == (11, 5)
        now[0] = 0.3  # half a tick after the update that moved her
        assert scene.spot(ann, 0.0) == pytest.approx((10.5, 5.0))
        renderer = Renderer(scene, (320, 240), me=scene.me)
        assert renderer.world_xy_of("ann", 0.0) == pytest.approx((11.0 * 16, 5.5 * 16)), "drawn halfway, in pixels"
        now[0] = 0.45  # a late update never makes her overshoot
        assert scene.spot(ann, 0.0) == pytest.approx((11.0, 5.0))
        now[0] = 0.3  # a new tile while she is still gliding (drawn at 10.5) starts from where she is drawn
        scene.take(update(3, [["ann", 12, 5, 2, 1, False, 0, "Ann"]]))
        now[0] = 0.3 + scene.tick_span / 2
        assert scene.spot(ann, 0.0)[0] == pytest.approx(11.25)
        scene.take(update(4, [["ann", 30, 5, 2, 1, False, 0, "Ann"]]))
        assert scene.spot(ann, 0.0) == (30, 5), "a jump across the map is not slid"
        scene.take(update(5, [], gone=("ann",)))
        assert scene.figure("ann") is None
    finally:
        pygame.quit()


def test_your_own_steps_show_at_once_never_go_through_walls_and_follow_the_server(tmp_path: Path) -> None:
    row = "#" * 5 + "." * 5 + "#" * 5
    scene, _ = welcome(tmp_path, grid=[row] * 3)
    scene.take(update(1, [["player-tess", 6, 1, 0, 2, False, 1, "Tess"]]))
    assert scene.predict(1, 1, 0), "an open tile: shown at once"
    me = scene.figure(scene.me)
    assert me is not None and (me.x, me.y, me.facing) == (7, 1, 2)
    scene.take(update(1, [], ack=0))
    me = scene.figure(scene.me)
    assert me is not None and me.x == 7, "a step not answered yet stays shown"
    assert scene.predict(2, -1, 0) and scene.predict(3, -1, 0), "back to x=6, then x=5"
    assert not scene.predict(4, -1, 0), "x=4 is a wall: the step is not shown, and nothing is sent"
    me = scene.figure(scene.me)
    assert me is not None and me.x == 5
    scene.reject()
    me = scene.figure(scene.me)
    assert me is not None and me.x == 6, "a refused step goes back to where the server says"
    scene.take(update(2, [["player-tess", 7, 1, 2, 2, False, 1, "Tess"]], ack=1))
    me = scene.figure(scene.me)
    assert me is not None and me.x == 7
    scene.talk = {"with": "ann", "name": "Ann", "turn": True}
    assert not scene.predict(5, 1, 0), "no steps in a conversation"


def test_a_refused_join_says_why_and_returns_2(town: Served, capsys: pytest.CaptureFixture[str]) -> None:
    assert join_window(town.url, name="Tess", password="wrong", frames=5, size=(320, 240)) == 2
    assert "wrong or missing password" in capsys.readouterr().err
    assert join_window("ws://127.0.0.1:9", name="Tess", frames=5, size=(320, 240)) == 2
    assert "cannot reach ws://127.0.0.1:9" in capsys.readouterr().err


class Checks:
    """The scripted player of the window test: a step with the keys, then a visit; it notes what it saw."""

    def __init__(self, town: Served, bot: Bot):
        self.town, self.bot = town, bot
        self.began = time.monotonic()
        self.first: tuple[int, int] | None = None
        self.stepped_to: tuple[int, int] | None = None
        self.walked = False
        self.saw_bot: str | None = None
        self.saw_residents: set[str] = set()
        self.saw_away: str | None = None
        self.visit = Visit("Hello! I'm Tess, new in town.", then=self.after)
        self.closing: concurrent.futures.Future[Any] | None = None
        self.game: RemoteGame | None = None

    def __call__(self, game: RemoteGame) -> None:
        self.game = game
        scene, labels = game.scene, game.renderer.labels
        self.saw_bot = self.saw_bot or labels.get(self.bot.me)
        self.saw_residents |= {f.id for f in map(scene.figure, labels) if f is not None and not f.player}
        if time.monotonic() - self.began > 120:
            pygame.event.post(pygame.event.Event(pygame.QUIT))
        me = scene.figure(scene.me)
        if me is None:
            return
        if self.first is None:  # the first step, with the arrow keys, onto an open tile
            self.first = (me.x, me.y)
            way = next(d for d in ARROWS if scene.open((me.x + d[0], me.y + d[1])))
            self.stepped_to = (me.x + way[0], me.y + way[1])
            press(ARROWS[way])
        elif not self.walked:
            self.walked = scene.ack >= 1 and (me.x, me.y) == self.stepped_to
        else:
            self.visit(game)

    def after(self, game: RemoteGame) -> None:
        """After the answer: the bot goes away; once the window shows it faded, quit."""
        if self.closing is None:
            self.closing = self.town.submit(self.bot.close())
        bot = game.scene.figure(self.bot.me)
        if bot is not None and game.scene.away(bot) and game.renderer.labels.get(self.bot.me):
            self.saw_away = game.renderer.labels[self.bot.me]
            pygame.event.post(pygame.event.Event(pygame.QUIT))


def test_the_window_walks_talks_and_shows_the_other_player_then_comes_back_as_itself(
        town: Served, tmp_path: Path, profile: Path) -> None:
    bot = town.call(Bot.join(town.url, "Robin", password=PASSWORD))
    follower = town.submit(follow(bot, "player-tess", say="Hi Tess!"))
    checks = Checks(town, bot)
    shot = tmp_path / "joined.png"
    assert join_window(town.url, name="Tess", password=PASSWORD, size=(960, 640), frames=60 * 120, screenshot=shot,
                       driver=checks) == 0
    follower.result(10)
    game = checks.game
    assert game is not None and game.scene.me == "player-tess"
    assert checks.walked, "an arrow key stepped the player and the server applied it"
    assert checks.saw_bot == "Robin", "the other player is drawn with its name"
    assert checks.saw_residents, "residents are drawn with theirs"
    answer = checks.visit.answer
    assert answer is not None and answer.to == "player-tess" and not answer.who.startswith("player"), \
        "a resident answered the line typed into the chat box"
    assert any("You to" in line and "new in town" in line for line in game.log_lines)
    assert any("Robin to all: Hi Tess!" in line for line in game.log_lines), "what the other player says is heard"
    assert checks.saw_away == "Robin (away)", "a player whose client left is drawn faded and marked away"
    image = pygame.image.load(str(shot))
    assert image.get_size() == (960, 640)
    kept = json.loads((profile / "servers.json").read_text(encoding="utf-8"))
    assert kept[town.url]["tess"], "the token is kept for this server and name"
    me = game.scene.figure("player-tess")
    assert me is not None
    left_at = (me.x, me.y)

    again: list[tuple[int, int]] = []

    def look(game: RemoteGame) -> None:
        figure = game.scene.figure(game.scene.me)
        if figure is not None:
            again.append((figure.x, figure.y))
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    assert join_window(town.url, name="Tess", password=PASSWORD, size=(320, 240), frames=600, driver=look) == 0
    assert again and again[0] == left_at, "the kept token put Tess back where she was"


def test_speed_keys_stay_here_and_the_server_closing_is_told_in_the_window() -> None:
    sim = Simulation("oakvale", seed=1, brain="scripted")
    served = Served(sim)
    seen: dict[str, Any] = {}

    def driver(game: RemoteGame) -> None:
        if game.scene.figure(game.scene.me) is None:
            return
        if "pressed" not in seen:
            seen["pressed"] = True
            press(pygame.K_3)
            press(pygame.K_SPACE)
        elif "after" not in seen:
            seen["after"] = (game.controls.speed, game.controls.paused, game.notice)
            served.loop.call_soon_threadsafe(served.server.stop)
        elif game.closed is not None:
            seen["closed"] = game.notice
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    try:
        assert join_window(served.url, name="Uma", size=(320, 240), frames=60 * 30, driver=driver) == 0
    finally:
        served.stop()
        sim.close()
    speed, paused, notice = seen["after"]
    assert (speed, paused) == (1.0, False) and "server keeps the time" in notice
    assert "the server is stopping" in seen["closed"], "the close reason is shown in the window"


def test_tokens_are_kept_per_server_and_name_and_a_broken_file_is_no_error(tmp_path: Path) -> None:
    assert load_token("ws://a:1", "Tess", tmp_path) is None
    assert save_token("ws://a:1/", "Tess", "secret", tmp_path) is not None
    save_token("ws://b:2", "Tess", "other", tmp_path)
    assert load_token("ws://a:1", "tess", tmp_path) == "secret" and load_token("ws://b:2", "Tess", tmp_path) == "other"
    assert (tmp_path / "servers.json").stat().st_mode & 0o077 == 0, "readable by the user only"
    (tmp_path / "servers.json").write_text("{not json", encoding="utf-8")
    assert load_token("ws://a:1", "Tess", tmp_path) is None
    assert save_token("ws://a:1", "Tess", "new", tmp_path) is not None
    assert load_token("ws://a:1", "Tess", tmp_path) == "new"
