"""One command from nothing to the shipped model: corpus, tokenizer, training, evaluation, model card."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from agents.brains.bundled import BUNDLED
from agents.training.corpus import write_corpus
from agents.training.publish import staged
from agents.training.train import TrainConfig, train

FULL = {"train_towns": 380, "val_towns": 10, "config": TrainConfig(epochs=1.0, max_minutes=52.0)}
"""The shipped model's recipe: about 49,000 training examples, one epoch, within 52 minutes on 2 cores."""

QUICK = {"train_towns": 1, "val_towns": 1,
         "config": TrainConfig(size="tiny", vocab_size=512, context=640, batch_size=8, epochs=1.0, max_minutes=5,
                               eval_every=10, eval_examples=16, checkpoint_every=10)}
"""A miniature of the same recipe that runs in well under a minute (for tests)."""


def build(out: Path = BUNDLED, work: Path = Path("build/model"), quick: bool = False, resume: bool = True,
          evaluate: bool = True, progress: bool = True, max_minutes: float | None = None,
          threads: int | None = None) -> dict[str, Any]:
    """Build the corpus, train, evaluate and write the model card; return the training log."""
    recipe = QUICK if quick else FULL
    config: TrainConfig = recipe["config"]  # type: ignore[assignment]
    if max_minutes is not None:
        config = replace(config, max_minutes=max_minutes)
    if threads:
        config = replace(config, threads=threads)
    began = time.perf_counter()
    corpus_dir = work / "corpus"
    if not resume and work.exists():
        shutil.rmtree(work)
    manifest = work / "corpus.json"
    if resume and manifest.exists():
        corpus = json.loads(manifest.read_text())
    else:
        corpus = write_corpus(corpus_dir, recipe["train_towns"], recipe["val_towns"], config.seed)  # type: ignore[arg-type]
        work.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps(corpus, indent=2))
    with staged(out) as stage:  # a kill leaves the older model whole, never half of a new one
        log = train(corpus_dir, stage, work, config, resume=resume, progress=progress)
        log["corpus"] = corpus
        log["wall_minutes"] = round((time.perf_counter() - began) / 60, 1)
        (stage / "training.json").write_text(json.dumps(log, indent=2))
        if evaluate:
            from agents.training.evaluate import evaluate_model, write_card
            report = evaluate_model(stage, corpus_dir, examples=16 if quick else 300)
            write_card(stage, log, report)
    return log
