"""Bad command-line values are one clear error and exit status 2, never a traceback; the window survives its input."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pygame
import pytest

from game.cli import main
from game.view.app import play, run_loop
from game.view.session import Game
from game.world.simulation import Simulation

RUN = ("--brain", "scripted", "--embedder", "hash")

MIN_WINDOW = (320, 240)
"""The smallest window (``game.cli.argtypes.MIN_WINDOW`` and ``game.view.input.MIN_WINDOW``)."""


def run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the command line; its exit status (argparse's SystemExit counts) and what it wrote to stderr."""
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    return status, capsys.readouterr().err


def refused(argv: Sequence[str], capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    """Assert the command line exits 2 with an error naming ``expected``; return the error line."""
    status, err = run(argv, capsys)
    assert status == 2, err
    assert "Traceback" not in err
    line = next(line for line in err.splitlines() if "error:" in line)
    for text in expected:
        assert text in line, line
    return line


@pytest.mark.parametrize("hours", ["inf", "-inf", "nan", "-5", "1e999", "soon"])
@pytest.mark.parametrize("command", ["simulate", "chat", "interview"])
def test_hours_must_be_a_finite_number_zero_or_more(command: str, hours: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = ("--out", str(tmp_path / "run")) if command == "simulate" else ()
    refused([command, f"--hours={hours}", *out, *RUN], capsys, "--hours", hours)
    assert not (tmp_path / "run").exists(), "refused before anything runs"


def test_save_every_must_be_finite_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(["simulate", "--hours", "1", "--out", str(tmp_path), "--save", str(tmp_path / "s.sqlite"),
             "--save-every", "inf", *RUN], capsys, "--save-every", "inf")


def test_zero_hours_is_still_allowed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run(["simulate", "--hours", "0", "--out", str(tmp_path), "--quiet", *RUN], capsys)
    assert status == 0, err
    assert (tmp_path / "summary.json").exists()


@pytest.mark.parametrize("threads", ["-3", "0", "two"])
def test_threads_must_be_one_or_more(threads: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(["simulate", "--hours", "0", "--out", str(tmp_path), "--threads", threads, *RUN], capsys,
            "--threads", threads)


@pytest.mark.parametrize("size", ["10x10", "abc", "1280", "x800", "319x240", "1280x-800", "99999999x800"])
@pytest.mark.parametrize("command", ["play", "replay", "join"])
def test_a_window_size_must_be_width_x_height_and_at_least_320x240(command: str, size: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    where = {"replay": [str(tmp_path)], "join": ["ws://127.0.0.1:1"]}.get(command, [])
    refused([command, *where, "--size", size, "--frames", "1", *(RUN if command == "play" else ())], capsys,
            "--size", size)


def test_window_sizes_that_are_fine() -> None:
    from game.cli import argtypes
    from game.view import input as view_input
    window_size = argtypes.window_size
    assert window_size("1280x800") == (1280, 800)
    assert window_size("320X240") == (320, 240)
    assert window_size(" 640 x 480 ") == (640, 480)
    assert argtypes.MIN_WINDOW == view_input.MIN_WINDOW == MIN_WINDOW, "the command line and the window agree"


@pytest.mark.parametrize("command", ["play", "replay"])
def test_a_screenshot_path_naming_a_folder_is_refused_before_the_run(command: str, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    where = [str(tmp_path)] if command == "replay" else []
    extra = RUN if command == "play" else ()
    refused([command, *where, "--screenshot", str(tmp_path), "--frames", "1", *extra], capsys, "--screenshot",
            "folder")
    refused([command, *where, "--screenshot", str(tmp_path / "shots") + "/", "--frames", "1", *extra], capsys,
            "--screenshot")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    refused([command, *where, "--screenshot", str(tmp_path / "file" / "shot.png"), "--frames", "1", *extra],
            capsys, "--screenshot", "is a file")


@pytest.mark.parametrize(("line", "field"), [
    ('{"frame": 5, "walk_to": "nobody"}', "walk_to: no resident 'nobody'"),
    ('{"frame": 5, "inspect": "nobody"}', "inspect: no resident 'nobody'"),
    ('{"frame": 5, "click": "here"}', "click: must be a position"),
    ('{"frame": 5, "click": [1, 2, 3]}', "click: must be a position"),
    ('{"frame": 5, "key": "no such key"}', "key: 'no such key' is not a key name"),
    ('{"frame": 5, "key": 13}', "key: 13 is not a key name"),
    ('{"frame": 5, "speed": "fast"}', "speed: must be a finite number"),
    ('{"frame": 5, "text": ["hi"]}', "text: must be text"),
    ('{"frame": -1, "quit": true}', "frame: must be a whole number"),
    ('{"frame": "soon", "quit": true}', "frame: must be a whole number"),
    ('{"quit": true}', "frame: missing"),
    ('{"frame": 5, "jump": true}', "jump: unknown field"),
    ('[1, 2]', "not a script line"),
    ('{"frame": 5, "screenshot": "shots/"}', "screenshot: 'shots/' is a folder"),
])
def test_a_bad_script_line_names_the_file_line_and_field(line: str, field: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "script.jsonl"
    script.write_text(f'# a comment\n{{"frame": 1, "key": "e"}}\n{line}\n', encoding="utf-8")
    error = refused(["play", "--frames", "3", "--name", "Zoe", "--script", str(script), *RUN], capsys,
                    f"{script}:3:", field)
    assert error.startswith("npcworld: error:")


def test_a_good_script_still_plays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "script.jsonl"
    script.write_text('{"frame": 0, "speed": 4}\n{"frame": 1, "walk_to": "tomas"}\n{"frame": 2, "inspect": "tomas"}\n'
                      '{"frame": 3, "click": [10, 10], "key": "escape"}\n{"frame": 4, "inspect": null}\n'
                      f'{{"frame": 5, "screenshot": "{tmp_path / "shot.png"}"}}\n', encoding="utf-8")
    status, err = run(["play", "--frames", "8", "--name", "Zoe", "--script", str(script), "--size", "640x480",
                       *RUN], capsys)
    assert status == 0, err
    assert pygame.image.load(str(tmp_path / "shot.png")).get_size() == (640, 480)


# --- the window ----------------------------------------------------------------------------------------------

@pytest.fixture
def game() -> Iterator[Game]:
    """A window on Oakvale with a player, under SDL's dummy driver."""
    pygame.init()
    screen = pygame.display.set_mode((800, 600), pygame.RESIZABLE)
    sim = Simulation("oakvale", seed=1, player=True)
    yield Game(sim, screen)
    sim.close()
    pygame.quit()


def key(code: int, mod: int = 0) -> None:
    """Queue a key press."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod, unicode="", scancode=0))


def test_esc_with_nothing_open_does_nothing_and_ctrl_q_still_quits(game: Game) -> None:
    game.log_open = True
    key(pygame.K_ESCAPE)
    run_loop(game, 2)
    assert not game.log_open and game.controls.running, "Esc closes the open panel"
    key(pygame.K_ESCAPE)
    key(pygame.K_ESCAPE)
    run_loop(game, 2)
    assert game.controls.running, "with nothing open, Esc does not quit"
    key(pygame.K_q, pygame.KMOD_CTRL)
    run_loop(game, 2)
    assert not game.controls.running


def test_esc_with_nothing_open_keeps_the_played_game_running(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    script = tmp_path / "script.jsonl"
    script.write_text(f'{{"frame": 2, "key": "escape"}}\n{{"frame": 5, "screenshot": "{shot}"}}\n', encoding="utf-8")
    assert play("oakvale", seed=1, frames=8, name="Zoe", script=script, size=(640, 480)) == 0
    assert shot.exists(), "the game was still running at frame 5"


@pytest.mark.parametrize("size", [(1, 1), (100, 50), (319, 600)])
def test_resizing_the_window_below_its_minimum_is_undone_not_a_crash(game: Game, size: tuple[int, int]) -> None:
    game.help_open, game.log_open, game.inspecting = True, True, "tomas"
    pygame.display.set_mode(size, pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=size, w=size[0], h=size[1]))
    run_loop(game, 3)
    surface = pygame.display.get_surface()
    assert surface is not None
    width, height = surface.get_size()
    assert width >= MIN_WINDOW[0] and height >= MIN_WINDOW[1]
    assert (game.renderer.camera.view_w, game.renderer.camera.view_h) == (width, height)


def test_play_given_a_tiny_size_opens_the_smallest_window(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    assert play("oakvale", seed=1, frames=2, name="Zoe", screenshot=shot, size=(10, 10)) == 0
    assert pygame.image.load(str(shot)).get_size() == MIN_WINDOW
