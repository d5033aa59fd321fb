"""export-model: the tuned model as GGUF, which a GGUF reader (transformers') loads back to the same weights."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.brains.local import TALK_ADAPTER
from game.cli import main

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(not (TALK_ADAPTER / "adapter_model.safetensors").exists(),
                                reason="the shipped adapter is missing")


def test_export_round_trips_the_merged_model(smollm2_folder: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from agents.brains.talker import merge_adapter
    target = tmp_path / "npcworld-talk.gguf"
    assert main(["export-model", "--gguf", str(target), "--dtype", "f32"]) == 0
    assert "wrote" in capsys.readouterr().out
    merged = AutoModelForCausalLM.from_pretrained(smollm2_folder).eval()
    merge_adapter(merged, TALK_ADAPTER)
    loaded = AutoModelForCausalLM.from_pretrained(tmp_path, gguf_file=target.name).eval()
    tokenizer = AutoTokenizer.from_pretrained(tmp_path, gguf_file=target.name)
    ids = tokenizer("Mara is the baker at Quinn's Bakery in Oakvale, and", return_tensors="pt").input_ids
    with torch.no_grad():
        assert torch.allclose(merged(ids).logits, loaded(ids).logits, atol=1e-4)
    assert "<|im_start|>" in (tokenizer.chat_template or ""), "the chat template travels with the file"


def test_export_refuses_a_base_it_cannot_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-model", "--gguf", str(tmp_path / "x.gguf"), "--base", "nonesuch"]) == 2
    assert "unknown base model 'nonesuch'" in capsys.readouterr().err
