"""Checks on the generated art: tileset, character sheet, bitmap font and reproducibility."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import subprocess
import sys
from pathlib import Path

import pygame
import pytest

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
sys.path.insert(0, str(ROOT / "tools"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tiles import COLUMNS, TILE_SIZE, TILES  # noqa: E402

from game.view.bitmapfont import BitmapFont, default_font  # noqa: E402

GENERATED = [
    Path("tiles/town.png"),
    Path("sprites/characters.png"),
    Path("fonts/npcfont.png"),
    Path("fonts/npcfont.json"),
    Path("README.md"),
]


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.init()


def _pixels(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGBA")


def test_tileset_has_one_tile_per_catalogue_entry() -> None:
    sheet = pygame.image.load(str(ASSETS / "tiles" / "town.png"))
    rows = (len(TILES) + COLUMNS - 1) // COLUMNS
    assert sheet.get_size() == (COLUMNS * TILE_SIZE, rows * TILE_SIZE)
    assert rows * COLUMNS == len(TILES)


def test_tiles_are_textured_and_distinct() -> None:
    sheet = pygame.image.load(str(ASSETS / "tiles" / "town.png"))
    seen: dict[bytes, str] = {}
    for index, name in enumerate(TILES):
        x, y = (index % COLUMNS) * TILE_SIZE, (index // COLUMNS) * TILE_SIZE
        tile = sheet.subsurface(pygame.Rect(x, y, TILE_SIZE, TILE_SIZE))
        colors = {tuple(tile.get_at((x, y))) for y in range(TILE_SIZE) for x in range(TILE_SIZE)}
        assert len(colors) > 1, f"{name} is a flat colour"
        data = _pixels(tile)
        assert data not in seen, f"{name} is identical to {seen.get(data)}"
        seen[data] = name


def test_ground_and_wall_tiles_are_opaque() -> None:
    sheet = pygame.image.load(str(ASSETS / "tiles" / "town.png"))
    for name in ("grass", "water", "cobble", "floor_wood", "wall", "wall_window"):
        index = TILES.index(name)
        ox, oy = (index % COLUMNS) * TILE_SIZE, (index // COLUMNS) * TILE_SIZE
        alphas = {sheet.get_at((ox + x, oy + y)).a for y in range(TILE_SIZE) for x in range(TILE_SIZE)}
        assert alphas == {255}, name


def test_character_sheet_layout_and_frames() -> None:
    sheet = pygame.image.load(str(ASSETS / "sprites" / "characters.png"))
    width, height = sheet.get_size()
    assert width == 8 * 16
    assert height % 16 == 0
    assert height // 16 >= 16
    for row in range(height // 16):
        for col in range(8):
            frame = sheet.subsurface(pygame.Rect(col * 16, row * 16, 16, 16))
            for corner in ((0, 0), (15, 0), (0, 15), (15, 15)):
                assert frame.get_at(corner).a == 0, (row, col, corner)
            opaque = sum(frame.get_at((x, y)).a == 255 for y in range(16) for x in range(16))
            assert opaque > 40, (row, col)


def test_character_rows_are_distinct_and_frames_animate() -> None:
    sheet = pygame.image.load(str(ASSETS / "sprites" / "characters.png"))
    rows = sheet.get_height() // 16
    row_data = {_pixels(sheet.subsurface(pygame.Rect(0, r * 16, 128, 16))) for r in range(rows)}
    assert len(row_data) == rows
    for col in range(0, 8, 2):
        step0 = sheet.subsurface(pygame.Rect(col * 16, 0, 16, 16))
        step1 = sheet.subsurface(pygame.Rect((col + 1) * 16, 0, 16, 16))
        assert _pixels(step0) != _pixels(step1)


def test_font_renders_text_with_advances() -> None:
    font = default_font()
    text = "Hello, Oakvale 12:30"
    surface = font.render(text, (255, 255, 255))
    assert surface.get_width() == sum(font.advances[c] for c in text)
    assert surface.get_size() == font.size(text)
    assert surface.get_flags() & pygame.SRCALPHA
    width, height = surface.get_size()
    assert any(surface.get_at((x, y)).a == 255 for y in range(height) for x in range(width))
    other = font.render("Goodbye, Oakvale 18:05", (255, 255, 255))
    assert _pixels(other) != _pixels(surface)


def test_font_colour_scale_shadow_cache_and_fallback() -> None:
    font = BitmapFont.load(ASSETS / "fonts" / "npcfont.png", ASSETS / "fonts" / "npcfont.json")
    red = font.render("Hi", (200, 40, 40))
    colors = {tuple(red.get_at((x, y))) for y in range(red.get_height()) for x in range(red.get_width())}
    assert (200, 40, 40, 255) in colors
    big = font.render("Hi", (200, 40, 40), scale=2)
    assert big.get_size() == (red.get_width() * 2, red.get_height() * 2)
    shadowed = font.render("Hi", (255, 255, 255), shadow=(0, 0, 0))
    assert shadowed.get_size() == (red.get_width() + 1, red.get_height() + 1)
    assert font.render("Hi", (200, 40, 40)) is red
    assert font.size("\u00e9") == font.size("?")
    empty = font.render("", (255, 255, 255))
    assert empty.get_width() <= 1


def test_make_art_is_reproducible(tmp_path: Path) -> None:
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_art.py"), "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    for relative in GENERATED:
        assert (tmp_path / relative).read_bytes() == (ASSETS / relative).read_bytes(), relative
