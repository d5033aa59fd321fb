"""train-model's output folders: a build moves in whole file by file, and a killed one leaves the older whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agents.training.publish import staged


def test_a_build_replaces_the_files_it_wrote_and_keeps_the_others(tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    out.mkdir()
    (out / "weights.bin").write_bytes(b"old" * 10)
    (out / "NOTES.md").write_text("kept")
    with staged(out) as stage:
        assert stage.parent == tmp_path and stage.name == f".adapter.partial-{os.getpid()}"
        (stage / "weights.bin").write_bytes(b"new" * 10)
        (stage / "sub").mkdir()
        (stage / "sub" / "card.md").write_text("card")
        assert (out / "weights.bin").read_bytes() == b"old" * 10, "nothing moves before the build ends"
    assert (out / "weights.bin").read_bytes() == b"new" * 10 and (out / "NOTES.md").read_text() == "kept"
    assert (out / "sub" / "card.md").read_text() == "card"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adapter"], "no partial folder is left"


def test_a_build_that_fails_leaves_the_older_one_and_no_partial_folder(tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    out.mkdir()
    (out / "weights.bin").write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk full"), staged(out) as stage:
        (stage / "weights.bin").write_bytes(b"ne")
        raise RuntimeError("disk full")
    assert (out / "weights.bin").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adapter"]


WRITER = """
import sys, time
from pathlib import Path
from agents.training.publish import staged
with staged(Path(sys.argv[1])) as stage:
    with (stage / "weights.bin").open("wb") as handle:
        handle.write(b"half")
        handle.flush()
        print("writing", flush=True)
        time.sleep(60)
"""


def test_a_kill_mid_build_leaves_the_older_files_and_the_next_build_clears_the_partial(tmp_path: Path) -> None:
    out = tmp_path / "adapter"
    out.mkdir()
    (out / "weights.bin").write_bytes(b"old and whole")
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(out)], stdout=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert child.stdout is not None and child.stdout.readline() == b"writing\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert (out / "weights.bin").read_bytes() == b"old and whole"
    assert (tmp_path / f".adapter.partial-{child.pid}" / "weights.bin").read_bytes() == b"half"
    with staged(out) as stage:
        (stage / "weights.bin").write_bytes(b"new")
        assert not (tmp_path / f".adapter.partial-{child.pid}").exists(), "a dead process's partial goes"
    assert (out / "weights.bin").read_bytes() == b"new"


def test_an_interrupted_train_model_says_how_to_go_on(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import importlib
    cli = importlib.import_module("game.cli.main")  # the module, not the function game.cli exports

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "model_command", interrupted)
    assert cli.main(["train-model", "--quick"]) == 130
    assert "run the same command again to continue from the last checkpoint (--fresh starts over)" in \
        capsys.readouterr().err
