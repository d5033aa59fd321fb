"""A run folder is one unit: kill -9 at any moment leaves the old run or the new one, never a mix or litter."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.cli import main
from game.world.simulation import Simulation

RUN = ["--world", "oakvale", "--brain", "scripted", "--embedder", "hash", "--quiet"]
CMD = [sys.executable, "-m", "game.cli", "simulate", *RUN]

KILLING = """
import os, signal, sys
kill_after, how, out = int(sys.argv[1]), sys.argv[2], os.path.basename(sys.argv[3])
calls = [0]

def killing(real):
    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        if out in str(args[0]):
            calls[0] += 1
            if calls[0] == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapper

os.replace, os.rename = killing(os.replace), killing(os.rename)
try:
    from game.world import runfolder
except ImportError:  # the code from before run folders: only the renames above
    pass
else:
    runfolder._exchange = killing(runfolder._exchange) if how == "exchange" else (lambda a, b: False)
from game.cli import main
sys.exit(main(["simulate", *sys.argv[4:], "--out", sys.argv[3]]))
"""
"""A simulate that kills itself with SIGKILL right after its ``kill_after``-th rename of the run folder (or of a
file in it); ``how`` is "exchange" (the atomic swap, counted as a rename) or "renames" (no swap: two renames)."""


def complete_run(out: Path) -> dict[str, object]:
    """Assert ``out`` is one complete run (every file whole, each matching the manifest); return its summary."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {p.name for p in out.iterdir()} == {*manifest["files"], "manifest.json"}, "nothing but the run's files"
    for name, listed in manifest["files"].items():
        data = (out / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (listed["bytes"], listed["sha256"]), name
        if name.endswith(".jsonl"):
            assert data.endswith(b"\n") or not data, name
            for line in data.decode("utf-8").splitlines():
                json.loads(line)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run_id"] == manifest["run"]
    return summary


def temporaries(out: Path) -> list[str]:
    """Temporary folders and files of runs into ``out``: beside it, and (the older way) inside it."""
    inside = [p.name for p in out.glob("*") if p.suffix in (".partial", ".tmp")] if out.is_dir() else []
    return sorted([p.name for p in out.parent.glob(f".{out.name}.*")] + inside)


def simulate(out: Path, *flags: str, seed: int = 7, hours: str = "6") -> subprocess.CompletedProcess[str]:
    """Run simulate to the end in a process of its own."""
    return subprocess.run([*CMD, "--seed", str(seed), "--hours", hours, "--out", str(out), *flags],
                          capture_output=True, text=True, timeout=120, check=False)


def report_status(out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """What `npcworld report` exits with on ``out``, and what it says on stderr."""
    capsys.readouterr()
    status = main(["report", str(out)])
    return status, capsys.readouterr().err


def start_writing(out: Path, seed: int) -> tuple[subprocess.Popen[bytes], float]:
    """Start simulate into ``out`` and wait until it has begun writing; the process, and when it began writing."""
    process = subprocess.Popen([*CMD, "--seed", str(seed), "--hours", "6", "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began, mine = time.monotonic(), out.parent / f".{out.name}.partial-{process.pid}"
    while process.poll() is None and not mine.exists() and time.monotonic() - began < 60:
        time.sleep(0.005)
    return process, time.monotonic()


def test_kill_9_at_any_moment_leaves_the_old_run_or_the_new_one(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    process, began = start_writing(out, seed=1)
    while process.poll() is None and not (out / "manifest.json").exists():
        time.sleep(0.005)
    writing = time.monotonic() - began  # how long a run writes before it is in place, on this machine now
    assert process.wait() == 0
    old = complete_run(out)["run_id"]
    seen = []
    for share in (0.0, 0.3, 0.6, 0.9, 1.0, 1.3):  # from "just began writing" to "about done"
        process, began = start_writing(out, seed=7)
        time.sleep(max(0.0, began + share * writing - time.monotonic()))
        process.send_signal(signal.SIGKILL)
        process.wait()
        summary = complete_run(out)
        seen.append("old" if summary["run_id"] == old else "new")
        assert summary["seed"] == (1 if summary["run_id"] == old else 7)
        assert report_status(out, capsys)[0] == 0
    assert "old" in seen, "at least one kill came before the end"
    result = simulate(out)
    assert result.returncode == 0, result.stderr
    assert complete_run(out)["seed"] == 7 and temporaries(out) == []


@pytest.mark.parametrize(("kill_after", "how"), [(1, "exchange"), (1, "renames"), (2, "renames")])
def test_a_kill_between_the_final_renames_never_mixes_two_runs(
        kill_after: int, how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert simulate(out, seed=1, hours="1").returncode == 0
    old = complete_run(out)["run_id"]
    killed = subprocess.run([sys.executable, "-c", KILLING, str(kill_after), how, str(out), *RUN, "--seed", "7",
                             "--hours", "2"], capture_output=True, text=True, timeout=120, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if out.exists():
        status, err = report_status(out, capsys)
        assert status == 0 or "does not belong to this run" in err, err
        assert complete_run(out)["run_id"] != old or how == "renames", "the swap is one step"
    else:
        assert (how, kill_after) == ("renames", 1), "only the no-swap way has a moment with no folder"
    assert temporaries(out), "the kill left a temporary folder"
    again = simulate(out, hours="1")
    assert again.returncode == 0, again.stderr
    assert "npcworld: removed" in again.stderr and "leftover" in again.stderr
    assert complete_run(out)["seed"] == 7 and temporaries(out) == []


def test_a_rerun_replaces_an_older_run_whole(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert simulate(out, seed=1, hours="2").returncode == 0
    (out / "report.html").write_text("<p>about the older run</p>", encoding="utf-8")
    (out / "trace.jsonl.partial").write_text('{"half": ', encoding="utf-8")  # as a kill of an older npcworld left
    result = simulate(out, seed=2, hours="1")
    assert result.returncode == 0, result.stderr
    summary = complete_run(out)
    assert (summary["seed"], summary["game_minutes"]) == (2, 60)
    assert temporaries(out) == []


def test_out_at_a_folder_that_is_not_a_run_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    (out / "events.jsonl").write_text("not mine to lose\n", encoding="utf-8")
    result = simulate(out, hours="1")
    assert result.returncode == 2
    assert "is not a run folder" in result.stderr and "notes.txt" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["events.jsonl", "notes.txt"]
    assert (out / "events.jsonl").read_text(encoding="utf-8") == "not mine to lose\n"
    assert temporaries(out) == []
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert simulate(tmp_path / "file", hours="1").returncode == 2
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_leftovers_of_dead_runs_are_removed_and_a_live_runs_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "run"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    (tmp_path / f".run.partial-{dead.stdout.strip()}").mkdir()
    (tmp_path / f".run.partial-{dead.stdout.strip()}" / "events.jsonl").write_text("{}\n", encoding="utf-8")
    live = tmp_path / f".run.partial-{os.getpid()}"
    live.mkdir()
    (tmp_path / ".other.partial-1").mkdir()
    result = simulate(out, hours="1")
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "leftover" in line]
    assert len(said) == 1 and f".run.partial-{dead.stdout.strip()}" in said[0], result.stderr
    assert temporaries(out) == [live.name] and (tmp_path / ".other.partial-1").exists()
    complete_run(out)


def test_report_refuses_files_that_do_not_belong_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert simulate(one, seed=1, hours="1").returncode == 0
    assert simulate(two, seed=2, hours="1").returncode == 0
    assert report_status(one, capsys)[0] == 0
    (one / "events.jsonl").write_bytes((two / "events.jsonl").read_bytes())
    status, err = report_status(one, capsys)
    assert status == 2 and "events.jsonl does not belong to this run" in err and "manifest" in err
    (one / "summary.json").write_bytes((two / "summary.json").read_bytes())
    status, err = report_status(one, capsys)
    assert status == 2 and "does not belong to this run" in err
    (two / "vitals.jsonl").unlink()  # read as a run from before vitals: nothing of another run comes in
    assert report_status(two, capsys)[0] == 0
    (two / "events.jsonl").unlink()
    status, err = report_status(two, capsys)
    assert status == 2 and "events.jsonl is missing" in err


def test_an_interrupted_run_says_how_to_resume_from_its_last_save(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out, save = tmp_path / "run", tmp_path / "town.sqlite"
    step, hours = Simulation.step, [0]

    def interrupted_in_the_fourth_hour(sim: Simulation, ticks: int = 1) -> None:
        hours[0] += 1
        if hours[0] == 4:
            step(sim, ticks // 2)
            raise KeyboardInterrupt
        step(sim, ticks)

    monkeypatch.setattr(Simulation, "step", interrupted_in_the_fourth_hour)
    assert main(["simulate", *RUN, "--seed", "3", "--hours", "6", "--out", str(out), "--save", str(save),
                 "--save-every", "1"]) == 130
    err = capsys.readouterr().err
    assert "interrupted at day 1 10:00" in err and f"the last save is {save} (day 1 09:30)" in err, err
    command = f"npcworld simulate --resume {save} --hours 3 --out {out}"
    assert command in err, err
    assert not out.exists() and temporaries(out) == []
    monkeypatch.undo()
    assert main([*command.split()[1:], *RUN[2:]]) == 0
    assert complete_run(out)["resumed_from"] == str(save)
