"""The mind service: requests leave the tick with ids, go to the brain as one batch, come back as answers."""

from __future__ import annotations

from collections import defaultdict

from agents.protocol import Answer, Brain, Request


class InlineExecutor:
    """Answers a batch at once, in the caller's thread: what headless runs use, so they are deterministic."""

    def __init__(self, brain: Brain):
        self.brain = brain
        self._done: list[tuple[Request, Answer]] = []

    def submit(self, batch: list[Request]) -> None:
        """Answer ``batch`` now; a brain that raises gives empty answers (the world then falls back)."""
        try:
            answers = {a.request_id: a for a in self.brain.think(batch)}
        except Exception as exc:  # a broken backend must not stop the world
            answers = {r.id: Answer(r.id, "", 0.0, None) for r in batch}
            self.last_error = exc
        for request in batch:
            self._done.append((request, answers.get(request.id, Answer(request.id, ""))))

    def poll(self) -> list[tuple[Request, Answer]]:
        """Return the answers finished since the last poll, in request order."""
        done, self._done = self._done, []
        return sorted(done, key=lambda pair: pair[0].id)


class MindService:
    """Queues requests during a tick, sends them as one batch, and sorts answers by kind."""

    def __init__(self, executor: InlineExecutor):
        self.executor = executor
        self._next_id = 1
        self._outbox: list[Request] = []
        self._inbox: dict[str, list[tuple[Request, Answer]]] = defaultdict(list)
        self.batches = 0
        self.requests = 0

    def next_id(self) -> int:
        """Reserve a new request id."""
        self._next_id += 1
        return self._next_id - 1

    def ask(self, request: Request) -> None:
        """Queue a request for the next batch."""
        self._outbox.append(request)

    def exchange(self) -> None:
        """Send the queued requests as one batch and collect every finished answer."""
        if self._outbox:
            batch, self._outbox = self._outbox, []
            self.batches += 1
            self.requests += len(batch)
            self.executor.submit(batch)
        for request, answer in self.executor.poll():
            self._inbox[request.kind].append((request, answer))

    def take(self, kind: str) -> list[tuple[Request, Answer]]:
        """Hand over the collected answers of one kind."""
        return self._inbox.pop(kind, [])
