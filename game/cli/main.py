"""The npcworld command line: ``simulate`` runs a town headless, ``play`` opens the window, ``chat`` talks."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.embeddings import Embedder
from agents.errors import ContentError
from agents.protocol import BrainFatalError
from game.cli.argtypes import game_hours, image_path, positive_int, window_size
from game.cli.model import model_command, model_parsers
from game.cli.net import join_command, join_parser, serve_arguments, serve_command
from game.cli.newworld import new_world_command, new_world_parser
from game.cli.persona_args import persona_command, persona_parser
from game.world.mindproc import BrainSpec

RUN_COMMANDS = ("simulate", "play", "chat", "interview", "serve")
"""Commands that build a world and a brain."""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="npcworld", description="A town whose residents think for themselves.")
    sub = parser.add_subparsers(dest="command", required=True)
    sim = sub.add_parser("simulate", help="run a world headless, as fast as possible, and write its event log")
    _common(sim)
    sim.add_argument("--hours", type=game_hours, default=24.0, help="game hours to simulate (default 24)")
    sim.add_argument("--out", type=Path, required=True,
                     help="folder for events.jsonl, trace.jsonl, prompts.jsonl and summary.json")
    sim.add_argument("--record", type=Path, default=None, metavar="CASSETTE",
                     help="record every brain request and answer to this cassette file")
    sim.add_argument("--quiet", action="store_true", help="no progress bar")
    sim.add_argument("--save", type=Path, default=None, metavar="PATH",
                     help="save the town to this SQLite file at the end (and every --save-every game hours)")
    sim.add_argument("--save-every", type=game_hours, default=None, metavar="GAME_HOURS",
                     help="also save every this many game hours, looked at each game hour (needs --save)")
    sim.add_argument("--resume", type=Path, default=None, metavar="PATH",
                     help="continue a saved town for --hours more (its world, seed and settings come from the save)")
    play = sub.add_parser("play", help="open the town in a window")
    _common(play)
    play.add_argument("--name", default=None,
                      help="your name in town (kept for next time; asked on the first start when not given)")
    play.add_argument("--frames", type=int, default=None, help="quit after this many frames")
    play.add_argument("--screenshot", type=image_path, default=None, help="save the last frame as a PNG")
    play.add_argument("--speed", type=float, default=1.0, help="game speed multiplier (default 1)")
    play.add_argument("--size", type=window_size, default="1280x800",
                      help="window size WIDTHxHEIGHT, at least 320x240 (default 1280x800)")
    play.add_argument("--save", type=Path, default=None, metavar="PATH",
                      help="save here: F5 saves, F9 loads, and the town saves every game hour and on quitting")
    play.add_argument("--resume", type=Path, default=None, metavar="PATH",
                      help="continue a saved town (and save back to it unless --save says elsewhere)")
    play.add_argument("--world-process", action="store_true",
                      help="run the town in a process of its own and draw it as join does, so no frame waits on a "
                           "tick (for towns of hundreds); the window then has join's features")
    play.add_argument("--script", type=Path, default=None,
                      help="timed inputs, one JSON object a line: {\"frame\": 30, \"key\": \"e\"}")
    serve_arguments(sub, _common)
    join_parser(sub)
    chat = sub.add_parser("chat", help="simulate some hours, then talk with residents in the terminal")
    _common(chat)
    chat.add_argument("--hours", type=game_hours, default=0.0, help="game hours to simulate before talking (default 0)")
    chat.add_argument("--to", default=None, help="whom to talk to first (a resident id or first name)")
    interview = sub.add_parser("interview", help="ask every resident plain questions and score the answers")
    _common(interview)
    interview.add_argument("--hours", type=game_hours, default=48.0, help="game hours to simulate first (default 48)")
    interview.add_argument("--per-kind", type=int, default=2, help="phrasings of each kind per resident (default 2)")
    interview.add_argument("--smalltalk", type=int, default=2, help="small-talk lines per resident (default 2)")
    interview.add_argument("--out", type=Path, default=None, help="write every question and answer as JSON here")
    interview.add_argument("--town-brain", default=None,
                           help="let the town live its hours on this brain (e.g. scripted), then answer with --brain")
    replay = sub.add_parser("replay", help="watch a finished simulate run in the window, with a timeline")
    replay.add_argument("out", type=Path, help="the folder a simulate run wrote")
    replay.add_argument("--frames", type=int, default=None, help="quit after this many frames")
    replay.add_argument("--screenshot", type=image_path, default=None, help="save the last frame as a PNG")
    replay.add_argument("--speed", type=float, default=16.0, help="playback speed multiplier (default 16)")
    replay.add_argument("--size", type=window_size, default="1280x800",
                        help="window size WIDTHxHEIGHT, at least 320x240 (default 1280x800)")
    replay.add_argument("--script", type=Path, default=None, help="timed inputs, as for play")
    report = sub.add_parser("report", help="what a simulate run did: model calls, valid intents, plans kept, talk")
    report.add_argument("out", type=Path, help="the folder a simulate run wrote")
    report.add_argument("--json", action="store_true", help="print the report as JSON")
    report.add_argument("--html", type=Path, metavar="OUT",
                        help="also write one self-contained HTML page with pictures (heat map, talk graph, needs "
                             "and mood, model calls, news spread, plans kept, rejected intents)")
    persona_parser(sub)
    model_parsers(sub)
    new_world_parser(sub)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    """Add the flags that every run shares."""
    parser.add_argument("--world", default="oakvale", help="a world name under worlds/ or a world folder")
    parser.add_argument("--seed", type=int, default=0, help="seed of the world's random generator")
    parser.add_argument("--embedder", default="minilm", choices=("minilm", "hash"),
                        help="sentence embeddings for memory retrieval (default minilm, offline; hash is fastest)")
    parser.add_argument("--plant", action="append", default=[], metavar="'NPC: TEXT'",
                        help="plant a memory in a resident at the start (repeatable)")
    parser.add_argument("--plant-event", action="append", default=[], metavar="'HOST|TITLE|PLACE|DAY|HH:MM[|MIN]'",
                        help="plant news of a happening that HOST is hosting (repeatable)")
    parser.add_argument("--think-budget", type=int, default=None, metavar="N",
                        help="model requests per game hour, a day plan counting 20 and a line of talk 3 (default "
                             "600; 0: no limit); past it the scripted policy answers what matters least (routine "
                             "steps first, never the player)")
    brains = parser.add_argument_group("brains")
    brains.add_argument("--brain", default="local",
                        help="local (default: SmolLM2 tuned for the town, with npcworld's small model for decisions), "
                             "scripted, openai or replay")
    brains.add_argument("--model", default=None,
                        help="local: one model for everything, a folder or a cached hub id; "
                             "openai: the served model's name")
    brains.add_argument("--base", default="smollm2", help="local: the pretrained base that talks (smollm2, gemma3)")
    brains.add_argument("--adapter", default=None,
                        help="local: the LoRA adapter folder for the base (default: the shipped one), or 'none'")
    brains.add_argument("--cassette", type=Path, default=None, help="replay: the cassette to answer from")
    brains.add_argument("--device", default="auto", help="local: auto (CUDA where present), cpu, cuda, cuda:1...")
    brains.add_argument("--dtype", default="auto", help="local: auto, fp32, bf16 or fp16")
    brains.add_argument("--threads", type=positive_int, default=None,
                        help="local: torch threads for the models (default: $NPCWORLD_THREADS, else all cores "
                             "headless, one less in the window)")
    brains.add_argument("--temperature", type=float, default=0.0, help="local/openai: 0 is greedy (default)")
    brains.add_argument("--top-p", type=float, default=1.0, help="local: nucleus sampling when temperature > 0")
    brains.add_argument("--candidates", type=int, default=None,
                        help="local: replies written for each line to the player, the one that uses most of what "
                             "the question asks about is said (default 4; 1: the model's own)")
    brains.add_argument("--allow-download", action="store_true", help="local: fetch a hub model not in the cache")
    brains.add_argument("--base-url", action="append", default=[],
                        help="openai: server base URL, e.g. http://127.0.0.1:8000/v1 (repeat for round-robin)")
    brains.add_argument("--api-key", default=None, help="openai: API key (else read from --api-key-env)")
    brains.add_argument("--api-key-env", default="OPENAI_API_KEY", help="openai: variable holding the API key")
    brains.add_argument("--timeout", type=float, default=10.0, help="openai: seconds per request (default 10)")
    brains.add_argument("--retries", type=int, default=2, help="openai: retries on 429 and 5xx (default 2)")
    brains.add_argument("--concurrency", type=int, default=16, help="openai: requests in flight (default 16)")
    brains.add_argument("--per-server", type=int, default=4,
                        help="openai: requests in flight at each server; the rest wait their turn (default 4)")
    brains.add_argument("--response-format", default="json_schema", choices=("json_schema", "json_object", "none"),
                        help="openai: structured-output dialect (vLLM/SGLang: json_schema; llama.cpp: json_object)")


def brain_spec(args: argparse.Namespace, name: str | None = None) -> BrainSpec:
    """The chosen brain and its flags (environment variables are read here, at the entry point)."""
    name = name or args.brain
    options: dict[str, Any] = {}
    if name == "replay":
        options = {"cassette": args.cassette}
    elif name == "local":
        cores = os.cpu_count() or 2
        threads = args.threads or int(os.environ.get("NPCWORLD_THREADS") or 0) or (
            max(1, cores - 1) if args.command in ("play", "serve") else cores)
        from agents.brains.basemodels import default_cache_dir
        options = {"model": args.model, "device": args.device, "dtype": args.dtype, "threads": threads,
                   "temperature": args.temperature, "top_p": args.top_p, "seed": args.seed,
                   "allow_download": args.allow_download, "base": args.base, "cache_dir": default_cache_dir(),
                   "progress": True}
        if args.candidates is not None:
            options["candidates"] = args.candidates
        if args.adapter is not None:
            options["adapter"] = None if args.adapter == "none" else Path(args.adapter)
        elif args.base != "smollm2":
            options["adapter"] = None  # the shipped adapter is SmolLM2's
    elif name == "openai":
        options = {"base_url": args.base_url or ["http://127.0.0.1:8000/v1"], "model": args.model or "default",
                   "api_key": args.api_key or os.environ.get(args.api_key_env), "timeout": args.timeout,
                   "retries": args.retries, "concurrency": args.concurrency, "per_server": args.per_server,
                   "dialect": args.response_format,
                   "temperature": args.temperature}
    return BrainSpec(name, options)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (errors in content exit 2 with one clear line)."""
    args = build_parser().parse_args(argv)
    try:
        if args.command in RUN_COMMANDS:
            return _run_command(args)
        if args.command == "report":
            return _report_command(args)
        if args.command == "replay":
            from game.view.replay import replay_window
            return replay_window(args.out, frames=args.frames, screenshot=args.screenshot, speed=args.speed,
                                 size=args.size, script=args.script)
        if args.command == "persona":
            return persona_command(args)
        if args.command == "new-world":
            return new_world_command(args)
        if args.command == "join":
            return join_command(args)
        return model_command(args)
    except ContentError as exc:
        print(f"npcworld: error: {exc}", file=sys.stderr)
        return 2
    except BrainFatalError as exc:
        print(f"npcworld: brain failed: {exc}", file=sys.stderr)
        return 3
    except (ValueError, ImportError, OSError) as exc:
        print(f"npcworld: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        again = {"train-model": "; run the same command again to continue from the last checkpoint (--fresh starts "
                                "over)"}.get(args.command, "")
        print(f"npcworld: interrupted{again}", file=sys.stderr)
        return 130


def _run_command(args: argparse.Namespace) -> int:
    """simulate, play, chat and interview: load the world first (content errors before any model loads)."""
    from agents.brains import load_brain
    from game.world.loader import load_world
    from game.world.scenario import check_plants, parse_event_flag, parse_plant_flag
    plants = tuple(parse_plant_flag(p) for p in args.plant) + tuple(parse_event_flag(p) for p in args.plant_event)
    world = load_world(args.world)
    check_plants(plants, {p.id for p in world.personas}, set(world.tilemap.places), Path("--plant"))
    spec = brain_spec(args)
    if args.command == "play" and args.world_process:
        from game.cli.split import WorldJob, new_password, play_world_process
        if args.script is not None:
            raise ValueError("--script plays timed inputs into the window's own town; it cannot be used with "
                             "--world-process")
        job = WorldJob(str(world.root), args.seed, spec, args.embedder, new_password(), speed=args.speed,
                       plants=plants, budget=_budget(args), save=args.save, resume=args.resume)
        return play_world_process(job, name=args.name, size=args.size, frames=args.frames,
                                  screenshot=args.screenshot)
    if args.command == "play":  # the models get a process of their own; this one draws and embeds on one thread
        from game.view.app import play
        return play(world, seed=args.seed, brain=spec, frames=args.frames, plants=plants,
                    embedder=lambda: _embedder(args.embedder, threads=1), screenshot=args.screenshot,
                    speed=args.speed, size=args.size, script=args.script, name=args.name,
                    save=args.save, resume=args.resume, **_budget(args),
                    progress=lambda step: print(f"npcworld: loading {step}...", file=sys.stderr, flush=True))
    if args.command == "serve":  # as in play, the models think in a process of their own, off the tick
        from game.cli.split import served_simulation
        sim = served_simulation(world, args.seed, spec, _embedder(args.embedder, threads=1), plants, _budget(args),
                                args.resume)
        return serve_command(args, sim)
    embedder = _embedder(args.embedder, threads=spec.options.get("threads"))
    brain = load_brain(spec.name, **spec.options)
    if args.command == "simulate":
        from game.cli.headless import simulate
        from game.world.save import SaveError
        if args.save_every is not None and (args.save is None or args.save_every <= 0):
            raise ValueError("--save-every needs --save PATH and a positive number of game hours")
        try:
            simulate(world, hours=args.hours, seed=args.seed, brain=brain, out=args.out, embedder=embedder,
                     plants=plants, record=args.record, progress=not args.quiet and sys.stderr.isatty(),
                     save=args.save, save_every=args.save_every, resume=args.resume, **_budget(args))
        except SaveError as exc:
            print(f"npcworld: error: {exc}", file=sys.stderr)
            return 2
        return 0
    from game.cli.chat import chat_command, interview_command
    if args.command == "chat":
        return chat_command(args, world, brain, embedder, plants)
    town = brain_spec(args, args.town_brain) if args.town_brain else None
    town_brain = load_brain(town.name, **town.options) if town is not None else None
    return interview_command(args, world, brain, embedder, plants, town_brain)


def _budget(args: argparse.Namespace) -> dict[str, Any]:
    """The --think-budget flag as a run option (absent: the default)."""
    return {} if args.think_budget is None else {"think_budget": args.think_budget}


def _report_command(args: argparse.Namespace) -> int:
    """Print what a finished simulate run did."""
    import json

    from game.cli.report import print_run_report, run_report
    try:
        report = run_report(args.out)
    except (OSError, ValueError, KeyError) as exc:
        print(f"npcworld: error: {args.out} is not a finished simulate run ({exc})", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_run_report(report)
    if args.html is not None:
        from game.cli.report_html import write_html_report
        try:
            page = write_html_report(args.out, args.html)
        except OSError as exc:
            print(f"npcworld: error: cannot write {args.html}: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {page}", file=sys.stderr)
    return 0


def _embedder(name: str, threads: int | None = None) -> Embedder:
    """Build the embedder; if MiniLM's package is missing, say so and fall back to the hash embedder."""
    from agents.embeddings import HashEmbedder, load_embedder
    try:
        return load_embedder(name, threads=threads) if name == "minilm" else load_embedder(name)
    except ImportError as exc:
        print(f"npcworld: {exc}; using the hash embedder instead", file=sys.stderr)
        return HashEmbedder()


if __name__ == "__main__":
    sys.exit(main())
