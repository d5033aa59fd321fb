"""No model reply ends a run or smuggles control characters into the town: deep JSON, surrogates, escapes, homes."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.brains.scripted import ScriptedBrain
from agents.dialogue import parse_line
from agents.embeddings import HashEmbedder
from agents.intents import DoActivity, Fallback, Say, parse_intent
from agents.plans import parse_plan
from agents.protocol import Request
from agents.reflection import parse_importance, parse_insights
from game.cli.headless import simulate
from game.world.simulation import Simulation

UNWANTED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Controls (but newline), bidi overrides and isolates, lone surrogates: none may reach the event log."""

NASTY = "\x00\x1b[31m\u202eevil\u2069\x07\ud800"
"""Raw characters a reply must not carry into the world."""

NASTY_ESCAPED = "\\u0000\\u001b[31m\\u202eevil\\u2069\\u0007\\ud800"
"""The same, as JSON escapes (json.loads turns ``\\ud800`` into a lone surrogate)."""


# --- the parsers, fed directly (they are the path every brain's reply takes) ---------------------------------

DEEP = ("[" * 100_000, '{"a":' * 100_000, '{"a":' * 100_000 + "}", '{"action": ' + "[" * 50_000 + "}",
        '{"say": ' + "[" * 50_000 + "}", '{"insights": ' + "[" * 50_000 + "}")


@pytest.mark.parametrize("reply", DEEP, ids=range(len(DEEP)))
def test_a_reply_nested_100000_deep_is_unusable_in_every_parser_never_an_error(reply: str) -> None:
    began = time.perf_counter()
    assert isinstance(parse_intent(reply), Fallback)
    assert parse_line(reply) is None, "the converse fallback speaks instead"
    assert parse_insights(reply, {1, 2}) == []
    assert parse_importance(reply) is None
    assert parse_plan(reply, 1) is None
    assert time.perf_counter() - began < 10, "and quickly: no regex that backtracks over the whole reply"


def test_huge_numbers_and_long_runs_of_spaces_neither_raise_nor_stall() -> None:
    began = time.perf_counter()
    assert parse_importance("9" * 5000 + " then 7") == 7, "int() refuses 4,300 digits: such a run is skipped"
    assert parse_insights("- I like the park a lot (because of " + "9" * 5000 + ", 2)", {2}) == [
        ("I like the park a lot", (2,))]
    assert parse_insights("- a" + " " * 3000 + "b", set()) == [(("a" + " " * 3000 + "b")[:300], ())]
    plan = parse_plan("08:00-09:00 work @park: a" + " " * 50_000 + "b\n09:00-10:00 meal @cafe:   lunch  ", 1)
    assert plan is not None and [b.activity for b in plan.blocks] == ["a" + " " * 50_000 + "b", "lunch"]
    assert time.perf_counter() - began < 10, "each of these took from seconds to minutes"


def test_control_bidi_and_surrogate_characters_are_cleaned_from_every_text_that_becomes_world_state() -> None:
    intent = parse_intent(f'{{"action": "activity", "activity": "nap{NASTY_ESCAPED}time", "minutes": 20}}')
    assert isinstance(intent, DoActivity) and intent.activity == "nap [31m evil time"
    said = parse_intent(f'{{"action": "say", "text": "hi{NASTY_ESCAPED}there"}}')
    assert isinstance(said, Say) and said.text == "hi [31m evil there"
    assert isinstance(parse_intent(f'{{"action": "activity", "activity": "{NASTY_ESCAPED[:-6]}", "minutes": 5}}'),
                      DoActivity), "what is left after cleaning ('[31m evil') is still an activity"
    assert isinstance(parse_intent('{"action": "activity", "activity": "\\u0000\\u202e", "minutes": 5}'), Fallback)
    line = parse_line(f'{{"say": "hello{NASTY_ESCAPED}friend"}}')
    assert line is not None and line[0] == "hello [31m evil friend"
    raw = parse_line(f"hello {NASTY} friend")
    assert raw is not None and not UNWANTED.search(raw[0])
    plan = parse_plan(f"06:00-23:00 leisure @park: sit{NASTY}ting\n23:00-30:00 sleep @home_ben: {NASTY}", 1)
    assert plan is not None and [b.activity for b in plan.blocks] == ["sit [31m evil ting", "[31m evil"]
    insights = parse_insights(f'{{"insights": [{{"text": "I{NASTY_ESCAPED}see", "because": [1]}}]}}', {1})
    assert insights == [("I [31m evil see", (1,))]
    listed = parse_insights(f"- I feel{NASTY}odd today (because of 1)", {1})
    assert listed == [("I feel [31m evil odd today", (1,))]
    for text in (intent.activity, said.text, line[0], *(b.activity for b in plan.blocks), insights[0][0],
                 listed[0][0]):
        assert not UNWANTED.search(text), text


