"""Serving a brain from another process, so a model's Python loop never holds the window's GIL.

The child process builds the brain from a ``BrainSpec`` (a name and options, as the command line has
them), then answers batches. A request a person waits on (``urgent``, the player's chat) jumps the queue,
even mid-generation: the brain calls back between decoding steps and the child answers urgent requests
there, streaming their text as it grows. Answers, partial text and errors come back as messages.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.protocol import Answer, BrainFatalError, Request


@dataclass(frozen=True, slots=True)
class BrainSpec:
    """How to build a brain in another process: its backend name and options (see agents.brains.load_brain)."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)


class ProcessExecutor:
    """Serves batches from a child process; requests unanswered past their timeout are overdue."""

    def __init__(self, spec: BrainSpec, timeout: float, urgent_timeout: float | None = None, threads: int = 1,
                 clock: Callable[[], float] = time.monotonic):
        self.spec = spec
        self.timeout = timeout
        self.urgent_timeout = max(timeout, urgent_timeout or timeout)
        self.errors = 0
        self.ready = False
        self.warmed: int | None = None
        """The id of the latest request whose prompt the child has prefilled (see ``warm``)."""
        self.failure: str | None = None
        """Why the child could not build its brain, once it has said so."""
        self._clock = clock
        self._sent: dict[int, tuple[Request, float]] = {}
        self._partials: dict[int, str] = {}
        context = multiprocessing.get_context("spawn")
        self._inbox: Any = context.Queue()
        self._outbox: Any = context.Queue()
        self._process = context.Process(target=serve, args=(spec, self._inbox, self._outbox, threads),
                                        name="npcworld-brain", daemon=True)
        self._process.start()

    def submit(self, batch: list[Request]) -> None:
        """Send a batch to the child and start its timers."""
        now = self._clock()
        for request in batch:
            self._sent[request.id] = (request, now)
        self._inbox.put(("think", batch))

    def warm(self, request: Request) -> None:
        """Ask the child to prepare for a request that is coming."""
        self._inbox.put(("warm", request))

    def poll(self) -> list[tuple[Request, Answer]]:
        """Collect finished answers (late ones are dropped) and the latest partial text."""
        done = []
        while True:
            try:
                message = self._outbox.get_nowait()
            except queue.Empty:
                break
            kind = message[0]
            if kind == "answers":
                for request, answer in message[1]:
                    self._partials.pop(request.id, None)
                    if self._sent.pop(request.id, None) is not None:
                        done.append((request, answer))
            elif kind == "partial":
                if message[1] in self._sent:
                    self._partials[message[1]] = message[2]
            elif kind == "warmed":
                self.warmed = message[1]
            elif kind == "ready":
                self.ready = True
            elif kind == "error":
                self.errors += 1
            elif kind == "failed":
                self.failure = message[1]
            elif kind == "fatal":
                raise BrainFatalError(message[1])
        return sorted(done, key=lambda pair: pair[0].id)

    def overdue(self) -> list[Request]:
        """Return (and forget) requests unanswered for longer than their timeout."""
        now = self._clock()
        late = [r for r, sent in self._sent.values()
                if now - sent > (self.urgent_timeout if r.urgent else self.timeout)]
        for request in late:
            del self._sent[request.id]
            self._partials.pop(request.id, None)
        return sorted(late, key=lambda r: r.id)

    def partials(self) -> dict[int, str]:
        """The text so far of replies still being generated, by request id."""
        return dict(self._partials)

    def pending(self) -> list[Request]:
        """Requests sent and not yet answered, by id (a save sends them again on loading)."""
        return sorted((request for request, _ in self._sent.values()), key=lambda r: r.id)

    def forget(self) -> None:
        """Forget every request out: their answers, when they come, are dropped (a save was loaded)."""
        self._sent.clear()
        self._partials.clear()

    def close(self) -> None:
        """Ask the child to stop, wait for it a little, then end it."""
        if self._process.is_alive():
            self._inbox.put(("stop",))
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        # the child is gone: what is still queued for it can never be read, and waiting to flush it into a full
        # pipe would hang the quit (as it did when the window closed while the model was still loading)
        self._inbox.cancel_join_thread()
        for channel in (self._inbox, self._outbox):
            channel.close()
            channel.join_thread()


