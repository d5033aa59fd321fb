"""The model recipe end to end in miniature: corpus, tokenizer, training, evaluation, card, offline loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.persona import Persona
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


def test_corpus_varies_names_and_places_so_the_model_must_read_the_prompt() -> None:
    from agents.training.vocab import FIRST_NAMES
    chosen = list(examples(0, 12))
    firsts = {e.request.persona.first_name for e in chosen}
    assert len(firsts) > 80 and len(firsts - set(FIRST_NAMES)) > len(firsts) / 3, "many invented names"
    places = {p for e in chosen if e.request.options for p in e.request.options.places}
    assert any(p.endswith(("_cafe", "_bakery", "_pub")) for p in places), "named places"
    moved = [e for e in chosen if e.request.kind == "decide" and e.request.plan
             and e.request.persona.workplace and (b := e.request.plan.block_at(e.request.situation.minute))
             and b.kind != "work" and b.place not in (e.request.persona.home, *_routine_places(e.request.persona))]
    assert moved, "some decisions follow a replanned block at a place outside the routine"
    import random

    from agents.training.towns import make_town
    for seed in range(300):
        town = make_town(random.Random(seed), 14)
        assert len({p.id for p in town.residents}) == 14, f"resident ids are unique (town {seed})"
    spoken = [e for e in chosen if e.request.kind == "converse"]
    assert all(e.request.dialogue and e.request.dialogue.partner_name.split()[0] in e.answer for e in spoken)
    assert sum("{partner}" in e.reply for e in spoken) > 0.9 * len(spoken), "the model learns the partner slot"
    decisions = [e for e in chosen if e.request.kind == "decide"]
    assert sum('"@plan"' in e.reply for e in decisions) > len(decisions) / 5, "go_to the plan's place is a slot"


def _routine_places(persona: Persona) -> set[str | None]:
    """Every place a persona's routine names (home and work by their ids)."""
    named = {p for block in persona.routine for p in block.places}
    return {persona.home if p == "home" else persona.workplace if p == "work" else p for p in named}


def test_reply_loss_matches_the_full_loss() -> None:
    import torch

    from agents.modelkit import build_model, train_tokenizer
    from agents.training.train import reply_loss
    tokenizer = train_tokenizer(["<|user|> hello there <|assistant|> general kenobi <|end|>"] * 4, 300)
    model = build_model(tokenizer, "tiny", context=64)
    ids = torch.tensor([tokenizer("hello there general kenobi", add_special_tokens=False).input_ids])
    labels = ids.clone()
    labels[0, :3] = -100
    mask = torch.ones_like(ids)
    full = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    assert torch.allclose(reply_loss(model, ids, mask, labels), full, atol=1e-5)


def test_train_model_quick_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out, work = tmp_path / "model", tmp_path / "work"
    assert main(["train-model", "--small", "--quick", "--out", str(out), "--work", str(work), "--fresh"]) == 0
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
    assert json.loads((out / "npcworld.json").read_text()) == {"slots": "v1"}
    steps = log["step"]
    assert main(["train-model", "--small", "--quick", "--out", str(out), "--work", str(work)]) == 0
    assert json.loads((out / "training.json").read_text())["step"] == steps, "resumed: nothing left to train"
