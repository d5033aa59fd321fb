"""One contract for every brain (scripted, replay, local, openai), and the faults an OpenAI server can throw."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from fake_openai import FakeServer

from agents.brains.local import LocalBrain, ModelNotFoundError
from agents.brains.openai import OpenAIBrain
from agents.brains.replay import RecordingBrain, ReplayBrain
from agents.brains.scripted import ScriptedBrain
from agents.candidates import decision_candidates
from agents.intents import Fallback, parse_intent
from agents.modelkit import make_model_folder
from agents.protocol import Answer, Brain, Request
from game.world.simulation import Simulation

SEED, HOURS = 5, 3


class Spy:
    """Wraps a brain and keeps every request it was asked."""

    def __init__(self, inner: Brain):
        self.inner, self.name, self.requests = inner, inner.name, []  # type: ignore[var-annotated]

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        self.requests.extend(requests)
        return self.inner.think(requests)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model_folder(tmp_path_factory.mktemp("model") / "tiny", "tiny")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Request]]:
    """A scripted run of the contract's town, recorded to a cassette, with every request it made."""
    cassette = tmp_path_factory.mktemp("cassette") / "town.cassette"
    recorder = RecordingBrain(ScriptedBrain(), cassette)
    spy = Spy(recorder)
    with Simulation("oakvale", seed=SEED, brain=spy) as sim:
        sim.run(hours=HOURS)
    recorder.close()
    return cassette, spy.requests


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    fake = FakeServer().start()
    yield fake
    fake.kill()


BRAINS = ["scripted", "replay", "local", "openai"]


@pytest.fixture(params=BRAINS)
def brain_factory(request, tiny_model, recorded, server) -> Callable[[], Brain]:  # type: ignore[no-untyped-def]
    server.mode = "ok"
    return {
        "scripted": ScriptedBrain,
        "replay": lambda: ReplayBrain(recorded[0]),
        "local": lambda: LocalBrain(tiny_model),
        "openai": lambda: OpenAIBrain(server.base_url, timeout=2.0, breaker_seconds=0.2),
    }[request.param]


def test_answers_every_request_of_every_kind(brain_factory, recorded) -> None:  # type: ignore[no-untyped-def]
    requests = recorded[1]
    kinds = {r.kind for r in requests}
    assert kinds >= {"plan", "decide", "converse", "importance"}
    batch = [next(r for r in requests if r.kind == kind) for kind in sorted(kinds)]
    batch += [r for r in requests if r.kind == "decide"][:20]
    brain = brain_factory()
    if isinstance(brain, ReplayBrain):
        batch = requests[: len(batch)]  # replay answers in recorded order
    answers = brain.think(batch)
    assert sorted(a.request_id for a in answers) == sorted(r.id for r in batch)
    assert all(isinstance(a.text, str) and a.latency_s >= 0 for a in answers)
    by_id = {a.request_id: a for a in answers}
    for request in batch:
        if request.kind == "decide":
            assert not isinstance(parse_intent(by_id[request.id].text), Fallback) or isinstance(brain, OpenAIBrain)
        if request.kind == "decide" and isinstance(brain, LocalBrain):
            assert by_id[request.id].text in decision_candidates(request), "constrained: only valid decisions"


def test_runs_the_town_and_every_applied_intent_is_valid(brain_factory) -> None:  # type: ignore[no-untyped-def]
    with Simulation("oakvale", seed=SEED, brain=brain_factory()) as sim:
        sim.run(hours=HOURS)
        assert_town_is_valid(sim)
        decisions = sim.trace.of_kind("decide")
        assert decisions and all(not isinstance(parse_intent(d["applied"]), Fallback) for d in decisions)
        if sim.brain_name in ("scripted", "replay", "local"):
            assert all(d["accepted"] for d in decisions), "constrained or scripted: nothing is refused"


def assert_town_is_valid(sim: Simulation) -> None:
    homes = {p.id: p.home for p in sim.world.personas}
    for event in sim.events:
        if event["type"] == "move_started":
            assert event["to"] in sim.world.tilemap.places
        if event["type"] == "activity" and event["kind"] == "sleep":
            assert event["place"] == homes[event["npc"]]
    for resident in sim.residents():
        assert sim.world.tilemap.walkable(resident.tile)


def test_replay_gives_the_same_events(recorded) -> None:  # type: ignore[no-untyped-def]
    runs = []
    for brain in (ScriptedBrain(), ReplayBrain(recorded[0])):
        with Simulation("oakvale", seed=SEED, brain=brain) as sim:
            sim.run(hours=HOURS)
            runs.append(sim.events)
    assert runs[0] == runs[1]


# ---- faults of an OpenAI-compatible server -------------------------------------------------------


def openai_run(server: FakeServer, mode: str, minutes: float = 45, **options: float) -> Simulation:
    server.mode = mode
    brain = OpenAIBrain(server.base_url, timeout=options.get("timeout", 0.5), retries=1,
                        breaker_seconds=options.get("breaker", 0.2), backoff=0.01)
    sim = Simulation("oakvale", seed=SEED, brain=brain)
    sim.run(minutes=minutes)
    return sim


