"""ClockProcessor: advances the game clock by one fixed step, last in the tick."""

from __future__ import annotations

from game.world.ecs import Processor
from game.world.town import Town


class ClockProcessor(Processor):
    """Moves time forward."""

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Advance one tick."""
        self.town.clock.advance()
