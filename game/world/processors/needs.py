"""NeedsProcessor: needs and mood change with time and what each resident does; an urgent need makes it replan."""

from __future__ import annotations

from typing import ClassVar

from game.world.components import Activity, Mind, Path, PlayerControlled, ReplanDue, Talking
from game.world.ecs import Processor
from game.world.town import Town

REPLAN_GAP_MINUTES = 120
"""An urgent need causes at most one replan per this many game minutes."""


class NeedsProcessor(Processor):
    """Updates needs by the activity of the tick, lets mood settle, and flags urgent needs for replanning."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "settings"})

    def __init__(self, town: Town):
        self.town = town
        self.minutes = town.settings.tick_seconds / 60

    def process(self) -> None:
        """Advance every resident's needs and mood by one tick."""
        now = self.town.clock.total_minutes
        for entity, mind in self.town.ecs.get_component(Mind):
            if self.town.ecs.has_component(entity, PlayerControlled):
                continue
            activity = self.town.ecs.try_component(entity, Activity)
            if self.town.ecs.has_component(entity, Talking):
                doing = "talking"
            elif self.town.ecs.has_component(entity, Path):
                doing = "walking"
            else:
                doing = activity.kind if activity else "idle"
            mind.needs.update(doing, self.minutes)
            mind.emotion.settle(self.minutes, mind.needs)
            urgent = mind.needs.urgent()
            if urgent is None or doing in ("sleep", "meal") or self.town.choosing(entity):
                continue
            last = mind.last_urgent
            if last is None or last[0] != urgent or now - last[1] > REPLAN_GAP_MINUTES:
                mind.last_urgent = (urgent, now)
                self.town.ecs.add_component(entity, ReplanDue(urgent))
