"""The openai brain against hostile servers: trickled bytes, broken answers, bad URLs, dead servers, and chaos."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hostile_openai import FAULTS, HostileServer

from agents.brains.openai import OpenAIBrain
from agents.brains.scripted import ScriptedBrain
from agents.embeddings import HashEmbedder
from agents.intents import Fallback, parse_intent
from agents.protocol import Answer, Request
from game.cli import main
from game.cli.headless import simulate
from game.world.events import Event
from game.world.loader import load_world
from game.world.simulation import Simulation

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Spy(ScriptedBrain):
    """The scripted brain, keeping every request it answers."""

    def __init__(self) -> None:
        self.asked: list[Request] = []

    def think(self, requests):  # type: ignore[no-untyped-def]
        self.asked.extend(requests)
        return super().think(requests)


@pytest.fixture(scope="module")
def asked() -> list[Request]:
    """The requests of half an hour of scripted Oakvale, prompts rendered."""
    spy = Spy()
    with Simulation("oakvale", seed=1, brain=spy) as sim:
        sim.run(minutes=30)
    return spy.asked


def first(asked: list[Request], kind: str, count: int = 1) -> list[Request]:
    return [r for r in asked if r.kind == kind][:count]


@pytest.mark.parametrize("fault", ["trickle", "trickle_body"])
def test_a_trickling_server_is_cut_off_at_the_timeout(asked: list[Request], fault: str) -> None:
    """One byte every 0.25 s never trips a per-read timeout of 1 s; the request's own limit must."""
    server = HostileServer((fault,), trickle_every=0.25, trickle_for=8.0).start()
    try:
        brain = OpenAIBrain(server.base_url, timeout=1.0, retries=0, breaker_failures=100)
        began = time.monotonic()
        [answer] = brain.think(first(asked, "decide"))
        took = time.monotonic() - began
        assert took < 1.0 + 0.5, f"held {took:.1f} s with a 1 s timeout"
        assert answer.text == "" and answer.error and "1 s" in answer.error, answer
        brain.close()
        town = OpenAIBrain(server.base_url, timeout=0.5, retries=0, breaker_seconds=60)
        with Simulation("oakvale", seed=1, brain=town) as sim:
            began = time.monotonic()
            sim.step(3)
            took = time.monotonic() - began
            decisions = sim.trace.of_kind("decide")
            assert decisions and all(d["error"] for d in decisions), "every fallback says why"
            assert all(not isinstance(parse_intent(d["applied"]), Fallback) for d in decisions)
        assert took < 4.0, f"the town waited {took:.1f} s on a trickling server"
    finally:
        server.kill()


@pytest.mark.parametrize("fault", ["truncated", "garbage", "reset", "badjson", "nochoices", "huge", "burst429"])
def test_broken_answers_are_errors_that_open_the_breaker(asked: list[Request], fault: str) -> None:
    server = HostileServer((fault,)).start()
    try:
        brain = OpenAIBrain(server.base_url, timeout=1.0, retries=0, breaker_failures=3, breaker_seconds=60)
        batch = first(asked, "decide", 6)
        answers = brain.think(batch)
        assert [a.request_id for a in answers] == [r.id for r in batch]
        assert all(a.text == "" and a.error for a in answers), [a.error for a in answers]
        reached = server.requests
        assert all(a.error for a in brain.think(batch))
        assert server.requests == reached, "the breaker opened: no more calls to a broken server"
        brain.close()
        with Simulation("oakvale", seed=1, brain=OpenAIBrain(server.base_url, timeout=1.0, retries=0)) as sim:
            sim.step(3)
            assert sim.trace.answers and sim.trace.by_fallback == sim.trace.answers, "each fallback is recorded"
            assert sim.town.mind.executor.errors == 0, "no batch was lost to an exception"
    finally:
        server.kill()


def test_control_characters_never_reach_the_world(asked: list[Request]) -> None:
    server = HostileServer(("control",)).start()
    try:
        brain = OpenAIBrain(server.base_url, timeout=1.0, retries=0)
        answers = brain.think(first(asked, "decide") + first(asked, "converse"))
        for answer in answers:
            assert answer.error is None and answer.text, answer
            assert not CONTROL.search(answer.text), repr(answer.text)
            answer.text.encode("utf-8")  # no lone surrogates: the trace file can hold it
            assert answer.tokens is None, "a usage count that is not a number is dropped"
        intent = parse_intent(answers[0].text)
        assert not isinstance(intent, Fallback), intent
        assert "sing" in intent.activity and not CONTROL.search(intent.activity)  # type: ignore[union-attr]
        intent.activity.encode("utf-8")  # type: ignore[union-attr]
        assert "my usual day" in answers[1].text, answers[1].text
    finally:
        server.kill()


@pytest.mark.parametrize("url", ["htp:/x", "http://[::1", "http://127.0.0.1:99999", "127.0.0.1:8000/v1", "http://",
                                 "http://host:port/v1", ""])
