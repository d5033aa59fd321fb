"""Chat latency in the window: time to the first word and to the full reply, and frame times meanwhile.

The town runs at 1x in the game window (dummy video driver) with the default brain served from its own
process, exactly as `npcworld play` runs it; the player walks up to residents and asks them questions
through the chat box. Prints time to first word and to full reply (p50, p99) and the frame time p50/p99.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

QUESTIONS = ("What do you do for a living?", "Who did you talk to yesterday?", "What are your plans for tomorrow?",
             "Any news going round?", "Who is your closest friend?", "How are you today?")
"""What the player asks, in turn."""


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run(replies: int, hours: float, threads: int, warm: bool) -> dict[str, list[float]]:
    """Ask ``replies`` questions around town; return first-word, full-reply and frame times."""
    import pygame

    from agents.embeddings import load_embedder
    from game.view.script import walk_to
    from game.view.session import Game
    from game.world.mindproc import BrainSpec
    from game.world.simulation import Simulation
    pygame.init()
    screen = pygame.display.set_mode((1280, 800))
    spec = BrainSpec("local", {"threads": threads})
    sim = Simulation("oakvale", seed=1, brain=spec, threaded=True, player=True,
                     embedder=load_embedder("minilm", threads=1))
    first, full, frames, opening = [], [], [], []
    try:
        while not sim.town.mind.executor.ready:  # type: ignore[attr-defined]
            sim.town.mind.executor.poll()  # type: ignore[attr-defined]
            time.sleep(0.1)
        sim.run(hours=hours)
        game = Game(sim, screen)
        partners = [r.id for r in sim.residents() if r.id != "player"]
        asked = 0
        while len(full) < replies:
            partner = partners[asked % len(partners)]
            asked += 1
            state = sim.resident(partner)
            if state.activity_kind == "sleep" or state.talking or state.walking_to:
                continue
            walk_to(game, partner)
            sim.step(1)  # the player is placed, and perceived there
            game.talk()
            sim.step(1)  # the talk command is applied; the frame reads its outcome
            game.update(0.0)
            if not game.chat_open:
                continue
            for index, question in enumerate(QUESTIONS[asked % 2::2][:2]):
                timing = _ask(game, screen, question, frames, warm)
                if timing is None:
                    break
                opening.append(index == 0)
                first.append(timing[0])
                full.append(timing[1])
                print(f"  {partner}: {question} first word {timing[0]:.2f} s, reply {timing[1]:.2f} s", flush=True)
            game.close_chat()
    finally:
        sim.close()
        pygame.quit()
    return {"first": first, "full": full, "frames": frames, "opening": opening}


def _ask(game: object, screen: object, question: str, frames: list[float], warm: bool) -> tuple[float, float] | None:
    """Type and send a question; run frames until the reply is complete; return (first word, full reply) seconds."""
    import pygame

    from game.world import player as pl
    g: object = game
    sim = g.sim  # type: ignore[attr-defined]
    if warm:  # let the resident's model prefill while the player "types" (about three seconds)
        _frames(g, screen, 180, frames)
    current = pl.conversation_of(sim.town, sim.player)
    if current is None:
        return None
    conversation = current[1]
    heard = len(conversation.history)
    g.field.insert(question)  # type: ignore[attr-defined]
    g.send()  # type: ignore[attr-defined]
    began, first = time.perf_counter(), None
    while time.perf_counter() - began < 60:
        _frames(g, screen, 1, frames)
        partial = sim.town.mind.partial(pl.line_in_flight(sim.town, current[1]))
        replied = len(conversation.history) > heard + 1
        if first is None and (replied or len(partial.split()) >= 2 or partial.endswith(" ")):
            first = time.perf_counter() - began
        if replied:
            assert first is not None
            pygame.event.pump()
            return first, time.perf_counter() - began
    return None


def _frames(game: object, screen: object, count: int, frames: list[float]) -> None:
    """Run ``count`` paced frames of the window loop, recording their times in milliseconds."""
    import pygame
    for _ in range(count):
        began = time.perf_counter()
        pygame.event.pump()
        game.update(1 / 60)  # type: ignore[attr-defined]
        game.draw(screen)  # type: ignore[attr-defined]
        pygame.display.flip()
        frames.append((time.perf_counter() - began) * 1000)
        time.sleep(max(0.0, 1 / 60 - (time.perf_counter() - began)))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=16)
    parser.add_argument("--hours", type=float, default=3.0, help="game hours the town lives before the first question")
    parser.add_argument("--threads", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    parser.add_argument("--no-warm", action="store_true", help="send at once, without the typing pause")
    args = parser.parse_args()
    times = run(args.replies, args.hours, args.threads, not args.no_warm)
    first, full, frames = times["first"], times["full"], times["frames"]
    print(f"chat at 1x, default brain in its own process ({args.threads} thread(s)), {len(full)} replies, "
          f"{len(frames)} frames")
    print(f"  time to first word: p50 {percentile(first, 0.5):.2f} s, p99 {percentile(first, 0.99):.2f} s "
          f"(mean {statistics.mean(first):.2f})")
    for label, wanted in (("first question to a resident", True), ("later questions", False)):
        picked = [(f, u) for f, u, o in zip(first, full, times["opening"], strict=True) if o == wanted]
        if picked:
            print(f"  {label}: first word p50 {percentile([f for f, _ in picked], 0.5):.2f} s, full reply p50 "
                  f"{percentile([u for _, u in picked], 0.5):.2f} s ({len(picked)} replies)")
    print(f"  time to full reply: p50 {percentile(full, 0.5):.2f} s, p99 {percentile(full, 0.99):.2f} s "
          f"(mean {statistics.mean(full):.2f})")
    print(f"  frame time: p50 {percentile(frames, 0.5):.2f} ms, p99 {percentile(frames, 0.99):.2f} ms, "
          f"max {max(frames):.2f} ms (goal: p99 <= 16.7 ms)")


if __name__ == "__main__":
    main()
