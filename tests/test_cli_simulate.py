"""The simulate command: output files, byte-identical reruns, different seeds, and the summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from game.cli import main

REQUIRED = ("tick", "day", "time", "type")


def run(out: Path, seed: int, hours: str = "24") -> bytes:
    assert main(["simulate", "--world", "oakvale", "--hours", hours, "--seed", str(seed), "--brain", "scripted",
                 "--out", str(out), "--quiet", "--embedder", "hash"]) == 0
    return (out / "events.jsonl").read_bytes()


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    first = run(tmp_path / "a", 7)
    assert first == run(tmp_path / "b", 7)
    assert first != run(tmp_path / "c", 8)


def test_events_and_summary_format(tmp_path: Path) -> None:
    run(tmp_path, 7, hours="6")
    lines = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert all(all(key in r for key in REQUIRED) for r in records)
    assert all(len(r["time"]) == 5 and r["time"][2] == ":" for r in records)
    assert all("npc" in r for r in records if r["type"] != "conversation_ended" or "npc" in r)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["world"] == "Oakvale" and summary["seed"] == 7 and summary["brain"] == "scripted"
    assert summary["npcs"] == 12
    assert summary["game_minutes"] == 360
    assert summary["ticks"] == 360 * 60 // 10
    assert sum(summary["events_by_type"].values()) == len(records)
    assert summary["wall_seconds"] > 0
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob("*.tmp"))


def test_world_given_as_a_path(tmp_path: Path, world_copy: Path) -> None:
    assert main(["simulate", "--world", str(world_copy), "--hours", "1", "--out", str(tmp_path / "o"), "--quiet",
                 "--embedder", "hash", "--brain", "scripted"]) == 0
    assert (tmp_path / "o" / "events.jsonl").stat().st_size > 0


def test_console_script_runs_and_reports_errors_without_traceback(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "game.cli", "simulate", "--hours", "1", "--out", str(tmp_path),
                         "--brain", "scripted", "--embedder", "hash"],
                        capture_output=True, text=True, timeout=120, check=False)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([sys.executable, "-m", "game.cli", "simulate", "--world", "atlantis", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2
    assert "no world folder" in bad.stderr and "oakvale" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_unknown_brain_is_a_clear_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["simulate", "--brain", "oracle", "--hours", "1", "--out", str(tmp_path)]) == 2
    assert "unknown brain 'oracle'" in capsys.readouterr().err