def test_a_malformed_base_url_is_refused_when_the_brain_is_built(url: str) -> None:
    with pytest.raises(ValueError, match="--base-url"):
        OpenAIBrain(url)
    with pytest.raises(ValueError, match="--base-url"):
        OpenAIBrain(["http://127.0.0.1:8000/v1", url])


def test_the_command_line_refuses_a_malformed_base_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--hours", "1", "--brain", "openai", "--base-url", "http://[::1", "--out",
                 str(tmp_path / "out"), "--embedder", "hash", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--base-url" in err and "http://[::1" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "summary.json").exists()


def test_a_run_the_brain_never_answered_exits_3_and_counts_the_fallbacks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = HostileServer().start()
    server.kill()  # nothing listens on that port now
    out = tmp_path / "out"
    assert main(["simulate", "--hours", "1", "--brain", "openai", "--base-url", server.base_url, "--out", str(out),
                 "--embedder", "hash", "--quiet", "--timeout", "0.5"]) == 3
    summary = json.loads((out / "summary.json").read_text())
    assert summary["answers"] > 0 and summary["answers_by_fallback"] == summary["answers"]
    err = capsys.readouterr().err
    assert f"{summary['answers_by_fallback']} of {summary['brain_requests']} brain requests fell back" in err
    assert "brain failed" in err and "answered none" in err
    assert main(["report", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["answers_by_fallback"] == summary["answers_by_fallback"] > 0


def test_a_run_the_brain_partly_answered_exits_0_and_counts_the_fallbacks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = HostileServer(("ok", "ok", "nochoices"), seed=2).start()
    try:
        out = tmp_path / "out"
        assert main(["simulate", "--hours", "1", "--brain", "openai", "--base-url", server.base_url, "--out",
                     str(out), "--embedder", "hash", "--quiet", "--timeout", "1", "--retries", "0"]) == 0
    finally:
        server.kill()
    summary = json.loads((out / "summary.json").read_text())
    assert 0 < summary["answers_by_fallback"] < summary["answers"]
    err = capsys.readouterr().err
    assert f"{summary['answers_by_fallback']} of {summary['brain_requests']} brain requests fell back" in err


def event_types() -> set[str]:
    """Every event type the world can write."""
    found, todo = set(), [Event]
    while todo:
        kind = todo.pop()
        found.add(kind.type)
        todo.extend(kind.__subclasses__())
    return found


def test_two_hours_of_oakvale_against_a_chaotic_server(tmp_path: Path) -> None:
    """Every fault at random (seeded): the run completes in bounded time, the world stays valid, errors are counted."""
    server = HostileServer(FAULTS, seed=1, slow_seconds=0.6, trickle_every=0.1, trickle_for=2.0).start()
    brain = OpenAIBrain(server.base_url, timeout=0.3, retries=1, backoff=0.01, breaker_failures=5,
                        breaker_seconds=0.05)
    began = time.monotonic()
    try:
        summary = simulate("oakvale", hours=2, seed=1, brain=brain, out=tmp_path, embedder=HashEmbedder())
    finally:
        brain.close()
        server.kill()
    took = time.monotonic() - began
    assert took < 60, f"two game hours took {took:.0f} s"
    assert len([f for f in FAULTS if server.served[f]]) >= 12, server.served
    world = load_world("oakvale")
    places, people, known = set(world.tilemap.places), {p.id for p in world.personas}, event_types()
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert events and {e["type"] for e in events} <= known
    for event in events:
        assert event.get("npc", "okafor") in people
        for key in ("place", "to", "origin"):
            assert event.get(key) is None or event[key] in places or event["type"] == "said", event
    trace = [json.loads(line) for line in (tmp_path / "trace.jsonl").read_text(encoding="utf-8").splitlines()]
    decisions = [r for r in trace if r["kind"] == "decide"]
    assert decisions and all(not isinstance(parse_intent(d["applied"]), Fallback) for d in decisions)
    errors = [r["error"] for r in trace if r["error"]]
    assert summary["answers_by_fallback"] == len(errors) > 0, "the trace counts the errors"
    assert summary["answers_by_brain"] > 0
    assert len({e.split(":")[0] for e in errors}) >= 3, "each failure says what went wrong"
    silent = [r for r in trace if r.get("tier") == "model" and r["reply"] == "" and not r["error"]]
    assert not silent, f"{len(silent)} answers fell back without saying why"
    answered = [r for r in trace if r.get("tier") == "model" and not r["error"]]
    assert answered and all(not CONTROL.search(r["reply"]) for r in answered)


def test_answers_keep_their_order_and_ids(asked: list[Request]) -> None:
    """A good server after a bad one: the brain recovers and answers are what a good server sent."""
    server = HostileServer(("ok",)).start()
    try:
        brain = OpenAIBrain(server.base_url, timeout=2.0)
        batch = first(asked, "decide", 8)
        answers: list[Answer] = brain.think(batch)
        assert [a.request_id for a in answers] == [r.id for r in batch]
        assert all(a.error is None and not isinstance(parse_intent(a.text), Fallback) for a in answers)
    finally:
        server.kill()
