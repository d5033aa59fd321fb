"""The model commands: ``train-model`` (the adapter, or ``--small``), ``eval-model`` and ``export-model``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def model_parsers(sub: Any) -> None:
    """Add train-model, eval-model and export-model."""
    build = sub.add_parser("train-model",
                           help="rebuild the town's LoRA adapter from nothing (or --small: the small model)")
    build.add_argument("--base", default="smollm2", help="the pretrained base to tune (smollm2, gemma3)")
    build.add_argument("--out", type=Path, default=None,
                       help="output folder (default assets/models/npcworld-talk, or npcworld-small with --small)")
    build.add_argument("--work", type=Path, default=None,
                       help="corpus and checkpoints (default build/talk-BASE or build/model)")
    build.add_argument("--small", action="store_true", help="rebuild npcworld's own small decision model instead")
    build.add_argument("--quick", action="store_true", help="a miniature of the recipe, in a minute or two")
    build.add_argument("--fresh", action="store_true", help="start over instead of resuming from the checkpoint")
    build.add_argument("--max-minutes", type=float, default=None,
                       help="training time budget in minutes (default: the recipe's: 70 for the adapter, "
                            "52 for --small)")
    build.add_argument("--threads", type=int, default=None,
                       help="torch threads (default: $NPCWORLD_THREADS, else all cores)")
    evaluate = sub.add_parser("eval-model", help="evaluate the small decision model on its validation corpus")
    evaluate.add_argument("--model", type=Path, default=None, help="model folder (default: the bundled model)")
    evaluate.add_argument("--work", type=Path, default=Path("build/model"), help="where the corpus is")
    evaluate.add_argument("--examples", type=int, default=300, help="validation requests per measure")
    export = sub.add_parser("export-model", help="write the tuned chat model (adapter merged) for llama.cpp or Ollama")
    export.add_argument("--gguf", type=Path, required=True, help="the .gguf file to write")
    export.add_argument("--base", default="smollm2", help="the base (only Llama-architecture bases export)")
    export.add_argument("--adapter", default=None, help="the adapter folder (default: the shipped one), or 'none'")
    export.add_argument("--dtype", default="f16", choices=("f16", "f32"), help="tensor type (default f16)")


def _threads(args: argparse.Namespace) -> int | None:
    """Torch threads for training: ``--threads``, else $NPCWORLD_THREADS, else None (the recipe's choice)."""
    return args.threads or int(os.environ.get("NPCWORLD_THREADS") or 0) or None


def model_command(args: argparse.Namespace) -> int:
    """Run train-model, eval-model or export-model."""
    if args.command == "export-model":
        return _export(args)
    if args.command == "eval-model":
        return _eval_small(args)
    if args.small:
        from agents.brains.bundled import BUNDLED
        from agents.training.recipe import build
        log = build(args.out or BUNDLED, args.work or Path("build/model"), quick=args.quick, resume=not args.fresh,
                    progress=sys.stderr.isatty(), max_minutes=args.max_minutes, threads=_threads(args))
        print(f"trained {log['parameters']:,} parameters for {log['step']} steps in {log['wall_minutes']} min; "
              f"validation loss {log['final_val_loss']}; model in {args.out or BUNDLED}")
        return 0
    from agents.brains.local import TALK_ADAPTER
    from agents.training.talk_recipe import build_adapter
    out = args.out or (TALK_ADAPTER if args.base == "smollm2" else Path("build") / f"npcworld-talk-{args.base}")
    log = build_adapter(out, args.work or Path("build") / f"talk-{args.base}", base=args.base, quick=args.quick,
                        resume=not args.fresh, progress=sys.stderr.isatty(), max_minutes=args.max_minutes,
                        threads=_threads(args))
    print(f"trained a {log['trainable_parameters']:,}-parameter adapter for {log['step']} steps in "
          f"{log['wall_minutes']} min; validation loss {log['initial_val_loss']} -> {log['final_val_loss']}; "
          f"adapter in {out}")
    return 0


def _eval_small(args: argparse.Namespace) -> int:
    """Evaluate the small decision model."""
    from agents.brains.bundled import BUNDLED
    from agents.training.corpus import write_corpus
    from agents.training.evaluate import evaluate_model, print_report
    corpus = args.work / "corpus"
    if not (corpus / "val.jsonl").exists():
        write_corpus(corpus, 0, 10)
    print_report(evaluate_model(args.model or BUNDLED, corpus, examples=args.examples))
    return 0


def _export(args: argparse.Namespace) -> int:
    """Merge the adapter into the base and write a GGUF file."""
    from agents.brains.basemodels import default_cache_dir, ensure_converted
    from agents.brains.export import export_gguf
    from agents.brains.local import TALK_ADAPTER
    adapter = None if args.adapter == "none" else Path(args.adapter) if args.adapter else TALK_ADAPTER
    folder = ensure_converted(args.base, default_cache_dir(), progress=True)
    written = export_gguf(folder, adapter, args.gguf, dtype=args.dtype)
    print(f"wrote {written['path']} ({written['tensors']} tensors, {written['bytes'] / 1e6:.1f} MB, "
          f"{written['dtype']}); serve it with llama.cpp (llama-server -m {args.gguf}) or Ollama, then run "
          "npcworld with --brain openai --base-url http://127.0.0.1:8080/v1")
    return 0