def test_normal_replies_parse_exactly_as_before() -> None:
    assert parse_intent('Sure! {"action": "activity", "activity": "reading  a book", "minutes": 30} ok') == \
        DoActivity("reading  a book", 30, "leisure"), "printable text is left as it is, double spaces and all"
    assert parse_line('{"say": "Morning, Ben!", "end": false}') == ("Morning, Ben!", False, None)
    assert parse_insights("1. I keep running into Ben (because of 3, 7)\n- Lately: the park.", {3, 7}) == [
        ("I keep running into Ben", (3, 7)), ("Lately: the park.", ())]
    assert parse_importance("I'd say 07 out of 10") == 7


def test_the_trace_and_the_event_log_write_a_lone_surrogate_escaped_and_never_fail(tmp_path: Path) -> None:
    from agents.protocol import Answer, Situation
    from game.world.clock import GameClock
    from game.world.events import EventLog, Said
    from game.world.loader import load_world
    from game.world.trace import Trace

    persona = load_world("oakvale").personas[0]
    request = Request(1, "converse", persona.id, persona, Situation(1, 0, 600, None, "outdoors", "idle"), 0,
                      prompt=f"a prompt with {NASTY}")
    with (tmp_path / "trace.jsonl").open("w", encoding="utf-8") as trace, \
            (tmp_path / "prompts.jsonl").open("w", encoding="utf-8") as prompts, \
            (tmp_path / "events.jsonl").open("w", encoding="utf-8") as events:
        Trace(trace, prompts).record(1, request, Answer(1, f"raw {NASTY}"), f"parsed {NASTY}", True)
        EventLog(GameClock(1, 600, 0, 10), events).append(Said(persona.id, None, f"said {NASTY}", "say", None))
        EventLog(GameClock(1, 600, 0, 10), events).append(Said(persona.id, None, "Good morning, café!", "say", None))
    record = _lines(tmp_path / "trace.jsonl")[0]
    assert record["reply"] == f"raw {NASTY}" and record["parsed"] == f"parsed {NASTY}", "the same text, read back"
    assert _lines(tmp_path / "prompts.jsonl")[0]["prompt"] == f"a prompt with {NASTY}"
    said = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(said[0])["text"] == f"said {NASTY}"
    assert "café" in said[1], "a line without a surrogate is written as before, not escaped"


# --- a whole run on a brain whose every kind of reply is hostile ---------------------------------------------

class HostileBrain(ScriptedBrain):
    """Replies with deep JSON, lone surrogates, control and bidi characters; the scripted brain otherwise."""

    name = "hostile"

    def answer(self, request: Request) -> str:
        """A hostile reply for every kind, in turn by request id."""
        turn = request.id % 4
        if request.kind == "decide":
            return ("[" * 5000, '{"action": "say", "text": ' + "[" * 5000 + "}",
                    f'{{"action": "activity", "activity": "nap{NASTY_ESCAPED}", "minutes": 20}}',
                    f'{{"action": "say", "text": "psst {NASTY}"}} {NASTY}')[turn]
        if request.kind == "converse":
            turn = request.dialogue.turn % 4 if request.dialogue else turn  # each conversation meets them all
            return ('{"say": ' + "[" * 5000 + "}", f'{{"say": "hi{NASTY_ESCAPED} there"}}', f"oi {NASTY} you",
                    "[" * 5000)[turn]
        if request.kind == "plan":
            return super().answer(request).replace(": ", f": {NASTY}")
        if request.kind == "reflect":
            return ('{"insights": ' + "[" * 5000 + "}", f"- All is{NASTY} well here (because of 1)",
                    f'{{"insights": [{{"text": "odd{NASTY_ESCAPED}", "because": []}}]}}',
                    "- a" + " " * 3000 + "b")[turn]
        if request.kind == "importance":
            return "9" * 5000 + " " + super().answer(request)
        return super().answer(request)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Four game hours of Oakvale on the hostile brain, written to real files by the simulate command's code."""
    out = tmp_path_factory.mktemp("hostile")
    simulate("oakvale", hours=4, seed=1, brain=HostileBrain(), out=out, embedder=HashEmbedder(),
             reflection_threshold=5)
    yield out


