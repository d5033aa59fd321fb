"""Start-up of `npcworld play`: seconds from the interpreter's start to the loading screen and to the first town frame.

Runs the real command line (`npcworld play`, dummy video driver) with a script that quits after a few hundred
frames, timing the first loading-screen frame and the first frame of the town from before any project import.
Also prints the exit status, which must be 0 whether the residents' model was still loading or not.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def main() -> int:
    """Time one start of the game and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--brain", default="local", help="the brain to start with (default: the default brain)")
    parser.add_argument("--quit-frame", type=int, default=300, help="frame at which the script quits")
    args = parser.parse_args()
    import game.view.loading as loading
    import game.view.session as session
    marks: dict[str, float] = {}
    shown, drawn = loading.draw_loading, session.Game.draw

    def loading_frame(*a, **k):  # type: ignore[no-untyped-def]
        """Note the first loading frame."""
        marks.setdefault("loading screen", time.perf_counter() - STARTED)
        return shown(*a, **k)

    def town_frame(self, screen):  # type: ignore[no-untyped-def]
        """Note the first town frame."""
        marks.setdefault("first town frame", time.perf_counter() - STARTED)
        return drawn(self, screen)

    loading.draw_loading = loading_frame  # type: ignore[assignment]
    session.Game.draw = town_frame  # type: ignore[method-assign]
    from game.cli.main import main as npcworld
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "quit.jsonl"
        script.write_text(f'{{"frame": {args.quit_frame}, "quit": true}}\n', encoding="utf-8")
        status = npcworld(["play", "--brain", args.brain, "--script", str(script)])
    marks["quit"] = time.perf_counter() - STARTED
    for what, seconds in marks.items():
        print(f"{what}: {seconds:.2f} s")
    print(f"exit status: {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
