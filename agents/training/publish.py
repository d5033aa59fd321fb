"""Model folders written whole: files are made in a hidden folder beside the target and moved in one by one.

``npcworld train-model`` writes an adapter or a model (weights, tokenizer, card, log) into a folder the game
loads from. Written in place, a kill part way leaves a half-written weights file under its real name, which
the next start loads. ``staged(out)`` gives a hidden ``.NAME.partial-PID`` folder beside ``out`` to write
into; when the block ends without an error, each file in it is moved over its namesake in ``out`` (one
``os.replace`` each, so every file there is always whole; files of the older build that this one did not
write stay). The next ``staged`` for the same target removes partial folders of processes that are gone.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agents.partial import clear_dead_partials, partial_path


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A hidden folder beside ``out`` to write a build into; its files replace ``out``'s when the block ends."""
    out.parent.mkdir(parents=True, exist_ok=True)
    clear_dead_partials(out)
    stage = partial_path(out)
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(stage.rglob("*"), key=lambda p: len(p.parts)):
        target = out / path.relative_to(stage)
        if path.is_dir():
            target.mkdir(exist_ok=True)
            continue
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(path, target)
    shutil.rmtree(stage, ignore_errors=True)

