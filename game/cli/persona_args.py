"""The `npcworld persona` subcommands: new, validate, list, show, import, export."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from agents.errors import ContentError


def persona_parser(sub: Any) -> None:
    """The `persona` command and its subcommands."""
    persona = sub.add_parser("persona", help="write, check, list, show, import and export persona files")
    actions = persona.add_subparsers(dest="action", required=True)
    new = actions.add_parser("new", help="write a commented starter persona into a world")
    new.add_argument("name", help="the resident's full name, e.g. 'Nell Hartley'")
    new.add_argument("--world", default="oakvale")
    validate = actions.add_parser("validate", help="check persona files or whole worlds; list every problem")
    validate.add_argument("paths", nargs="+", type=Path)
    listing = actions.add_parser("list", help="the residents of a world")
    listing.add_argument("--world", default="oakvale")
    show = actions.add_parser("show", help="everything about one resident")
    show.add_argument("name", help="a persona id (file name) or a resident's name")
    show.add_argument("--world", default="oakvale")
    card = actions.add_parser("import", help="turn a Character Card V2/V3 (JSON or PNG) into a persona file")
    card.add_argument("card", type=Path)
    card.add_argument("--world", default="oakvale")
    card.add_argument("--id", default=None, help="the new persona's id (default: from the card's name)")
    export = actions.add_parser("export", help="write a persona as a Character Card V2 (JSON, or PNG by suffix)")
    export.add_argument("name", help="a persona id")
    export.add_argument("--world", default="oakvale")
    export.add_argument("--out", type=Path, default=None, help="output file (default NAME.card.json)")


def persona_command(args: argparse.Namespace) -> int:
    """Run a `persona` subcommand."""
    from agents.persona_file import load_persona
    from game.cli import persona as personas
    from game.world.loader import resolve_world
    if args.action == "validate":
        checked, problems = personas.validate_paths(args.paths)
        for problem in problems:
            print(problem)
        print(f"{checked} persona file(s) checked, {len(problems)} problem(s)")
        return 1 if problems else 0
    if args.action == "new":
        path = personas.new_persona(args.name, args.world)
        print(f"wrote {path}; edit it (see docs/personas.md), then: npcworld persona validate {path}")
    elif args.action == "list":
        print(personas.persona_table(args.world))
    elif args.action == "show":
        print(personas.describe(load_persona(_persona_path(resolve_world(args.world), args.name))))
    elif args.action == "import":
        path = personas.import_card(args.card, args.world, args.id)
        print(f"wrote {path}; it lives at {load_persona(path).home} with a default routine: edit it to taste")
    elif args.action == "export":
        out = personas.export_card(_persona_path(resolve_world(args.world), args.name),
                                   args.out or Path(f"{args.name}.card.json"))
        print(f"wrote {out}")
    return 0


def _persona_path(root: Path, name: str) -> Path:
    """A persona file by id or by (first) name."""
    folder = root / "personas"
    direct = folder / f"{name.lower()}.toml"
    if direct.exists():
        return direct
    from agents.persona_file import load_persona
    for file in sorted(folder.glob("*.toml")):
        try:
            persona = load_persona(file)
        except ContentError:
            continue
        if name.lower() in (persona.name.lower(), persona.first_name.lower()):
            return file
    raise ContentError(folder, None, f"no persona called '{name}' (see: npcworld persona list)")
