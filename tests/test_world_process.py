"""`play --world-process`: the town runs in a second process and the window joins it; it saves when the window
closes, and a town that cannot load says why in the window's process."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli.main import main
from game.cli.split import WorldJob, play_world_process, wait_for_port
from game.world.mindproc import BrainSpec
from game.world.simulation import Simulation


def test_the_window_joins_the_world_process_which_runs_the_town_and_saves_it_at_the_end(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save, shot = tmp_path / "town.save", tmp_path / "shot.png"
    # A model brain thinks in a process the world process starts (here a server that is not there, so the
    # scripted policy answers for it after each failed call): the world process must be allowed children.
    status = main(["play", "--world", "oakvale", "--brain", "openai", "--base-url", "http://127.0.0.1:9/v1",
                   "--timeout", "0.5", "--embedder", "hash", "--world-process",
                   "--name", "Wren Cole", "--speed", "20", "--frames", "120", "--save", str(save),
                   "--screenshot", str(shot)])
    assert status == 0, capsys.readouterr().err
    assert shot.stat().st_size > 10_000
    with Simulation.resume(save, player=False) as sim:  # what the world process saved once the window closed
        assert sim.clock.tick >= 60  # the town ran in the other process while the window drew it
        players = [r for r in sim.town.residents if sim.resident(r).persona.name == "Wren Cole"]
        assert players, "the joined player was not in the saved town"


def test_a_town_the_world_process_cannot_load_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-town"
    job = WorldJob(str(missing), 0, BrainSpec("scripted", {}), "hash", "pw")
    with pytest.raises(ValueError, match="no-such-town"):
        play_world_process(job, name=None, size=(640, 400), frames=5, screenshot=None)


def test_timed_scripts_belong_to_the_window_s_own_town(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "keys.json"
    script.write_text("[]", encoding="utf-8")
    status = main(["play", "--world", "oakvale", "--brain", "scripted", "--world-process", "--script", str(script)])
    assert status == 2
    assert "--script" in capsys.readouterr().err


def test_a_world_process_that_dies_before_serving_is_an_error_with_its_exit_code() -> None:
    import queue
    from types import SimpleNamespace
    dead = SimpleNamespace(is_alive=lambda: False, exitcode=-9)
    with pytest.raises(ValueError, match=r"ended before serving the town \(exit code -9\)"):
        wait_for_port(dead, queue.Queue())
