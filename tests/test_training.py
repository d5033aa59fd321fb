"""The model recipe end to end in miniature: corpus, tokenizer, training, evaluation, card, offline loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.training.corpus import VALIDATION_SEED_BASE, examples, write_corpus
from agents.training.vocab import OAKVALE_NAMES
from game.cli import main


def test_corpus_is_seeded_deduplicated_and_keeps_validation_people_apart(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", 3, 1)
    again = write_corpus(tmp_path / "b", 3, 1)
    assert first == again, "same seed, same corpus"
    assert (tmp_path / "a" / "train.jsonl").read_bytes() == (tmp_path / "b" / "train.jsonl").read_bytes()
    rows = [json.loads(line) for line in (tmp_path / "a" / "train.jsonl").read_text().splitlines()]
    assert len({r["text"] for r in rows}) == len(rows)
    assert {r["kind"] for r in rows} == {"decide", "converse", "plan", "importance", "reflect"}
    train_people = {e.request.persona.name for e in examples(0, 3)}
    val_people = {e.request.persona.name for e in examples(VALIDATION_SEED_BASE, 1)}
    assert not train_people & val_people
    assert not {n.split()[0] for n in train_people | val_people} & OAKVALE_NAMES
    reply = rows[0]["text"][rows[0]["reply_start"]:]
    assert reply.endswith("<|end|>\n") and "<|user|>" not in reply


def test_train_model_quick_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out, work = tmp_path / "model", tmp_path / "work"
    assert main(["train-model", "--quick", "--out", str(out), "--work", str(work), "--fresh"]) == 0
    for name in ("model.safetensors", "config.json", "tokenizer.json", "README.md", "evaluation.json", "training.json"):
        assert (out / name).exists(), name
    log = json.loads((out / "training.json").read_text())
    assert log["step"] > 0 and log["final_val_loss"] > 0 and log["corpus"]["sha256"]
    report = json.loads((out / "evaluation.json").read_text())
    assert report["validity_constrained"] == 1.0, "constrained decoding only produces valid decisions"
    assert 0 <= report["validity_unconstrained"] <= 1 and 0 <= report["agreement_exact"] <= 1
    card = (out / "README.md").read_text()
    assert "Parameters:" in card and log["corpus"]["sha256"] in card and "validity_constrained" in card
    from transformers import AutoModelForCausalLM, AutoTokenizer
    assert AutoModelForCausalLM.from_pretrained(out, local_files_only=True).num_parameters() == log["parameters"]
    assert AutoTokenizer.from_pretrained(out, local_files_only=True).chat_template
    steps = log["step"]
    assert main(["train-model", "--quick", "--out", str(out), "--work", str(work)]) == 0
    assert json.loads((out / "training.json").read_text())["step"] == steps, "resumed: nothing left to train"
