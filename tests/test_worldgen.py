"""Generated worlds: `npcworld new-world` writes a town that loads, validates, lives, and is the same for a seed."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from agents.embeddings import load_embedder
from game.cli import main
from game.world.loader import load_world
from game.world.simulation import Simulation
from game.worldgen import WorldExistsError, new_world
from game.worldgen.people import WORKERS_PER_PLACE, kind_of


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated town of 120 residents."""
    return new_world(tmp_path_factory.mktemp("gen") / "brightwick", 120, seed=3)


def _digest(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    """One hash over every file's path and bytes."""
    return hashlib.sha256(b"".join(p.relative_to(folder).as_posix().encode() + p.read_bytes()
                                   for p in files)).hexdigest()


def test_the_generated_world_loads_and_every_persona_validates(town: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world = load_world(town)  # the loader's own checks: places reachable on foot, personas' places exist
    assert len(world.personas) == 120 and world.name == "Brightwick"
    places = world.tilemap.places
    homes = [p for p in places.values() if p.kind == "home"]
    assert len(homes) >= 120 and all(p.home in places and places[p.home].kind == "home" for p in world.personas)
    assert main(["persona", "validate", str(town)]) == 0
    assert "120 persona file(s) checked, 0 problem(s)" in capsys.readouterr().out
    assert len({p.name for p in world.personas}) == 120, "names are distinct"
    assert len({p.occupation for p in world.personas}) >= 10 and len({p.age for p in world.personas}) >= 30
    assert all(p.relationships and all(r.note for r in p.relationships.values()) for p in world.personas)


def test_workplaces_come_in_proportion_and_each_resident_works_at_the_nearest(town: Path) -> None:
    world = load_world(town)
    places = world.tilemap.places
    workers = Counter(p.workplace for p in world.personas if p.workplace)
    for place, count in workers.items():
        assert count <= WORKERS_PER_PLACE * 1.5, f"{place} has {count} workers"

    def centre(pid: str) -> tuple[float, float]:
        tiles = places[pid].tiles
        return sum(t[0] for t in tiles) / len(tiles), sum(t[1] for t in tiles) / len(tiles)

    for persona in world.personas:
        if persona.workplace is None:
            continue
        same_kind = [pid for pid in places if places[pid].kind == places[persona.workplace].kind]
        hx, hy = centre(persona.home)
        nearest = min(abs(centre(q)[0] - hx) + abs(centre(q)[1] - hy) for q in same_kind)
        wx, wy = centre(persona.workplace)
        assert abs(wx - hx) + abs(wy - hy) <= nearest + 2, f"{persona.id} works far from home"
    assert kind_of("golden_bakery") == "bakery" and kind_of("town_hall") == "town_hall"


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path, town: Path) -> None:
    again = new_world(tmp_path / "brightwick", 120, seed=3)
    other = new_world(tmp_path / "other", 120, seed=4)
    assert _digest(again) == _digest(town)
    assert _digest(other) != _digest(town)


def test_a_generated_town_lives(town: Path) -> None:
    with Simulation(town, seed=1, brain="scripted", embedder=load_embedder("hash")) as sim:
        sim.run(hours=3)
        events = sim.town.log.records
    arrived = {e["npc"] for e in events if e["type"] == "arrived"}
    assert len(arrived) >= 60, "most residents walk somewhere in their first three hours"
    assert sum(e["type"] == "conversation_started" for e in events) >= 10
    assert not [e for e in events if e["type"] == "intent_rejected" and "busy" not in e.get("reason", "")]


def test_new_world_refuses_an_existing_folder_and_bad_sizes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(WorldExistsError, match="already exists"):
        new_world(out, 10, seed=1)
    assert (out / "keep.txt").read_text() == "mine" and len(list(out.iterdir())) == 1
    assert main(["new-world", str(out), "--residents", "10"]) == 2
    assert main(["new-world", str(tmp_path / "none"), "--residents", "0"]) == 2
    assert "between 1 and 5000" in capsys.readouterr().err
    assert not (tmp_path / "none").exists() and not list(tmp_path.glob(".*partial"))


def test_the_command_writes_a_world_simulate_can_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tiny"
    assert main(["new-world", str(out), "--residents", "8", "--seed", "2"]) == 0
    said = capsys.readouterr().out
    assert f"wrote {out}: 8 residents" in said and f"npcworld play --world {out}" in said
    assert main(["simulate", "--world", str(out), "--hours", "1", "--brain", "scripted", "--embedder", "hash",
                 "--out", str(tmp_path / "run")]) == 0
    assert (tmp_path / "run" / "events.jsonl").stat().st_size > 0
