"""``npcworld chat`` (talk with residents in the terminal) and ``npcworld interview`` (score their answers)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from agents.embeddings import Embedder
from agents.protocol import Brain
from game.world.chat import ChatRefused
from game.world.loader import WorldDef
from game.world.scenario import Plant
from game.world.simulation import Simulation

MAX_WAIT_MINUTES = 7 * 24 * 60
"""Longest /wait: a week of game time."""

HELP = ("Type a line to say it. /to NAME talks to someone else, /who lists who is where, /wait MINUTES lets time "
        "pass, /quit leaves.")
"""What the chat prompt explains."""


def chat_command(args: argparse.Namespace, world: WorldDef, brain: Brain, embedder: Embedder,
                 plants: tuple[Plant, ...]) -> int:
    """Simulate the hours asked for, then read lines from the terminal and print each resident's reply."""
    with Simulation(world, seed=args.seed, brain=brain, embedder=embedder, plants=plants, player=True) as sim:
        if args.hours > 0:
            print(f"simulating {args.hours:g} game hours...", file=sys.stderr, flush=True)
            sim.run(hours=args.hours)
        partner = _resolve(sim, args.to) or sim.world.personas[0].id
        print(f"{sim.clock.label()} in {sim.world.name}. You are talking to {_name(sim, partner)}. {HELP}")
        while True:
            try:
                line = input(f"You to {_name(sim, partner)}> ").strip()
            except EOFError:
                break
            if not line:
                continue
            if line in ("/quit", "/exit"):
                break
            if line.startswith("/"):
                partner = _command(sim, line, partner)
                continue
            try:
                print(f"{_name(sim, partner)}: {sim.chat(partner, line)}")
            except ChatRefused as refused:
                print(f"({refused})")
    return 0


def _command(sim: Simulation, line: str, partner: str) -> str:
    """Carry out a slash command; return who the player talks to now."""
    verb, _, rest = line.partition(" ")
    if verb == "/to":
        found = _resolve(sim, rest.strip())
        if found is None:
            print(f"(nobody called '{rest.strip()}'; /who lists everyone)")
            return partner
        print(f"(now talking to {_name(sim, found)})")
        return found
    if verb == "/who":
        for state in sim.residents():
            if state.id != "player":
                where = sim.town.tilemap.places[state.place].label if state.place in sim.town.tilemap.places \
                    else "outdoors"
                print(f"  {state.name} ({state.id}): {state.activity or 'walking'} at {where}")
        return partner
    if verb == "/wait":
        try:
            minutes = max(1.0, float(rest))
        except ValueError:
            minutes = math.nan
        if not math.isfinite(minutes) or minutes > MAX_WAIT_MINUTES:
            print(f"(/wait takes a number of minutes, at most {MAX_WAIT_MINUTES})")
            return partner
        sim.run(minutes=minutes)
        print(f"({sim.clock.label()})")
        return partner
    print(f"(unknown command {verb}) {HELP}")
    return partner


def _resolve(sim: Simulation, who: str | None) -> str | None:
    """A resident id from an id, a first name or a full name (any case)."""
    if not who:
        return None
    wanted = who.lower()
    for persona in sim.world.personas:
        if wanted in (persona.id, persona.name.lower(), persona.first_name.lower()):
            return persona.id
    return None


def _name(sim: Simulation, resident: str) -> str:
    """A resident's first name."""
    return next(p.first_name for p in sim.world.personas if p.id == resident)


def interview_command(args: argparse.Namespace, world: WorldDef, brain: Brain, embedder: Embedder,
                      plants: tuple[Plant, ...], town_brain: Brain | None) -> int:
    """Simulate, interview every resident, print the table (and write every answer as JSON when asked)."""
    from game.cli.interview import interview, summary, to_json
    with Simulation(world, seed=args.seed, brain=town_brain or brain, embedder=embedder, plants=plants) as sim:
        print(f"simulating {args.hours:g} game hours...", file=sys.stderr, flush=True)
        sim.run(hours=args.hours)
        if town_brain is not None:
            sim.use_brain(brain)
        answers = interview(sim, per_kind=args.per_kind, smalltalk=args.smalltalk, progress=_show)
        table = summary(answers)
    print_summary(table)
    if args.out is not None:
        Path(args.out).write_text(json.dumps({"summary": table, "answers": to_json(answers)}, indent=2,
                                             ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


def _show(answered: object) -> None:
    """Print one answer as it comes (stderr, so the table stays clean on stdout)."""
    a = answered
    mark = "ok" if getattr(a, "right", False) else "--"
    print(f"[{mark}] {getattr(a, 'resident', '')} ({getattr(a, 'kind', '')}) {getattr(a, 'question', '')} -> "
          f"{getattr(a, 'reply', '')}", file=sys.stderr, flush=True)


def print_summary(table: dict[str, object]) -> None:
    """The interview's table."""
    print("| kind | asked | right |")
    print("|---|---|---|")
    for kind, row in table.items():
        if isinstance(row, dict):
            print(f"| {kind} | {row['asked']} | {row['right']:.0%} |")
    print(f"invented names in {table['invented_names']:.1%} of replies; {table['distinct_replies']:.0%} of replies "
          f"distinct; {table['answers']} answers")
