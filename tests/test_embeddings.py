"""Sentence embeddings: the hash embedder is stable and sane, MiniLM loads offline and ranks by meaning."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agents.embeddings import EMBEDDERS, HashEmbedder, MiniLMEmbedder, cosine_scores, load_embedder

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ["Gwen is hosting a party at the pub at 17:00", "The rye bread burnt this morning", ""]


def ranking(embedder: Any, query: str, candidates: list[str]) -> list[str]:
    scores = cosine_scores(embedder.embed([query])[0], embedder.embed(candidates))
    return [candidates[i] for i in np.argsort(-scores, kind="stable")]


def test_hash_shape_unit_rows_and_empty_text() -> None:
    vectors = HashEmbedder(dim=64).embed(SENTENCES)
    assert vectors.shape == (3, 64)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-6)
    assert not vectors[2].any()
    assert HashEmbedder().embed([]).shape == (0, 256)


def test_hash_is_deterministic_across_processes() -> None:
    code = (
        f"from agents.embeddings import HashEmbedder; print(HashEmbedder().embed({SENTENCES[:2]!r}).round(5).tolist())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    here = HashEmbedder().embed(SENTENCES[:2]).round(5).tolist()
    assert other.stdout.strip() == str(here)


def test_hash_ranks_shared_words_first() -> None:
    candidates = ["The rye bread burnt this morning", "Ben pruned the roses in the park", SENTENCES[0]]
    assert ranking(HashEmbedder(), "is there a party tonight?", candidates)[0] == SENTENCES[0]
    candidates = ["Ben pruned the roses in the park", "The party at the pub starts tonight", "The pub sells rye bread"]
    assert ranking(HashEmbedder(), "party at the pub tonight", candidates)[0] == candidates[1]


def test_module_imports_without_torch() -> None:
    code = "import sys, agents.embeddings; print('torch' in sys.modules, 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False False"


def test_cosine_scores_and_empty_matrix() -> None:
    matrix = np.eye(3, dtype=np.float32)
    assert cosine_scores(matrix[1], matrix).tolist() == [0.0, 1.0, 0.0]
    assert cosine_scores(matrix[1], np.zeros((0, 3), dtype=np.float32)).shape == (0,)


def test_load_embedder_rejects_unknown_names() -> None:
    assert EMBEDDERS == ("hash", "minilm")
    assert load_embedder("hash", dim=32).dim == 32
    with pytest.raises(ValueError, match="unknown embedder") as caught:
        load_embedder("word2vec")
    assert "hash" in str(caught.value)
    assert "minilm" in str(caught.value)


@pytest.fixture(scope="module")
def minilm() -> Iterator[MiniLMEmbedder]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        yield MiniLMEmbedder()


def test_minilm_shape_and_unit_rows(minilm: MiniLMEmbedder) -> None:
    vectors = minilm.embed(SENTENCES)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert not vectors[2].any()


def test_minilm_ranks_by_meaning(minilm: MiniLMEmbedder) -> None:
    candidates = ["the market sells peaches", "Dr Okafor works at the clinic", "Ben pruned the roses in the park"]
    assert ranking(minilm, "feeling unwell, need a doctor", candidates)[0] == "Dr Okafor works at the clinic"
    candidates = ["The rye bread burnt this morning", "Ben pruned the roses in the park", SENTENCES[0]]
    assert ranking(minilm, "is there a party tonight?", candidates)[0] == SENTENCES[0]


def test_minilm_cache_skips_the_model(minilm: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    model = minilm._model

    def counting(**batch: Any) -> Any:
        calls.append(int(batch["input_ids"].shape[0]))
        return model(**batch)

    monkeypatch.setattr(minilm, "_model", counting)
    first = minilm.embed(["Mara lost her keys by the well", "the mill wheel squeaks"])
    assert calls == [2]
    again = minilm.embed(["the mill wheel squeaks", "Mara lost her keys by the well", "a new line"])
    assert calls == [2, 1]
    assert np.array_equal(again[0], first[1])
    assert np.array_equal(again[1], first[0])
