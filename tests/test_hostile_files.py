"""Cassettes and saves as hostile input: broken or tampered files are clear errors naming the file, and a kill
while recording a cassette never leaves half of one under its name."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.brains.replay import ReplayBrain
from agents.embeddings import load_embedder
from game.world.save import SaveError, capture, load_into, resume
from game.world.simulation import Simulation
from tests.crash import kill_while_working

GOOD_LINE = json.dumps({"key": "ab", "kind": "decide", "npc": "mara", "text": "{}", "tokens": 3})


@pytest.mark.parametrize("line, says", [
    ("[1, 2]", "a JSON list, not an object"),
    ('"just text"', "a JSON str, not an object"),
    ('{"kind": "decide", "text": "hi"}', "field 'key' must be a string, not missing"),
    ('{"key": 7, "text": "hi"}', "field 'key' must be a string, not int"),
    ('{"key": "ab", "text": ["hi"]}', "field 'text' must be a string, not list"),
    ('{"key": "ab", "text": "hi", "tokens": -1}', "field 'tokens' must be a whole number"),
    ('{"key": "ab", "text": "hi", "tokens": "many"}', "field 'tokens' must be a whole number"),
    ('{"key": "ab", "text": "hi", "tokens": true}', "field 'tokens' must be a whole number"),
    ("{" * 100_000 + "}" * 100_000, "not a cassette line"),
    ('{"key": "ab", "te\x00xt": "hi"}', "Invalid control character"),
    ('{"key": "ab", "te\\u0000xt": "hi"}', "field 'text' must be a string, not missing"),
    ("\x00\x00", "not a cassette line"),
])
def test_a_broken_cassette_line_is_named_with_its_field(tmp_path: Path, line: str, says: str) -> None:
    cassette = tmp_path / "broken.jsonl"
    cassette.write_text(json.dumps({"cassette": 1, "brain": "local"}) + "\n" + GOOD_LINE + "\n" + line + "\n")
    with pytest.raises(ValueError, match=r"broken\.jsonl:3: ") as caught:
        ReplayBrain(cassette)
    assert says in str(caught.value) and len(str(caught.value)) < 400


def test_a_cassette_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    cassette = tmp_path / "latin.jsonl"
    cassette.write_bytes(b'{"key": "ab", "text": "caf\xe9"}\n')
    with pytest.raises(ValueError, match=r"latin.jsonl is not UTF-8 text \(byte 26\)"):
        ReplayBrain(cassette)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_load_as_a_cassette_or_fail_naming_it(tmp_path: Path, data: bytes) -> None:
    cassette = tmp_path / "fuzzed.jsonl"
    cassette.write_bytes(data)
    try:
        ReplayBrain(cassette)
    except ValueError as exc:
        assert "fuzzed.jsonl" in str(exc)


RECORDER = """
import sys
from pathlib import Path
from agents.brains.replay import RecordingBrain
from agents.brains.scripted import ScriptedBrain
from game.world.simulation import Simulation
from agents.embeddings import load_embedder
brain = RecordingBrain(ScriptedBrain(), Path(sys.argv[1]))
sim = Simulation("oakvale", seed=4, brain=brain, embedder=load_embedder("hash"))
print("ready", flush=True)
sim.run(hours=48)
"""


def test_a_kill_while_recording_leaves_the_older_cassette_whole(tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    cassette.write_text(json.dumps({"cassette": 1, "brain": "older"}) + "\n" + GOOD_LINE + "\n")
    rng = random.Random(5)
    for _ in range(2):
        pid = kill_while_working(RECORDER, str(cassette), rng.uniform(0.5, 1.5))
        assert ReplayBrain(cassette).recorded_brain == "older", "the older cassette is still there, whole"
        partial = list(tmp_path.glob(".run.jsonl.partial-*"))
        assert len(partial) == 1 and partial[0].name.endswith(f"-{pid}"), partial
    from agents.brains.replay import RecordingBrain
    from agents.brains.scripted import ScriptedBrain
    recorder = RecordingBrain(ScriptedBrain(), cassette)
    assert [p.name for p in tmp_path.glob(".run.jsonl.partial-*")] == [f".run.jsonl.partial-{os.getpid()}"], \
        "the next recording removes what killed ones left"
    with Simulation("oakvale", seed=4, brain=recorder, embedder=load_embedder("hash")) as sim:
        sim.run(hours=1)
    recorder.close()
    assert not list(tmp_path.glob(".run.jsonl.partial-*"))
    assert ReplayBrain(cassette).recorded_brain == "scripted"


@pytest.fixture(scope="module")
def save_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A save of two hours of scripted Oakvale."""
    path = tmp_path_factory.mktemp("saves") / "town.save"
    with Simulation("oakvale", seed=1, embedder=load_embedder("hash")) as sim:
        sim.run(hours=2)
        sim.save(path)
    return path


