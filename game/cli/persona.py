"""The persona commands: new, validate, list, show, import and export (what `npcworld persona ...` runs)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from agents.cards import card_to_toml, persona_to_card, read_card, write_png_card
from agents.errors import ContentError, ContentErrorList
from agents.persona import WEEKDAYS, Persona
from agents.persona_file import PERSONA_ID, load_persona
from agents.tomlfile import TomlDoc
from game.world.loader import check_personas, resolve_world
from game.world.worldmap import TileMap, load_tilemap


def validate_paths(paths: list[Path]) -> tuple[int, list[ContentError]]:
    """Check persona files and world folders; return how many files were checked and every problem found."""
    problems: list[ContentError] = []
    checked = 0
    for path in paths:
        files, world = _files_and_world(path, problems)
        personas: list[Persona] = []
        for file in files:
            checked += 1
            try:
                personas.append(load_persona(file))
            except ContentErrorList as exc:
                problems.extend(exc.errors)
            except ContentError as exc:
                problems.append(exc)
        if world is not None:
            problems.extend(_references(personas, world, files))
    return checked, problems


def _files_and_world(path: Path, problems: list[ContentError]) -> tuple[list[Path], TileMap | None]:
    """The persona files a path names, and the map of the world they belong to (when it loads)."""
    if path.is_dir():
        folder = path / "personas" if (path / "world.toml").exists() else path
        files = sorted(folder.glob("*.toml"))
        root = folder.parent
    elif path.exists():
        files, root = [path], path.parent.parent
    else:
        why = "no such file or folder"
        if path.is_symlink():
            try:
                path.resolve(strict=True)
            except RuntimeError:
                why = "a symlink loop (it cannot be resolved)"
            except OSError:
                why = f"a broken symlink (to {os.readlink(path)})"
        problems.append(ContentError(path, None, why))
        return [], None
    if not (root / "world.toml").exists():
        return files, None
    try:
        map_name = TomlDoc(root / "world.toml").root().get("map", str)
        return files, load_tilemap(root / map_name)
    except ContentError as exc:
        problems.append(exc)
        return files, None


def _references(personas: list[Persona], tilemap: TileMap, files: list[Path]) -> list[ContentError]:
    """Cross-check each persona against the map and the other residents of its world, one at a time."""
    world_dir = files[0].parent if files else None
    everyone = list(personas)
    if world_dir is not None:
        for other in sorted(world_dir.glob("*.toml")):
            if other not in files:
                try:
                    everyone.append(load_persona(other))
                except ContentError:
                    continue
    problems: list[ContentError] = []
    known = {path.stem for path in world_dir.glob("*.toml") if PERSONA_ID.match(path.stem)} if world_dir else set()
    for persona in personas:
        twin = next((p for p in everyone if p.id != persona.id and p.name == persona.name), None)
        if twin is not None and persona.source is not None:
            problems.append(ContentError(persona.source, "name", f"'{persona.name}' is also the name of {twin.id}.toml",
                                         TomlDoc(persona.source).find_line(None, "name")))
        try:
            check_personas([persona] + [p for p in everyone if p.id != persona.id and p.name != persona.name],
                           tilemap, known)
        except ContentError as exc:
            if exc.path == persona.source:
                problems.append(exc)
    return problems


def new_persona(name: str, world: str | Path) -> Path:
    """Write a commented starter persona into a world, with a free home; refuse to overwrite."""
    root = resolve_world(world)
    persona_id = "".join(ch for ch in name.split(maxsplit=1)[0].lower() if ch.isalnum() or ch == "_") or "newcomer"
    target = root / "personas" / f"{persona_id}.toml"
    if target.exists():
        raise ContentError(target, None, "a persona with this id exists already; choose another name")
    home = _free_home(root)
    first = name.split(maxsplit=1)[0]
    target.write_text(STARTER.format(name=name, first=first, home=home), encoding="utf-8")
    return target


def _free_home(root: Path) -> str:
    """A home place of the world's map that no persona lives in yet."""
    tilemap = load_tilemap(root / TomlDoc(root / "world.toml").root().get("map", str))
    taken = set()
    for file in (root / "personas").glob("*.toml"):
        try:
            taken.add(load_persona(file).home)
        except ContentError:
            continue
    free = [p.id for p in tilemap.places.values() if p.kind == "home" and p.id not in taken and p.tiles]
    if not free:
        raise ContentError(tilemap.path, "places", "every home is taken: add a home (an object of type 'home') "
                           "to the map's places layer in Tiled, then run this again")
    return sorted(free)[0]


