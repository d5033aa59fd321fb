"""The mind service: requests leave the tick with ids, go to the brain as one batch, come back as answers."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from agents.embeddings import HashEmbedder
from agents.memory import MemoryIndex
from agents.protocol import Answer, Brain, BrainFatalError, Request


class InlineExecutor:
    """Answers a batch at once, in the caller's thread: what headless runs use, so they are deterministic."""

    def __init__(self, brain: Brain):
        self.brain = brain
        self._done: list[tuple[Request, Answer]] = []
        self.errors = 0

    def submit(self, batch: list[Request]) -> None:
        """Answer ``batch`` now; a brain that raises gives empty answers (the world then falls back)."""
        self._done.extend(_answer(self.brain, batch, self))

    def poll(self) -> list[tuple[Request, Answer]]:
        """Return the answers finished since the last poll, in request order."""
        done, self._done = self._done, []
        return sorted(done, key=lambda pair: pair[0].id)

    def overdue(self) -> list[Request]:
        """Inline answers are never late."""
        return []

    def warm(self, request: Request) -> None:
        """Let the brain prepare for a request that is coming (a no-op for brains that cannot)."""
        _warm(self.brain, request)

    def partials(self) -> dict[int, str]:
        """Inline answers come whole: no partial text."""
        return {}

    def pending(self) -> list[Request]:
        """Inline answers come at once: nothing is ever out."""
        return []

    def forget(self) -> None:
        """Drop answers not yet collected (a save was loaded over this town)."""
        self._done = []

    def close(self) -> None:
        """Nothing to stop."""


class ThreadExecutor:
    """Serves batches on a worker thread while the frame goes on; requests older than their timeout are overdue.

    A request a person waits on (``urgent``) has ``urgent_timeout``, longer, since its reply streams in.
    """

    def __init__(self, brain: Brain, timeout: float, clock: Callable[[], float] = time.monotonic,
                 urgent_timeout: float | None = None):
        self.brain = brain
        self.timeout = timeout
        self.urgent_timeout = max(timeout, urgent_timeout or timeout)
        self.errors = 0
        self.fatal: BaseException | None = None
        self._clock = clock
        self._jobs: queue.Queue[list[Request] | Request | None] = queue.Queue()
        self._done: queue.Queue[tuple[Request, Answer]] = queue.Queue()
        self._sent: dict[int, tuple[Request, float]] = {}
        self._partials: dict[int, str] = {}
        self._lock = threading.Lock()
        if hasattr(brain, "on_text"):
            brain.on_text = self._partial
        self._thread = threading.Thread(target=self._work, name="npcworld-brain", daemon=True)
        self._thread.start()

    def _partial(self, request_id: int, text: str) -> None:
        """Keep the text so far of a streamed reply (called on the worker thread)."""
        self._partials[request_id] = text

    def partials(self) -> dict[int, str]:
        """The text so far of replies still being generated, by request id."""
        return dict(self._partials)

    def pending(self) -> list[Request]:
        """Requests sent and not yet answered, by id (a save sends them again on loading)."""
        with self._lock:
            return sorted((request for request, _ in self._sent.values()), key=lambda r: r.id)

    def forget(self) -> None:
        """Forget every request out: their answers, when they come, are dropped (a save was loaded)."""
        with self._lock:
            self._sent.clear()
        self._partials.clear()

    def warm(self, request: Request) -> None:
        """Queue a warm-up for a request that is coming."""
        self._jobs.put(request)

    def submit(self, batch: list[Request]) -> None:
        """Queue ``batch`` for the worker and start its timers."""
        now = self._clock()
        with self._lock:
            for request in batch:
                self._sent[request.id] = (request, now)
        self._jobs.put(batch)

    def poll(self) -> list[tuple[Request, Answer]]:
        """Return finished answers whose requests are not yet overdue (late ones are dropped)."""
        if self.fatal is not None:
            raise self.fatal
        done = []
        while True:
            try:
                request, answer = self._done.get_nowait()
            except queue.Empty:
                break
            self._partials.pop(request.id, None)
            with self._lock:
                if self._sent.pop(request.id, None) is not None:
                    done.append((request, answer))
        return sorted(done, key=lambda pair: pair[0].id)

    def overdue(self) -> list[Request]:
        """Return (and forget) requests unanswered for longer than their timeout."""
        now = self._clock()
        with self._lock:
            late = [request for request, sent in self._sent.values()
                    if now - sent > (self.urgent_timeout if request.urgent else self.timeout)]
            for request in late:
                del self._sent[request.id]
        return sorted(late, key=lambda r: r.id)

    def close(self) -> None:
        """Stop the worker after the batch in hand, and wait for it (a model mid-batch may take a while)."""
        self._jobs.put(None)
        self._thread.join(timeout=60.0)

    def _work(self) -> None:
        """Worker loop: answer batches (and warm-ups) until told to stop."""
        while (job := self._jobs.get()) is not None:
            if isinstance(job, Request):
                _warm(self.brain, job)
                continue
            try:
                for pair in _answer(self.brain, job, self):
                    self._done.put(pair)
            except BrainFatalError as exc:
                self.fatal = exc


def _warm(brain: Brain, request: Request) -> None:
    """Let a brain that can prepare for a request do so; failures only cost the head start."""
    warm = getattr(brain, "warm", None)
    if warm is not None:
        with contextlib.suppress(Exception):  # a failed warm-up only loses the head start
            warm(request)


