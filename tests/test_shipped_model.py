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
    assert main(["simulate", "--world", "oakvale", "--hours", "8", "--seed", "7", "--out", str(out), "--quiet",
                 "--embedder", "hash"]) == 0
    return (out / "events.jsonl").read_bytes()


def test_default_brain_is_the_shipped_model_and_runs_are_repeatable(tmp_path: Path) -> None:
    first = run(tmp_path / "a")
    assert first == run(tmp_path / "b"), "greedy decoding, inline answers: same bytes"
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["brain"] == "local"
    trace = [json.loads(line) for line in (tmp_path / "a" / "trace.jsonl").read_text().splitlines()]
    decisions = [r for r in trace if r["kind"] == "decide"]
    refused = [r["rejection"] for r in decisions if not r["accepted"]]
    assert decisions and all(reason.endswith(" is busy") for reason in refused), \
        "constrained: only valid decisions; the world refuses only a talk to someone who got busy meanwhile"
    assert all(not isinstance(parse_intent(r["applied"]), Fallback) for r in decisions)
    events = [json.loads(line) for line in first.decode().splitlines()]
    assert any(e["type"] == "move_started" for e in events) and any(e["type"] == "activity" for e in events)
    from game.report import run_report
    report = run_report(tmp_path / "a")
    assert report["plan_blocks"] >= 30 and report["plan_blocks_kept"] >= 0.95, "residents keep their routines"
    kept_work, planned_work = map(int, report["plan_blocks_kept_by_kind"]["work"].split("/"))
    assert kept_work == planned_work, "everyone due at work gets there"
    assert report["conversations"] >= 5 and report["lines_naming_partner"] == 1.0, "lines name the partner"


def test_the_bundled_model_writes_slots_and_the_brain_fills_them() -> None:
    from agents.brains.local import LocalBrain
    from agents.slots import model_uses_slots
    from agents.training.evaluate import validation_examples
    assert model_uses_slots(BUNDLED)
    brain = LocalBrain(threads=1)
    from dataclasses import replace
    requests = [replace(e.request, id=i) for i, e in enumerate(validation_examples("converse", 4))]
    for request, answer in zip(requests, brain.think(requests), strict=True):
        line = json.loads(answer.text)["say"]
        assert "{" not in line and request.dialogue is not None
        assert request.dialogue.partner_name.split()[0] in line
