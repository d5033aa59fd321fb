"""Talking without a window: sim.chat and `npcworld chat` go through the chat box's path and say why not."""

from __future__ import annotations

import builtins
from collections.abc import Iterator

import pytest

from game.cli import main
from game.world.chat import ChatRefused
from game.world.simulation import Simulation


@pytest.fixture(scope="module")
def morning() -> Iterator[Simulation]:
    """Oakvale on day 2 at 08:30 (scripted): the baker is at work, some residents walk, nobody sleeps yet."""
    with Simulation("oakvale", seed=7) as sim:
        sim.run(hours=26)
        yield sim


def test_chat_returns_the_residents_reply_through_the_chat_path(morning: Simulation) -> None:
    said_before = len(morning.events)
    reply = morning.chat("mara", "Good morning! What are you baking?")
    events = morning.events[said_before:]
    player_line = next(e for e in events if e["type"] == "said" and e["npc"] == "player")
    answer = next(e for e in events if e["type"] == "said" and e["npc"] == "mara")
    assert player_line["to"] == "mara" and player_line["text"] == "Good morning! What are you baking?"
    assert answer["to"] == "player" and answer["text"] == reply and reply
    started = [e for e in events if e["type"] == "conversation_started"]
    assert started and {started[0]["npc"], started[0]["partner"]} == {"player", "mara"}
    assert morning.resident("player").place == morning.resident("mara").place, "the player stands beside her"


def test_follow_up_lines_stay_in_one_conversation(morning: Simulation) -> None:
    before = sum(1 for e in morning.events if e["type"] == "conversation_started")
    morning.chat("mara", "And how is Leo?")
    after = sum(1 for e in morning.events if e["type"] == "conversation_started")
    assert after == before


def test_a_long_player_line_is_cut_at_a_word(morning: Simulation) -> None:
    from game.world.player import MAX_LINE
    said_before = len(morning.events)
    long = "I wonder whether the bakery could make a very large wedding cake " * 5
    morning.chat("mara", long)
    line = next(e["text"] for e in morning.events[said_before:] if e["type"] == "said" and e["npc"] == "player")
    assert len(line) <= MAX_LINE and line.endswith("...") and long.startswith(line[:-3] + " "), line


def test_a_resident_who_cannot_talk_says_why() -> None:
    with Simulation("oakvale", seed=7) as sim:  # just after 06:30 on day 1: who is still asleep?
        sim.step(3)
        sleeper = next(r.id for r in sim.residents() if r.activity_kind == "sleep")
        with pytest.raises(ChatRefused, match="asleep"):
            sim.chat(sleeper, "Hello?")
        with pytest.raises(ChatRefused, match="no resident called 'nobody'"):
            sim.chat("nobody", "Hello?")


def test_saying_goodbye_ends_the_talk_after_their_farewell(morning: Simulation) -> None:
    reply = morning.chat("tomas", "Bye for now!")
    assert reply
    ended = [e for e in morning.events if e["type"] == "conversation_ended" and "tomas" in (e["npc"], e["partner"])]
    assert ended and ended[-1]["reason"] == "goodbye"


def test_chat_command_talks_in_the_terminal(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    lines = iter(["/who", "/to Leo", "Hello Leo!", "/wait 5", "/wait inf", "/wait 1e999", "/to nobody", "/quit"])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(lines))
    status = main(["chat", "--world", "oakvale", "--hours", "3", "--seed", "7", "--brain", "scripted",
                   "--embedder", "hash", "--to", "mara"])
    out = capsys.readouterr().out
    assert status == 0
    assert "You are talking to Mara" in out
    assert "Leo Quinn (leo):" in out, "/who lists residents"
    assert "(now talking to Leo)" in out
    assert "Leo: " in out or "(Leo is" in out, "a reply, or why not"
    assert "(nobody called 'nobody'" in out
    assert out.count("(/wait takes a number of minutes, at most 10080)") == 2, "no endless wait, no traceback"


def test_glad_to_see_you_greets_and_see_you_later_takes_leave() -> None:
    from agents.dialogue import says_goodbye
    for greeting in ("Nice to see you around.", "Good to see you!", "So glad to see you, Mara.",
                     "Did you see your friend?"):
        assert not says_goodbye(greeting), greeting
    for farewell in ("See you later!", "Bye!", "Well, see you around.", "I must go now.", "Take care, Leo."):
        assert says_goodbye(farewell), farewell
