"""A run folder as one unit: written in a hidden folder beside it, swapped in whole, checked against its manifest.

``simulate --out DIR`` writes into ``.DIR.partial-<pid>`` next to DIR and, once every file is complete, puts that
folder in DIR's place in one step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, with a moment
when DIR is absent). A kill -9 at any moment therefore leaves DIR as the older run or the new one, and the next
start removes the temporary folders of processes that are gone. ``manifest.json`` names the run and gives each
file's size and sha256, so ``npcworld report`` can tell when files of two runs were put together.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import secrets
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from agents.partial import alive

MANIFEST = "manifest.json"
"""The file, written last, that lists the run's files with their sizes and sha256."""

_RUN_FILES = ("events.jsonl", "trace.jsonl", "prompts.jsonl", "vitals.jsonl", "summary.json")
_OPTIONAL = ("trace.jsonl", "prompts.jsonl", "vitals.jsonl")
"""Files a reader does without (runs from before them lack them); deleting one mixes nothing."""
_OLDER_LEFTOVERS = (*(f"{name}.partial" for name in _RUN_FILES), "summary.json.tmp")


class RunFolderError(ValueError):
    """A run folder that cannot be written (it holds other files) or read (its files do not match its manifest)."""


def new_run_id() -> str:
    """A fresh id for a run: when it started, its process id and a random part."""
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(4)}"


class RunFolder:
    """The hidden folder a run writes into, and the step that puts it in place of ``target`` when it is complete."""

    def __init__(self, target: Path, keep: tuple[Path | None, ...] = ()):
        self.target = Path(os.path.abspath(target.resolve() if target.is_symlink() else target))
        """The run folder as the user named it (a symbolic link is followed)."""
        self.keep = tuple(dict.fromkeys(Path(os.path.abspath(path)) for path in keep if path is not None))
        """Files of this run that may lie inside ``target`` (a save, a cassette): they move over with the run."""
        self.path = self.target.parent / f".{self.target.name}.partial-{os.getpid()}"
        """Where the run writes its files until it is complete."""
        _check_replaceable(self.target, self.keep)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.target)
        for path in self.keep:  # a save or cassette inside the folder is written there during the run
            if path.is_relative_to(self.target):
                path.parent.mkdir(parents=True, exist_ok=True)
        self.path.mkdir()

    def commit(self, run_id: str) -> None:
        """Write the manifest, then put the complete folder in place of ``target`` and delete what was there."""
        files = {}
        for path in sorted(self.path.iterdir()):
            size, digest = _digest(path)
            files[path.name] = {"bytes": size, "sha256": digest}
        manifest = self.path / MANIFEST
        manifest.write_text(json.dumps({"run": run_id, "files": files}, indent=2) + "\n", encoding="utf-8")
        for path in self.path.iterdir():
            _fsync(path)
        self._carry_kept_files()
        _fsync(self.path)
        older = None
        if not self.target.exists():
            os.rename(self.path, self.target)
        elif _exchange(self.path, self.target):
            older = self.path  # the older run, now under the temporary name
        else:
            older = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
            os.rename(self.target, older)
            os.rename(self.path, self.target)
        _fsync(self.target.parent)
        if older is not None:
            shutil.rmtree(older, ignore_errors=True)

    def discard(self) -> None:
        """Delete the unfinished folder (the run was interrupted); ``target`` stays as it was."""
        shutil.rmtree(self.path, ignore_errors=True)

    def _carry_kept_files(self) -> None:
        """Link (or copy) the kept files that lie inside ``target`` to the same place in the new folder."""
        for kept in self.keep:
            for path in (kept, *(kept.with_name(kept.name + end) for end in ("-wal", "-shm", "-journal"))):
                if not path.is_relative_to(self.target) or not path.is_file():
                    continue
                copy = self.path / path.relative_to(self.target)
                if copy.exists():
                    continue
                copy.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(path, copy)
                except OSError:
                    shutil.copy2(path, copy)


def check_run_folder(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, after checking every file it lists that is there; None for a run from before manifests.

    Raises ``RunFolderError`` naming the first file that does not match (or events.jsonl or summary.json missing).
    """
    if not (folder / MANIFEST).exists():
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        if isinstance(summary, dict) and "run_id" in summary:
            raise RunFolderError(f"{MANIFEST} is missing (summary.json is of run {summary['run_id']})")
        return None
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    run = manifest["run"]
    for name, listed in manifest["files"].items():
        if name in _OPTIONAL and not (folder / name).exists():
            continue  # read as a run that never had it, as before
        try:
            size, digest = _digest(folder / name)
        except FileNotFoundError:
            raise RunFolderError(f"{name} is missing ({MANIFEST} of run {run} lists it)") from None
        if (size, digest) != (listed["bytes"], listed["sha256"]):
            raise RunFolderError(f"{name} does not belong to this run ({MANIFEST} of run {run} lists "
                                 f"{listed['bytes']} bytes with sha256 {listed['sha256'][:12]}..., the file has "
                                 f"{size} bytes with sha256 {digest[:12]}...)")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    if summary.get("run_id") != run:
        raise RunFolderError(f"summary.json does not belong to this run ({MANIFEST} is of run {run})")
    return dict(manifest)


def _check_replaceable(target: Path, keep: tuple[Path, ...]) -> None:
    """Refuse a ``target`` that is a file, or a non-empty folder that is not an earlier run."""
    if not target.exists():
        return
    if not target.is_dir():
        raise RunFolderError(f"--out {target} is a file, not a folder")
    names = {path.name for path in target.iterdir()} - {path.name for path in keep if path.parent == target}
    if not names or MANIFEST in names or _is_older_run(target) or names <= {*_RUN_FILES, *_OLDER_LEFTOVERS}:
        return
    shown = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
    raise RunFolderError(f"--out {target} is not a run folder and not empty ({shown}); a run replaces its --out "
                         "folder as a whole, so give a new or empty folder, or the folder of an earlier run")


def _is_older_run(folder: Path) -> bool:
    """Whether ``folder`` holds the summary.json of a run made before manifests."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(summary, dict) and {"world", "ticks", "events_by_type"} <= summary.keys()


def _remove_leftovers(target: Path) -> None:
    """Remove the temporary folders beside ``target`` of runs whose process is gone, saying so in one line."""
    removed = []
    prefix = f".{target.name}."
    for path in sorted(path for path in target.parent.iterdir() if path.name.startswith(prefix)):
        kind, _, pid = path.name.removeprefix(prefix).rpartition("-")
        if kind in ("partial", "old") and pid.isdigit() and path.is_dir() and not alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    if removed:
        print(f"npcworld: removed {len(removed)} leftover temporary folder(s) of killed runs beside {target}: "
              f"{', '.join(removed)}", file=sys.stderr)



def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 with RENAME_EXCHANGE); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_cwd, exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _digest(path: Path) -> tuple[int, str]:
    """A file's size and sha256, read a megabyte at a time."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def _fsync(path: Path) -> None:
    """Flush a file or folder to disk (where the system allows opening a folder)."""
    with contextlib.suppress(OSError):
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
