"""What a headless run did, read back from its output folder: model calls, validity, plans kept, conversations."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from agents.intents import Fallback, parse_intent
from game.world.runfolder import check_run_folder

MIN_BLOCK_MINUTES = 30
"""Plan blocks shorter than this are not counted when checking whether residents kept their plans."""


def run_report(out: Path) -> dict[str, Any]:
    """Figures for the run in ``out`` (events.jsonl, trace.jsonl, summary.json), as ``npcworld report`` prints.

    Raises ``RunFolderError`` (a ValueError naming the file) if a file does not match the folder's manifest.json.
    """
    check_run_folder(out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    events = read_jsonl(out / "events.jsonl")
    trace = read_jsonl(out / "trace.jsonl") if (out / "trace.jsonl").exists() else []
    hours = summary["game_minutes"] / 60
    report: dict[str, Any] = {
        "brain": summary["brain"], "residents": summary["npcs"], "game_hours": round(hours, 2),
        "wall_seconds": summary["wall_seconds"],
        "model_calls_per_resident_per_game_hour": round(summary["brain_requests"] / max(1, summary["npcs"])
                                                         / max(hours, 1e-9), 2),
    }
    report |= _decisions(trace)
    report |= _plan_days(events)
    report |= _plans_kept(events)
    report |= _conversations(events, summary.get("residents", {}))
    return report


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a JSON-lines file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _decisions(trace: list[dict[str, Any]]) -> dict[str, Any]:
    """How many decisions there were, how many the model gave validly, and whether model plans were used."""
    decisions = [r for r in trace if r["kind"] == "decide"]
    plans = [r for r in trace if r["kind"] == "plan"]
    applied_valid = sum(1 for r in decisions if r.get("applied") and not isinstance(parse_intent(r["applied"]),
                                                                                  Fallback))
    return {"answers": len(trace), "answers_by_fallback": sum(1 for r in trace if r.get("error")),
            "answers_timed_out": sum(1 for r in trace if str(r.get("error") or "").startswith("timed out")),
            "decisions": len(decisions), "decisions_accepted": sum(bool(r["accepted"]) for r in decisions),
            "applied_intents_valid": applied_valid, "model_plans": len(plans),
            "model_plans_accepted": sum(bool(r["accepted"]) for r in plans)}


def _plan_days(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Resident-days whose every day plan came from the brain (none replaced by the scripted planner).

    A brain's plan with an urgent need fitted in ("brain+energy") still counts as the brain's.
    """
    sources: dict[tuple[str, int], set[str]] = defaultdict(set)
    for event in events:
        if event["type"] == "plan_made":
            sources[(str(event["npc"]), int(event["plan_day"]))].add(str(event.get("source", "")))
    model = sum(1 for used in sources.values() if {source.split("+")[0] for source in used} == {"brain"})
    return {"plan_days": len(sources), "plan_days_by_model": model,
            "plan_days_by_model_share": round(model / max(1, len(sources)), 4)}


def _minute(day: int, clock: str) -> int:
    """Minutes since the start of day 1 for a day and an HH:MM time."""
    hours, minutes = clock.split(":")
    return (day - 1) * 1440 + int(hours) * 60 + int(minutes)


def _plans_kept(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of plan blocks (by kind) during which the resident was at the block's place at some point."""
    where: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    plans: dict[str, list[tuple[int, list[tuple[int, str, str]]]]] = defaultdict(list)
    end = 0
    for event in events:
        at = _minute(event["day"], event["time"])
        end = max(end, at)
        npc = str(event.get("npc"))
        if event["type"] in ("spawned", "arrived"):
            where[npc].append((at, event["place"]))
        elif event["type"] == "move_started":
            where[npc].append((at, None))
        elif event["type"] == "plan_made":
            blocks = []
            for text in event["blocks"]:
                clock, kind, place = text.split(" ", 2)
                blocks.append((_minute(event["plan_day"], clock), kind, place.removeprefix("@")))
            plans[npc].append((at, blocks))
    kept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for npc, made in plans.items():
        for index, (made_at, blocks) in enumerate(made):
            until = made[index + 1][0] if index + 1 < len(made) else end
            for (begins, kind, place), following in zip(blocks, [*blocks[1:], None], strict=True):
                start = max(begins, made_at)
                block_end = min(following[0] if following else begins + 1440, until)
                if block_end - start < MIN_BLOCK_MINUTES:
                    continue
                kept[kind][1] += 1
                kept[kind][0] += _was_at(where[npc], place, start, block_end)
    total = [sum(v[0] for v in kept.values()), sum(v[1] for v in kept.values())]
    return {"plan_blocks": total[1], "plan_blocks_kept": round(total[0] / max(1, total[1]), 4),
            "plan_blocks_kept_by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(kept.items())}}


def _was_at(timeline: list[tuple[int, str | None]], place: str, start: int, end: int) -> bool:
    """Whether a resident's timeline has them at ``place`` at some moment in [start, end)."""
    current: str | None = None
    for at, here in timeline:
        if at >= end:
            break
        if at >= start and here == place:
            return True
        current = here
    return current == place


def _conversations(events: list[dict[str, Any]], names: dict[str, str]) -> dict[str, Any]:
    """Conversations held, and the share of their lines that name the partner or repeat the line before."""
    said = [e for e in events if e["type"] == "said"]
    named = sum(1 for e in said if names.get(e["to"], e["to"]).split()[0].lower() in e["text"].lower())
    previous: dict[int, str] = {}
    repeats = 0
    for event in said:
        repeats += previous.get(event["conversation"]) == event["text"]
        previous[event["conversation"]] = event["text"]
    lines = max(1, len(said))
    return {"conversations": sum(e["type"] == "conversation_started" for e in events), "lines": len(said),
            "lines_naming_partner": round(named / lines, 4), "lines_repeating_previous": round(repeats / lines, 4),
            "sample_lines": [f"{e['npc']} to {e['to']}: {e['text']}" for e in said[:6]]}


def print_run_report(report: dict[str, Any]) -> None:
    """Print a run report, one figure a line."""
    for key, value in report.items():
        if isinstance(value, list):
            print(f"{key}:")
            for item in value:
                print(f"  {item}")
        else:
            print(f"{key}: {value}")
