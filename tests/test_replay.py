"""Record a run's brain answers to a cassette and replay them: identical events; an unseen request fails clearly."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from agents.brains.replay import ReplayBrain, ReplayMissError, request_key
from agents.persona_file import load_persona
from agents.protocol import Request, Situation
from game.cli import main
from game.world.loader import WORLDS_DIR

RUN = ["simulate", "--world", "oakvale", "--hours", "10", "--embedder", "hash", "--quiet", "--brain", "scripted"]


def test_recorded_run_replays_byte_identically(tmp_path: Path) -> None:
    cassette = tmp_path / "day.cassette"
    assert main([*RUN, "--seed", "5", "--out", str(tmp_path / "live"), "--record", str(cassette)]) == 0
    assert main([*RUN, "--seed", "5", "--out", str(tmp_path / "replay"), "--brain", "replay",
                 "--cassette", str(cassette)]) == 0
    live = (tmp_path / "live" / "events.jsonl").read_bytes()
    assert live == (tmp_path / "replay" / "events.jsonl").read_bytes()
    assert live.count(b'"said"') > 10
    assert cassette.read_text().splitlines()[-1] == '{"cassette": 1, "think_budget": null}', \
        "the scripted recording ran with no budget, so its replay does too (a budget would build requests lean)"


def test_a_replay_runs_under_the_budget_its_recording_ran_under(tmp_path: Path) -> None:
    cassette = tmp_path / "day.cassette"
    assert main([*RUN, "--seed", "5", "--hours", "3", "--think-budget", "40", "--out", str(tmp_path / "live"),
                 "--record", str(cassette)]) == 0
    assert ReplayBrain(cassette).recorded_budget == 40
    assert main([*RUN, "--seed", "5", "--hours", "3", "--out", str(tmp_path / "replay"), "--brain", "replay",
                 "--cassette", str(cassette)]) == 0
    live = (tmp_path / "live" / "events.jsonl").read_bytes()
    assert live == (tmp_path / "replay" / "events.jsonl").read_bytes()
    trace = (tmp_path / "replay" / "trace.jsonl").read_text()
    assert '"tier": "scripted"' in trace and "of 40 spent this hour" in trace, "the replay ran under the same budget"


def test_unseen_request_fails_with_a_clear_message(tmp_path: Path) -> None:
    cassette = tmp_path / "day.cassette"
    assert main([*RUN, "--seed", "5", "--out", str(tmp_path / "live"), "--record", str(cassette)]) == 0
    result = subprocess.run([sys.executable, "-m", "game.cli", *RUN, "--seed", "6", "--out", str(tmp_path / "r"),
                             "--brain", "replay", "--cassette", str(cassette)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "has no answer for a" in result.stderr and str(cassette) in result.stderr
    assert "recorded with brain 'scripted'" in result.stderr and "same world, seed" in result.stderr


def test_replay_needs_a_readable_cassette(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([*RUN, "--out", str(tmp_path), "--brain", "replay"]) == 2
    assert "needs a cassette" in capsys.readouterr().err
    bad = tmp_path / "bad.cassette"
    bad.write_text("{not json\n")
    assert main([*RUN, "--out", str(tmp_path), "--brain", "replay", "--cassette", str(bad)]) == 2
    assert "bad.cassette:1: not a cassette line" in capsys.readouterr().err


def test_request_key_ignores_the_id_but_not_the_content(tmp_path: Path) -> None:
    persona = load_persona(WORLDS_DIR / "oakvale" / "personas" / "iris.toml")
    request = Request(1, "decide", "iris", persona, Situation(1, 0, 600, "library", "Oakvale Library", "reading"), 9)
    assert request_key(request) == request_key(replace(request, id=99))
    assert request_key(request) != request_key(replace(request, seed=10))
    cassette = tmp_path / "c"
    cassette.write_text('{"cassette": 1, "brain": "scripted"}\n')
    try:
        ReplayBrain(cassette).think([request])
    except ReplayMissError as exc:
        assert "'decide' request from iris on day 1 at 10:00" in str(exc)
    else:
        raise AssertionError("an empty cassette cannot answer")


def test_a_cassette_whose_budget_is_not_a_number_is_refused_by_file_line_and_field(tmp_path: Path) -> None:
    cassette = tmp_path / "bad.cassette"
    for value in ('"lots"', "true", "-3"):
        cassette.write_text('{"cassette": 1, "brain": "scripted"}\n' + f'{{"cassette": 1, "think_budget": {value}}}\n')
        try:
            ReplayBrain(cassette)
        except ValueError as exc:
            assert f"{cassette}:2: field 'think_budget'" in str(exc), str(exc)
        else:
            raise AssertionError(f"think_budget {value} was taken")
    cassette.write_text('{"cassette": 1, "brain": "scripted"}\n{"cassette": 1, "think_budget": null}\n')
    assert ReplayBrain(cassette).recorded_budget is None and ReplayBrain(cassette).recorded_brain == "scripted"
