"""What the renderer draws from: a read-only scene (the map, the people, the clock, the lines said), local or served.

``SimScene`` reads a ``Simulation`` in this process (the single-player window); ``game.view.remote_scene.RemoteScene``
reads what a town server sent. The renderer sees only this interface, so both windows look the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from game.world.simulation import Simulation
from game.world.snapshot import Figure, figure, figures
from game.world.worldmap import TileMap


@dataclass(frozen=True, slots=True)
class Said:
    """A line said in town: who said it, to whom (None: aloud), the words and the tick it was said at."""

    who: str
    to: str | None
    text: str
    tick: int


class Scene(Protocol):
    """Everything a frame is drawn from; reading it never changes the town."""

    @property
    def tilemap(self) -> TileMap:
        """The map (its pytmx data draws the ground)."""
        ...

    @property
    def tick(self) -> int:
        """The town's clock, in ticks."""
        ...

    @property
    def minute_of_day(self) -> int:
        """Minutes since midnight (for the night tint)."""
        ...

    def figures(self) -> list[Figure]:
        """Everyone to draw, back to front."""
        ...

    def figure(self, figure_id: str) -> Figure | None:
        """One person, or None when they are not in view."""
        ...

    def spot(self, person: Figure, alpha: float) -> tuple[float, float]:
        """Where to draw ``person`` now, in tiles (fractions while walking); ``alpha``: how far the tick has gone."""
        ...

    def away(self, person: Figure) -> bool:
        """Whether ``person`` is a player whose client went away (drawn faded)."""
        ...

    def lines_since(self, cursor: int) -> tuple[list[Said], int]:
        """Lines said since ``cursor`` (0 at first), and the cursor to pass next time."""
        ...


class SimScene:
    """The scene of a simulation running in this process."""

    def __init__(self, sim: Simulation):
        self.sim = sim

    @property
    def tilemap(self) -> TileMap:
        """The world's map."""
        return self.sim.world.tilemap

    @property
    def tick(self) -> int:
        """The simulation's tick."""
        return self.sim.clock.tick

    @property
    def minute_of_day(self) -> int:
        """The simulation's time of day."""
        return self.sim.clock.minute_of_day

    def figures(self) -> list[Figure]:
        """Everyone in the town."""
        return figures(self.sim.town)

    def figure(self, figure_id: str) -> Figure | None:
        """One person of the town."""
        return figure(self.sim.town, figure_id)

    def spot(self, person: Figure, alpha: float) -> tuple[float, float]:
        """Interpolated along the tiles the person crossed in the last tick."""
        trail = person.trail
        if len(trail) < 2:
            return float(person.x), float(person.y)
        t = min(max(alpha, 0.0), 1.0) * (len(trail) - 1)
        i = min(int(t), len(trail) - 2)
        (ax, ay), (bx, by) = trail[i], trail[i + 1]
        return ax + (bx - ax) * (t - i), ay + (by - ay) * (t - i)

    def away(self, person: Figure) -> bool:
        """Nobody is away in a local game."""
        return False

    def lines_since(self, cursor: int) -> tuple[list[Said], int]:
        """The 'said' records of the event log after ``cursor`` (an index into the log)."""
        records = self.sim.events
        said = [Said(r["npc"], r["to"], r["text"], r["tick"]) for r in records[cursor:] if r["type"] == "said"]
        return said, len(records)
