"""`npcworld report`: the figures a headless run's folder gives back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.cli.report import run_report


def test_report_on_a_scripted_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["simulate", "--hours", "14", "--seed", "7", "--out", str(out), "--quiet", "--brain", "scripted",
                 "--embedder", "hash"]) == 0
    report = run_report(out)
    trace = [json.loads(line) for line in (out / "trace.jsonl").read_text().splitlines()]
    assert report["decisions"] == sum(r["kind"] == "decide" for r in trace) > 0
    assert report["applied_intents_valid"] == report["decisions"]
    assert report["plan_blocks"] > 20 and report["plan_blocks_kept"] == 1.0, "the scripted brain keeps its plans"
    assert report["conversations"] > 0 and report["lines_naming_partner"] > 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["residents"]["okafor"] == "Adaeze Okafor"
    calls = summary["brain_requests"] / 12 / 14
    assert report["model_calls_per_resident_per_game_hour"] == round(calls, 2)
    capsys.readouterr()
    assert main(["report", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["plan_blocks"] == report["plan_blocks"]


def _write_run(out: Path, events: list[dict[str, object]]) -> None:
    out.mkdir()
    (out / "summary.json").write_text(json.dumps({"brain": "x", "npcs": 1, "game_minutes": 600, "wall_seconds": 1,
                                                  "brain_requests": 10, "residents": {"ann": "Ann Lee"}}))
    (out / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))


def test_a_block_counts_as_kept_only_if_the_resident_got_there(tmp_path: Path) -> None:
    plan = {"day": 1, "time": "06:00", "type": "plan_made", "npc": "ann", "plan_day": 1,
            "blocks": ["06:00 meal @home_ann", "08:00 work @shop", "12:00 leisure @park"]}
    events = [{"day": 1, "time": "06:00", "type": "spawned", "npc": "ann", "place": "home_ann"}, plan,
              {"day": 1, "time": "08:10", "type": "move_started", "npc": "ann"},
              {"day": 1, "time": "08:30", "type": "arrived", "npc": "ann", "place": "shop"},
              {"day": 1, "time": "12:05", "type": "move_started", "npc": "ann"},
              {"day": 1, "time": "12:30", "type": "arrived", "npc": "ann", "place": "cafe"},
              {"day": 1, "time": "15:00", "type": "said", "npc": "ann", "to": "bo", "text": "Hi Bo", "conversation": 1},
              {"day": 1, "time": "16:00", "type": "said", "npc": "ann", "to": "bo", "text": "Hi Bo", "conversation": 1}]
    _write_run(tmp_path / "run", events)
    report = run_report(tmp_path / "run")
    assert report["plan_blocks_kept_by_kind"] == {"leisure": "0/1", "meal": "1/1", "work": "1/1"}
    assert report["lines_naming_partner"] == 1.0 and report["lines_repeating_previous"] == 0.5
    assert report["model_calls_per_resident_per_game_hour"] == 1.0


def test_report_on_a_folder_that_is_not_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "is not a finished simulate run" in capsys.readouterr().err


def test_plan_days_count_only_days_the_model_planned_alone(tmp_path: Path) -> None:
    plan = {"type": "plan_made", "npc": "ann", "day": 1, "time": "06:30", "blocks": ["06:30 work @bakery"]}
    _write_run(tmp_path / "run", [plan | {"plan_day": 1, "source": "brain"},
                                  plan | {"plan_day": 2, "source": "brain"},
                                  plan | {"plan_day": 2, "source": "scripted", "time": "12:00"},
                                  plan | {"plan_day": 3, "source": "scripted"}])
    report = run_report(tmp_path / "run")
    assert (report["plan_days"], report["plan_days_by_model"]) == (3, 1)
    assert report["plan_days_by_model_share"] == round(1 / 3, 4)
