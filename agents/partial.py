"""Files and folders made under a hidden ``.NAME.partial-PID`` beside their place, and what killed writers left.

Whatever npcworld writes that something else loads (a cassette, a trained adapter, a run folder) is made under
a hidden name with the writer's process id and moved into place only when whole; a kill leaves the older
one under the real name. The next writer for the same place removes partial files of processes that are gone.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def partial_path(target: Path) -> Path:
    """The hidden partial name beside ``target`` for this process."""
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def clear_dead_partials(target: Path) -> list[str]:
    """Remove the partial files and folders beside ``target`` whose writer is gone; return their names."""
    removed = []
    for stale in sorted(target.parent.glob(f".{target.name}.partial-*")):
        pid = stale.name.rsplit("-", 1)[1]
        if pid.isdigit() and not alive(int(pid)):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
            removed.append(stale.name)
    return removed


def alive(pid: int) -> bool:
    """Whether another process with this id is running (this process's own id counts as gone)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # there, but someone else's
    return True
