"""A* finds shortest paths around walls, never through them, and says None when there is no way."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from game.world.pathfinding import Pathfinder, find_path


def grid(rows: list[str]):  # type: ignore[no-untyped-def]
    def walkable(tile: tuple[int, int]) -> bool:
        x, y = tile
        return 0 <= y < len(rows) and 0 <= x < len(rows[0]) and rows[y][x] != "#"
    return walkable


def bfs(start, goal, walkable):  # type: ignore[no-untyped-def]
    seen = {start: 0}
    queue = deque([start])
    while queue:
        x, y = current = queue.popleft()
        if current == goal:
            return seen[current]
        for nxt in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if nxt not in seen and walkable(nxt):
                seen[nxt] = seen[current] + 1
                queue.append(nxt)
    return None


def test_goes_around_a_wall() -> None:
    walkable = grid([
        ".....",
        ".###.",
        ".#...",
        ".#.#.",
        "...#.",
    ])
    path = find_path((2, 2), (0, 0), walkable)
    assert path is not None and path[-1] == (0, 0)
    assert len(path) == 8 == bfs((2, 2), (0, 0), walkable)  # both ways round the wall take 8 steps
    assert all(walkable(t) for t in path)


def test_no_path_and_blocked_goal() -> None:
    walkable = grid(["..#..", "..#..", "..#.."])
    assert find_path((0, 0), (4, 0), walkable) is None
    assert find_path((0, 0), (2, 0), walkable) is None
    assert find_path((1, 1), (1, 1), walkable) == []


def test_cache_returns_equal_paths_and_copies() -> None:
    finder = Pathfinder(grid(["....", "....", "...."]))
    first = finder.path((0, 0), (3, 2))
    assert first is not None
    first.clear()
    second = finder.path((0, 0), (3, 2))
    assert second is not None and len(second) == 5


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=8, max_size=8), min_size=8, max_size=8),
       st.tuples(st.integers(0, 7), st.integers(0, 7)), st.tuples(st.integers(0, 7), st.integers(0, 7)))
def test_matches_breadth_first_distance(cells, start, goal) -> None:  # type: ignore[no-untyped-def]
    rows = ["".join("#" if blocked else "." for blocked in row) for row in cells]
    rows[start[1]] = rows[start[1]][: start[0]] + "." + rows[start[1]][start[0] + 1:]
    walkable = grid(rows)
    path = find_path(start, goal, walkable)
    expected = bfs(start, goal, walkable)
    if expected is None:
        assert path is None
    else:
        assert path is not None and len(path) == expected
        previous = start
        for tile in path:
            assert walkable(tile)
            assert abs(tile[0] - previous[0]) + abs(tile[1] - previous[1]) == 1
            previous = tile


def test_oakvale_places_are_connected() -> None:
    from game.world.loader import load_world
    tilemap = load_world("oakvale").tilemap
    assert tilemap.unreachable_places() == []
    finder = Pathfinder(tilemap.walkable)
    a, b = tilemap.places["bakery"].tiles[0], tilemap.places["pub"].tiles[0]
    path = finder.path(a, b)
    assert path is not None and all(tilemap.walkable(t) for t in path)
