"""Choosing the reply to the player that says what the question asks about (agents/reply_choice.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_talk_prompt import Spy

from agents.brains.engine import Job, Output
from agents.brains.local import LocalBrain
from agents.modelkit import make_model_folder
from agents.reply_choice import best_reply, grounding, needs_second_look, opening, stems
from game.world.simulation import Simulation

FRIEND = ("Your friends: Your closest friend is Harriet Ashdown.", "Your work: you are the town clerk at Town Hall.")
NEWS = ("News you know: Tomas's birthday party at The Corner Cafe, tomorrow at 17:00.",)


def test_the_reply_naming_what_the_focus_says_wins_over_the_models_own() -> None:
    replies = ["I'm Felix Brandt, the town clerk.", "Harriet, I'd say. We go back years.", "Oh, hello there."]
    assert best_reply(replies, FRIEND) == 1
    assert best_reply(["Right now I'm eating porridge.", "Tomas is having a birthday party at the cafe!"], NEWS) == 1


def test_the_models_own_reply_stays_on_a_tie_or_without_focus() -> None:
    assert best_reply(["Harriet, of course.", "Harriet, I'd say."], FRIEND) == 0, "both name her"
    assert best_reply(["Nice weather.", "Lovely day."], FRIEND) == 0, "neither uses the focus"
    assert best_reply(["I'm the clerk.", "Harriet."], ()) == 0, "no focus: nothing to choose by"
    assert best_reply(["Only one."], FRIEND) == 0


def test_a_reply_naming_someone_the_prompt_does_not_loses_to_any_that_does_not() -> None:
    from agents.grounding import known_words
    known = known_words(["Felix Brandt", "Harriet Ashdown", "Town Hall", "Alex"])
    replies = ["I'm the clerk, Alex.", "Ireland, dear. I'm the town clerk at Town Hall."]
    assert best_reply(replies, FRIEND[1:]) == 1, "without the names it would win: it uses the focus more"
    assert best_reply(replies, FRIEND[1:], known=known) == 0
    assert best_reply(["Elara Vex, of course.", "Harriet, of course."], FRIEND, known=known) == 1
    assert best_reply(["Ireland!", "Elara Vex."], FRIEND, known=known) == 0, "both invent: the model's own stays"


def test_a_reply_denying_the_person_the_focus_names_loses() -> None:
    denial = "I don't know anyone called Harriet."
    assert grounding(denial, FRIEND) < grounding("Harriet, love.", FRIEND)
    assert best_reply([denial, "That'd be Harriet, love."], FRIEND) == 1


def test_the_speakers_own_name_does_not_count() -> None:
    focus = ("Your friends: Your closest friend is Mara Quinn.",)
    assert grounding("I'm Leo Quinn, the apprentice.", focus, own="Leo Quinn") == 0
    assert best_reply(["I'm Leo Quinn, the apprentice.", "Mara, of course."], focus, own="Leo Quinn") == 1


def test_a_reply_gets_a_second_look_when_it_uses_too_little_of_the_focus() -> None:
    plan = ("Tomorrow morning (Tuesday): having tea and bread at home; raking the paths at Willow Green Park.",)
    assert needs_second_look("Tomorrow morning I'll be having a pint at The Crooked Lantern.", plan), "one word"
    assert not needs_second_look("Tea and bread, then raking the paths.", plan)
    friend = ("Your friends: Your closest friend is Mara Quinn.",)
    assert not needs_second_look("Mara, of course.", friend, own="Leo Quinn"), "her name is all there is to say"
    assert needs_second_look("I'm Leo Quinn, the apprentice.", friend, own="Leo Quinn")
    assert not needs_second_look("Anything at all.", ()), "no focus, nothing to look for"


def test_the_opening_is_the_first_telling_word_of_the_focus_or_the_whole_name_it_begins() -> None:
    assert opening(("Your friends: Your closest friend is Mara Quinn.",), own="Leo Quinn") == "Mara"
    assert opening(("Your friends: Your closest friend is Ben Hartley.",)) == "Ben", "a name from its first word"
    assert opening(("Your work: you are the baker at Quinn's Bakery.",), own="Leo Quinn") == "Baker"
    assert opening(("Yesterday (Monday) you talked with Rosa Delgado and Ben Hartley.", "x")) == "Rosa"
    assert opening(("Yesterday (Monday) you talked with nobody.",)) == "", "framing only: the likeliest tokens instead"
    assert opening(("Your closest friend is Leo Quinn.",), own="Leo Quinn") == "", "only one's own name: none"
    assert opening(()) == ""
    news = "News you know: The Copper Kettle Cafe had Tomas's party for its birthday, on Tuesday at 17:00."
    assert opening((news,), own="Mara Quinn") == "The Copper", "a name keeps its article"
    assert opening(("The Copper Kettle Cafe had a party.",)) == "Copper", "the sentence's own first word is framing"


def test_the_framing_of_the_focus_sentences_does_not_count() -> None:
    assert stems("Your closest friend is Harriet; your work tomorrow morning.") == {"harri"}
    assert grounding("My closest friend? Tomorrow morning I work.", FRIEND) == 0, "framing words say nothing"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random model folder (the brain loads it; the talker is replaced by a stand-in)."""
    return make_model_folder(tmp_path_factory.mktemp("model") / "tiny", "tiny")


