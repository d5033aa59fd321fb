"""Two days of Oakvale with a planted party: memories, reflections, morning plans, news that spreads, guests."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from game.cli import main

PARTY = "tomas-cafe-d2-1700"  # planted in worlds/oakvale/world.toml


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("party")
    assert main(["simulate", "--world", "oakvale", "--hours", "48", "--seed", "7", "--brain", "scripted",
                 "--embedder", "hash", "--out", str(out), "--quiet"]) == 0
    return out


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_conversations_memories_and_reflections_accumulate(two_days: Path) -> None:
    events = load(two_days / "events.jsonl")
    summary = json.loads((two_days / "summary.json").read_text())
    assert summary["events_by_type"]["conversation_started"] >= 40
    assert summary["memories_per_resident"] >= 50
    formed = defaultdict(set)
    for e in events:
        if e["type"] == "memory_formed":
            formed[e["kind"]].add(e["npc"])
    assert len(formed["conversation"]) == 12, "everyone remembers a conversation"
    assert len(formed["reflection"]) >= 8, "most residents reflect"
    trace = [r for r in load(two_days / "trace.jsonl") if r["kind"] == "reflect"]
    assert trace and any(json.loads(r["reply"])["insights"] for r in trace)


def test_plans_are_made_each_morning(two_days: Path) -> None:
    plans = [e for e in load(two_days / "events.jsonl") if e["type"] == "plan_made"]
    for day in (1, 2):
        made = {e["npc"] for e in plans if e["day"] == day and e["plan_day"] == day and e["time"] < "10:00"}
        assert len(made) == 12, f"every resident plans on the morning of day {day}"


def test_news_spreads_through_conversations_and_the_trace_shows_from_whom(two_days: Path) -> None:
    events = load(two_days / "events.jsonl")
    learned = [e for e in events if e["type"] == "news_learned" and e["news"] == PARTY]
    assert len(learned) >= 6
    assert len({e["npc"] for e in learned}) == len(learned), "each resident learns it once"
    sources = {e["source"] for e in learned}
    assert sources - {"tomas"}, "news travels second-hand, not only from the host"
    trace = load(two_days / "trace.jsonl")
    told = {(r["npc"], r["to"]) for r in trace if r["kind"] == "converse" and r.get("news") == PARTY}
    assert {(e["source"], e["npc"]) for e in learned} <= told, "the trace shows who told whom"
    for e in learned:  # the teller held the news before telling it
        holders = {"tomas"} | {x["npc"] for x in learned if x["tick"] < e["tick"]}
        assert e["source"] in holders


def test_some_of_those_who_heard_come_to_the_party(two_days: Path) -> None:
    events = load(two_days / "events.jsonl")
    knew = {e["npc"] for e in events if e["type"] == "news_learned" and e["news"] == PARTY}
    guests = {e["npc"] for e in events if e["type"] == "activity" and e["day"] == 2 and e["place"] == "cafe"
              and "17:00" <= e["time"] <= "19:30" and "party" in e["activity"]}
    assert len(guests & knew) >= 3
    assert guests <= knew | {"tomas"}, "nobody comes to a party they never heard of"


def test_plant_event_flag(tmp_path: Path) -> None:
    assert main(["simulate", "--hours", "8", "--seed", "3", "--embedder", "hash", "--brain", "scripted",
                 "--out", str(tmp_path), "--quiet",
                 "--plant-event", "iris|Iris's poetry evening|library|1|19:00|90",
                 "--plant", "ben: The roses need water"]) == 0
    events = load(tmp_path / "events.jsonl")
    planted = [e for e in events if e["type"] == "memory_formed" and e["tick"] == 0]
    assert any(e["npc"] == "iris" and "poetry evening" in e["text"] for e in planted)
    assert any(e["type"] == "news_learned" and e["news"] == "iris-library-d1-1900" for e in events)


def test_bad_plant_flags_are_clear_errors(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["simulate", "--hours", "1", "--out", str(tmp_path), "--plant-event", "iris|party|moon|1|19:00"]) == 2
    assert "no place named 'moon'" in capsys.readouterr().err
    assert main(["simulate", "--hours", "1", "--out", str(tmp_path), "--plant", "nobody: hi"]) == 2
    assert "no resident with id 'nobody'" in capsys.readouterr().err
    assert main(["simulate", "--hours", "1", "--out", str(tmp_path), "--plant-event", "iris|party|cafe|x|19"]) == 2
    assert "--plant-event" in capsys.readouterr().err
