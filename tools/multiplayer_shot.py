"""Make docs/screenshots/multiplayer.png: Oakvale served, a bot player, and the join window talking to a resident.

    SDL_VIDEODRIVER=dummy .venv/bin/python tools/multiplayer_shot.py [--out PATH] [--size 1280x800]

A town server (scripted residents, 09:30 on day one) runs on a free local port in a thread; a headless bot,
Robin, joins and keeps near Tess, greeting her aloud; the window joins as Tess and, through the keys a player
would press, walks up to Tomas at his cafe, talks, says a line and waits for the answer. A second after it comes
(the bubbles up, Robin in view), the window quits and saves its last frame. The server runs in real time, so two
runs may differ a little (who speaks first, where Robin stands).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from game.net.bot import Bot  # noqa: E402
from game.net.server import TownServer  # noqa: E402
from game.view.remote import join_window  # noqa: E402
from game.view.remote_game import RemoteGame  # noqa: E402
from game.view.remote_script import Visit, follow  # noqa: E402
from game.world.simulation import Simulation  # noqa: E402


def serve(sim: Simulation) -> tuple[asyncio.AbstractEventLoop, TownServer, str]:
    """Serve ``sim`` on a free local port from a thread of its own; its loop, the server and the URL."""
    server = TownServer(sim)
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    ready: asyncio.Future[int] = loop.create_future()
    asyncio.run_coroutine_threadsafe(server.run("127.0.0.1", 0, ready), loop)
    port = asyncio.run_coroutine_threadsafe(asyncio.wait_for(ready, 30), loop).result(30)
    return loop, server, f"ws://127.0.0.1:{port}"


def main() -> int:
    """Serve, join, visit, save the frame; the exit status of the window."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "multiplayer.png")
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args()
    width, _, height = args.size.partition("x")
    os.environ["NPCWORLD_CONFIG"] = tempfile.mkdtemp(prefix="npcworld-shot-")  # keep no token in the real profile
    sim = Simulation("oakvale", seed=1, brain="scripted")
    sim.run(hours=3)
    loop, server, url = serve(sim)
    bot = asyncio.run_coroutine_threadsafe(Bot.join(url, "Robin"), loop).result(30)
    asyncio.run_coroutine_threadsafe(follow(bot, "player-tess", near=3, say="Morning, Tess! Lovely day."), loop)
    after = [0]

    def then(game: RemoteGame) -> None:
        """After the answer: a second more (so both bubbles show), with Robin on screen; then quit."""
        after[0] += 1
        if (after[0] >= 60 and bot.me in game.renderer.labels) or after[0] >= 600:
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    visit = Visit("Hello! I'm Tess, new in town. What do you do?", then=then, prefer=("tomas",))
    status = join_window(url, name="Tess", size=(int(width), int(height)), frames=60 * 180, screenshot=args.out,
                         driver=visit)
    asyncio.run_coroutine_threadsafe(bot.close(), loop).result(10)
    loop.call_soon_threadsafe(server.stop)
    sim.close()
    if visit.answer is None:
        print("multiplayer_shot: no resident answered in time; the picture shows no reply", file=sys.stderr)
        return 1
    print(f"multiplayer_shot: saved {args.out} ({visit.answer.who} answered: {visit.answer.text})")
    return status


if __name__ == "__main__":
    sys.exit(main())