def _answer(brain: Brain, batch: list[Request], owner: Any) -> list[tuple[Request, Answer]]:
    """Ask the brain; turn a crash into empty answers (fallbacks) but let fatal errors through."""
    try:
        answers = {a.request_id: a for a in brain.think(batch)}
    except BrainFatalError:
        raise
    except Exception:  # a broken backend must not stop the world
        owner.errors += 1
        answers = {}
    return [(r, answers.get(r.id, Answer(r.id, ""))) for r in batch]


class Executor(Protocol):
    """A way of serving requests: inline, on a thread, or in another process (game/world/mindproc.py)."""

    errors: int

    def submit(self, batch: list[Request]) -> None:
        """Send a batch."""
        ...

    def poll(self) -> list[tuple[Request, Answer]]:
        """Finished answers, in request order."""
        ...

    def overdue(self) -> list[Request]:
        """Requests unanswered for too long (the fallback answers them)."""
        ...

    def warm(self, request: Request) -> None:
        """Prepare for a request that is coming."""
        ...

    def partials(self) -> dict[int, str]:
        """Text so far of streamed replies, by request id."""
        ...

    def pending(self) -> list[Request]:
        """Requests sent and not yet answered."""
        ...

    def forget(self) -> None:
        """Drop every request out; answers to them are ignored."""
        ...

    def close(self) -> None:
        """Stop serving."""
        ...


class MindService:
    """Queues requests during a tick, sends them as one batch, and sorts answers by kind."""

    def __init__(self, executor: Executor, fallback: Brain, prepare: Callable[[Request], Request] | None = None,
                 index: MemoryIndex | None = None):
        self.executor = executor
        self.fallback = fallback
        self.index = index or MemoryIndex(HashEmbedder())
        """The embeddings of every resident's memories, by resident id (the minds' one large resource)."""
        self._prepare = prepare
        self._next_id = 1
        self._outbox: list[Request] = []
        self._inbox: dict[str, list[tuple[Request, Answer]]] = defaultdict(list)
        self.batches = 0
        self.requests = 0
        self.timeouts = 0
        self.triage: Callable[[list[Request]], tuple[list[Request], list[Request], dict[int, tuple[str, str]]]] \
            | None = None
        """Splits a batch into the brain's part and the part the scripted policy answers (game/world/attention.py)."""
        self.certain: Callable[[str, str, str], bool] | None = None
        """Whether a request (npc, kind, reason) about to be built will surely go to the scripted policy."""
        self.on_tier: Callable[[int, str, str], None] | None = None
        """Told which tier answers each request and why (the trace keeps it for the request's record)."""

    def lean(self, npc: str, kind: str, reason: str) -> bool:
        """Whether to build a request lean: the budget sends it to the scripted policy, which reads no memories."""
        return self.certain is not None and self.certain(npc, kind, reason)

    def next_id(self) -> int:
        """Reserve a new request id."""
        self._next_id += 1
        return self._next_id - 1

    def ask(self, request: Request) -> Request:
        """Queue the request for the next batch (its prompt is rendered when it goes to the brain); return it.

        An urgent request (the player waits on it) leaves at once where answers come back on their own (a thread
        or another process): waiting for the next tick's batch would add a tick to the time to its first word.
        """
        if request.urgent and not isinstance(self.executor, InlineExecutor):
            self._send([request])
        else:
            self._outbox.append(request)
        return request

    def exchange(self) -> None:
        """Send the queued requests as one batch; collect finished answers; let the fallback answer overdue ones."""
        if self._outbox:
            batch, self._outbox = self._outbox, []
            self._send(batch)
        for request, answer in self.executor.poll():
            self._inbox[request.kind].append((request, answer))
        for pairs in self._inbox.values():
            pairs.sort(key=lambda pair: pair[0].id)
        for request in self.executor.overdue():
            self.timeouts += 1
            answer = self.fallback.think([request])[0]
            late = replace(answer, error="timed out; the scripted policy answered")
            self._inbox[request.kind].append((request, late))

    def _send(self, batch: list[Request]) -> None:
        """Split a batch between the brain and the scripted policy (the triage), render it and send it."""
        scripted: list[Request] = []
        if self.triage is not None:
            batch, scripted, tiers = self.triage(batch)
            if self.on_tier is not None:
                for request_id, (tier, why) in sorted(tiers.items()):
                    self.on_tier(request_id, tier, why)
        if self._prepare is not None:  # only what goes to the brain is rendered: at scale most does not
            batch = [self._prepare(request) for request in batch]
        if batch:
            self.batches += 1
            self.requests += len(batch)
            self.executor.submit(batch)
        if scripted:
            for request, answer in zip(scripted, self.fallback.think(scripted), strict=True):
                self._inbox[request.kind].append((request, answer))

    def warm(self, request: Request) -> None:
        """Render a request that will be asked soon and let the brain prepare for it (prefill its prompt)."""
        if self._prepare is not None:
            request = self._prepare(request)
        self.executor.warm(request)

    def partial(self, request_id: int | None) -> str:
        """The text so far of a reply being streamed ("" when none)."""
        return self.executor.partials().get(request_id, "") if request_id is not None else ""

    def take(self, kind: str) -> list[tuple[Request, Answer]]:
        """Hand over the collected answers of one kind."""
        return self._inbox.pop(kind, [])

    def close(self) -> None:
        """Stop the executor."""
        self.executor.close()
