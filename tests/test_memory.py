"""Memory retrieval ranks by normalised recency, importance and relevance; decay, compaction and ratings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from agents.embeddings import HashEmbedder
from agents.memory import MemoryIndex, MemoryStream, RetrievalWeights, normalise, rule_importance


class TableEmbedder:
    """Maps known texts to fixed unit vectors, so relevance is exactly what the test says."""

    name = "table"
    dim = 2

    def __init__(self, vectors: dict[str, tuple[float, float]]):
        self.vectors = vectors

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.vectors[t] for t in texts], dtype=np.float32)


VECTORS = {"A": (1.0, 0.0), "B": (0.0, 1.0), "C": (0.6, 0.8), "query": (1.0, 0.0)}


class Stream:
    """A stream with its index, for tests that only care about one resident."""

    def __init__(self, embedder, weights: RetrievalWeights | None = None, limit: int = 400):  # type: ignore[no-untyped-def]
        self.index, self.stream = MemoryIndex(embedder), MemoryStream("ann", weights or RetrievalWeights(), limit)
        self.memories = self.stream.memories

    def add(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        memory = self.index.add(self.stream, *args, **kwargs)
        self.memories = self.stream.memories
        return memory

    def retrieve(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return self.index.retrieve(self.stream, *args, **kwargs)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.stream, name)

    def __len__(self) -> int:
        return len(self.stream)


def stream(weights: RetrievalWeights) -> Stream:
    memories = Stream(TableEmbedder(VECTORS), weights)
    memories.add("observation", "A", now=0, importance=2)      # old, dull, on topic
    memories.add("observation", "B", now=540, importance=8)    # an hour old, important, off topic
    memories.add("observation", "C", now=600, importance=5)    # fresh, middling, partly on topic
    return memories


def test_normalise() -> None:
    assert normalise(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert normalise(np.array([7.0, 7.0])).tolist() == [0.5, 0.5]


def test_ranking_matches_hand_computation() -> None:
    # recency: 0.99**10 = 0.904382, 0.99**1 = 0.99, 1.0 -> normalised 0, 0.8954, 1
    # importance 2, 8, 5 -> 0, 1, 0.5; relevance 1.0, 0.0, 0.6 -> 1, 0, 0.6
    result = stream(RetrievalWeights(1, 1, 1, 0.99)).retrieve("query", now=600, k=3)
    assert [s.memory.text for s in result] == ["C", "B", "A"]
    c, b, a = result
    assert c.score == pytest.approx(1 + 0.5 + 0.6)
    assert b.recency == pytest.approx((0.99 - 0.99 ** 10) / (1 - 0.99 ** 10))
    assert b.score == pytest.approx(b.recency + 1.0)
    assert a.score == pytest.approx(1.0)


def test_weights_change_the_order() -> None:
    result = stream(RetrievalWeights(1, 1, 4, 0.99)).retrieve("query", now=600, k=3)
    assert [s.memory.text for s in result] == ["A", "C", "B"]  # 4.0, 1 + 0.5 + 2.4 = 3.9, 1.895
    result = stream(RetrievalWeights(0, 3, 0, 0.99)).retrieve("query", now=600, k=1)
    assert result[0].memory.text == "B"


def test_recency_decays_per_hour_since_last_access_and_retrieval_refreshes_it() -> None:
    memories = stream(RetrievalWeights(1, 0, 0, 0.5))
    first = memories.retrieve("query", now=600, k=1)[0]
    assert first.memory.text == "C"
    a = memories.get(1)
    assert a is not None and a.last_access == 0
    memories.retrieve("query", now=600, k=3)
    assert a.last_access == 600, "retrieving a memory counts as accessing it"
    later = memories.retrieve("query", now=660, k=3)
    assert all(s.recency == 0.5 for s in later), "all accessed at the same minute: equal recency"


def test_compaction_keeps_the_stream_bounded_and_important_memories() -> None:
    memories = Stream(HashEmbedder(), limit=50)
    for minute in range(0, 100 * 60, 60):
        memories.add("observation", f"Saw person {minute} walking at the park", now=minute, importance=2)
        if minute % 600 == 0:
            memories.add("news", f"Big news number {minute}: a party", now=minute, importance=8)
    assert len(memories) <= 50
    assert sum(1 for m in memories.memories if m.kind == "news") == 10, "news is never dropped"
    summaries = [m for m in memories.memories if m.kind == "summary"]
    assert summaries and all(m.cites for m in summaries)
    assert summaries[0].text.startswith("Earlier (")


def test_a_stream_of_important_memories_is_not_rescanned_at_every_new_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    index, stream = MemoryIndex(HashEmbedder()), MemoryStream("a", limit=20)
    tries = []
    real = MemoryIndex.compact
    monkeypatch.setattr(MemoryIndex, "compact", lambda self, s, now: (tries.append(len(s)), real(self, s, now)))
    for minute in range(40):
        index.add(stream, "observation", f"Heard about the party number {minute}", minute, 8)
    assert len(stream) == 40, "important memories are never folded"
    assert tries == [21, 24, 27, 30, 33, 36, 39], "after a try that folds nothing, the next waits a tenth of the limit"
    for minute in range(40, 44):
        index.add(stream, "observation", f"Saw a cat {minute}", minute, 2)
    assert tries[7:] == [42], "the mundane ones are folded at the next try, which leaves the stream over the limit"
    assert len(stream) == 43 and sum(m.importance == 8 for m in stream.memories) == 40
    assert stream.compact_at == 41 + 2 and index.vectors(stream).shape == (len(stream), HashEmbedder().dim)


def test_rule_importance() -> None:
    assert rule_importance("observation", "Saw Leo walking") == 2
    assert rule_importance("observation", "Heard that Gwen is throwing a party") == 8
    assert rule_importance("conversation", "We will talk later, still") == 4, "'will' and 'still' are not 'ill'"
    assert rule_importance("observation", "There was a fire at the mill") == 10


def test_happenings_and_knows() -> None:
    from agents.memory import Happening
    memories = Stream(HashEmbedder())
    party = Happening("k1", "A party", "cafe", 2, 17 * 60)
    memories.add("news", "There is a party", now=0, importance=8, happening=party)
    memories.add("news", "Told again about the party", now=5, importance=8, happening=party)
    assert memories.happenings() == [party]
    assert memories.knows("k1") and not memories.knows("k2")


def test_the_index_keeps_rows_in_step_and_embeds_a_stream_it_has_not_seen() -> None:
    index = MemoryIndex(HashEmbedder())
    live = MemoryStream("ann", limit=30)
    for minute in range(0, 60 * 60, 60):
        index.add(live, "observation", f"Saw person {minute} at the park", now=minute, importance=2)
    assert len(index.vectors(live)) == len(live.memories) <= 30, "compaction drops rows with their memories"
    loaded = MemoryStream("ann", live.weights, live.limit, list(live.memories), live.next_id)  # as read from a save
    fresh = MemoryIndex(HashEmbedder())
    ask = ("Saw person 3540 at the park", 3600)
    assert [s.memory.id for s in fresh.retrieve(loaded, *ask, touch=False)] == \
        [s.memory.id for s in index.retrieve(live, *ask, touch=False)]
