"""The decision trace: per brain request, what was asked, what memory supplied, what came back, what happened."""

from __future__ import annotations

import hashlib
from typing import Any, TextIO

from agents.memory import Scored
from agents.protocol import Answer, Request
from agents.replytext import dumps_line


class Trace:
    """Collects one record per answered request; streams records to trace.jsonl and prompts to prompts.jsonl."""

    def __init__(self, sink: TextIO | None = None, prompt_sink: TextIO | None = None, keep: bool = True):
        self.records: list[dict[str, Any]] = []
        self._sink = sink
        self._prompt_sink = prompt_sink
        self._keep = keep
        self._retrieved: dict[int, list[dict[str, Any]]] = {}
        self._prompts_written: set[str] = set()
        self._tiers: dict[int, tuple[str, str]] = {}
        self.answers = 0
        """Records written."""
        self.by_fallback = 0
        """Records whose brain could not answer (an error: late, server down...), so the fallback did."""

    @property
    def keeps(self) -> bool:
        """Whether records are kept in memory (besides any file they stream to)."""
        return self._keep

    def retrieved(self, request_id: int, scored: list[Scored]) -> None:
        """Remember which memories (with their scores) went into a request."""
        self._retrieved[request_id] = [
            {"id": s.memory.id, "kind": s.memory.kind, "text": s.memory.text, "recency": round(s.recency, 4),
             "importance": round(s.importance, 4), "relevance": round(s.relevance, 4), "score": round(s.score, 4)}
            for s in scored
        ]

    def tier(self, request_id: int, tier: str, why: str) -> None:
        """Note which tier answers a request and why (written into its record when it is answered)."""
        self._tiers[request_id] = (tier, why)

    def record(self, tick: int, request: Request, answer: Answer, parsed: Any, accepted: bool | None = None,
               *, reason: str | None = None, **extra: Any) -> dict[str, Any]:
        """Write the record of one answered request (a reply's lone surrogates are written escaped, never raise)."""
        prompt = request.prompt.encode("utf-8", "surrogatepass") if request.prompt else None  # never raises
        digest = hashlib.sha256(prompt).hexdigest()[:16] if prompt else None
        if self._prompt_sink is not None and digest is not None and digest not in self._prompts_written:
            self._prompts_written.add(digest)
            self._prompt_sink.write(dumps_line({"prompt_hash": digest, "prompt": request.prompt}) + "\n")
        tier = self._tiers.pop(request.id, None)
        retrieved = self._retrieved.pop(request.id, [])
        if tier is not None and tier[0] == "scripted":  # the scripted policy reads no memories: listing them
            retrieved = []                               # would mislead, and at scale it is most of the file
        record: dict[str, Any] = {
            "tick": tick, "day": request.situation.day,
            "time": f"{request.situation.minute // 60:02d}:{request.situation.minute % 60:02d}",
            "npc": request.npc, "kind": request.kind, "request": request.id, "reason": request.situation.reason,
            "prompt_hash": digest, "prompt_file": "prompts.jsonl" if digest else None,
            "retrieved": retrieved, "reply": answer.text, "parsed": parsed,
            "accepted": accepted, "rejection": reason, "latency_ms": round(answer.latency_s * 1000, 3),
            "tokens": answer.tokens, "error": answer.error, **extra,
        }
        if tier is not None:
            record["tier"], record["tier_why"] = tier
        self.answers += 1
        self.by_fallback += answer.error is not None
        if self._keep:
            self.records.append(record)
        if self._sink is not None:
            self._sink.write(dumps_line(record, default=str) + "\n")  # a model's lone surrogate is escaped
        return record

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """Return the kept records of one request kind."""
        return [r for r in self.records if r["kind"] == kind]
