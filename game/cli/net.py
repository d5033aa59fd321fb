"""The `serve` and `join` commands: host a town for many players, and join one in a window."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

from game.cli.argtypes import image_path, positive_int, window_size


def serve_arguments(sub: Any, common: Any) -> None:
    """Add serve: the shared run flags (``common``) and its own."""
    parser = sub.add_parser("serve", help="host the town for many players over WebSockets (`join` to play)")
    common(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 for other machines)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    parser.add_argument("--password-file", type=Path, default=None,
                        help="a file whose first line is the password every player must give")
    parser.add_argument("--speed", type=float, default=1.0, help="game speed multiplier (default 1); players "
                                                                  "cannot change it")
    parser.add_argument("--save", type=Path, default=None, metavar="PATH",
                        help="save the town here on Ctrl+C (and resume it with --resume)")
    parser.add_argument("--resume", type=Path, default=None, metavar="PATH", help="serve a saved town")


def join_parser(sub: Any) -> None:
    """Add join."""
    parser = sub.add_parser("join", help="join a town served by `npcworld serve`, in a window")
    parser.add_argument("url", help="the server, e.g. ws://192.168.1.20:8765")
    parser.add_argument("--name", default=None, help="your name in town (default: the one kept from `play`)")
    parser.add_argument("--password-file", type=Path, default=None, help="a file holding the server's password")
    parser.add_argument("--size", type=window_size, default="1280x800",
                        help="window size WIDTHxHEIGHT, at least 320x240 (default 1280x800)")
    parser.add_argument("--frames", type=positive_int, default=None, help="quit after this many frames")
    parser.add_argument("--screenshot", type=image_path, default=None, help="save the last frame as a PNG")


def read_password(path: Path | None) -> str | None:
    """The first line of a password file (None without one); an empty or unreadable file is an error."""
    if path is None:
        return None
    try:
        password = path.read_text(encoding="utf-8").splitlines()[0].strip() if path.stat().st_size else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the password file ({exc})") from None
    if not password:
        raise ValueError(f"{path}: the password file is empty (its first line is the password)")
    return password


def serve_command(args: argparse.Namespace, sim: Any) -> int:
    """Serve ``sim`` until Ctrl+C (or SIGTERM); save it then when --save (or --resume) names a file."""
    from game.net.server import TownServer
    server = TownServer(sim, password=read_password(args.password_file), speed=args.speed,
                        save=args.save or args.resume)

    async def run() -> None:
        """Serve until a signal stops the server."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.stop)
        ready: asyncio.Future[int] = loop.create_future()
        task = asyncio.create_task(server.run(args.host, args.port, ready))
        port = await ready
        print(f"npcworld: serving {sim.world.name} on ws://{args.host}:{port} (Ctrl+C stops"
              f"{' and saves' if server.save_path else ''}); join with: npcworld join ws://HOST:{port} --name NAME",
              file=sys.stderr, flush=True)
        await task
        if server.save_path is not None:
            print(f"npcworld: saved the town to {server.save_path}", file=sys.stderr)

    try:
        asyncio.run(run())
    finally:
        sim.close()
    return 0


def join_command(args: argparse.Namespace) -> int:
    """Open the window on a served town."""
    from game.view.remote import join_window
    return join_window(args.url, name=args.name, password=read_password(args.password_file),
                       size=args.size, frames=args.frames, screenshot=args.screenshot)
