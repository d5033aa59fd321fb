"""Benchmark the local brain: batched against one-by-one decisions, and the window's frame time while it thinks.

Run: SDL_VIDEODRIVER=dummy .venv/bin/python benchmarks/bench_local.py [--frames 900]
Uses a Llama model of about 5M parameters built from a config (random weights: speed does not depend on
them) with a 4096-token BPE trained on real prompts from a scripted run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from common import frame_times, real_requests

from agents.brains.local import LocalBrain
from agents.modelkit import build_model, parameter_count, sample_texts, train_tokenizer
from agents.protocol import Request
from game.world.simulation import Simulation


def model_folder(requests: list[Request], folder: Path) -> Path:
    """Build and save the 5M-parameter model and its tokenizer."""
    texts = sample_texts() + [r.prompt for r in requests]
    tokenizer = train_tokenizer(texts, 4096)
    model = build_model(tokenizer, "5m")
    print(f"model: {parameter_count(model) / 1e6:.1f}M parameters, vocabulary {len(tokenizer)}")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def decisions(brain: LocalBrain, decide: list[Request]) -> None:
    """Print decisions per second, batched and one by one, for 1, 8 and 32 residents."""
    brain.think(decide[:2])  # warm up
    prompt_tokens = statistics.mean(len(brain.runner.tokenizer(r.prompt).input_ids) for r in decide[:32])
    print(f"decide prompts: {prompt_tokens:.0f} tokens on average; constrained to the valid actions")
    for n in (1, 8, 32):
        batch = decide[:n]
        batched = min(_timed(lambda b=batch: brain.think(b)) for _ in range(3))
        single = min(_timed(lambda b=batch: [brain.think([r]) for r in b]) for _ in range(2))
        print(f"  {n:2d} residents: batched {n / batched:6.1f} decisions/s, one by one {n / single:6.1f}/s, "
              f"ratio {single / batched:4.1f}x")


def _timed(call) -> float:  # type: ignore[no-untyped-def]
    """Seconds one call takes."""
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def frames(folder: Path, count: int) -> None:
    """Frame times of the window loop while residents think through the local brain on the worker thread."""
    import pygame

    pygame.init()
    screen = pygame.display.set_mode((1280, 800))
    brain = LocalBrain(folder, threads=1)  # the window caps model threads so the frame keeps a core
    with Simulation("oakvale", seed=1, brain=brain, threaded=True) as sim:
        answered_before = len(sim.trace.records)
        times = frame_times(sim, screen, 16, count, pace=True)  # 16x speed, a 60 Hz budget like play
        answered = len(sim.trace.records) - answered_before
        residents = len(sim.town.residents)
    pygame.quit()
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99) - 1]
    print(f"window (dummy driver, 16x speed) with {residents} residents thinking through the local brain on a "
          f"worker thread: {count} frames, {answered} brain answers meanwhile")
    print(f"  frame time p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {times[-1]:.2f} ms (goal: p99 < 16.7 ms)")


def chat_frames(folder: Path, count: int) -> None:
    """Frame times at 1x while the player talks to one resident and the others think, all through the local brain."""
    import pygame

    from game.view.script import walk_to
    from game.view.session import Game
    pygame.init()
    screen = pygame.display.set_mode((1280, 800))
    brain = LocalBrain(folder, threads=1)
    with Simulation("oakvale", seed=1, brain=brain, threaded=True, player=True) as sim:
        sim.run(hours=5)  # 11:30
        game = Game(sim, screen)
        awake = [r.id for r in sim.residents() if r.id != "player" and r.activity_kind != "sleep" and not r.talking]
        partner = awake[0] if awake else "tomas"
        walk_to(game, partner)
        sim.step(2)
        game.talk()
        times, lines, said = [], 0, len(sim.events)
        for frame in range(count):
            began = time.perf_counter()
            pygame.event.pump()
            if frame % 90 == 0 and game.chat_open and not game.field.text:
                game.field.insert(f"Tell me more about your day, please ({frame}).")
                game.send()
                lines += 1
            elif not game.chat_open and frame % 90 == 0:
                walk_to(game, partner)
                game.talk()
            game.update(1 / 60)
            game.draw(screen)
            pygame.display.flip()
            times.append((time.perf_counter() - began) * 1000)
            time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - began)))
        replies = sum(1 for e in sim.events[said:] if e["type"] == "said" and e["to"] == "player")
    pygame.quit()
    times.sort()
    p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99) - 1]
    print(f"window at 1x, the player talking to {partner} while the other residents think (local brain, worker "
          f"thread): {count} frames, {lines} player lines, {replies} replies")
    print(f"  frame time p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {times[-1]:.2f} ms (goal: p99 < 16.7 ms)")


def main() -> None:
    """Run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=900)
    parser.add_argument("--only-chat", action="store_true", help="only the chat frame-time benchmark")
    args = parser.parse_args()
    if args.only_chat:
        from agents.brains.bundled import BUNDLED
        chat_frames(BUNDLED, args.frames)
        return
    requests = real_requests()
    decide = [r for r in requests if r.kind == "decide"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = model_folder(requests, Path(tmp))
        decisions(LocalBrain(folder), decide)
        frames(folder, args.frames)
        from agents.brains.bundled import BUNDLED
        shipped = BUNDLED if (BUNDLED / "model.safetensors").exists() else folder
        print(f"(chat benchmark with {'the bundled model' if shipped == BUNDLED else 'the 4.1M test model'})")
        chat_frames(shipped, args.frames)


if __name__ == "__main__":
    main()
