"""A brain that answers from a finished run's trace.jsonl: each request gets the reply its id got in that run.

A run is deterministic, so the same world, seed and plants ask the same requests in the same order; the
replay viewer (game/view/replay.py) rebuilds the run with this brain to show any moment of it exactly, with
the decisions and memories of the moment, from nothing but the run's own files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.protocol import Answer, Request


class TraceBrain:
    """Answers request ``n`` with the reply the traced run gave request ``n`` (same kind and resident)."""

    name = "trace"

    def __init__(self, records: Sequence[dict[str, Any]]):
        self._by_id = {int(r["request"]): r for r in records}
        self.misses: list[str] = []
        """Requests the trace had no matching answer for (the replay has left the run's path)."""

    @classmethod
    def from_file(cls, path: Path) -> TraceBrain:
        """Read a trace.jsonl."""
        with path.open(encoding="utf-8") as handle:
            return cls([json.loads(line) for line in handle if line.strip()])

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        """The traced replies; a request the run did not answer, or answered for another, falls back."""
        answers = []
        for request in requests:
            record = self._by_id.get(request.id)
            if record is None or record["npc"] != request.npc or record["kind"] != request.kind:
                self.misses.append(f"{request.kind} request {request.id} from {request.npc}")
                answers.append(Answer(request.id, "", error="not in the run's trace"))
                continue
            latency = float(record.get("latency_ms") or 0) / 1000
            answers.append(Answer(request.id, str(record.get("reply") or ""), latency, record.get("tokens"),
                                  record.get("error")))
        return answers
