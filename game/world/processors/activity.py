"""ActivityProcessor: ends activities whose time is up, so that the resident decides what is next."""

from __future__ import annotations

from typing import ClassVar

from game.world.components import Activity, DecisionDue, Talking
from game.world.ecs import Processor
from game.world.town import Town


class ActivityProcessor(Processor):
    """Watches activity timers (paused while a resident talks)."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Remove finished activities and mark a decision due."""
        now = self.town.clock.total_minutes
        for entity, activity in self.town.ecs.get_component(Activity):
            if activity.until <= now and not self.town.ecs.has_component(entity, Talking):
                self.town.ecs.remove_component(entity, Activity)
                self.town.ecs.add_component(entity, DecisionDue("activity_ended"))
