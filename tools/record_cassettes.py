"""Record the cassettes the default test run replays instead of running the shipped models live.

The default brain's first two hours of Oakvale (seed 7) go to ``tests/cassettes/default-brain-2h.jsonl``, with
the events' sha256 beside it. Re-record after changing prompts, the world, the requests or the shipped models
(the fast test then says its cassette is stale): ``.venv/bin/python tools/record_cassettes.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.cli import main  # noqa: E402

CASSETTES = ROOT / "tests" / "cassettes"
RUN = ["simulate", "--world", "oakvale", "--hours", "2", "--seed", "7", "--embedder", "hash", "--quiet"]
"""The recorded run; the replay adds ``--brain replay --cassette FILE``."""
LIVE = ["--brain", "local", "--threads", "2"]
"""How the recording runs the default brain (greedy decoding, so the answers do not depend on the machine's luck)."""


def record() -> Path:
    """Run the default brain live, record every answer, and note the events' sha256; return the cassette."""
    cassette = CASSETTES / "default-brain-2h.jsonl"
    with tempfile.TemporaryDirectory() as out:
        if main([*RUN, *LIVE, "--out", out, "--record", str(cassette)]) != 0:
            raise SystemExit("the live run failed; nothing recorded")
        events = (Path(out) / "events.jsonl").read_bytes()
    meta = {"run": RUN, "live": LIVE, "events_sha256": hashlib.sha256(events).hexdigest(),
            "requests": sum(1 for _ in cassette.open(encoding="utf-8")) - 1}
    cassette.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return cassette


if __name__ == "__main__":
    path = record()
    print(f"recorded {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")