def persona_table(world: str | Path) -> str:
    """The residents of a world, one line each."""
    rows = [("id", "name", "age", "occupation", "home", "workplace")]
    for file in sorted((resolve_world(world) / "personas").glob("*.toml")):
        try:
            p = load_persona(file)
            rows.append((p.id, p.name, str(p.age), p.occupation, p.home, p.workplace or "-"))
        except ContentError as exc:
            rows.append((file.stem, f"(invalid: {exc.message[:40]})", "", "", "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def describe(persona: Persona) -> str:
    """Everything about one persona, readable."""
    days = ", ".join(WEEKDAYS[d] for d in sorted(persona.work_days)) or "none"
    lines = [f"{persona.name} ({persona.id}), {persona.age}, {persona.occupation}",
             f"  traits: {', '.join(persona.traits)}",
             f"  background: {persona.background}", f"  speech: {persona.speech_style}",
             f"  home: {persona.home}; work: {persona.workplace or '-'} on {days}; sociability {persona.sociability}",
             f"  topics: {', '.join(persona.topics)}"]
    if persona.goals:
        lines.append(f"  goals: {'; '.join(persona.goals)}")
    lines += [f"  says hello: {g}" for g in persona.speech.greetings[:2]]
    lines += [f"  knows {other}: {r.closeness:+.1f} {r.note}" for other, r in persona.relationships.items()]
    lines += ["  routine:"] + [f"    {b.start // 60:02d}:{b.start % 60:02d} {b.kind:<8} {b.activity} @ "
                               f"{'/'.join(b.places)}" + ("" if len(b.days) == 7 else
                                                          f" ({', '.join(WEEKDAYS[d] for d in sorted(b.days))})")
                               for b in persona.routine]
    return "\n".join(lines)


def import_card(card: Path, world: str | Path, persona_id: str | None = None) -> Path:
    """Convert a character card into a persona file of a world (with a free home and a default routine)."""
    root = resolve_world(world)
    data = read_card(card)
    pid = persona_id or "".join(ch for ch in data["name"].split()[0].lower() if ch.isalnum()) or "imported"
    target = root / "personas" / f"{pid}.toml"
    if target.exists():
        raise ContentError(target, None, f"a persona '{pid}' exists already; pass --id to choose another")
    tilemap = load_tilemap(root / TomlDoc(root / "world.toml").root().get("map", str))
    target.write_text(card_to_toml(data, _free_home(root), sorted(tilemap.places)), encoding="utf-8")
    try:
        load_persona(target)
    except ContentError:
        target.unlink()
        raise
    return target


def export_card(persona_file: Path, out: Path) -> Path:
    """Write a persona as a character card as it is now (JSON, or PNG when ``out`` ends in .png; V3 if imported so)."""
    card = persona_to_card(load_persona(persona_file))
    if out.suffix.lower() == ".png":
        write_png_card(out, card, keyword="ccv3" if card["spec"] == "chara_card_v3" else "chara")
    else:
        out.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


STARTER = """# {name}: a new resident. Every field is explained in docs/personas.md.
name = "{name}"
age = 30
occupation = "newcomer"                 # what they do
traits = ["curious", "friendly"]        # 1-12 short words or phrases
background = "{first} has just moved to town and is still finding their way around."
speech_style = "plain and friendly"     # how they talk, in a few words
home = "{home}"                         # a place id of the map (a free home was picked)
# workplace = "cafe"                    # a place id; then list work_days and add a work block
# work_days = ["mon", "tue", "wed", "thu", "fri"]
sociability = 0.6                       # 0 keeps to themselves, 1 talks to everyone
topics = ["the town", "the weather"]    # what they bring up
goals = ["get to know the neighbours"]  # optional

[speech]                                # {{partner}}, {{name}}, {{place}}, {{topic}} may appear in lines
greetings = ["Hello, {{partner}}!", "Oh, hi {{partner}}."]
smalltalk = ["Have you heard anything about {{topic}}?", "I'm still learning my way around {{place}}."]
farewells = ["See you around, {{partner}}."]

[relationships]                         # other residents' ids: closeness -1..1 and a note
# mara = {{ closeness = 0.3, note = "sold me my first loaf" }}

[[routine]]                             # blocks run from "at" until the next block of the day
at = "07:30"
kind = "meal"                           # sleep, meal, work, leisure or chores
activity = "having breakfast"
place = "home"                          # "home", "work", or a place id

[[routine]]
at = "09:30"
kind = "leisure"
activity = "exploring the town"
places = ["park", "market", "library"]  # one is picked each day

[[routine]]
at = "13:00"
kind = "meal"
activity = "having lunch"
place = "cafe"

[[routine]]
at = "15:00"
kind = "chores"
activity = "unpacking boxes"
place = "home"

[[routine]]
at = "19:00"
kind = "leisure"
activity = "meeting people at the pub"
place = "pub"

[[routine]]
at = "22:30"
kind = "sleep"
activity = "sleeping"
place = "home"
"""
"""The commented starter file `persona new` writes."""
