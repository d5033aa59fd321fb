"""Focus: the sentences about oneself that a question asks about lead the last turn of the reply's prompt."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agents.embeddings import load_embedder
from agents.focus import TODAY, TOMORROW, TOPICS, asks, fact_lines, rank, ruled_out
from agents.known_text import plan_text
from agents.plans import DayPlan, PlanBlock
from agents.prompting import load_templates, render_messages
from agents.protocol import Request
from agents.training.talk_answers import QUESTIONS
from game.cli.interview import KINDS, PHRASINGS
from game.world.simulation import Simulation
from tests.test_talk_prompt import Spy


@pytest.fixture(scope="module")
def asked() -> tuple[Simulation, Request]:
    """A day and a half of scripted Oakvale, then the player asks Mara about her closest friend."""
    spy = Spy()
    sim = Simulation("oakvale", seed=7, brain=spy, embedder=load_embedder("minilm", threads=1))
    sim.run(hours=26)
    sim.chat("mara", "Who's your dearest friend?")
    return sim, spy.seen[-1]


def test_fact_lines_state_each_thing_on_its_own(asked) -> None:  # type: ignore[no-untyped-def]
    _, request = asked
    lines = fact_lines(request)
    assert len(lines) == len(TOPICS)
    work, yesterday, today, tomorrow, news, friends = lines
    assert work == "Your work: you are the baker at Quinn's Bakery."
    assert yesterday.startswith("Yesterday (Monday) you talked with") and "Tomas Ferreira" in yesterday
    assert today.startswith("Your plan for today: ") and "Quinn's Bakery" in today
    assert tomorrow.startswith("Tomorrow morning (Wednesday): 04:")
    assert all(int(hhmm[:2]) < 12 for hhmm in tomorrow.split(": ", 1)[1].split("; ")), "morning blocks only"
    assert "Tomas's party" in news and friends == "Your friends: Your closest friend is Leo Quinn."


def test_the_asked_fact_leads_the_last_turn(asked) -> None:  # type: ignore[no-untyped-def]
    _, request = asked
    assert request.facts is not None and request.facts.focus[0] == "Your friends: Your closest friend is Leo Quinn."
    last = request.messages[-1][1]
    remembered = last.split("You remember:\n", 1)[1].splitlines()
    assert remembered[0] == "- Your friends: Your closest friend is Leo Quinn."
    assert last.endswith("Alex: Who's your dearest friend?")


def test_memories_that_quote_this_conversation_are_left_out(asked) -> None:  # type: ignore[no-untyped-def]
    sim, _ = asked
    spy = sim.brain
    sim.chat("mara", "Have you seen the kingfisher by the fountain?")
    request = spy.seen[-1]
    stored = [m.text for m in sim.resident("mara").mind.memory.memories]
    assert 'Alex said to me: "Have you seen the kingfisher by the fountain?"' in stored, "the line is remembered"
    remembered = request.messages[-1][1].split("You remember:\n", 1)[1]
    assert "kingfisher" not in remembered.rsplit("\nAlex: ", 1)[0], "but not repeated above the line itself"
    assert remembered.endswith("Alex: Have you seen the kingfisher by the fountain?")


def test_todays_plan_in_focus_is_what_is_left_of_the_day(asked) -> None:  # type: ignore[no-untyped-def]
    _, request = asked
    facts = request.facts
    plan = DayPlan(2, (PlanBlock(0, 360, "sleep", "sleeping", "home_mara"),
                       PlanBlock(360, 480, "meal", "having breakfast", "home_mara"),
                       PlanBlock(480, 720, "work", "baking bread", "bakery"),
                       PlanBlock(720, 1200, "leisure", "reading", "library")))
    assert plan_text(plan, facts, since=500) == "08:00 baking bread at Quinn's Bakery; 12:00 reading at Oakvale Library"
    assert plan_text(plan, facts).startswith("06:00 having breakfast at home; 08:00"), "without since: the whole day"
    assert plan_text(plan, facts, since=1200) == "nothing more planned"
    split = DayPlan(2, (PlanBlock(421, 459, "work", "setting up the clinic", "clinic"),
                        PlanBlock(459, 720, "work", "setting up the clinic", "clinic"),
                        PlanBlock(720, 780, "meal", "eating lunch", "clinic"),
                        PlanBlock(780, 900, "work", "setting up the clinic", "clinic")))
    assert plan_text(split, facts).count("setting up the clinic") == 2, "a block planned again is said once"
    assert plan_text(split, facts).startswith("07:01 setting up the clinic at Oakvale Clinic; 12:00 eating lunch")
    late = replace(request, situation=replace(request.situation, minute=500), facts=replace(facts, today=plan))
    assert fact_lines(late)[TODAY] == ("Your plan for today: 08:00 baking bread at Quinn's Bakery; "
                                       "12:00 reading at Oakvale Library.")


PARTY = "Tomas's party for the cafe's tenth birthday at The Copper Kettle Cafe, {} at 17:00."


def test_memories_that_repeat_a_line_above_them_are_left_out(asked) -> None:  # type: ignore[no-untyped-def]
    sim, request = asked
    sam = f'Talked with Sam at The Copper Kettle Cafe. Sam said: "Oh, I nearly forgot: {PARTY.format("today")}"'
    memories = ((1, sam),
                (2, f'Talked with Rosa at The Crooked Lantern. Rosa said: "Guess what? {PARTY.format("tomorrow")}"'),
                (3, "Talked with Leo at The Copper Kettle Cafe about the new bread oven and the price of flour."))
    templates = load_templates(sim.world.root)
    plain = replace(request, mind=replace(request.mind, memories=memories), facts=replace(request.facts, focus=()))
    remembered = render_messages(templates, plain)[-1][1].split("You remember:\n", 1)[1]
    assert "Sam said" in remembered and "Rosa said" not in remembered, "the same news twice is said once"
    assert "bread oven" in remembered, "a talk in the same place about something else stays"
    short = replace(plain, mind=replace(plain.mind, memories=((1, sam), (2, 'Heard Ben say: "Ha!"'))))
    assert 'Heard Ben say: "Ha!"' in render_messages(templates, short)[-1][1], "no telling words: nothing it repeats"
    between = render_messages(templates, replace(plain, urgent=False))[-1][1]
    assert "Sam said" in between and "Rosa said" in between, "between residents, repeats still spread the news"
    news = (f"News you know: {PARTY.format('yesterday')[:-1]} (Sam Okoro told you).",)
    focused = replace(plain, facts=replace(request.facts, focus=news))
    remembered = render_messages(templates, focused)[-1][1].split("You remember:\n", 1)[1]
    assert "said" not in remembered and remembered.count("party") == 1, "the focus sentence already says it"
    assert "bread oven" in remembered


def test_without_focus_the_turn_has_only_memories(asked) -> None:  # type: ignore[no-untyped-def]
    sim, request = asked
    plain = replace(request, facts=replace(request.facts, focus=()))
    messages = render_messages(load_templates(sim.world.root), plain)
    assert "Your friends:" not in messages[-1][1] and "Your closest friend is" in messages[0][1]


def test_minilm_ranks_the_asked_topic_first_for_most_interview_phrasings() -> None:
    embedder = load_embedder("minilm", threads=1)
    lines = tuple(f"line {i}" for i in range(len(TOPICS)))
    wanted = {"work": 0, "yesterday": 1, "tomorrow": 3, "news": 4, "friend": 5}
    found = sum(lines[wanted[kind]] in rank(q, lines, embedder) for kind in KINDS for q in PHRASINGS[kind])
    total = sum(len(PHRASINGS[kind]) for kind in KINDS)
    assert found >= 0.9 * total, f"the asked topic was in the focus for {found} of {total} phrasings"
    assert rank("Thanks, that's helpful.", lines, embedder) == (), "thanks asks about nothing"
    two = rank("What are you doing first thing tomorrow?", lines, embedder, margin=0.15)
    assert set(two) == {lines[2], lines[3]}, "today and tomorrow score alike: both lead"
    assert rank("Who is your closest friend?", lines, embedder, margin=0.15) == (lines[5],), "a clear best leads alone"
    assert rank("", lines, embedder) == ()


def test_a_line_that_names_one_day_never_gets_the_other_days_plan() -> None:
    embedder = load_embedder("minilm", threads=1)
    lines = tuple(f"line {i}" for i in range(len(TOPICS)))
    for question in ("What's on for you tomorrow morning?", "What are you doing first thing tomorrow?",
                     "Where are you headed tomorrow morning?", "Got anything on tomorrow morning?"):
        assert ruled_out(question) == {TODAY}
        assert rank(question, lines, embedder, skip=ruled_out(question))[0] == lines[TOMORROW], question
        assert lines[TODAY] not in rank(question, lines, embedder, skip=ruled_out(question)), question
    assert ruled_out("What are you up to tonight?") == {TOMORROW}
    assert lines[TOMORROW] not in rank("What are you up to tonight?", lines, embedder, skip=frozenset({TOMORROW}))
    assert ruled_out("Busy today, and tomorrow too?") == frozenset(), "both days named: both may lead"
    assert ruled_out("Do you know any news?") == frozenset(), "'know' is not 'now'"
    assert rank("Who is your friend?", lines, embedder, skip=frozenset(range(len(TOPICS)))) == ()


def test_the_player_asking_about_tomorrow_gets_tomorrow_first(asked) -> None:  # type: ignore[no-untyped-def]
    sim, _ = asked
    sim.chat("mara", "What's on for you tomorrow morning?")
    request = sim.brain.seen[-1]
    assert request.facts is not None and request.facts.focus[0].startswith("Tomorrow morning (Wednesday)")
    assert not any(line.startswith("Your plan for today") for line in request.facts.focus)


CHATTER = ("smalltalk", "greeting", "howareyou", "remark", "newcomer", "thanks", "goodbye")
"""Kinds of line (interview and training phrasings) that ask the resident nothing."""


def test_chatter_is_told_from_questions_in_both_phrasing_sets() -> None:
    for kind, lines in {**PHRASINGS, **QUESTIONS}.items():
        if kind != "adversarial":
            for line in lines:
                assert asks(line) == (kind not in CHATTER), (kind, line)
    assert asks("You're the baker, aren't you?"), "a tag question about the listener asks"
    assert not asks("Nice weather, huh?") and not asks("How lovely!") and not asks("ok")
    assert asks("what do you do"), "typed without the question mark"
    assert asks("Hi! I'm new here. Who is your best friend?"), "one asking sentence is enough"
    assert asks("I wonder who your friend is.") and asks("Tell me about Mara.")


def test_chatter_gets_no_focus_so_the_reply_is_the_models_own(asked) -> None:  # type: ignore[no-untyped-def]
    sim, _ = asked
    sim.chat("mara", "Lovely day today, isn't it?")
    request = sim.brain.seen[-1]
    assert request.facts is not None and request.facts.focus == ()
    assert "Your plan for today" not in request.messages[-1][1], "MiniLM would have put today's plan here (0.48)"
    sim.chat("mara", "Lovely day. What are you doing today?")
    assert sim.brain.seen[-1].facts.focus[0].startswith("Your plan for today")