class Staged:
    """A stand-in for the talker: each first-token rank writes its own reply, and every job is kept."""

    def __init__(self, replies: dict[int, str]):
        self.replies = replies
        self.jobs: list[Job] = []

    def encode(self, messages):  # type: ignore[no-untyped-def]
        return (1, 2, 3)

    def generate(self, jobs, on_text=None, between=None):  # type: ignore[no-untyped-def]
        self.jobs += jobs
        return [Output(j.key, self.replies[-1 if j.opening else j.first_rank], [7] * 5, 3, 0, 0.0, 0.0, "stop")
                for j in jobs]

    def encode_text(self, text):  # type: ignore[no-untyped-def]
        self.opened = text
        return (9,)


def test_the_local_brain_writes_openings_for_the_player_and_says_the_one_that_answers(tiny_model: Path) -> None:
    spy = Spy()
    sim = Simulation("oakvale", seed=7, brain=spy)
    sim.run(hours=26)
    sim.chat("leo", "Who is your closest friend?")
    request = spy.seen[-1]
    assert request.urgent and request.facts is not None and request.facts.focus
    assert "Mara" in request.facts.focus[0], "the focus is the friend sentence"
    brain = LocalBrain(tiny_model, candidates=3)
    brain.talker = Staged({0: "I'm Leo, the apprentice at Quinn's Bakery.", 1: "Oh, hello there.",
                           -1: "Mara, of course. She's my aunt."})  # type: ignore[assignment]
    answer = brain.think([request])[0]
    assert json.loads(answer.text)["say"] == "Mara, of course. She's my aunt."
    jobs = brain.talker.jobs  # type: ignore[attr-defined]
    assert [j.first_rank for j in jobs] == [0, 1, 0] and [j.stream for j in jobs] == [True, False, False], \
        "the model's own reply streams; the second look's openings are written after it missed"
    assert [j.opening for j in jobs] == [(), (), (9,)] and brain.talker.opened == "Mara", \
        "the last starts on the focus: the friend's name"  # type: ignore[attr-defined]
    brain.talker = Staged({0: "Mara Quinn, my aunt.", 1: "x", -1: "y"})  # type: ignore[assignment]
    assert json.loads(brain.think([request])[0].text)["say"] == "Mara Quinn, my aunt."
    assert len(brain.talker.jobs) == 1, "a reply that answers is not written again"  # type: ignore[attr-defined]
    brain.talker = Staged({0: "I'm Leo, the apprentice at Quinn's Bakery.", 1: "Oh, hello there.",
                           -1: "Mara, of course. She's my aunt."})  # type: ignore[assignment]
    brain.candidates, brain.talker.jobs = 1, []  # type: ignore[attr-defined]
    assert json.loads(brain.think([request])[0].text)["say"].startswith("I'm Leo"), "one candidate: the model's own"
    assert len(brain.talker.jobs) == 1  # type: ignore[attr-defined]
    resident = next(r for r in spy.seen if not r.urgent)
    brain.candidates, brain.talker.jobs = 3, []  # type: ignore[attr-defined]
    brain.think([resident])
    assert len(brain.talker.jobs) == 1, "lines between residents are written once"  # type: ignore[attr-defined]
