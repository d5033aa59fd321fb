"""`npcworld replay DIR`: the run rebuilt from its own files to any moment, in the window with a timeline."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from game.cli import main
from game.view.replay import ReplayGame, handle_replay_event
from game.view.replay_run import ReplayRun
from game.world.events import dumps


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight scripted hours of Oakvale with a planted memory (replay must plant it too)."""
    out = tmp_path_factory.mktemp("replay") / "run"
    assert main(["simulate", "--hours", "8", "--seed", "3", "--out", str(out), "--quiet", "--brain", "scripted",
                 "--embedder", "hash", "--plant", "leo: The bakery oven is broken."]) == 0
    return out


def test_the_rebuilt_run_makes_the_runs_events_exactly(run: Path) -> None:
    replay = ReplayRun(run)
    replay.seek(replay.end)
    lines = (run / "events.jsonl").read_text().splitlines()
    assert [dumps(r) for r in replay.sim.events] == lines and replay.diverged is None
    leo = [m.text for m in replay.sim.resident("leo").mind.memory.memories]
    assert "The bakery oven is broken." in leo, "the planted memory is there, from summary.json"


def test_seeking_back_and_forth_gives_the_same_moment(run: Path) -> None:
    replay = ReplayRun(run)
    replay.seek(1500)
    there = (replay.sim.resident("mara").tile, [dumps(r) for r in replay.sim.events])
    replay.seek(2900)
    replay.seek(1500)
    assert replay.tick == 1500
    assert (replay.sim.resident("mara").tile, [dumps(r) for r in replay.sim.events]) == there
    talk = replay.next_event()
    assert talk is not None and talk["tick"] > 1500
    assert replay.next_event(forward=False)["tick"] < 1500  # type: ignore[index]


def test_a_replay_that_leaves_the_runs_path_says_where(run: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "events.jsonl").write_text((run / "events.jsonl").read_text())
    summary = json.loads((run / "summary.json").read_text())
    del summary["run_id"]  # a run from before manifests: its edited trace is not refused, so it replays
    (changed / "summary.json").write_text(json.dumps(summary))
    trace = [json.loads(line) for line in (run / "trace.jsonl").read_text().splitlines()]
    first = next(r for r in trace if r["kind"] == "plan")
    first["reply"] = "not a plan at all"
    (changed / "trace.jsonl").write_text("".join(json.dumps(r) + "\n" for r in trace))
    replay = ReplayRun(changed)
    replay.seek(replay.end)
    assert replay.diverged == f"day {first['day']} {first['time']}"


def test_files_of_two_runs_put_together_are_refused_naming_the_file(run: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for name in ("summary.json", "events.jsonl", "trace.jsonl", "manifest.json"):
        (mixed / name).write_bytes((run / name).read_bytes())
    (mixed / "trace.jsonl").write_text((run / "trace.jsonl").read_text().replace("plan", "nalp", 1))
    with pytest.raises(ValueError, match=r"trace\.jsonl does not belong to this run"):
        ReplayRun(mixed)
    assert main(["replay", str(mixed), "--frames", "1"]) == 2


def test_a_resumed_run_is_refused_with_the_reason(run: Path, tmp_path: Path) -> None:
    other = tmp_path / "resumed"
    other.mkdir()
    summary = json.loads((run / "summary.json").read_text()) | {"resumed_from": "x.save"}
    (other / "summary.json").write_text(json.dumps(summary))
    with pytest.raises(ValueError, match="continued a save"):
        ReplayRun(other)


def test_the_window_jumps_to_events_scrubs_and_inspects(run: Path, tmp_path: Path) -> None:
    pygame.init()
    try:
        screen = pygame.display.set_mode((1000, 700))
        replay = ReplayRun(run)
        game = ReplayGame(replay, screen, speed=16)
        key = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_n, mod=0, unicode="n", scancode=0)
        handle_replay_event(key, game)
        first = replay.marks[0]
        assert replay.tick == first["tick"] and game.inspecting == first["npc"]
        game.draw(screen)
        bar = game.timeline(screen)
        click = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(bar.x + bar.width // 2, bar.centery))
        handle_replay_event(click, game)
        assert abs(replay.tick - (replay.start + replay.end) // 2) <= (replay.end - replay.start) // bar.width + 1
        game.update(1.0)
        assert replay.tick > (replay.start + replay.end) // 2 - 1, "it plays on"
    finally:
        pygame.quit()
    shot = tmp_path / "replay.png"
    assert main(["replay", str(run), "--frames", "20", "--screenshot", str(shot), "--size", "800x600"]) == 0
    assert pygame.image.load(str(shot)).get_size() == (800, 600)
