"""A small world for unit tests of processors: a 14x8 map, two homes, a cafe and a green, and two residents.

``write_small_world(folder)`` writes it as real content (world.toml, a Tiled map, persona files), so the loader
checks it like any world; ``small_town`` builds a ``Simulation`` of it with only the processors a test names.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from game.world.simulation import SCHEDULE, Simulation

WIDTH, HEIGHT = 14, 8
PLACES = {  # id: (type, x0, y0, x1, y1) in tiles, end-exclusive
    "home_ann": ("home", 1, 1, 4, 4),
    "home_bo": ("home", 10, 1, 13, 4),
    "cafe": ("cafe", 5, 1, 9, 4),
    "green": ("park", 1, 5, 13, 7),
}

WORLD = """name = "Smallbrook"
description = "Two neighbours, a cafe and a green: a world small enough for one processor at a time."
map = "map.tmx"

[start]
day = 1
time = "{start}"
weekday = "mon"

[settings]
tick_seconds = 10
walk_tiles_per_minute = 6.0
perception_radius = 6
routine_jitter_minutes = 0
conversation_cooldown_minutes = 180
conversation_max_turns = 4
"""

PERSONA = """name = "{name}"
age = {age}
occupation = "{job}"
traits = ["{trait}", "neighbourly"]
background = "{first} has lived beside the green all their life and knows the other house's habits by heart."
speech_style = "plain and friendly"
home = "home_{pid}"
workplace = "cafe"
work_days = ["mon", "tue", "wed", "thu", "fri"]
sociability = 0.9
topics = ["the weather", "the cafe's cake"]

[speech]
greetings = ["Hello, {{partner}}!"]
smalltalk = ["Lovely day for {{topic}}, isn't it?", "Busy in {{place}} today."]
farewells = ["See you, {{partner}}."]

[relationships]
{other} = {{ closeness = 0.6, note = "the neighbour across the green" }}

[[routine]]
at = "07:00"
kind = "work"
activity = "{work}"
place = "work"
days = "work"

[[routine]]
at = "12:00"
kind = "leisure"
activity = "walking on the green"
place = "green"

[[routine]]
at = "21:00"
kind = "sleep"
activity = "sleeping"
place = "home"
"""

RESIDENTS = (("ann", "Ann Page", 34, "cook", "cheerful", "baking the day's cakes", "bo"),
             ("bo", "Bo Reed", 29, "waiter", "quiet", "waiting on tables", "ann"))


def _csv(cell: Any) -> str:
    """A tile layer's CSV data: ``cell(x, y)`` gives each gid."""
    return ",\n".join(",".join(str(cell(x, y)) for x in range(WIDTH)) for y in range(HEIGHT))


def _wall(x: int, y: int) -> bool:
    """The map's border is wall; inside, everything is open."""
    return x in (0, WIDTH - 1) or y in (0, HEIGHT - 1)


def write_small_world(folder: Path, start: str = "06:50") -> Path:
    """Write the small world into ``folder`` (created) and return it."""
    (folder / "personas").mkdir(parents=True, exist_ok=True)
    objects = "\n".join(
        f'  <object id="{i}" name="{pid}" type="{kind}" x="{x0 * 16}" y="{y0 * 16}" '
        f'width="{(x1 - x0) * 16}" height="{(y1 - y0) * 16}"/>'
        for i, (pid, (kind, x0, y0, x1, y1)) in enumerate(PLACES.items(), start=1))
    (folder / "map.tmx").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" orientation="orthogonal" renderorder="right-down" width="{WIDTH}" height="{HEIGHT}"
     tilewidth="16" tileheight="16" infinite="0" nextlayerid="4" nextobjectid="{len(PLACES) + 1}">
 <tileset firstgid="1" name="town" tilewidth="16" tileheight="16" tilecount="40" columns="8">
  <image source="../../assets/tiles/town.png" width="128" height="80"/>
 </tileset>
 <layer id="1" name="ground" width="{WIDTH}" height="{HEIGHT}">
  <data encoding="csv">
{_csv(lambda x, y: 1)}
</data>
 </layer>
 <layer id="2" name="collision" width="{WIDTH}" height="{HEIGHT}" visible="0">
  <data encoding="csv">
{_csv(lambda x, y: 9 if _wall(x, y) else 0)}
</data>
 </layer>
 <objectgroup id="3" name="places">
{objects}
 </objectgroup>
</map>
""", encoding="utf-8")
    (folder / "world.toml").write_text(WORLD.format(start=start), encoding="utf-8")
    for pid, name, age, job, trait, work, other in RESIDENTS:
        (folder / "personas" / f"{pid}.toml").write_text(PERSONA.format(
            pid=pid, name=name, first=name.split()[0], age=age, job=job, trait=trait, work=work, other=other),
            encoding="utf-8")
    return folder


def small_town(folder: Path, processors: Sequence[Any] = SCHEDULE, seed: int = 1, start: str = "06:50",
               **options: Any) -> Simulation:
    """A ``Simulation`` of the small world (written into ``folder``, starting at ``start``) running ``processors``."""
    return Simulation(write_small_world(folder, start), seed=seed, processors=tuple(processors), **options)
