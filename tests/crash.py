"""Kill a writer mid-write: start a Python snippet, wait until it says it is ready, then kill -9 it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def kill_while_working(code: str, arg: str, delay: float) -> int:
    """Run ``python -c code arg`` until it prints "ready", let it work ``delay`` seconds, SIGKILL it; return its pid."""
    child = subprocess.Popen([sys.executable, "-c", code, arg], stdout=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert child.stdout is not None and child.stdout.readline() == b"ready\n"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    return child.pid
