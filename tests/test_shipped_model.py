"""npcworld's own model: shipped in assets/, loads offline, is the default mind, and keeps the town sensible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.brains.bundled import BUNDLED
from agents.intents import Fallback, parse_intent
from game.cli import main

pytestmark = pytest.mark.skipif(not (BUNDLED / "model.safetensors").exists(), reason="the bundled model is missing")


def test_bundled_model_is_small_complete_and_loads_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    size = sum(p.stat().st_size for p in BUNDLED.iterdir() if p.is_file())
    assert size <= 30 * 1024 * 1024
    for name in ("model.safetensors", "config.json", "tokenizer.json", "README.md", "evaluation.json", "training.json"):
        assert (BUNDLED / name).exists(), name
    from transformers import AutoModelForCausalLM, AutoTokenizer
    model = AutoModelForCausalLM.from_pretrained(BUNDLED, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(BUNDLED, local_files_only=True)
    assert tokenizer.chat_template and model.config.model_type == "llama"
    evaluation = json.loads((BUNDLED / "evaluation.json").read_text())
    assert evaluation["validity_constrained"] == 1.0
    card = (BUNDLED / "README.md").read_text()
    assert str(evaluation["validation_loss"]) in card and "sha256" in card


def run(out: Path) -> bytes:
    assert main(["simulate", "--world", "oakvale", "--hours", "3", "--seed", "7", "--out", str(out), "--quiet",
                 "--embedder", "hash"]) == 0
    return (out / "events.jsonl").read_bytes()


def test_default_brain_is_the_shipped_model_and_runs_are_repeatable(tmp_path: Path) -> None:
    first = run(tmp_path / "a")
    assert first == run(tmp_path / "b"), "greedy decoding, inline answers: same bytes"
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["brain"] == "local"
    trace = [json.loads(line) for line in (tmp_path / "a" / "trace.jsonl").read_text().splitlines()]
    decisions = [r for r in trace if r["kind"] == "decide"]
    assert decisions and all(r["accepted"] for r in decisions), "constrained: every decision is valid"
    assert all(not isinstance(parse_intent(r["applied"]), Fallback) for r in decisions)
    events = [json.loads(line) for line in first.decode().splitlines()]
    assert any(e["type"] == "move_started" for e in events) and any(e["type"] == "activity" for e in events)
