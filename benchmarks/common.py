"""Shared by the benchmarks: real requests with rendered prompts, taken from a scripted run of Oakvale."""

from __future__ import annotations

from agents.brains.scripted import ScriptedBrain
from agents.protocol import Request
from game.simulation import Simulation


class Spy(ScriptedBrain):
    """The scripted brain, keeping every request it answers."""

    def __init__(self) -> None:
        self.requests: list[Request] = []

    def think(self, requests):  # type: ignore[no-untyped-def]
        self.requests.extend(requests)
        return super().think(requests)


def real_requests(hours: float = 6) -> list[Request]:
    """Every request of a few hours of scripted Oakvale (seed 3), prompts rendered."""
    spy = Spy()
    with Simulation("oakvale", seed=3, brain=spy) as sim:
        sim.run(hours=hours)
    return spy.requests
