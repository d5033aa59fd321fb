"""The memory stream: what a resident observed, heard, learned and concluded, ranked for retrieval."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from agents.embeddings import Embedder

MEMORY_KINDS = ("observation", "conversation", "reflection", "plan", "news", "summary")
"""Kinds of memory."""


@dataclass(frozen=True, slots=True)
class Happening:
    """Something that will happen at a place and time (a party, a meeting): the structured part of news."""

    key: str
    title: str
    place: str
    day: int
    start: int
    """Minute of the day it begins."""
    minutes: int = 120
    host: str | None = None


@dataclass(slots=True)
class Memory:
    """One entry of a memory stream."""

    id: int
    kind: str
    text: str
    created: int
    """Game minute (since the start day's midnight) it was formed."""
    last_access: int
    importance: int
    """1 (mundane) to 10 (life-changing)."""
    cites: tuple[int, ...] = ()
    """For reflections and summaries: the memories they came from."""
    source: str | None = None
    """For news: the resident who told it (None when planted or witnessed)."""
    happening: Happening | None = None


@dataclass(frozen=True, slots=True)
class RetrievalWeights:
    """How retrieval weighs its three normalised scores, and how fast recency decays."""

    recency: float = 1.0
    importance: float = 1.0
    relevance: float = 1.0
    decay: float = 0.99
    """Recency multiplier per game hour since the memory was last accessed."""


@dataclass(frozen=True, slots=True)
class Scored:
    """A retrieved memory with its normalised component scores and weighted total."""

    memory: Memory
    recency: float
    importance: float
    relevance: float
    score: float


def normalise(values: np.ndarray) -> np.ndarray:
    """Min-max scale to [0, 1]; when all values are equal, every one becomes 0.5."""
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return np.full_like(values, 0.5, dtype=np.float64)
    return (values - low) / (high - low)


@dataclass(slots=True)
class MemoryStream:
    """A resident's memories: plain data. Their embeddings live in a ``MemoryIndex`` under the stream's owner."""

    owner: str = ""
    """The resident id the index files this stream's embeddings under."""
    weights: RetrievalWeights = field(default_factory=RetrievalWeights)
    limit: int = 400
    memories: list[Memory] = field(default_factory=list)
    next_id: int = 1
    compact_at: int = 0
    """After a compaction that left the stream over ``limit`` (too few memories it may fold: the rest are
    important), none is tried again until the stream is this long: a tenth of ``limit`` later, not at every new
    memory (at a thousand residents, streams full of overheard news rescanned and copied at every memory)."""

    def __len__(self) -> int:
        return len(self.memories)

    def get(self, memory_id: int) -> Memory | None:
        """Return the memory with ``memory_id`` if it is still held."""
        for memory in reversed(self.memories):
            if memory.id == memory_id:
                return memory
        return None

    def recent(self, count: int, since: int | None = None) -> list[Memory]:
        """Return up to ``count`` newest memories (formed at or after ``since``), oldest first."""
        chosen = [m for m in self.memories if since is None or m.created >= since]
        return chosen[-count:]

    def happenings(self) -> list[Happening]:
        """Return every distinct happening this resident has heard of, by key."""
        seen: dict[str, Happening] = {}
        for memory in self.memories:
            if memory.happening is not None:
                seen.setdefault(memory.happening.key, memory.happening)
        return list(seen.values())

    def knows(self, key: str) -> bool:
        """Return whether a memory carries the happening ``key``."""
        return any(m.happening is not None and m.happening.key == key for m in self.memories)


class MemoryIndex:
    """The embeddings of every stream's memories, one matrix per owner, and the embedder that makes them.

    The mind service owns one for the whole town; all changes to a stream go through it (``add``,
    ``compact``) so rows and memories stay in step. A stream it has not seen (one read back from a save)
    is embedded again on first use.
    """

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self._rows: dict[str, np.ndarray] = {}
        """Each owner's matrix with room to grow: its first ``_used[owner]`` rows are the memories' embeddings."""
        self._used: dict[str, int] = {}

    def state(self) -> dict[str, np.ndarray]:
        """The embedding matrices by owner, for a save (kept as they are: re-embedding may differ in the last bits)."""
        return {owner: rows[:self._used[owner]].copy() for owner, rows in self._rows.items()}

    def load_state(self, rows: dict[str, np.ndarray]) -> None:
        """Take back the matrices ``state`` gave."""
        self._rows, self._used = dict(rows), {owner: len(matrix) for owner, matrix in rows.items()}

    def vectors(self, stream: MemoryStream) -> np.ndarray:
        """The stream's embedding matrix, one row per memory in order."""
        rows = self._rows.get(stream.owner)
        used = self._used.get(stream.owner, 0)
        if rows is None or used != len(stream.memories):
            texts = [m.text for m in stream.memories]
            rows = self.embedder.embed(texts) if texts else np.zeros((0, self.embedder.dim), dtype=np.float32)
            self._rows[stream.owner], self._used[stream.owner] = rows, len(rows)
            return rows
        return rows[:used]

    def _append(self, owner: str, row: np.ndarray) -> None:
        """Add one embedding after an owner's rows, doubling its room when full (no copy of the whole per memory)."""
        rows, used = self._rows[owner], self._used[owner]
        if used == len(rows):
            grown = np.empty((max(16, 2 * used), row.shape[-1]), dtype=rows.dtype)
            grown[:used] = rows[:used]
            self._rows[owner] = rows = grown
        rows[used] = row
        self._used[owner] = used + 1

    def add(self, stream: MemoryStream, kind: str, text: str, now: int, importance: int, *,
            cites: tuple[int, ...] = (), source: str | None = None, happening: Happening | None = None) -> Memory:
        """Store a new memory (and its embedding); compact the stream if it grew past its limit."""
        self.vectors(stream)  # in step with the stream before it grows
        memory = Memory(stream.next_id, kind, text, now, now, max(1, min(10, importance)), cites, source, happening)
        stream.next_id += 1
        stream.memories.append(memory)
        self._append(stream.owner, self.embedder.embed([text])[0])
        if len(stream.memories) > max(stream.limit, stream.compact_at):
            self.compact(stream, now)
        return memory

    def retrieve(self, stream: MemoryStream, query: str, now: int, k: int = 6, touch: bool = True,
                 skip: tuple[str, ...] = ()) -> list[Scored]:
        """Return the ``k`` best memories for ``query`` at game minute ``now`` (none of the ``skip`` kinds)."""
        memories = stream.memories
        if not memories:
            return []
        w = stream.weights
        hours = np.array([(now - m.last_access) / 60 for m in memories], dtype=np.float64)
        recency = normalise(np.power(w.decay, np.maximum(hours, 0.0)))
        importance = normalise(np.array([m.importance for m in memories], dtype=np.float64))
        query_vector = self.embedder.embed([query])[0]
        relevance = normalise(self.vectors(stream).astype(np.float64) @ query_vector.astype(np.float64))
        total = w.recency * recency + w.importance * importance + w.relevance * relevance
        allowed = np.flatnonzero([m.kind not in skip for m in memories]) if skip else np.arange(len(memories))
        ids = np.array([memories[i].id for i in allowed], dtype=np.int64)
        order = allowed[np.lexsort((-ids, -total[allowed]))[:k]].tolist()  # best total first, newer on a tie
        result = [Scored(memories[i], float(recency[i]), float(importance[i]), float(relevance[i]),
                         float(total[i])) for i in order]
        if touch:
            for scored in result:
                scored.memory.last_access = now
        return result

    def compact(self, stream: MemoryStream, now: int) -> None:
        """Bound the stream: fold the oldest mundane observations (importance <= 3, over 12 h old) into a summary.

        The rule: while the stream holds more than ``limit`` memories, the oldest observations with
        importance 3 or less that were formed more than 12 game hours ago are removed, a tenth of the
        limit at a time, and replaced by one ``summary`` memory that lists what they were about and
        cites them. If there are none such, the oldest memories of importance 3 or less of any kind
        but reflection and news go instead. Important memories, reflections and news are never dropped.
        """
        rows = self.vectors(stream)
        batch = max(1, stream.limit // 10) + len(stream.memories) - stream.limit
        old = [m for m in stream.memories
               if m.kind == "observation" and m.importance <= 3 and now - m.created > 720]
        if not old:
            old = [m for m in stream.memories if m.importance <= 3 and m.kind not in ("reflection", "news")]
        drop = old[:batch]
        if not drop:
            stream.compact_at = len(stream.memories) + max(1, stream.limit // 10)
            return
        subjects = sorted({_subject(m.text) for m in drop})
        text = f"Earlier ({len(drop)} moments): " + "; ".join(subjects[:8]) + ("..." if len(subjects) > 8 else "")
        gone = {m.id for m in drop}
        keep = [i for i, m in enumerate(stream.memories) if m.id not in gone]
        stream.memories = [stream.memories[i] for i in keep]
        summary = Memory(stream.next_id, "summary", text, drop[-1].created, now, 2, tuple(sorted(gone)))
        stream.next_id += 1
        stream.memories.insert(0, summary)
        rows = np.vstack([self.embedder.embed([text]), rows[keep]])
        self._rows[stream.owner], self._used[stream.owner] = rows, len(rows)
        over = len(stream.memories) > stream.limit  # too few mundane memories to fold: wait for a tenth more
        stream.compact_at = len(stream.memories) + max(1, stream.limit // 10) if over else 0


def _subject(text: str) -> str:
    """Shorten an observation to its gist for a summary (its first clause)."""
    return re.split(r"[.;:(]", text, maxsplit=1)[0].strip()[:60]


_IMPORTANT = {
    10: ("died", "fire", "flood", "accident", "wedding", "born"),
    8: ("party", "invite", "invited", "celebrat", "birthday", "festival", "ill", "sick", "hurt", "fight"),
    6: ("news", "heard that", "secret", "worried", "love", "quit", "new job", "moving"),
}


def rule_importance(kind: str, text: str) -> int:
    """Rate a memory 1-10 without a model: by kind, raised by words that usually matter."""
    base = {"observation": 2, "conversation": 4, "reflection": 6, "plan": 3, "news": 6, "summary": 2}.get(kind, 3)
    lowered = text.lower()
    for level, words in _IMPORTANT.items():
        if re.search(r"\b(" + "|".join(words) + ")", lowered):
            return max(base, level)
    return base
