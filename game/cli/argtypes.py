"""Argument types for the command line: each refuses a bad value with one clear line naming the flag (exit 2)."""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

MIN_WINDOW = (320, 240)
"""The smallest window the game draws in (the view clamps resizes to the same, ``game.view.input.MIN_WINDOW``)."""

MAX_WINDOW = (8192, 8192)
"""The largest window asked for on the command line."""


def game_hours(text: str) -> float:
    """A number of game hours: finite and not negative (0 runs no time)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of game hours") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of game hours, 0 or more (got '{text}')")
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more (got {value})")
    return value


def window_size(text: str) -> tuple[int, int]:
    """A window size ``WIDTHxHEIGHT``, from ``MIN_WINDOW`` to ``MAX_WINDOW``."""
    found = re.fullmatch(r"\s*([0-9]{1,6})\s*[xX]\s*([0-9]{1,6})\s*", text)
    if found is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size WIDTHxHEIGHT, e.g. 1280x800")
    size = (int(found.group(1)), int(found.group(2)))
    low, high = MIN_WINDOW, MAX_WINDOW
    if not (low[0] <= size[0] <= high[0] and low[1] <= size[1] <= high[1]):
        raise argparse.ArgumentTypeError(f"{size[0]}x{size[1]} is outside {low[0]}x{low[1]} to {high[0]}x{high[1]}")
    return size


def image_path(text: str) -> Path:
    """Where to save a PNG: a file path, not a folder (the folders above it are made when it is saved)."""
    path = Path(text)
    if not text or text.endswith(("/", "\\")) or path.is_dir():
        raise argparse.ArgumentTypeError(f"'{text}' is a folder; give a file name such as shot.png")
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            raise argparse.ArgumentTypeError(f"cannot save '{text}': '{parent}' is a file, not a folder")
    return path