def _tamper(path: Path, table: str, column: str, change: st.DataObject) -> None:
    """Replace one JSON value somewhere in one row of ``table`` by something hypothesis draws."""
    with sqlite3.connect(path) as db:
        rows = db.execute(f"SELECT rowid, {column} FROM {table}").fetchall()
        rowid, text = change.draw(st.sampled_from(rows))
        data = json.loads(text)
        junk = change.draw(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
                           | st.lists(st.integers(), max_size=3) | st.dictionaries(st.text(max_size=5), st.integers(),
                                                                                   max_size=2))
        target = data
        while isinstance(target, dict | list) and target:
            keys = list(target) if isinstance(target, dict) else list(range(len(target)))
            key = change.draw(st.sampled_from(keys))
            if not isinstance(target[key], dict | list) or not target[key] or change.draw(st.booleans()):
                target[key] = junk
                break
            target = target[key]
        else:
            data = junk
        db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (json.dumps(data), rowid))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([("state", "data"), ("components", "data"), ("meta", "value")]), st.data())
def test_a_tampered_save_resumes_or_fails_naming_the_file(tmp_path: Path, save_file: Path,
                                                          where: tuple[str, str], change: st.DataObject) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "tampered.save"  # a folder each: no journal of the last one
    path.write_bytes(save_file.read_bytes())
    _tamper(path, *where, change)
    try:
        sim = resume(path, brain="scripted", embedder=load_embedder("hash"))
    except SaveError as exc:
        assert "tampered.save" in str(exc) and len(str(exc)) < 400
        return
    with sim:
        sim.run(minutes=10)  # what it accepted, it can run with


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1,
                max_size=30))
def test_a_save_with_bytes_changed_fails_naming_the_file_or_resumes(tmp_path: Path, save_file: Path,
                                                                  flips: list[tuple[int, int]]) -> None:
    data = bytearray(save_file.read_bytes())
    for offset, value in flips:
        data[offset % len(data)] = value
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "flipped.save"
    path.write_bytes(bytes(data))
    try:
        resume(path, brain="scripted", embedder=load_embedder("hash")).close()
    except SaveError as exc:
        assert "flipped.save" in str(exc)


def test_loading_a_damaged_save_in_the_window_keeps_the_town_as_it_was(tmp_path: Path, save_file: Path) -> None:
    path = tmp_path / "damaged.save"
    path.write_bytes(save_file.read_bytes())
    with sqlite3.connect(path) as db:
        state = json.loads(db.execute("SELECT data FROM state").fetchone()[0])
        state["mind"]["outbox"] = [{"kind": 3}]
        db.execute("UPDATE state SET data = ?", (json.dumps(state),))
    with Simulation("oakvale", seed=1, embedder=load_embedder("hash")) as sim:
        sim.run(hours=3)
        sim.step(1)
        before = json.dumps(capture(sim), sort_keys=True)
        with pytest.raises(SaveError, match=r"damaged\.save is damaged"):
            load_into(sim, path)
        assert json.dumps(capture(sim), sort_keys=True) == before, "every part of the town, its queue included"
        sim.run(minutes=30)
