"""A* path finding on the tile grid, four-way, with a Manhattan heuristic and a small cache."""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Callable

from game.world.worldmap import Tile


def find_path(start: Tile, goal: Tile, walkable: Callable[[Tile], bool], limit: int = 200_000) -> list[Tile] | None:
    """Return the tiles from ``start`` (excluded) to ``goal`` (included), or None if none is found."""
    if start == goal:
        return []
    if not walkable(goal):
        return None
    gx, gy = goal
    counter = 0
    frontier: list[tuple[int, int, int, Tile]] = [(abs(start[0] - gx) + abs(start[1] - gy), 0, 0, start)]
    came_from: dict[Tile, Tile] = {}
    cost: dict[Tile, int] = {start: 0}
    while frontier and counter < limit:
        _, _, _, current = heapq.heappop(frontier)
        if current == goal:
            return _rebuild(came_from, start, goal)
        x, y = current
        for nxt in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            new_cost = cost[current] + 1
            if new_cost < cost.get(nxt, 1 << 30) and walkable(nxt):
                cost[nxt] = new_cost
                came_from[nxt] = current
                counter += 1
                h = abs(nxt[0] - gx) + abs(nxt[1] - gy)
                heapq.heappush(frontier, (new_cost + h, h, counter, nxt))
    return None


def _rebuild(came_from: dict[Tile, Tile], start: Tile, goal: Tile) -> list[Tile]:
    """Walk the came-from links back from the goal."""
    path = [goal]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    path.pop()
    path.reverse()
    return path


class Pathfinder:
    """Finds paths on one map and remembers recent ones (a town's trips repeat every day)."""

    def __init__(self, walkable: Callable[[Tile], bool], cache_size: int = 4096):
        self._walkable = walkable
        self._cache: OrderedDict[tuple[Tile, Tile], tuple[Tile, ...] | None] = OrderedDict()
        self._size = cache_size

    def path(self, start: Tile, goal: Tile) -> list[Tile] | None:
        """Return a shortest path as in ``find_path``, from the cache when possible."""
        key = (start, goal)
        if key in self._cache:
            self._cache.move_to_end(key)
            cached = self._cache[key]
            return None if cached is None else list(cached)
        found = find_path(start, goal, self._walkable)
        self._cache[key] = None if found is None else tuple(found)
        if len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return found
