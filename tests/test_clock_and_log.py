"""The game clock's arithmetic and the event log's format."""

from __future__ import annotations

import io
import json

from game.world.clock import GameClock
from game.world.events import EventLog, Said, Spawned, read_events


def test_clock_rolls_over_midnight_and_weekdays() -> None:
    clock = GameClock(start_day=1, start_minute=23 * 60 + 58, start_weekday=6, tick_seconds=30)
    assert (clock.day, clock.hhmm, clock.weekday) == (1, "23:58", 6)
    for _ in range(4):
        clock.advance()
    assert (clock.day, clock.hhmm, clock.weekday) == (2, "00:00", 0)
    assert clock.total_minutes == 24 * 60
    assert clock.label() == "Day 2 (Mon) 00:00"


def test_clock_ticks_per_minute() -> None:
    clock = GameClock(1, 0, 0, tick_seconds=10)
    assert clock.minutes_to_ticks(1) == 6
    assert clock.minutes_to_ticks(24 * 60) == 8640
    assert clock.minutes_to_ticks(0.01) == 1


def test_event_log_stamps_and_streams() -> None:
    clock = GameClock(1, 7 * 60 + 5, 0, 10)
    sink = io.StringIO()
    log = EventLog(clock, sink)
    log.append(Spawned("mara", "home_mara", 3, 4))
    clock.advance()
    log.append(Said("mara", "leo", "Morning, love!", "greet", 9))
    lines = sink.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == log.records
    first, second = log.records
    assert list(first)[:5] == ["tick", "day", "time", "type", "npc"]
    assert first == {"tick": 0, "day": 1, "time": "07:05", "type": "spawned", "npc": "mara",
                     "place": "home_mara", "x": 3, "y": 4}
    assert second["tick"] == 1 and second["type"] == "said" and second["to"] == "leo"
    assert log.counts == {"spawned": 1, "said": 1}
    assert log.of_type("said") == [second]


def test_read_events_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    clock = GameClock(1, 0, 0, 10)
    path = tmp_path / "events.jsonl"
    with path.open("w") as handle:
        log = EventLog(clock, handle)
        log.append(Said("a", None, "héllo \"there\"", "say", None))
    assert read_events(path) == log.records
