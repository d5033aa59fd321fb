"""ClockProcessor: advances the game clock by one fixed step, last in the tick."""

from __future__ import annotations

import esper

from game.world.town import Town


class ClockProcessor(esper.Processor):
    """Moves time forward."""

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Advance one tick."""
        self.town.clock.advance()