@pytest.mark.parametrize("mode", ["500", "429", "400", "hang", "badjson", "nocontent", "badplace"])
def test_faults_fall_back_and_the_town_goes_on_then_recovers(server: FakeServer, mode: str) -> None:
    sim = openai_run(server, mode, timeout=0.3)
    try:
        assert_town_is_valid(sim)
        decisions = sim.trace.of_kind("decide")
        assert decisions, "residents kept deciding"
        if mode == "badplace":
            rejected = [d for d in decisions if d["rejection"] and "atlantis" in d["rejection"]]
            assert rejected, "an unknown place is refused by the world"
        else:
            assert all(d["error"] for d in decisions), "every call failed"
        assert [e for e in sim.events if e["type"] == "activity"], "the fallback kept residents busy"
        server.mode = "ok"
        time.sleep(0.3)  # let the breaker close
        before = len(sim.trace.records)
        sim.run(minutes=45)
        after = [d for d in sim.trace.records[before:] if d["kind"] == "decide"]
        assert after and any(d["error"] is None and d["reply"] and d["accepted"] for d in after), \
            "back on the model once the server recovers"
        assert_town_is_valid(sim)
    finally:
        sim.close()


def test_retries_only_429_and_5xx(server: FakeServer) -> None:
    request = Spy(ScriptedBrain())
    with Simulation("oakvale", seed=SEED, brain=request) as sim:
        sim.step(3)
    one = [r for r in request.requests if r.kind == "decide"][:1]
    for mode, calls in (("500", 3), ("429", 3), ("400", 1)):
        server.mode = mode
        brain = OpenAIBrain(server.base_url, retries=2, backoff=0.01, breaker_failures=100)
        before = server.requests
        answer = brain.think(one)[0]
        assert answer.text == "" and answer.error and mode in answer.error
        assert server.requests - before == calls, f"{mode}: {calls} call(s)"
    server.mode = "ok"


def test_a_refused_dialect_steps_down_once_and_says_so(server: FakeServer,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    server.mode = "llamacpp"  # llama.cpp's server: HTTP 500 for response_format json_schema
    sim = openai_run(server, "llamacpp", minutes=30)
    try:
        assert sim.brain is not None and sim.brain.dialect == "json_object"  # type: ignore[attr-defined]
        err = capsys.readouterr().err
        assert err.count("refused response_format 'json_schema'") == 1 and "'json_object' from now on" in err
        decisions = sim.trace.of_kind("decide")
        assert decisions and all(d["error"] is None for d in decisions), "no answer was lost to the refusal"
        rated = [b for b in server.bodies if b.get("response_format", {}).get("type") == "json_object"
                 and "importance" in str(b["response_format"].get("schema", ""))]
        assert rated and all(b["max_tokens"] >= 16 for b in rated), "room for {\"importance\": 7} in JSON"
        assert_town_is_valid(sim)
    finally:
        sim.close()
        server.mode = "ok"


def test_a_one_slot_server_gets_one_request_at_a_time_and_none_time_out() -> None:
    server = FakeServer().start()
    server.mode, server.delay = "serial", 0.05
    try:
        request = Spy(ScriptedBrain())
        with Simulation("oakvale", seed=SEED, brain=request) as sim:
            sim.step(2)
        plans = [r for r in request.requests if r.kind == "plan"][:12]
        assert len(plans) == 12
        brain = OpenAIBrain(server.base_url, timeout=0.3, retries=0, per_server=1, breaker_failures=100)
        answers = brain.think(plans)  # 12 at once: 0.6 s of work, each call bounded by 0.3 s
        assert all(a.error is None and a.text for a in answers), [a.error for a in answers if a.error]
        brain.close()
        crowded = OpenAIBrain(server.base_url, timeout=0.3, retries=0, per_server=16, breaker_failures=100)
        assert any(a.error for a in crowded.think(plans)), "without the limit the queue at the server times out"
        crowded.close()
    finally:
        server.kill()


def test_requests_go_to_the_least_busy_server() -> None:
    slow, fast = FakeServer().start(), FakeServer().start()
    slow.delay = 0.3
    try:
        request = Spy(ScriptedBrain())
        with Simulation("oakvale", seed=SEED, brain=request) as sim:
            sim.step(2)
        asked = [r for r in request.requests if r.kind == "plan"][:12]
        brain = OpenAIBrain([slow.base_url, fast.base_url], timeout=2.0, per_server=2, concurrency=4)
        assert all(a.error is None for a in brain.think(asked))
        assert fast.requests > 2 * slow.requests, (fast.requests, slow.requests)
        brain.close()
    finally:
        slow.kill()
        fast.kill()


def test_server_killed_mid_run_and_restarted(server: FakeServer) -> None:
    sim = openai_run(server, "ok", minutes=30)
    try:
        port = server.port
        server.kill()
        before = len(sim.trace.records)
        sim.run(minutes=30)
        dead = [d for d in sim.trace.records[before:] if d["kind"] == "decide"]
        assert dead and all(d["error"] for d in dead)
        assert_town_is_valid(sim)
        server.port = port
        server.start()
        time.sleep(0.3)
        before = len(sim.trace.records)
        sim.run(minutes=40)
        back = [d for d in sim.trace.records[before:] if d["kind"] == "decide"]
        assert any(d["error"] is None and d["accepted"] for d in back)
    finally:
        sim.close()


def test_json_schema_limits_decisions_to_valid_targets() -> None:
    server = FakeServer().start()  # its own server: no leftovers from the fault tests
    try:
        openai_run(server, "ok", minutes=20).close()
    finally:
        server.kill()
    decide = [b for b in server.bodies if b.get("response_format", {}).get("json_schema", {}).get("name") == "decide"]
    assert decide, f"{server.requests} requests reached the server, none a decision"
    variants = decide[0]["response_format"]["json_schema"]["schema"]["anyOf"]
    go_to = [v for v in variants if v["properties"]["action"] == {"const": "go_to"}]
    assert go_to and "atlantis" not in go_to[0]["properties"]["place"]["enum"]


def test_local_brain_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="not in the local Hugging Face cache"):
        LocalBrain("meta-llama/Llama-3.2-1B-Instruct")
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        LocalBrain(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFoundError, match="not a loadable model folder"):
        LocalBrain(tmp_path / "empty")
