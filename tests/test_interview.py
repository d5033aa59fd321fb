"""The interview: its phrasings are its own, and its scoring tells right answers from wrong ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agents.known_text import CLOSE_FRIEND
from agents.training.talk_answers import QUESTIONS
from game.cli.interview import KINDS, PHRASINGS, interview, score, summary, tomorrow_morning_keys
from game.world.simulation import Simulation


@pytest.fixture(scope="module")
def town() -> Iterator[Simulation]:
    """A scripted day and a half of Oakvale (day 2, 08:30)."""
    with Simulation("oakvale", seed=7) as sim:
        sim.run(hours=26)
        yield sim


def test_at_least_ten_phrasings_a_kind_none_of_them_trained() -> None:
    trained = {q.lower() for qs in QUESTIONS.values() for q in qs}
    for kind in (*KINDS, "smalltalk"):
        assert len(PHRASINGS[kind]) >= 10, kind
        assert not {q.lower() for q in PHRASINGS[kind]} & trained, f"{kind} phrasings also appear in training"


def test_work_is_right_when_it_names_the_job_or_the_workplace(town: Simulation) -> None:
    assert score(town, "mara", "work", "I'm the baker, love, at Quinn's Bakery.")[0]
    assert score(town, "mara", "work", "Bakery work, mostly.")[0]
    assert not score(town, "mara", "work", "Have you tried the rye today?")[0]


def test_yesterday_needs_a_partner_and_no_one_else(town: Simulation) -> None:
    partners = {e["partner"] if e["npc"] == "mara" else e["npc"] for e in town.events
                if e["type"] == "conversation_started" and e["day"] == 1 and "mara" in (e["npc"], e["partner"])}
    names = {r: town.resident(r).persona.first_name for r in town.town.residents if r != "player"}
    partner = sorted(partners)[0]
    stranger = next(r for r in sorted(names) if r not in partners and r != "mara")
    assert score(town, "mara", "yesterday", f"Yesterday I talked with {names[partner]}.")[0]
    assert not score(town, "mara", "yesterday", f"I talked with {names[partner]} and {names[stranger]}.")[0]
    assert not score(town, "mara", "yesterday", "Nobody, love.")[0]


def test_tomorrow_needs_two_of_the_mornings_words(town: Simulation) -> None:
    keys = tomorrow_morning_keys(town, "mara")
    assert {"baking", "bread"} <= keys or {"bakery"} <= keys
    assert score(town, "mara", "tomorrow", "Tomorrow morning I'll be baking the morning bread at Quinn's Bakery.")[0]
    assert not score(town, "mara", "tomorrow", "Who knows? Bread, maybe.")[0]


def test_news_is_right_when_it_names_what_she_heard(town: Simulation) -> None:
    assert town.clock.day == 2, "the party is today"
    assert score(town, "tomas", "news", "My party at the Copper Kettle, today at five!")[0]
    assert score(town, "tomas", "news", "My party at the Copper Kettle, at five!")[0]
    right, why = score(town, "tomas", "news", "My party at the Copper Kettle, tomorrow at five!")
    assert not right and "tomorrow" in why, "the wrong day makes it wrong"
    assert not score(town, "tomas", "news", "Nothing new, I'm afraid.")[0]
    assert not score(town, "tomas", "news", "I don't know anyone called Copper Kettle.")[0]


def test_friend_is_the_closest_by_the_relationships_now(town: Simulation) -> None:
    closeness = town.resident("mara").closeness
    best = max((v, k) for k, v in closeness.items() if k in town.town.residents)[1]
    name = town.resident(best).persona.first_name
    assert score(town, "mara", "friend", f"{name}, of course.")[0]
    assert closeness[best] >= CLOSE_FRIEND, "Mara has a close friend by now"
    assert not score(town, "mara", "friend", "I don't really have friends.")[0]
    assert not score(town, "mara", "friend", f"I don't know anyone called {name}.")[0], "naming is not knowing"


def test_with_no_one_close_yet_saying_so_is_right(town: Simulation) -> None:
    state = town.resident("mara")
    saved = dict(state.closeness)
    from game.world.components import Relationships
    relationships = town.town.ecs.component_for_entity(town.town.residents["mara"], Relationships)
    relationships.closeness = {k: min(v, 0.1) for k, v in relationships.closeness.items()}
    try:
        assert score(town, "mara", "friend", "Nobody close yet, love.")[0]
        assert not score(town, "mara", "friend", "Have you tried the rye today?")[0]
    finally:
        relationships.closeness = saved


def test_interview_asks_everyone_and_summarises(town: Simulation) -> None:
    answers = interview(town, per_kind=1, smalltalk=1)
    assert len(answers) == 12 * 6
    table = summary(answers)
    assert set(table) >= {*KINDS, "smalltalk", "invented_names", "distinct_replies"}
    assert all(a.reply for a in answers)
    assert table["work"]["right"] < 0.5, "the scripted brain's stock lines do not answer questions"


def test_interview_command_prints_the_table_and_writes_every_answer(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from game.cli import main
    out = tmp_path / "interview.json"
    assert main(["interview", "--world", "oakvale", "--hours", "2", "--seed", "7", "--brain", "scripted",
                 "--embedder", "hash", "--per-kind", "1", "--smalltalk", "0", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| work | 12 |" in printed and "invented names in" in printed
    data = json.loads(out.read_text())
    assert len(data["answers"]) == 60 and data["summary"]["answers"] == 60
    assert {"resident", "kind", "question", "reply", "right", "why", "invented"} <= set(data["answers"][0])
