"""ScenarioProcessor: fires a world's timed events (plant a memory, move a resident, start a happening)."""

from __future__ import annotations

from typing import ClassVar

from agents.intents import GoTo
from agents.memory import Happening
from game.world.components import Mind, ReplanDue, Resident
from game.world.ecs import Processor
from game.world.events import IntentRejected, ScenarioFired
from game.world.minds import describe, remember
from game.world.resolve import apply, check
from game.world.scenario import TimedEvent, happening_key
from game.world.town import Town


class ScenarioProcessor(Processor):
    """Keeps the scenario's events in time order and fires each once its moment comes."""

    uses: ClassVar[frozenset[str]] = frozenset({"clock", "ecs", "log", "residents", "scenario"})

    def __init__(self, town: Town):
        self.town = town

    def process(self) -> None:
        """Fire every event whose day and time have come."""
        town = self.town
        while town.scenario and (town.scenario[0].day, town.scenario[0].minute) <= (town.clock.day,
                                                                                     town.clock.minute_of_day):
            self.fire(town.scenario.pop(0))

    def fire(self, event: TimedEvent) -> None:
        """Carry out one event (a move goes through the same check as any resident's intent)."""
        town = self.town
        if event.action == "plant" and event.npc in town.residents:
            remember(town, town.residents[event.npc], "observation", event.text or "")
        elif event.action == "move" and event.npc in town.residents and event.place:
            entity = town.residents[event.npc]
            reason = check(town, entity, GoTo(event.place))
            if reason is None:
                apply(town, entity, GoTo(event.place))
            else:
                town.emit(IntentRejected(event.npc, f'{{"action": "go_to", "place": "{event.place}"}}', reason))
        elif event.action == "happening" and event.place and event.title:
            start = town.clock.minute_of_day
            happening = Happening(happening_key("town", event.place, town.clock.day, start), event.title,
                                  event.place, town.clock.day, start, event.minutes, None)
            if event.announce:
                announced = f"Announced: {describe(town, happening, kept=True)}"
                for entity, _ in sorted(town.ecs.get_components(Resident, Mind), key=lambda p: p[0]):
                    remember(town, entity, "news", announced, happening=happening)
                    town.ecs.add_component(entity, ReplanDue("news"))
        town.emit(ScenarioFired(event.action, event.npc, event.place, event.title or event.text))
