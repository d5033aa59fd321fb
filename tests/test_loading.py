"""The window opens at once: a loading screen says what is loading, a new player types a name, which is kept."""

from __future__ import annotations

import time
from pathlib import Path

import pygame
import pytest

from game.view.app import play
from game.view.loading import Progress, load_in_window
from game.view.profile import clean_name, load_name, save_name


@pytest.fixture
def screen():  # type: ignore[no-untyped-def]
    pygame.init()
    yield pygame.display.set_mode((800, 600))
    pygame.quit()


def slow_build(steps: Progress) -> str:
    steps.say("the embedder (MiniLM)")
    time.sleep(0.3)
    steps.say("the town")
    return "town"


def test_the_loading_screen_shows_the_step_and_takes_a_name(screen: pygame.Surface) -> None:
    heard: list[str] = []
    for text in ("Mina", "x"):
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_BACKSPACE, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="", scancode=0))
    built, name = load_in_window(screen, slow_build, Progress(heard.append), "Oakvale", ask_name="")
    assert (built, name) == ("town", "Mina")
    assert heard == ["the embedder (MiniLM)", "the town"], "the command line hears every step"


def test_enter_on_an_empty_name_is_not_taken_and_closing_returns_no_name(screen: pygame.Surface) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert load_in_window(screen, slow_build, Progress(), "Oakvale", ask_name="") == ("town", None)


def test_an_error_while_loading_reaches_the_caller(screen: pygame.Surface) -> None:
    def broken(steps: Progress) -> str:
        raise OSError("the model file is unreadable")
    with pytest.raises(OSError, match="unreadable"):
        load_in_window(screen, broken, Progress(), "Oakvale")


def test_names_are_cleaned_kept_and_a_broken_profile_is_not_an_error(tmp_path: Path) -> None:
    assert clean_name('  Zoë\x1b[31m  "O\'Hara"\n ') == "Zoë31m O'Hara"
    assert clean_name("x" * 80) == "x" * 24 and clean_name(" \t") == ""
    assert load_name(tmp_path) is None, "no profile yet"
    assert save_name("Zoë O'Hara", tmp_path) == tmp_path / "player.toml"
    assert load_name(tmp_path) == "Zoë O'Hara"
    (tmp_path / "player.toml").write_text("name = [broken", encoding="utf-8")
    assert load_name(tmp_path) is None, "asked again, not a crash"
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert save_name("Zoë", blocker / "sub") is None, "a folder that cannot be made is not a crash"


def test_play_loads_behind_the_window_and_keeps_the_name_given(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NPCWORLD_CONFIG", str(tmp_path))
    heard: list[str] = []
    loaded: list[str] = []

    def embedder():  # type: ignore[no-untyped-def]
        from agents.embeddings import HashEmbedder
        loaded.append("embedder")
        return HashEmbedder()
    assert play("oakvale", seed=7, frames=3, size=(640, 480), name="Zoe Park", embedder=embedder,
                progress=heard.append) == 0
    assert loaded == ["embedder"] and heard[0] == "the embedder (MiniLM)" and "the town" in heard[-1]
    assert load_name(tmp_path) == "Zoe Park"


def test_quitting_ends_the_brains_process_and_returns(tmp_path: Path) -> None:
    """The window's quit joins what it started: the brain's process is gone when play returns (status 0)."""
    import multiprocessing

    from game.world.mindproc import BrainSpec
    script = tmp_path / "quit.jsonl"
    script.write_text('{"frame": 20, "quit": true}\n', encoding="utf-8")
    began = time.perf_counter()
    assert play("oakvale", seed=7, size=(640, 480), script=script,
                brain=BrainSpec("streaming_brain:StreamingBrain", {"delay": 0.05})) == 0
    assert multiprocessing.active_children() == [], "no brain process outlives the window"
    assert time.perf_counter() - began < 60
