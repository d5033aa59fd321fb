"""Saves: resume gives the same bytes as a run never stopped; kills, full disks and foreign files lose nothing."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from game.cli import main
from game.world import save as saves
from game.world.events import dumps
from game.world.save import SCHEMA_VERSION, SaveError, read_save
from game.world.simulation import Simulation
from tests.crash import kill_while_working

CASSETTE = Path(__file__).parent / "cassettes" / "default-brain-2h.jsonl"


def test_a_resumed_town_continues_with_the_same_bytes(tmp_path: Path) -> None:
    """Fourteen hours straight, against seven, a save, and seven resumed (conversations on both sides)."""
    with Simulation("oakvale", seed=7) as straight:
        straight.run(hours=14)
        whole = [dumps(r) for r in straight.events]
    with Simulation("oakvale", seed=7) as first:
        first.run(hours=7)
        before = [dumps(r) for r in first.events]
        first.save(tmp_path / "town.save")
    with Simulation.resume(tmp_path / "town.save") as resumed:
        assert resumed.events == [], "the events before the save are in the first run's log, not repeated"
        resumed.run(hours=7)
        after = [dumps(r) for r in resumed.events]
        assert resumed.changed_files == []
    assert any('"type":"conversation_started"' in line for line in after), "the second half has conversations"
    assert before + after == whole


@pytest.mark.parametrize("brain", [["--brain", "scripted"], ["--brain", "replay", "--cassette", str(CASSETTE)]],
                         ids=["scripted", "default-brain-cassette"])
def test_simulate_save_and_resume_give_the_unstopped_runs_bytes(tmp_path: Path, brain: list[str]) -> None:
    """On the command line, with the scripted brain and with the default brain's recorded answers."""
    common = ["simulate", "--embedder", "hash", "--seed", "7", "--quiet", *brain]
    assert main([*common, "--hours", "2", "--out", str(tmp_path / "whole")]) == 0
    assert main([*common, "--hours", "1", "--out", str(tmp_path / "a"), "--save", str(tmp_path / "s"),
                 "--save-every", "0.5"]) == 0
    assert main([*common, "--hours", "1", "--out", str(tmp_path / "b"), "--resume", str(tmp_path / "s")]) == 0
    joined = (tmp_path / "a" / "events.jsonl").read_bytes() + (tmp_path / "b" / "events.jsonl").read_bytes()
    assert joined == (tmp_path / "whole" / "events.jsonl").read_bytes()


def test_a_changed_persona_file_is_named_and_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world = tmp_path / "oakvale"
    shutil.copytree(Path(__file__).parents[1] / "worlds" / "oakvale", world)
    with Simulation(world, seed=3) as sim:
        sim.run(hours=1)
        sim.save(tmp_path / "s")
    mara = world / "personas" / "mara.toml"
    mara.write_text(mara.read_text().replace('occupation = "baker"', 'occupation = "master baker"'))
    with Simulation.resume(tmp_path / "s") as resumed:
        assert resumed.changed_files == ["personas/mara.toml"]
        assert resumed.resident("mara").persona.occupation == "master baker"
    assert main(["simulate", "--resume", str(tmp_path / "s"), "--hours", "0.5", "--out", str(tmp_path / "o"),
                 "--quiet", "--embedder", "hash"]) == 0
    assert "personas/mara.toml changed since the save" in capsys.readouterr().err


def test_saves_it_cannot_read_say_what_they_are(tmp_path: Path) -> None:
    with Simulation("oakvale", seed=1) as sim:
        sim.save(tmp_path / "s")
    newer = tmp_path / "newer"
    shutil.copy(tmp_path / "s", newer)
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(SaveError, match=rf"written by a newer npcworld \(save schema {SCHEMA_VERSION + 1}.*upgrade"):
        read_save(newer)
    older = tmp_path / "older"
    shutil.copy(tmp_path / "s", older)
    with sqlite3.connect(older) as db:
        db.execute("UPDATE schema_version SET version = 0")
    with pytest.raises(SaveError, match=r"schema version 0, which this npcworld .* cannot upgrade"):
        read_save(older)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(SaveError, match="not an npcworld save"):
        read_save(foreign)
    (tmp_path / "junk").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(SaveError, match="not a readable npcworld save"):
        read_save(tmp_path / "junk")
    with pytest.raises(SaveError, match="no save at"):
        read_save(tmp_path / "missing")


