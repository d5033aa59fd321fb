"""Hostile world, map, persona and card files give one clear ContentError naming the file (and field), never a
traceback and never a hang."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.cards import MAX_CARD_BYTES, read_card, write_png_card
from agents.errors import ContentError
from agents.persona_file import TEXT_LIMITS, load_persona
from agents.persona_schema import persona_schema
from agents.routine_file import ACTIVITY_CHARS, PLACE_CHARS
from agents.tomlfile import MAX_TOML_BYTES
from game.cli import main
from game.world.loader import WORLDS_DIR, load_world
from game.world.scenario import MAX_DAY, parse_event_flag

OAKVALE = WORLDS_DIR / "oakvale"


@contextmanager
def bounded(seconds: int = 10) -> Iterator[None]:
    """Fail the test, rather than hang it, when the body takes longer than ``seconds``."""
    def stop(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s: it hangs")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def refused(load: Callable[[], Any], path: Path, *words: str, field: str | None = None) -> ContentError:
    """Run ``load`` (bounded in time); it must raise a ContentError naming ``path``, ``field`` and ``words``."""
    with bounded(), pytest.raises(ContentError) as info:
        load()
    error = info.value
    assert error.path == path, str(error)
    assert str(path) in str(error)
    for word in words:
        assert word in str(error), str(error)
    if field is not None:
        assert error.field == field and f"field '{field}'" in str(error), str(error)
    return error


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def rewrite_layer(path: Path, name: str, change: Callable[[list[str]], list[str]]) -> None:
    """Rewrite the CSV rows of the tile layer ``name`` in a .tmx."""
    text = path.read_text()
    start = text.index('<data encoding="csv">', text.index(f'name="{name}"')) + len('<data encoding="csv">')
    end = text.index("</data>", start)
    rows = [row.rstrip(",") for row in text[start:end].strip().splitlines()]
    path.write_text(text[:start] + "\n" + ",\n".join(change(rows)) + "\n" + text[end:])


# 1. nesting


@pytest.mark.parametrize("where, value", [
    ("world.toml", "[" * 100_000 + "]" * 100_000),
    ("personas/mara.toml", "{a=" * 5_000 + "1" + "}" * 5_000),
    ("personas/mara.toml", "[" * 40 + "]" * 40),  # deep enough to refuse, not enough to break the parser
])
def test_deep_nesting_is_refused(world_copy: Path, where: str, value: str) -> None:
    path = world_copy / where
    text = path.read_text()
    path.write_text(f"deep = {value}\n" + text)
    refused(lambda: load_world(world_copy), path, "nested too deeply")


def test_deep_nesting_in_persona_validate(world_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = world_copy / "personas" / "mara.toml"
    path.write_text("deep = " + "[" * 100_000 + "]" * 100_000 + "\n" + path.read_text())
    with bounded():
        status = main(["persona", "validate", str(world_copy)])
    out = capsys.readouterr().out
    assert status == 1 and f"{path}: nested too deeply" in out and "Traceback" not in out


# 2. and 4. the map


def test_short_collision_layer(world_copy: Path) -> None:
    rewrite_layer(world_copy / "map.tmx", "collision", lambda rows: rows[:-10])
    refused(lambda: load_world(world_copy), world_copy / "map.tmx", "36 rows", "64 x 46", field="layers.collision")


def test_narrow_ground_layer(world_copy: Path) -> None:
    rewrite_layer(world_copy / "map.tmx", "ground", lambda rows: [",".join(r.split(",")[:-1]) for r in rows])
    refused(lambda: load_world(world_copy), world_copy / "map.tmx", "64 x 46", field="layers.ground")


def test_tile_id_beyond_the_tileset(world_copy: Path) -> None:
    rewrite_layer(world_copy / "map.tmx", "ground", lambda rows: ["99999" + rows[0][1:], *rows[1:]])
    refused(lambda: load_world(world_copy), world_copy / "map.tmx", "tile id 99999", "(0, 0)", "1 to 40",
            field="layers.ground")


@pytest.mark.parametrize("header, field", [
    ('width="100000" height="100000"', "width"),
    ('width="64" height="0"', "height"),
    ('width="-3" height="46"', "width"),
    ('width="lots" height="46"', "width"),
])
def test_map_size_limits(world_copy: Path, header: str, field: str) -> None:
    edit(world_copy / "map.tmx", 'width="64" height="46" tilewidth', f"{header} tilewidth")
    refused(lambda: load_world(world_copy), world_copy / "map.tmx", field=field)


def test_zero_sized_tiles(world_copy: Path) -> None:
    edit(world_copy / "map.tmx", 'tilewidth="16" tileheight="16" infinite', 'tilewidth="0" tileheight="0" infinite')
    refused(lambda: load_world(world_copy), world_copy / "map.tmx", "16,384 pixels")


def test_place_names_with_control_characters(world_copy: Path) -> None:
    edit(world_copy / "map.tmx", 'name="cafe"', 'name="ca&#155;fe"')  # XML 1.0 allows no C0 controls at all
    refused(lambda: load_world(world_copy), world_copy / "map.tmx", "control character (U+009B)")


def test_compressed_layer_bomb(world_copy: Path) -> None:
    bomb = base64.b64encode(zlib.compress(bytes(64 * 46 * 4 * 50))).decode()
    text = (world_copy / "map.tmx").read_text()
    start = text.index('<data encoding="csv">', text.index('name="objects"'))
    end = text.index("</data>", start)
    (world_copy / "map.tmx").write_text(text[:start] + f'<data encoding="base64" compression="zlib">{bomb}'
                                        + text[end:])
    refused(lambda: load_world(world_copy), world_copy / "map.tmx", "more tiles than the map",
            field="layers.objects")


# 3. and 8. what is not a regular file


def test_map_naming_a_fifo(world_copy: Path) -> None:
    os.mkfifo(world_copy / "pipe.tmx")
    edit(world_copy / "world.toml", 'map = "map.tmx"', 'map = "pipe.tmx"')
    refused(lambda: load_world(world_copy), world_copy / "pipe.tmx", "FIFO")


def test_cli_names_the_fifo_and_exits_2(world_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(world_copy / "pipe.tmx")
    edit(world_copy / "world.toml", 'map = "map.tmx"', 'map = "pipe.tmx"')
    with bounded():
        status = main(["simulate", "--world", str(world_copy), "--hours", "1", "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert status == 2 and f"npcworld: error: {world_copy / 'pipe.tmx'}: map file is a FIFO" in err, err


def test_persona_and_card_fifos(world_copy: Path, tmp_path: Path) -> None:
    os.mkfifo(world_copy / "personas" / "zed.toml")
    refused(lambda: load_world(world_copy), world_copy / "personas" / "zed.toml", "FIFO")
    refused(lambda: load_persona(world_copy / "personas" / "zed.toml"), world_copy / "personas" / "zed.toml", "FIFO")
    os.mkfifo(tmp_path / "card.png")
    refused(lambda: read_card(tmp_path / "card.png"), tmp_path / "card.png", "FIFO")


def test_world_toml_symlink_loop(world_copy: Path) -> None:
    (world_copy / "world.toml").unlink()
    (world_copy / "world.toml").symlink_to("world.toml")
    refused(lambda: load_world(world_copy), world_copy / "world.toml", "symlink loop")


def test_dangling_and_looping_persona_links(world_copy: Path) -> None:
    (world_copy / "personas" / "zed.toml").symlink_to("nowhere.toml")
    refused(lambda: load_world(world_copy), world_copy / "personas" / "zed.toml", "nowhere.toml", "does not exist")
    (world_copy / "personas" / "zed.toml").unlink()
    (world_copy / "personas" / "zed.toml").symlink_to("zed.toml")
    refused(lambda: load_world(world_copy), world_copy / "personas" / "zed.toml", "symlink loop")


def test_map_naming_a_folder(world_copy: Path) -> None:
    edit(world_copy / "world.toml", 'map = "map.tmx"', 'map = "personas"')
    refused(lambda: load_world(world_copy), world_copy / "personas", "a folder")


# 5. days and durations


EVENT = '\n[[event]]\nday = {day}\ntime = "08:00"\naction = "happening"\ntitle = "a fair"\nplace = "park"\n' \
        'minutes = {minutes}\n'


@pytest.mark.parametrize("change, field, words", [
    (lambda w: edit(w, "day = 1", f"day = {2**63 - 1}"), "start.day", ("between 1 and 10,000",)),
    (lambda w: edit(w, "day = 1", "day = 0"), "start.day", ("between 1 and 10,000",)),
    (lambda w: edit(w, "day = 2\n", "day = -3\n"), "plant[1].happening.day", ("-3",)),
    (lambda w: append(w, EVENT.format(day=1, minutes=-100)), "event[1].minutes", ("between 1 and 1440",)),
    (lambda w: append(w, EVENT.format(day=1, minutes=10**9)), "event[1].minutes", ("between 1 and 1440",)),
    (lambda w: append(w, EVENT.format(day=-7, minutes=60)), "event[1].day", ("-7",)),
    (lambda w: append(w, EVENT.format(day=MAX_DAY + 1, minutes=60)), "event[1].day", ("10,000",)),
])
def test_days_and_durations_out_of_range(world_copy: Path, change: Callable[[Path], None], field: str,
                                         words: tuple[str, ...]) -> None:
    change(world_copy / "world.toml")
    refused(lambda: load_world(world_copy), world_copy / "world.toml", *words, field=field)


def test_event_before_the_start_day(world_copy: Path) -> None:
    edit(world_copy / "world.toml", "day = 1", "day = 3")
    edit(world_copy / "world.toml", "day = 2\n", "day = 4\n")
    append(world_copy / "world.toml", EVENT.format(day=2, minutes=60))
    refused(lambda: load_world(world_copy), world_copy / "world.toml", "between 3 and", field="event[1].day")


def test_event_flag_out_of_range() -> None:
    with pytest.raises(ContentError, match="day must be 1 to"):
        parse_event_flag(f"tomas|party|cafe|{2**63}|17:00")
    with pytest.raises(ContentError, match="minutes 1 to"):
        parse_event_flag("tomas|party|cafe|2|17:00|0")


# 6. control characters


@pytest.mark.parametrize("where, old, new, field, code", [
    ("personas/mara.toml", 'name = "Mara Quinn"', 'name = "Mara\\u0000 Quinn"', "name", "U+0000"),
    ("personas/mara.toml", '"Morning, {partner}!"', '"\\u001b[2JMorning, {partner}!"', "speech.greetings[1]",
     "U+001B"),
    ("personas/mara.toml", "note = \"her nephew", "note = \"her\\u0007 nephew", "relationships.leo.note", "U+0007"),
    ("personas/mara.toml", "baking the morning bread", "baking\\b the bread", "routine[2].activity", "U+0008"),
    ("world.toml", 'name = "Oakvale"', 'name = "Oak\\u0007vale"', "name", "U+0007"),
    ("world.toml", "everyone is welcome", "everyone\\u009b is welcome", "plant[1].text", "U+009B"),
])
def test_control_characters(world_copy: Path, where: str, old: str, new: str, field: str, code: str) -> None:
    path = world_copy / where
    edit(path, old, new)
    error = refused(lambda: load_world(world_copy), path, code, "control character", field=field)
    assert error.line is not None and new in path.read_text().splitlines()[error.line - 1]


def test_line_breaks_in_one_line_fields(world_copy: Path) -> None:
    path = world_copy / "personas" / "mara.toml"
    edit(path, 'name = "Mara Quinn"', 'name = "Mara\\nQuinn"')
    refused(lambda: load_world(world_copy), path, "single line", field="name")


# 7. lengths


@pytest.mark.parametrize("where, old, new, field", [
    ("personas/mara.toml", 'name = "Mara Quinn"', f'name = "{"M" * 61}"', "name"),
    ("personas/mara.toml", '"Morning, {partner}!"', f'"{"o" * 201}"', "speech.greetings"),
    ("personas/mara.toml", 'note = "her nephew', f'note = "{"n" * 301}', "relationships.leo.note"),
    ("personas/mara.toml", '"baking the morning bread"', f'"{"b" * (ACTIVITY_CHARS + 1)}"', "routine[2].activity"),
    ("personas/mara.toml", 'home = "home_mara"', f'home = "{"h" * (PLACE_CHARS + 1)}"', "home"),
    ("personas/mara.toml", 'name = "Mara Quinn"', f'name = "Mara Quinn"\n"{"k" * 500}" = 1', None),
    ("world.toml", 'name = "Oakvale"', f'name = "{"O" * 61}"', "name"),
    ("world.toml", 'description = "', f'description = "{"d" * 2001}', "description"),
    ("world.toml", 'title = "Tomas', f'title = "{"t" * 200}', "plant[1].happening.title"),
    ("world.toml", 'text = "I am', f'text = "{"t" * 100_000}', "plant[1].text"),
])
def test_text_length_limits(world_copy: Path, where: str, old: str, new: str, field: str | None) -> None:
    path = world_copy / where
    edit(path, old, new)
    refused(lambda: load_world(world_copy), path, "characters", field=field)


def test_a_ten_megabyte_field_is_refused_by_size(world_copy: Path) -> None:
    path = world_copy / "personas" / "mara.toml"
    edit(path, 'background = "', f'background = "{"x" * 10_000_000}')
    refused(lambda: load_world(world_copy), path, f"at most {MAX_TOML_BYTES:,}")


def test_schema_has_the_loader_limits() -> None:
    props = persona_schema()["properties"]
    for key in ("name", "occupation", "background", "speech_style", "home", "workplace"):
        assert props[key]["maxLength"] == TEXT_LIMITS[key], key
    for key in ("traits", "topics", "goals"):
        assert props[key]["items"]["maxLength"] == TEXT_LIMITS[key], key
    for key in ("greetings", "smalltalk", "farewells"):
        assert props["speech"]["properties"][key]["items"]["maxLength"] == TEXT_LIMITS[key], key
    assert props["memories"]["items"]["properties"]["text"]["maxLength"] == TEXT_LIMITS["memories"]
    assert props["relationships"]["additionalProperties"]["properties"]["note"]["maxLength"] == TEXT_LIMITS["note"]
    block = props["routine"]["items"]["properties"]
    assert block["activity"]["maxLength"] == ACTIVITY_CHARS and block["place"]["maxLength"] == PLACE_CHARS


# 9. bytes that are not text, unreadable files, hostile cards


@pytest.mark.parametrize("where", ["world.toml", "personas/mara.toml", "map.tmx"])
@pytest.mark.parametrize("junk", [b"\xff\xfe\xc3(", b"\x00\x00"])
def test_invalid_utf8_and_nul_bytes(world_copy: Path, where: str, junk: bytes) -> None:
    path = world_copy / where
    raw = path.read_bytes()
    cut = raw.index(b"\n", len(raw) // 3)
    path.write_bytes(raw[:cut] + junk + raw[cut:])
    refused(lambda: load_world(world_copy), path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
@pytest.mark.parametrize("where", ["world.toml", "personas/mara.toml", "map.tmx"])
def test_unreadable_files(world_copy: Path, where: str) -> None:
    (world_copy / where).chmod(0)
    refused(lambda: load_world(world_copy), world_copy / where, "ermission")


@pytest.mark.parametrize("where", ["world.toml", "personas/mara.toml", "map.tmx"])
def test_files_that_cannot_be_opened(world_copy: Path, where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as above for root too: opening the file fails as chmod 000 makes it fail for others."""
    target, real_open = world_copy / where, os.open

    def deny(path: Any, flags: int, *args: Any) -> int:
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)
    monkeypatch.setattr("agents.errors.os.open", deny)
    refused(lambda: load_world(world_copy), target, "Permission denied")


