"""Writing characters, not code: the documented format, its schema, the persona commands, cards, reload."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest

from agents.cards import MAX_FIELD, card_facts, read_card, write_png_card
from agents.errors import ContentError
from agents.persona_file import _PERSONA_KEYS as PERSONA_KEYS
from agents.persona_file import NEED_KEYS, SPEECH_KEYS, load_persona
from agents.persona_schema import SCHEMA_PATH, persona_schema
from agents.routine_file import BLOCK_KEYS
from game.cli import main
from game.world.loader import WORLDS_DIR
from game.world.simulation import Simulation

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "personas.md"


def test_schema_is_in_step_with_the_loader() -> None:
    schema = persona_schema()
    assert json.loads(SCHEMA_PATH.read_text()) == schema, "docs/persona.schema.json is written from persona_schema()"
    assert set(schema["properties"]) == set(PERSONA_KEYS)
    assert set(schema["properties"]["speech"]["properties"]) == set(SPEECH_KEYS)
    assert set(schema["properties"]["routine"]["items"]["properties"]) == set(BLOCK_KEYS)
    assert set(schema["properties"]["needs"]["properties"]) == set(NEED_KEYS)
    for path in sorted((WORLDS_DIR / "oakvale" / "personas").glob("*.toml")):
        jsonschema.validate(tomllib.loads(path.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "favourite_colour": "red"}, schema)


def test_the_doc_explains_every_field_and_its_example_is_valid(world_copy: Path) -> None:
    text = DOC.read_text()
    for key in PERSONA_KEYS:
        assert f"`{key}`" in text or f"`[{key}]`" in text or f"`[[{key}]]`" in text, key
    example = re.search(r"```toml\n(# Nell Hartley.*?)```", text, re.S)
    assert example
    path = world_copy / "personas" / "nell.toml"
    path.write_text(example.group(1))
    persona = load_persona(path)
    assert persona.goals and persona.memories and persona.needs == {"social": 0.7}


def test_a_persona_written_from_the_doc_lives_in_the_town(world_copy: Path) -> None:
    (world_copy / "personas" / "nell.toml").write_text(re.search(r"```toml\n(# Nell Hartley.*?)```",
                                                                 DOC.read_text(), re.S).group(1))
    with Simulation(world_copy, seed=4) as sim:
        sim.run(hours=48)  # Monday (a day off) and Tuesday (a work day)
        mine = [e for e in sim.events if e.get("npc") == "nell"]
    assert any(e["type"] == "move_started" for e in mine), "she walks"
    places = {e["place"] for e in mine if e["type"] == "activity"}
    assert {"home_vacant_1", "cafe"} <= places and places & {"park", "market"}, f"she keeps her routine: {places}"
    assert any(e["type"] == "activity" and e["kind"] == "work" and e["place"] == "market" and e["day"] == 2
               for e in mine), "she works at the market on Tuesday"
    assert not any(e["type"] == "activity" and e["kind"] == "work" and e["day"] == 1 for e in mine), "not Monday"
    lines = [e["text"] for e in sim.events if e["type"] == "said" and e["npc"] == "nell"]
    assert lines, "she talks"
    persona = load_persona(world_copy / "personas" / "nell.toml")
    book = [*persona.speech.greetings, *persona.speech.smalltalk, *persona.speech.farewells]
    patterns = [re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(line))) for line in book]
    news = ("Have you heard?", "Did you hear?", "Oh, I nearly forgot:", "Guess what?")  # passing on news
    own = [line for line in lines if not line.startswith(news)]
    assert own and all(any(p.fullmatch(line) for p in patterns) for line in own), f"in her own voice: {own}"


def test_persona_commands(world_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["persona", "new", "Wren Ashby", "--world", str(world_copy)]) == 0
    made = world_copy / "personas" / "wren.toml"
    assert made.exists() and "docs/personas.md" in made.read_text()
    assert main(["persona", "validate", str(world_copy)]) == 0
    assert "13 persona file(s) checked, 0 problem(s)" in capsys.readouterr().out
    assert main(["persona", "list", "--world", str(world_copy)]) == 0
    listing = capsys.readouterr().out
    assert "wren" in listing and "Mara Quinn" in listing
    assert main(["persona", "show", "Mara", "--world", str(world_copy)]) == 0
    assert "routine:" in capsys.readouterr().out
    assert main(["persona", "new", "Wren Ashby", "--world", str(world_copy)]) == 2


def test_validate_lists_every_problem_and_keeps_going(world_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = world_copy / "personas" / "mara.toml"
    text = bad.read_text().replace("age = 41", 'age = "old"').replace('home = "home_mara"', 'home = "castle"')
    bad.write_text(text.replace("sociability =", "socialbility ="))
    (world_copy / "personas" / "leo.toml").write_text("name = [broken")
    assert main(["persona", "validate", str(world_copy)]) == 1
    out = capsys.readouterr().out
    assert "mara.toml" in out and "field 'age'" in out and "socialbility" in out
    assert "leo.toml:1: TOML syntax error" in out
    assert "12 persona file(s) checked" in out
    assert "castle" not in out or "no place named 'castle'" in out


def card(**fields: object) -> dict[str, object]:
    data = {"name": "Captain Orla Finch", "description": "A retired sea captain who tells tall tales.",
            "personality": "boisterous, kind, nostalgic", "scenario": "She has just retired to the village.",
            "first_mes": "Ahoy, {{user}}! Pull up a chair.", "mes_example":
            "<START>\n{{user}}: Hello\n{{char}}: Did I ever tell you about the kraken, {{user}}?",
            "creator_notes": "by tests", "system_prompt": "", "post_history_instructions": "",
            "alternate_greetings": ["Well met, {{user}}."], "tags": ["sea", "stories"], "creator": "npcworld tests",
            "character_version": "1", "extensions": {"x": {"y": 1}}} | fields
    return {"spec": "chara_card_v2", "spec_version": "2.0", "data": data}


def test_v2_json_and_v3_png_cards_become_residents_and_export_round_trips(world_copy: Path, tmp_path: Path) -> None:
    v2 = tmp_path / "orla.json"
    v2.write_text(json.dumps(card()))
    assert main(["persona", "import", str(v2), "--world", str(world_copy)]) == 0
    v3 = tmp_path / "pip.png"
    v3_card = card(name="Pip Marlow") | {"spec": "chara_card_v3", "spec_version": "3.0"}
    write_png_card(v3, v3_card, keyword="ccv3")
    assert main(["persona", "import", str(v3), "--world", str(world_copy)]) == 0
    orla = load_persona(world_copy / "personas" / "captain.toml")
    assert orla.name == "Captain Orla Finch" and "kind" in orla.traits
    assert orla.speech.greetings[0] == "Ahoy, {partner}! Pull up a chair."
    out = tmp_path / "back.json"
    assert main(["persona", "export", "captain", "--world", str(world_copy), "--out", str(out)]) == 0
    back = json.loads(out.read_text())["data"]
    for key, value in card()["data"].items():  # type: ignore[union-attr]
        if key != "extensions":
            assert back[key] == value, key
    assert back["extensions"]["x"] == {"y": 1} and back["extensions"]["npcworld"]["id"] == "captain"
    with Simulation(world_copy, seed=2) as sim:
        sim.run(hours=12)
        assert {"captain", "pip"} <= {e["npc"] for e in sim.events if e["type"] == "move_started"}
    png = tmp_path / "back.png"
    assert main(["persona", "export", "pip", "--world", str(world_copy), "--out", str(png)]) == 0
    assert read_card(png)["name"] == "Pip Marlow"
    assert read_card(png)["_spec"] == "chara_card_v3", "a V3 card exports as V3"
    assert b"ccv3" in png.read_bytes() and json.loads(
        main_out(["persona", "export", "pip", "--world", str(world_copy), "--out", str(tmp_path / "pip.json")])
    )["spec_version"] == "3.0"


def main_out(argv: list[str]) -> str:
    """Run the command line and return the file its --out names."""
    assert main(argv) == 0
    return Path(argv[argv.index("--out") + 1]).read_text()


def test_a_card_keeps_who_it_is_and_export_carries_later_edits(world_copy: Path, tmp_path: Path) -> None:
    ferry = tmp_path / "wren.json"
    ferry.write_text(json.dumps(card(
        name="Wren Calloway", tags=["OC", "female", "sailing"],
        description="{{char}} is a 52-year-old ferry captain who has crossed the sound twice a day for thirty years. "
                    "She knows every rock by name.")))
    assert main(["persona", "import", str(ferry), "--world", str(world_copy)]) == 0
    path = world_copy / "personas" / "wren.toml"
    wren = load_persona(path)
    assert (wren.age, wren.occupation) == (52, "ferry captain")
    assert wren.background.startswith("Wren Calloway is a 52-year-old ferry captain")
    assert wren.topics == ("ferry captain", "the town"), "tags sort cards; they are not small talk"
    from tests.test_talk_prompt import Spy
    spy = Spy()
    with Simulation(world_copy, seed=2, brain=spy) as sim:
        sim.run(hours=10)
        sim.chat("wren", "Hello!")
    system = spy.seen[-1].messages[0][1]
    assert spy.seen[-1].npc == "wren" and "crossed the sound twice a day" in system, "the description is in her prompt"
    assert "You are Wren Calloway, 52, ferry captain" in system
    text = path.read_text(encoding="utf-8")
    for old, new in (("She knows every rock by name.", "She retired last spring."), ("age = 52", "age = 53"),
                     ('occupation = "ferry captain"', 'occupation = "harbour master"'),
                     ("Ahoy, {partner}! Pull up a chair.", "Ahoy there, {partner}!")):
        assert old in text, old
        text = text.replace(old, new, 1)  # the field itself, not the kept copies in [preserved] below it
    path.write_text(text, encoding="utf-8")
    back = json.loads(main_out(["persona", "export", "wren", "--world", str(world_copy),
                                "--out", str(tmp_path / "wren-back.json")]))
    data = back["data"]
    assert back["spec"] == "chara_card_v2"
    assert data["description"].endswith("She retired last spring.") and data["first_mes"] == "Ahoy there, {{user}}!"
    assert data["extensions"]["npcworld"]["age"] == 53
    assert data["extensions"]["npcworld"]["occupation"] == "harbour master"
    assert data["tags"] == ["OC", "female", "sailing"] and data["personality"] == "boisterous, kind, nostalgic", \
        "fields not edited come back as the card had them"
    assert card_facts(data) == {"age": 53, "occupation": "harbour master"}, "and a re-import reads them back"


@pytest.mark.parametrize("broken, message", [
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0btEXtchara\x00!!!!!" + b"\x00" * 4),
     "not valid base64"),
    (lambda p: p.write_text(json.dumps({"spec": "chara_card_v9", "data": {"name": "x"}})), "unsupported card spec"),
    (lambda p: p.write_text(json.dumps(card(name=""))), "needs a non-empty name"),
    (lambda p: p.write_text(json.dumps(card(description="x" * (MAX_FIELD + 1)))), "characters long"),
    (lambda p: p.write_text("{not json"), "not valid JSON"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n"), "no character card"),
])
def test_malformed_cards_get_clear_errors(tmp_path: Path, broken, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "card.png"
    broken(path)
    with pytest.raises(ContentError, match=message) as info:
        read_card(path)
    assert info.value.path == path


def test_scenario_events_from_world_toml_and_python(world_copy: Path) -> None:
    world = world_copy / "world.toml"
    world.write_text(world.read_text() + '''
[[event]]
day = 1
time = "08:00"
action = "plant"
npc = "mara"
text = "The old mill is up for sale."

[[event]]
day = 1
time = "09:00"
action = "move"
npc = "leo"
place = "market"

[[event]]
day = 1
time = "15:00"
action = "happening"
title = "the spring fair"
place = "park"
minutes = 180
''')
    from game.world.scenario import TimedEvent
    with Simulation(world_copy, seed=3) as sim:
        sim.schedule(TimedEvent(1, 10 * 60, "plant", npc="iris", text="A parcel of rare books arrived."))
        sim.run(hours=12)
        fired = [e for e in sim.events if e["type"] == "scenario"]
        assert [e["action"] for e in fired] == ["plant", "move", "plant", "happening"]
        assert any(m.text == "The old mill is up for sale." for m in sim.resident("mara").mind.memory.memories)
        assert any(e["type"] == "move_started" and e["npc"] == "leo" and e["to"] == "market" and e["time"] == "09:00"
                   for e in sim.events)
        at_fair = {e["npc"] for e in sim.events if e["type"] == "activity" and e["place"] == "park"
                   and "spring fair" in e["activity"]}
        assert len(at_fair) >= 3, "an announced happening draws people"


def test_bad_scenario_events_are_clear_errors(world_copy: Path) -> None:
    world = world_copy / "world.toml"
    world.write_text(world.read_text() + '\n[[event]]\nday = 1\ntime = "08:00"\naction = "explode"\n')
    from game.world.loader import load_world
    with pytest.raises(ContentError, match="'explode' is not an event action"):
        load_world(world_copy)


def test_live_reload(world_copy: Path) -> None:

    from game.world.components import Resident
    from game.world.reload import PersonaWatcher
    with Simulation(world_copy, seed=5) as sim:
        watcher = PersonaWatcher(sim)
        sim.run(hours=2)
        path = world_copy / "personas" / "leo.toml"
        good = path.read_text()
        path.write_text(good.replace('traits = [', 'traits = ["suddenly sings", '))
        assert any("updated" in m for m in watcher.poll())
        assert "suddenly sings" in sim.town.ecs.component_for_entity(sim.town.residents["leo"], Resident).persona.traits
        path.write_text(good.replace("age = 19", 'age = "nineteen"'))
        messages = watcher.poll()
        assert messages and "keeping the last good version" in messages[0] and "field 'age'" in messages[0]
        assert sim.town.ecs.component_for_entity(sim.town.residents["leo"], Resident).persona.age == 19
        new = world_copy / "personas" / "nell.toml"
        new.write_text(re.search(r"```toml\n(# Nell Hartley.*?)```", DOC.read_text(), re.S).group(1))
        assert any("moved into" in m for m in watcher.poll())
        held = [m.text for m in sim.resident("nell").mind.memory.memories]
        assert "Rosa said I could share her stall on Saturdays." in held, "added live, it starts with its memories"
        sim.run(hours=4)
        assert any(e["type"] == "spawned" and e["npc"] == "nell" for e in sim.events)
        assert sim.resident("nell").plan is not None, "the new resident plans and lives"