def _lines(path: Path) -> list[dict[str, Any]]:
    """Every line of a .jsonl file, decoded (each must be one complete JSON object)."""
    text = path.read_text(encoding="utf-8")  # strict UTF-8: a lone surrogate could not have been written
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a decoded JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_the_run_completes_and_writes_complete_files(hostile_run: Path) -> None:
    assert not list(hostile_run.glob("*.partial")), "the run finished: no half-written files left"
    summary = json.loads((hostile_run / "summary.json").read_text(encoding="utf-8"))
    assert summary["game_minutes"] == 240
    for name in ("events.jsonl", "trace.jsonl", "prompts.jsonl", "vitals.jsonl"):
        assert _lines(hostile_run / name), name


def test_no_control_bidi_or_surrogate_character_reaches_the_events_or_the_prompts(hostile_run: Path) -> None:
    raw = (hostile_run / "events.jsonl").read_text(encoding="utf-8")
    assert not UNWANTED.search(raw.replace("\n", ""))
    events = _lines(hostile_run / "events.jsonl")
    bad = [s for e in events for s in _strings(e) if UNWANTED.search(s)]
    assert not bad, bad[:5]
    activities = {e["activity"] for e in events if e["type"] == "activity"}
    assert "nap [31m evil" in activities, "the hostile activity was cleaned and used"
    assert any(a.startswith("[31m evil") for a in activities), "so were the activities of the hostile plans"
    for record in _lines(hostile_run / "prompts.jsonl"):
        assert not UNWANTED.search(record["prompt"].replace("\n", "")), "other residents' prompts are clean too"


def test_the_fallback_answered_the_unusable_replies(hostile_run: Path) -> None:
    trace = _lines(hostile_run / "trace.jsonl")
    decisions = [r for r in trace if r["kind"] == "decide"]
    deep = [r for r in decisions if r["reply"].startswith('{"action": "say", "text": [[[')]
    assert deep and all(r["parsed"].startswith("fallback:") and r["accepted"] is False and r["applied"]
                        for r in deep)
    assert any(NASTY in r["reply"] for r in decisions), "the trace keeps the raw reply, surrogate and all"
    events = _lines(hostile_run / "events.jsonl")
    said = [e for e in events if e["type"] == "said" and e["conversation"]]
    assert any(e.get("by") == "fallback" for e in said), "a deep converse reply: the scripted line is said"
    assert "hi [31m evil there" in {e["text"] for e in said}
    reflections = [r for r in trace if r["kind"] == "reflect"]
    assert reflections and any(r["rejection"] == "no insight in the reply" for r in reflections)
    assert any(r["accepted"] for r in trace if r["kind"] == "importance"), "the rating after the long number"


# --- another resident's home ---------------------------------------------------------------------------------

class Trespasser(ScriptedBrain):
    """Plans everyone's day at Felix's house; otherwise scripted."""

    def answer(self, request: Request) -> str:
        """The trespassing plan, or the scripted reply."""
        if request.kind == "plan":
            return "00:00-12:00 leisure @home_felix: visiting Felix\n12:00-30:00 leisure @park: a long walk"
        return super().answer(request)


def test_a_model_plan_at_another_residents_home_is_refused_whatever_kind_the_map_gives_it(world_copy: Path) -> None:
    tmx = world_copy / "map.tmx"
    text = tmx.read_text(encoding="utf-8")
    assert 'name="home_felix" type="home"' in text
    tmx.write_text(text.replace('name="home_felix" type="home"', 'name="home_felix" type="house"'),
                   encoding="utf-8")  # the map calls it a house; felix.toml still says it is his home
    with Simulation(world_copy, seed=1, brain=Trespasser()) as sim:
        sim.run(minutes=20)
        plans: dict[str, dict[str, Any]] = {}
        for event in sim.events:
            if event["type"] == "plan_made":
                plans.setdefault(event["npc"], event)  # the plan of the day (a need fitted in later is another)
        assert len(plans) >= 10
        assert plans["felix"]["source"] == "brain", "his own home is his to plan for"
        for npc, made in plans.items():
            if npc != "felix":
                assert made["source"] == "scripted", npc
                assert not any("@home_felix" in block for block in made["blocks"]), npc
        refused = [e for e in sim.events if e["type"] == "intent_rejected" and e["intent"] == "plan"]
        assert {e["npc"] for e in refused} == set(plans) - {"felix"}
        assert all("home_felix" in e["reason"] for e in refused)


def test_the_local_brains_unslotting_reads_a_deep_reply_as_unusable() -> None:
    from agents.slots import _loads
    assert _loads("[" * 100_000) is None and _loads('{"a":' * 100_000) is None
    assert _loads('{"action": "wait"}') == {"action": "wait"}