def card(**data: Any) -> dict[str, Any]:
    return {"spec": "chara_card_v2", "spec_version": "2.0", "data": {"name": "Orla Finch", **data}}


def png(*chunks: tuple[bytes, bytes]) -> bytes:
    """A PNG made of ``chunks`` (kind, body), with real CRCs."""
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return out


def test_card_png_with_huge_dimensions(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    text = b"chara\x00" + base64.b64encode(json.dumps(card()).encode())
    path.write_bytes(png((b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0)), (b"tEXt", text)))
    refused(lambda: read_card(path), path, "100,000 x 100,000", field="IHDR")


def test_card_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    path.write_bytes(png((b"tEXt", b"chara\x00" + b"A" * (MAX_CARD_BYTES + 10))))
    refused(lambda: read_card(path), path, f"at most {MAX_CARD_BYTES:,}")


def test_card_text_chunk_bomb_and_garbage(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    path.write_bytes(png((b"zTXt", b"chara\x00\x00" + zlib.compress(b"A" * (MAX_CARD_BYTES + 10)))))
    refused(lambda: read_card(path), path, "unpacks to more than")
    path.write_bytes(png((b"zTXt", b"chara\x00\x00not zlib at all")))
    refused(lambda: read_card(path), path, "cannot be unpacked")


@pytest.mark.parametrize("content, words", [
    (b"[" * 100_000 + b"]" * 100_000, ("nested too deeply",)),
    (json.dumps(card(x=json.loads("[" * 34 + "]" * 34))).encode(), ("nested too deeply",)),
    (b'{"spec": [], "data": {}}', ("unsupported card spec",)),
    (json.dumps(card(first_mes="\u001b[2Jhello")).encode(), ("data.first_mes", "U+001B")),
    (json.dumps(card(name="Orla\u0000")).encode(), ("data.name", "U+0000")),
    (json.dumps(card(description="\ud800")).encode(), ("lone surrogate",)),
    (json.dumps(card(alternate_greetings=7)).encode(), ("data.alternate_greetings",)),
    (b"\xff\xfe{}", ("not valid JSON",)),
    (b'{"spec": "chara_card_v2", "data": {"name": "x\x00"}}', ("not valid JSON",)),
])
def test_hostile_card_json(tmp_path: Path, content: bytes, words: tuple[str, ...]) -> None:
    path = tmp_path / "card.json"
    path.write_bytes(content)
    refused(lambda: read_card(path), path, *words)


def test_card_pngs_still_load(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    write_png_card(path, card(first_mes="Ahoy!\r\nPull up a chair."))
    assert read_card(path)["first_mes"] == "Ahoy!\r\nPull up a chair."


# 10. random content: a ContentError or a load, never anything else


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One throwaway copy of Oakvale for the random tests (hypothesis runs many examples in one test)."""
    with tempfile.TemporaryDirectory() as folder:
        world = Path(folder) / "oakvale"
        shutil.copytree(OAKVALE, world)
        yield world


HOSTILE = ["[" * 3000, "{a=" * 2000, '{"a":' * 3000, "\\u001b[2J", "\\u0000", "\\u0007", "\\ud800", "\x00",
           str(2**63), "-7", "nan", "inf", '"spec": [], ', '"x" * 2', "[[routine]]\n", "\r\n"]
"""Fragments that broke loaders before: deep nesting, control characters, huge numbers, type confusion."""

TAILS = ["\ndeep = " + "[" * 3000, "\ndeep = " + "{a=" * 2000 + "1" + "}" * 2000, "\n[x]\ny = \"\\u001b\"\n"]
"""Lines added at the end of a TOML file (where a fragment cut in mid-line would only be a syntax error)."""


def spliced(original: str) -> st.SearchStrategy[bytes]:
    """Random bytes or text, the original with random text or a hostile fragment cut into it, or a hostile tail."""
    def cut(fragments: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
        """The original with ``fragments`` written over a random stretch of it."""
        return st.tuples(st.integers(0, len(original)), st.integers(0, 40), fragments).map(
            lambda c: (original[:c[0]] + c[2] + original[c[0] + c[1]:]).encode("utf-8", "surrogatepass"))
    return st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
        cut(st.text(max_size=60)),
        cut(st.sampled_from(HOSTILE)),
        st.sampled_from(TAILS).map(lambda tail: (original + tail).encode()),
    )


def loads_or_refuses(load: Callable[[], Any]) -> None:
    """``load`` either works or raises ContentError, within a few seconds."""
    with bounded(20), suppress(ContentError):
        load()


RANDOM = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RANDOM
@given(spliced((OAKVALE / "personas" / "mara.toml").read_text()))
def test_random_persona_files(scratch: Path, content: bytes) -> None:
    path = scratch.parent / "scratch.toml"
    path.write_bytes(content)
    loads_or_refuses(lambda: load_persona(path))


@RANDOM
@given(spliced((OAKVALE / "world.toml").read_text()))
def test_random_world_files(scratch: Path, content: bytes) -> None:
    (scratch / "world.toml").write_bytes(content)
    loads_or_refuses(lambda: load_world(scratch))


@RANDOM
@given(spliced(json.dumps(card(first_mes="Ahoy, {{user}}!", alternate_greetings=["Hi"], extensions={"a": [1]}))),
       st.booleans())
def test_random_cards(scratch: Path, content: bytes, as_png: bool) -> None:
    path = scratch / "card.png"
    if as_png:
        path.write_bytes(png((b"tEXt", b"chara\x00" + base64.b64encode(content))))
    else:
        path.write_bytes(content)
    loads_or_refuses(lambda: read_card(path))


def test_persona_validate_names_a_symlink_loop_and_a_broken_link(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from game.cli import main
    (tmp_path / "loop.toml").symlink_to("loop.toml")
    (tmp_path / "broken.toml").symlink_to(tmp_path / "nowhere.toml")
    assert main(["persona", "validate", str(tmp_path / "loop.toml"), str(tmp_path / "broken.toml")]) == 1
    out = capsys.readouterr()
    said = out.out + out.err
    assert f"{tmp_path / 'loop.toml'}: a symlink loop (it cannot be resolved)" in said
    assert f"{tmp_path / 'broken.toml'}: a broken symlink (to {tmp_path / 'nowhere.toml'})" in said
