"""ThinkingProcessor: sends the tick's queued requests to the brain as one batch and collects answers."""

from __future__ import annotations

from typing import ClassVar

from game.world.ecs import Processor
from game.world.town import Town


class ThinkingProcessor(Processor):
    """Exchanges requests and answers with the mind service, once per tick."""

    uses: ClassVar[frozenset[str]] = frozenset({"mind"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Send the batch and collect what came back."""
        self.town.mind.exchange()
