"""Broken world, map and persona files give one clear error naming the file, the field and the line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from agents.errors import ContentError
from game.world.loader import load_world


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def expect(world: Path) -> ContentError:
    with pytest.raises(ContentError) as info:
        load_world(world)
    return info.value


def test_the_shipped_world_loads() -> None:
    world = load_world("oakvale")
    assert len(world.personas) >= 10
    assert world.tilemap.width >= 60 and world.tilemap.height >= 40
    kinds = {p.kind for p in world.tilemap.places.values()}
    assert {"home", "cafe", "bakery", "park", "library", "market", "town_hall", "clinic", "pub"} <= kinds
    assert {p.home for p in world.personas} <= set(world.tilemap.places)
    assert len({p.home for p in world.personas}) == len(world.personas), "everyone has a home of their own"


def test_toml_syntax_error_names_file_and_line(world_copy: Path) -> None:
    path = world_copy / "personas" / "mara.toml"
    edit(path, 'age = 41', 'age = = 41')
    error = expect(world_copy)
    assert error.path == path and error.line == line_of(path, "age = = 41")
    assert "TOML syntax error" in str(error) and f"mara.toml:{error.line}:" in str(error)


def test_missing_field(world_copy: Path) -> None:
    path = world_copy / "personas" / "tomas.toml"
    text = path.read_text()
    path.write_text(re.sub(r"^occupation = .*\n", "", text, count=1, flags=re.M))
    error = expect(world_copy)
    assert error.path == path and "required field 'occupation' is missing" in str(error)


def test_unknown_key_suggests_the_right_one(world_copy: Path) -> None:
    path = world_copy / "personas" / "iris.toml"
    edit(path, "sociability =", "socialbility =")
    error = expect(world_copy)
    assert error.field == "socialbility" and "did you mean 'sociability'" in str(error)
    assert error.line == line_of(path, "socialbility")


def test_unknown_key_in_a_routine_block(world_copy: Path) -> None:
    path = world_copy / "personas" / "iris.toml"
    edit(path, 'kind = "meal"', 'kind = "meal"\nmood = "grumpy"')
    error = expect(world_copy)
    assert error.field.startswith("routine[") and error.field.endswith(".mood")
    assert error.line == line_of(path, "mood =")


def test_wrong_type(world_copy: Path) -> None:
    path = world_copy / "personas" / "mara.toml"
    edit(path, "age = 41", 'age = "forty-one"')
    error = expect(world_copy)
    assert error.field == "age" and "expected an integer" in str(error) and error.line == line_of(path, "forty-one")


def test_place_that_does_not_exist(world_copy: Path) -> None:
    path = world_copy / "personas" / "mara.toml"
    edit(path, 'workplace = "bakery"', 'workplace = "bakry"')
    error = expect(world_copy)
    assert error.field == "workplace" and "no place named 'bakry'" in str(error)
    assert "did you mean 'bakery'" in str(error) and error.line == line_of(path, '"bakry"')


def test_routine_place_that_does_not_exist(world_copy: Path) -> None:
    path = world_copy / "personas" / "mara.toml"
    edit(path, 'place = "home"', 'place = "moon"')
    error = expect(world_copy)
    assert error.field.startswith("routine") and "no place named 'moon'" in str(error)


def test_resident_that_does_not_exist(world_copy: Path) -> None:
    path = world_copy / "personas" / "mara.toml"
    edit(path, "leo = {", "leonard = {")
    error = expect(world_copy)
    assert error.field == "relationships.leonard" and "no resident with id 'leonard'" in str(error)
    assert error.line == line_of(path, "leonard = {")


def test_home_on_blocked_tiles(world_copy: Path) -> None:
    tmx = world_copy / "map.tmx"
    text = tmx.read_text()
    # Move home_mara onto the map's corner tile, which is part of the blocked border.
    new, count = re.subn(r'(<object id="\d+" name="home_mara"[^>]*?)x="\d+" y="\d+" width="\d+" height="\d+"',
                         r'\1x="0" y="0" width="16" height="16"', text, count=1)
    assert count == 1
    tmx.write_text(new)
    error = expect(world_copy)
    assert error.path.name == "mara.toml" and error.field == "home"
    assert "no walkable tile" in str(error)


def test_broken_map_file(world_copy: Path) -> None:
    tmx = world_copy / "map.tmx"
    tmx.write_text(tmx.read_text()[:500])
    error = expect(world_copy)
    assert error.path == tmx and "not a valid Tiled map" in str(error)


def test_a_missing_tileset_image_names_the_map_and_the_path(world_copy: Path) -> None:
    tmx = world_copy / "map.tmx"
    edit(tmx, 'source="../../assets/tiles/town.png"', 'source="art/missing.png"')
    error = expect(world_copy)
    assert error.path == tmx and error.field == "tileset.image", error
    assert str(world_copy / "art" / "missing.png") in str(error) and "not found" in str(error)


def test_world_toml_errors(world_copy: Path) -> None:
    path = world_copy / "world.toml"
    edit(path, 'time = "06:30"', 'time = "half past six"')
    error = expect(world_copy)
    assert error.path == path and error.field == "start.time" and error.line == line_of(path, "half past six")


def test_world_setting_out_of_range(world_copy: Path) -> None:
    path = world_copy / "world.toml"
    edit(path, "tick_seconds = 10", "tick_seconds = 0")
    error = expect(world_copy)
    assert error.field == "settings.tick_seconds" and "between 1 and 600" in str(error)


def test_duplicate_names(world_copy: Path) -> None:
    path = world_copy / "personas" / "leo.toml"
    text = path.read_text()
    path.write_text(re.sub(r'^name = ".*"', 'name = "Mara Quinn"', text, count=1, flags=re.M))
    error = expect(world_copy)
    assert error.field == "name" and "already the name of" in str(error)


def test_cli_prints_one_line_and_exits_nonzero(world_copy: Path, tmp_path: Path) -> None:
    edit(world_copy / "personas" / "mara.toml", 'home = "home_mara"', 'home = "castle"')
    result = subprocess.run([sys.executable, "-m", "game.cli", "simulate", "--world", str(world_copy),
                             "--out", str(tmp_path / "o")], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "mara.toml" in result.stderr and "field 'home'" in result.stderr and "castle" in result.stderr
