"""The command line with model brains: a local model folder and an OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_openai import FakeServer

from agents.intents import Fallback, parse_intent
from agents.modelkit import make_model_folder
from game.cli import main


def applied_decisions(out: Path) -> list[dict]:
    trace = [json.loads(line) for line in (out / "trace.jsonl").read_text().splitlines()]
    return [r for r in trace if r["kind"] == "decide"]


def check_valid(out: Path) -> None:
    decisions = applied_decisions(out)
    assert decisions
    assert all(not isinstance(parse_intent(d["applied"]), Fallback) for d in decisions)
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    places = {e["place"] for e in events if e["type"] == "arrived"} | {e["to"] for e in events
                                                                       if e["type"] == "move_started"}
    assert "atlantis" not in places


def test_simulate_with_a_local_model_folder(tmp_path: Path) -> None:
    model = make_model_folder(tmp_path / "model", "tiny")
    out = tmp_path / "out"
    assert main(["simulate", "--world", "oakvale", "--hours", "4", "--brain", "local", "--model", str(model),
                 "--out", str(out), "--embedder", "hash", "--quiet"]) == 0
    check_valid(out)
    assert all(d["accepted"] for d in applied_decisions(out)), "constrained decoding: every decision valid"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["brain"] == "local" and summary["brain_batches"] < summary["brain_requests"] / 3


def test_simulate_against_an_openai_compatible_server(tmp_path: Path) -> None:
    server = FakeServer().start()
    try:
        out = tmp_path / "out"
        assert main(["simulate", "--world", "oakvale", "--hours", "4", "--brain", "openai",
                     "--base-url", server.base_url, "--model", "fake", "--out", str(out), "--embedder", "hash",
                     "--quiet", "--timeout", "2"]) == 0
        check_valid(out)
        decisions = applied_decisions(out)
        assert sum(d["accepted"] for d in decisions) > 0.9 * len(decisions)
        assert server.requests > 50 and all(b["model"] == "fake" for b in server.bodies)
    finally:
        server.kill()


def test_missing_model_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--hours", "1", "--brain", "local", "--model", "org/not-cached-model",
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not in the local Hugging Face cache" in err and "--model" in err and "Traceback" not in err


def test_a_run_the_fallback_mostly_answered_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer().start()
    server.kill()  # nothing listens on that port now
    out = tmp_path / "out"
    assert main(["simulate", "--world", "oakvale", "--hours", "1", "--brain", "openai", "--base-url",
                 server.base_url, "--out", str(out), "--embedder", "hash", "--quiet", "--timeout", "0.5"]) == 3, \
        "a model brain that answered nothing is a failed run (its files are still written)"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["answers"] > 0 and summary["answers_by_fallback"] == summary["answers"]
    err = capsys.readouterr().err
    assert f"could not answer {summary['answers']} of {summary['answers']} requests" in err


def test_thread_counts_are_chosen_for_each_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window leaves a core for drawing; headless runs use them all; --threads and $NPCWORLD_THREADS win."""
    from game.cli.main import brain_spec, build_parser
    monkeypatch.delenv("NPCWORLD_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    parse = build_parser().parse_args
    assert brain_spec(parse(["play"])).options["threads"] == 3, "the window's brain process leaves one core"
    assert brain_spec(parse(["simulate", "--out", "x"])).options["threads"] == 4
    assert brain_spec(parse(["play", "--threads", "2"])).options["threads"] == 2
    monkeypatch.setenv("NPCWORLD_THREADS", "1")
    assert brain_spec(parse(["simulate", "--out", "x"])).options["threads"] == 1
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    monkeypatch.delenv("NPCWORLD_THREADS")
    assert brain_spec(parse(["play"])).options["threads"] == 1, "never zero"