@pytest.mark.parametrize(("pragma", "said"), [("PRAGMA max_page_count = 8", "full"),
                                              ("PRAGMA query_only = 1", "readonly")],
                         ids=["disk-full", "read-only"])
def test_a_failed_save_keeps_the_last_good_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pragma: str,
                                               said: str) -> None:
    """SQLite's own limits stand in for a full disk and a read-only file: the same errors, the same path."""
    path = tmp_path / "s"
    with Simulation("oakvale", seed=2) as sim:
        sim.save(path)
        sim.run(hours=2)
        connect = saves._connect

        def limited(p: Path) -> sqlite3.Connection:
            connection = connect(p)
            connection.execute(pragma)
            return connection
        monkeypatch.setattr(saves, "_connect", limited)
        with pytest.raises(SaveError, match=rf"cannot write save {path}: .*{said}.*; the last good save there is kept"):
            sim.save(path)
        monkeypatch.undo()
    assert read_save(path).meta["tick"] == 0, "the first save is still there, whole"


def test_a_save_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    with Simulation("oakvale", seed=2) as sim, \
            pytest.raises(SaveError, match=r"cannot write save .*nowhere/s: .*is the folder there and writable"):
        sim.save(tmp_path / "nowhere" / "s")


SAVER = """
import sys
from pathlib import Path
from game.world.simulation import Simulation
with Simulation("oakvale", seed=5) as sim:
    print("ready", flush=True)
    while True:
        sim.step(2)
        sim.save(Path(sys.argv[1]))
"""


def test_a_kill_during_a_save_leaves_a_whole_save(tmp_path: Path) -> None:
    """Killed (SIGKILL) at random moments while saving over and over: the file always opens, in one piece.

    benchmarks/bench_save.py does the same 200 times and more.
    """
    path = tmp_path / "s"
    rng = random.Random(11)
    seen: list[int] = []
    for _ in range(4):
        kill_while_working(SAVER, str(path), rng.uniform(0.5, 2.0))
        if not path.exists():
            continue
        saved = read_save(path)
        with sqlite3.connect(path) as db:
            rows = db.execute("SELECT COUNT(*) FROM residents").fetchone()[0]
        assert rows == 12 and saved.state["tick"] == saved.meta["tick"], "all tables from one transaction"
        assert len(saved.state["entities"]) >= 12 and set(saved.vectors) >= {"mara", "leo"}
        assert saved.meta["tick"] % 2 == 0
        seen.append(saved.meta["tick"])
    assert seen, "some saves completed before the kills"


@pytest.mark.slow
def test_the_live_default_brain_resumes_with_the_same_bytes(tmp_path: Path) -> None:
    """The default brain itself (no cassette): its prefix cache starts empty after the resume, the text must not."""
    common = ["simulate", "--embedder", "hash", "--seed", "7", "--quiet", "--brain", "local", "--threads", "2"]
    assert main([*common, "--hours", "2", "--out", str(tmp_path / "whole")]) == 0
    assert main([*common, "--hours", "1", "--out", str(tmp_path / "a"), "--save", str(tmp_path / "s")]) == 0
    assert main([*common, "--hours", "1", "--out", str(tmp_path / "b"), "--resume", str(tmp_path / "s")]) == 0
    joined = (tmp_path / "a" / "events.jsonl").read_bytes() + (tmp_path / "b" / "events.jsonl").read_bytes()
    assert joined == (tmp_path / "whole" / "events.jsonl").read_bytes()


def test_answers_not_yet_applied_are_saved_too(tmp_path: Path) -> None:
    """A save taken mid-tick (after the batch came back, before it was applied) keeps those answers."""
    from agents.protocol import Answer
    with Simulation("oakvale", seed=2) as sim:
        sim.run(hours=1)
        for _ in range(200):
            if sim.town.mind._outbox:
                break
            sim.step()
        request = sim.town.mind._outbox[0]
        sim.town.mind._inbox["decide"].append((request, Answer(request.id, '{"action": "wait", "minutes": 5}')))
        sim.save(tmp_path / "s")
        with Simulation.resume(tmp_path / "s") as again:
            assert again.town.mind._inbox["decide"] == sim.town.mind._inbox["decide"]
