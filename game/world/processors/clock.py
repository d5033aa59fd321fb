"""ClockProcessor: advances the game clock by one fixed step, last in the tick."""

from __future__ import annotations

from typing import ClassVar

from game.world.ecs import Processor
from game.world.town import Town


class ClockProcessor(Processor):
    """Moves time forward."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Advance one tick."""
        self.town.clock.advance()
