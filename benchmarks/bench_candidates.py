"""What the second look costs: time to a full reply to the player with it (N candidates) and without (1).

Oakvale lives some hours on the scripted brain; then the player asks residents the interview's kinds of
question through the chat path with the default brain, and every request for a line to the player is kept.
Each kept request is then answered again by the same brain with 1 and with N candidates, alternately, so
both see the same machine load. A reply that uses enough of its focus is not written again, so the cost
falls on the replies that miss: the figures are the medians, the means, the ratio of the means, and how
many replies got a second look.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import time

QUESTIONS = ("What do you do for a living?", "Who did you talk to yesterday?", "What will you do tomorrow morning?",
             "Any news going round?", "Who is your closest friend?", "Lovely day, isn't it?")
"""One question of each kind the interview asks."""


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--residents", type=int, default=4, help="residents asked (each is asked every question)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--hours", type=float, default=26.0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    from agents.brains.local import LocalBrain
    from agents.embeddings import load_embedder
    from game.world.chat import ChatRefused
    from game.world.simulation import Simulation

    brain = LocalBrain(threads=args.threads, candidates=args.candidates)
    kept = []
    think = brain.think

    def keeping(requests):  # type: ignore[no-untyped-def]
        """Keep the player's line requests as they pass."""
        kept.extend(r for r in requests if r.kind == "converse" and r.urgent)
        return think(requests)

    brain.think = keeping  # type: ignore[method-assign]
    with Simulation("oakvale", seed=7, brain="scripted", embedder=load_embedder("minilm", threads=args.threads)) as sim:
        sim.run(hours=args.hours)
        sim.use_brain(brain)
        for resident in [p.id for p in sim.world.personas][:args.residents]:
            for question in QUESTIONS:
                with contextlib.suppress(ChatRefused):
                    sim.chat(resident, question)
    brain.think = think  # type: ignore[method-assign]
    times: dict[int, list[float]] = {1: [], args.candidates: []}
    for _ in range(args.repeats):
        for request in kept:
            for count in (1, args.candidates):
                brain.candidates = count
                began = time.perf_counter()
                brain.think([request])
                times[count].append(time.perf_counter() - began)
    one, many = times[1], times[args.candidates]
    looked = sum(b > 1.3 * a for a, b in zip(one, many, strict=True))
    load = os.getloadavg()[0]
    print(f"{len(kept)} lines to the player x {args.repeats}, {args.threads} torch thread(s), load {load:.1f}")
    print(f"  full reply without a second look: median {statistics.median(one):.2f} s, "
          f"mean {statistics.mean(one):.2f} s")
    print(f"  with it ({args.candidates} openings): median {statistics.median(many):.2f} s, mean "
          f"{statistics.mean(many):.2f} s; ratio of means {statistics.mean(many) / statistics.mean(one):.2f}x; "
          f"{looked} of {len(one)} took over 1.3x (a second look)")


if __name__ == "__main__":
    main()
