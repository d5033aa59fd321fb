"""Shared fixtures: a simulated Oakvale day, and throwaway copies of the world to break."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
if os.environ.get("PYTEST_XDIST_WORKER"):  # two workers on two cores: one torch thread each, or they thrash
    os.environ.setdefault("NPCWORLD_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

from game.world.loader import WORLDS_DIR
from game.world.simulation import Simulation

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def oakvale_day() -> Simulation:
    """One scripted day of Oakvale with seed 7, shared by the tests that only read it."""
    sim = Simulation("oakvale", seed=7)
    sim.run(hours=24)
    return sim


@pytest.fixture
def world_copy(tmp_path: Path) -> Path:
    """A writable copy of Oakvale away from the repository (its map finds the tileset in the shared art)."""
    target = tmp_path / "worlds" / "oakvale"
    shutil.copytree(WORLDS_DIR / "oakvale", target)
    return target


@pytest.fixture(scope="session")
def smollm2_folder() -> Path:
    """The default base model, converted once into the user's cache (as the game does on first use)."""
    from agents.brains.basemodels import DEFAULT_BASE, default_cache_dir, ensure_converted
    return ensure_converted(DEFAULT_BASE, default_cache_dir())


@pytest.fixture(scope="session")
def smollm2_tokenizer(smollm2_folder: Path):  # type: ignore[no-untyped-def]
    """The default base model's tokenizer."""
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(smollm2_folder)