def serve(spec: BrainSpec, inbox: Any, outbox: Any, threads: int) -> None:
    """The child's loop: build the brain, then answer batches, urgent requests first, until told to stop."""
    import torch

    from agents.brains import load_brain
    torch.set_num_threads(max(1, threads))
    try:
        brain = load_brain(spec.name, **spec.options)
    except Exception as exc:  # the parent falls back to the scripted policy and shows why
        outbox.put(("failed", f"{type(exc).__name__}: {exc}"))
        return
    server = _Server(brain, inbox, outbox)
    outbox.put(("ready", getattr(brain, "name", spec.name)))
    server.run()


class _Server:
    """What the child process holds: the brain, its queues, and the work waiting."""

    def __init__(self, brain: Any, inbox: Any, outbox: Any):
        self.brain, self.inbox, self.outbox = brain, inbox, outbox
        self.waiting: list[Request] = []
        self.warmups: list[Request] = []
        self.stopping = False
        self._nested = False
        if hasattr(brain, "on_text"):
            brain.on_text = lambda request_id, text: outbox.put(("partial", request_id, text))
        if hasattr(brain, "between_steps"):
            brain.between_steps = self.urgent_now

    def run(self) -> None:
        """Answer what arrives until told to stop."""
        while not self.stopping:
            if not self.waiting and not self.warmups:
                self._take(self.inbox.get())
            self._drain()
            if not self._player_first() and self.waiting:
                batch, self.waiting = self.waiting, []
                self._answer(batch)

    def _player_first(self) -> bool:
        """Answer urgent requests (the player's chat), else prefill the player's coming one; return whether any.

        A warm-up goes before the town's ordinary work: the player is typing, and the prefill it buys is
        what makes the reply start soon. Only the latest warm-up counts (the player talks with one person).
        """
        urgent = [r for r in self.waiting if r.urgent]
        if urgent:
            self.waiting = [r for r in self.waiting if not r.urgent]
            self._answer(urgent)
            return True
        if self.warmups:
            request = self.warmups.pop()
            self.warmups.clear()
            self._warm(request)
            return True
        return False

    def urgent_now(self) -> None:
        """Between the prefills and decoding steps of a long batch: answer urgent requests and warm-ups as they come."""
        if self._nested:
            return
        self._drain()
        self._nested = True
        try:
            while self._player_first():
                self._drain()
        finally:
            self._nested = False

    def _drain(self) -> None:
        """Take every message already queued."""
        while True:
            try:
                self._take(self.inbox.get_nowait())
            except queue.Empty:
                return

    def _take(self, message: tuple[Any, ...]) -> None:
        """File one message from the parent."""
        if message[0] == "think":
            self.waiting.extend(message[1])
        elif message[0] == "warm":
            self.warmups.append(message[1])
        elif message[0] == "stop":
            self.stopping = True

    def _answer(self, batch: list[Request]) -> None:
        """Answer a batch and send the answers; a brain that raises gives empty answers (the world falls back)."""
        try:
            answers = {a.request_id: a for a in self.brain.think(batch)}
        except BrainFatalError as exc:
            self.outbox.put(("fatal", str(exc)))
            self.stopping = True
            return
        except Exception as exc:  # a broken backend must not stop the world
            self.outbox.put(("error", f"{type(exc).__name__}: {exc}"))
            answers = {}
        self.outbox.put(("answers", [(r, answers.get(r.id, Answer(r.id, ""))) for r in batch]))

    def _warm(self, request: Request) -> None:
        """Prefill a coming request's prompt where the brain can; a failure costs only the head start."""
        warm = getattr(self.brain, "warm", None)
        if warm is not None:
            try:
                warm(request)
                self.outbox.put(("warmed", request.id))
            except Exception as exc:
                self.outbox.put(("error", f"warm-up failed: {type(exc).__name__}: {exc}"))
