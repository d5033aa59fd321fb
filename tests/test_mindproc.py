"""Serving a brain from its own process: answers come back, urgent requests cut in, text streams, failures show."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import pytest
from test_talk_prompt import Spy

from game.world.mindproc import BrainSpec, ProcessExecutor
from game.world.simulation import Simulation


@pytest.fixture(scope="module")
def requests():  # type: ignore[no-untyped-def]
    spy = Spy()
    with Simulation("oakvale", seed=7, brain=spy) as sim:
        sim.run(hours=26)
        sim.chat("mara", "Hello there!")
    return spy.seen


def wait_for(executor: ProcessExecutor, count: int, seconds: float = 60.0) -> list:  # type: ignore[type-arg]
    done: list = []  # type: ignore[type-arg]
    limit = time.monotonic() + seconds
    while len(done) < count and time.monotonic() < limit:
        done += executor.poll()
        time.sleep(0.02)
    return done


def test_answers_come_back_and_urgent_requests_jump_the_queue(requests) -> None:  # type: ignore[no-untyped-def]
    executor = ProcessExecutor(BrainSpec("streaming_brain:StreamingBrain", {"delay": 0.2}), timeout=60)
    try:
        background = [replace(r, id=100 + i, urgent=False) for i, r in enumerate(requests[:10])]
        urgent = replace(requests[-1], id=999, urgent=True)
        executor.submit(background)
        time.sleep(1.0)  # the child is busy with the background batch
        executor.submit([urgent])
        order = [request.id for request, _ in wait_for(executor, 11)]
        assert sorted(order) == sorted([*range(100, 110), 999])
        assert order.index(999) < 10, "the urgent request did not wait for the whole batch"
    finally:
        executor.close()
    assert not executor._process.is_alive()


def test_a_warm_up_for_the_player_goes_before_the_towns_batch(requests) -> None:  # type: ignore[no-untyped-def]
    executor = ProcessExecutor(BrainSpec("streaming_brain:StreamingBrain", {"delay": 0.3}), timeout=60)
    try:
        executor.submit([replace(r, id=100 + i, urgent=False) for i, r in enumerate(requests[:10])])
        time.sleep(1.0)  # the child is busy with the background batch
        executor.warm(replace(requests[-1], id=555, urgent=True))
        done: list = []  # type: ignore[type-arg]
        limit = time.monotonic() + 60
        while executor.warmed != 555 and time.monotonic() < limit:
            done += executor.poll()
            time.sleep(0.01)
        assert executor.warmed == 555
        assert len(done) < 10, "the warm-up waited for the whole batch"
        assert len(wait_for(executor, 10 - len(done))) == 10 - len(done), "the batch is still answered"
    finally:
        executor.close()


def test_streamed_text_grows_until_the_answer(requests) -> None:  # type: ignore[no-untyped-def]
    executor = ProcessExecutor(BrainSpec("streaming_brain:StreamingBrain", {"delay": 1.0}), timeout=60)
    try:
        request = replace(requests[-1], id=7, urgent=True)
        executor.submit([request])
        seen, answers = [], []
        limit = time.monotonic() + 60
        while not answers and time.monotonic() < limit:
            answers += executor.poll()
            partial = executor.partials().get(7)
            if partial and (not seen or seen[-1] != partial):
                seen.append(partial)
            time.sleep(0.01)
        assert answers and len(seen) >= 2
        assert all(b.startswith(a) for a, b in itertools.pairwise(seen))
        assert executor.partials() == {}, "partial text is dropped once the answer is in"
    finally:
        executor.close()


def test_a_brain_that_cannot_start_says_why_and_overdue_requests_fall_back(requests) -> None:  # type: ignore[no-untyped-def]
    executor = ProcessExecutor(BrainSpec("streaming_brain:StreamingBrain", {"fail": True}), timeout=0.5)
    try:
        executor.submit([replace(requests[0], id=1)])
        limit = time.monotonic() + 60
        while executor.failure is None and time.monotonic() < limit:
            executor.poll()
            time.sleep(0.05)
        assert "told not to start" in (executor.failure or "")
        time.sleep(0.6)
        assert [r.id for r in executor.overdue()] == [1]
    finally:
        executor.close()


def test_closing_while_the_brain_is_gone_does_not_hang(requests) -> None:  # type: ignore[no-untyped-def]
    """Quitting while the model still loads (or after it died) used to wait forever to flush queued batches."""
    import threading
    executor = ProcessExecutor(BrainSpec("streaming_brain:StreamingBrain", {"fail": True}), timeout=60)
    limit = time.monotonic() + 60
    while executor.failure is None and time.monotonic() < limit:
        executor.poll()
        time.sleep(0.05)
    assert executor.failure, "the child has stopped"
    big = [replace(r, id=10_000 + i) for i, r in enumerate(requests * 4)]
    for _ in range(40):  # far more than a pipe holds: nobody reads them
        executor.submit(big)
    closer = threading.Thread(target=executor.close, daemon=True)
    closer.start()
    closer.join(timeout=30)
    assert not closer.is_alive(), "close() returned"
