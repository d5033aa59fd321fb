"""Benchmark the sentence embedders: batched sentences/second, one uncached sentence, and a cosine top-8.

Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_embeddings.py [--sentences 500] [--threads N]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

import numpy as np

from agents.embeddings import EMBEDDERS, Embedder, cosine_scores, load_embedder

NAMES = ["Gwen", "Ben", "Mara", "Dr Okafor", "Tom", "Ada", "Old Sam", "Lena"]
ACTIONS = ["is baking bread", "sold peaches", "is hosting a party", "pruned the roses", "fixed the mill wheel",
           "lost her keys", "read a letter", "argued about rent"]
PLACES = ["at the pub", "in the park", "by the well", "at the clinic", "in the market", "at the bakery",
          "on the bridge", "near the school"]
TIMES = ["this morning", "at noon", "at 17:00", "tonight"]


def sentences(count: int, offset: int = 0) -> list[str]:
    """Return ``count`` distinct short sentences, starting ``offset`` into a fixed sequence."""
    combos = itertools.islice(itertools.product(TIMES, PLACES, ACTIONS, NAMES), offset, offset + count)
    return [f"{name} {action} {place} {when}." for when, place, action, name in combos]


def bench(name: str, count: int, options: dict[str, int]) -> None:
    """Print throughput on a cold cache, one uncached sentence, and a top-8 cosine over 600 rows."""
    began = time.perf_counter()
    embedder: Embedder = load_embedder(name, **options)
    load_s = time.perf_counter() - began
    embedder.embed(sentences(4, offset=count + 100))  # warm-up on texts not used below
    batch = sentences(count)
    began = time.perf_counter()
    embedder.embed(batch)
    batch_s = time.perf_counter() - began
    singles = []
    for text in sentences(20, offset=count):
        began = time.perf_counter()
        embedder.embed([text])
        singles.append(time.perf_counter() - began)
    began = time.perf_counter()
    embedder.embed(batch)
    cached_s = time.perf_counter() - began
    matrix = embedder.embed(sentences(600))
    query = embedder.embed(["is there a party tonight?"])[0]
    topk = []
    for _ in range(200):
        began = time.perf_counter()
        scores = cosine_scores(query, matrix)
        best = np.argpartition(-scores, 8)[:8]
        best = best[np.argsort(-scores[best])]
        topk.append(time.perf_counter() - began)
    print(f"{name} (dim {embedder.dim}, load {load_s:.2f} s):")
    print(f"  {count} distinct sentences, batched, cold cache: {count / batch_s:,.0f} sentences/s ({batch_s:.3f} s)")
    print(f"  one uncached sentence: median {statistics.median(singles) * 1e3:.3f} ms of 20")
    print(f"  same {count} again from the cache: {cached_s * 1e3:.2f} ms")
    print(f"  cosine top-8 over 600 x {embedder.dim}: median {statistics.median(topk) * 1e6:.1f} us of 200")


def main() -> None:
    """Parse the options and benchmark each embedder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--threads", type=int, default=None, help="torch threads for MiniLM (default: torch's)")
    parser.add_argument("--only", choices=EMBEDDERS, default=None)
    args = parser.parse_args()
    for name in [args.only] if args.only else EMBEDDERS:
        options = {"threads": args.threads} if name == "minilm" and args.threads else {}
        bench(name, args.sentences, options)


if __name__ == "__main__":
    main()
