"""Record and replay: a cassette of every request's answer, so a run can be repeated exactly without the brain."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from agents.partial import clear_dead_partials, partial_path
from agents.persona import Persona
from agents.protocol import Answer, Brain, BrainFatalError, Request


def _plain(value: Any) -> Any:
    """Turn a request's fields into JSON-ready data, with a persona reduced to its id."""
    if isinstance(value, Persona):
        return value.id
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


def request_key(request: Request) -> str:
    """A stable key for a request: the hash of everything in it but its id."""
    data = _plain(request)
    data.pop("id")
    data.pop("lean", None)  # a lean request never reaches a brain; cassettes from before the field stay good
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RecordingBrain:
    """Wraps any brain and appends each request's key and answer to a cassette (JSON lines).

    The lines go to a hidden ``.NAME.partial-PID`` beside the cassette, renamed to its name on ``close``: a
    process killed while recording leaves the older cassette (or none), never half of one under its name, and
    the next recording removes the partial files of processes that are gone.
    """

    def __init__(self, inner: Brain, cassette: Path):
        self.inner = inner
        self.name = inner.name
        self.path = cassette
        cassette.parent.mkdir(parents=True, exist_ok=True)
        clear_dead_partials(cassette)
        self._partial = partial_path(cassette)
        self._file: TextIO = self._partial.open("w", encoding="utf-8")
        self._file.write(json.dumps({"cassette": 1, "brain": inner.name}) + "\n")
        self.think_budget: int | bool | None = False
        """The run's model budget, told by the run once it is built (False: not told); closing records it."""

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        """Ask the inner brain, then record every answer before handing it back."""
        answers = self.inner.think(requests)
        by_id = {a.request_id: a for a in answers}
        for request in requests:
            answer = by_id.get(request.id)
            if answer is not None:
                self._file.write(json.dumps({"key": request_key(request), "kind": request.kind, "npc": request.npc,
                                             "text": answer.text, "tokens": answer.tokens},
                                            ensure_ascii=False) + "\n")
        self._file.flush()
        return answers

    def close(self) -> None:
        """Close the cassette and put it under its name (every line it holds is whole)."""
        if self._file.closed:
            return
        if self.think_budget is not False:  # a replay runs under the budget the recording ran under
            self._file.write(json.dumps({"cassette": 1, "think_budget": self.think_budget}) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._partial, self.path)



class ReplayMissError(BrainFatalError):
    """The cassette holds no answer for a request: the run differs from the recorded one."""


class ReplayBrain:
    """Answers from a cassette, in recorded order for identical requests; an unknown request stops the run."""

    name = "replay"

    def __init__(self, cassette: Path | str | None = None):
        if cassette is None:
            raise ValueError("the replay brain needs a cassette: --brain replay --cassette FILE")
        self.path = Path(cassette)
        self.recorded_brain = "?"
        self.recorded_budget: int | bool | None = False
        """The model budget the recording ran under (False: the cassette does not say)."""
        self._answers: dict[str, deque[tuple[str, int | None]]] = defaultdict(deque)
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ValueError(f"cannot read cassette {self.path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise ValueError(f"cassette {self.path} is not UTF-8 text (byte {exc.start})") from None
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
            except (ValueError, RecursionError) as exc:
                raise ValueError(f"{self.path}:{number}: not a cassette line ({str(exc)[:120]})") from None
            if not isinstance(entry, dict):
                raise ValueError(f"{self.path}:{number}: not a cassette line (a JSON {type(entry).__name__}, "
                                 "not an object)")
            if "cassette" in entry:
                self.recorded_brain = str(entry.get("brain", self.recorded_brain))[:60]
                if "think_budget" in entry:
                    budget = entry["think_budget"]
                    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int) or budget < 1):
                        raise ValueError(f"{self.path}:{number}: field 'think_budget' must be a whole number of at "
                                         "least 1, or null")
                    self.recorded_budget = budget
                continue
            key, text, tokens = entry.get("key"), entry.get("text"), entry.get("tokens")
            for field, value, kind in (("key", key, str), ("text", text, str)):
                if not isinstance(value, kind):
                    raise ValueError(f"{self.path}:{number}: field '{field}' must be a string, not "
                                     f"{type(value).__name__ if value is not None else 'missing'}")
            if tokens is not None and (not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < 0):
                raise ValueError(f"{self.path}:{number}: field 'tokens' must be a whole number of at least 0")
            self._answers[str(key)].append((str(text), tokens))

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        """Answer each request from the cassette, or raise ReplayMissError naming it."""
        answers = []
        for request in requests:
            queue = self._answers.get(request_key(request))
            if not queue:
                sit = request.situation
                raise ReplayMissError(
                    f"cassette {self.path} (recorded with brain '{self.recorded_brain}') has no answer for a "
                    f"'{request.kind}' request from {request.npc} on day {sit.day} at "
                    f"{sit.minute // 60:02d}:{sit.minute % 60:02d}; replay needs the same world, seed, "
                    "settings and planted memories as the recording")
            began = time.perf_counter()
            text, tokens = queue.popleft()
            answers.append(Answer(request.id, text, time.perf_counter() - began, tokens))
        return answers
