"""Each processor declares the town resources it uses (``uses``), and the code holds to the declaration.

Read with ``ast``: every ``town.X`` or ``self.town.X`` in a processor's module names a field of ``Town``
(a method or property counts as the fields it reads). What a helper in another module does with the town
is that helper's business; this is what the processor itself reaches for.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
from pathlib import Path

from game.world.simulation import SCHEDULE
from game.world.town import Town

FIELDS = {f.name for f in dataclasses.fields(Town)}


def _town_members() -> dict[str, set[str]]:
    """Town method or property name -> the fields it reads (following calls to other methods)."""
    tree = ast.parse(Path(inspect.getsourcefile(Town)).read_text(encoding="utf-8"))  # type: ignore[arg-type]
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Town")
    direct = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            direct[node.name] = {a.attr for a in ast.walk(node) if isinstance(a, ast.Attribute)
                                 and isinstance(a.value, ast.Name) and a.value.id == "self"}
    resolved: dict[str, set[str]] = {}

    def fields_of(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        out = set()
        for used in direct.get(name, set()):
            if used in FIELDS:
                out.add(used)
            elif used in direct and used not in seen:
                out |= fields_of(used, seen | {name})
        return out

    for name in direct:
        resolved[name] = fields_of(name)
    return resolved


def used_by(module_path: Path) -> set[str]:
    """The Town fields a processor module reaches for through ``town.X`` or ``self.town.X``."""
    members = _town_members()
    used = set()
    for node in ast.walk(ast.parse(module_path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        base = node.value
        is_town = (isinstance(base, ast.Name) and base.id == "town") or (
            isinstance(base, ast.Attribute) and base.attr == "town" and isinstance(base.value, ast.Name)
            and base.value.id == "self")
        if is_town:
            used |= {node.attr} if node.attr in FIELDS else members.get(node.attr, {f"?{node.attr}"})
    return used


def test_every_processor_declares_exactly_the_town_resources_it_uses() -> None:
    for processor in SCHEDULE:
        declared = getattr(processor, "uses", None)
        assert isinstance(declared, frozenset), f"{processor.__name__} declares no uses"
        path = Path(inspect.getsourcefile(processor))  # type: ignore[arg-type]
        assert used_by(path) == declared, f"{processor.__name__}: uses {sorted(used_by(path))}"


def test_the_check_sees_an_undeclared_use(tmp_path: Path) -> None:
    source = tmp_path / "p.py"
    source.write_text("def f(self, town):\n    town.rng.random()\n    self.town.emit(1)\n    town.available(3)\n")
    assert used_by(source) == {"rng", "log", "ecs"}
