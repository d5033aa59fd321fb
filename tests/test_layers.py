"""The layers hold: an import-rule check over the source (with ``ast``), and a headless world that loads no pygame."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TRAINING_COMMANDS = {"game/cli/model.py"}
"""The only run-time modules that may import agents.training: the train, evaluate and export commands."""

PERSONA_MAKER = ("game/worldgen/people.py", ("agents.training.towns", "agents.training.vocab"))
"""new-world reuses the corpus's persona maker (plain data and random draws, no torch), and only that."""


def _imports(tree: ast.Module, module: str) -> list[tuple[str, bool]]:
    """Every module ``tree`` imports, with whether the import runs when the module loads (not inside a function)."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend((alias.name, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = module.split(".")[: -child.level]
                    base = ".".join([*parts, base] if base else parts)
                found.append((base, top))
                found.extend((f"{base}.{alias.name}", top) for alias in child.names)
            visit(child, inner)

    visit(tree, True)
    return found


def _modules(root: Path) -> dict[str, tuple[str, list[tuple[str, bool]]]]:
    """Module name -> (path relative to root, its imports) for every module of game/ and agents/."""
    out = {}
    for package in ("game", "agents"):
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            name = rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            out[name] = (rel, _imports(ast.parse(path.read_text(encoding="utf-8")), name))
    return out


def _under(name: str, *prefixes: str) -> bool:
    """Return whether module ``name`` is one of ``prefixes`` or inside one of them."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(root: Path) -> list[str]:
    """Every import that breaks a layer rule, as 'path: imports X (rule)'."""
    found = []
    for name, (rel, imports) in _modules(root).items():
        for target, _ in imports:
            rule = None
            if _under(name, "agents") and _under(target, "game", "esper", "pygame", "pytmx"):
                rule = "agents never import the world, esper or pygame"
            elif _under(target, "pygame") and not _under(name, "game.view"):
                rule = "only the view imports pygame"
            elif _under(name, "game.view") and _under(target, "game.world.components", "game.world.ecs",
                                                       "game.world.processors"):
                rule = "the view reads snapshots and queues commands, never the entities themselves"
            elif _under(name, "game.world") and _under(target, "game.view", "game.cli"):
                rule = "the world never imports the view or the command line"
            elif _under(name, "game.world") and _under(target, "agents.brains") and target != "agents.brains" \
                    and not target.startswith("agents.brains.load_brain"):
                rule = "the world uses brains through the protocol and the registry, never a concrete brain"
            elif _under(name, "game.net") and _under(target, "game.view", "game.cli"):
                rule = "the town server and its bot run headless: they never import the view or the command line"
            elif _under(name, "game.worldgen") and _under(target, "game.world", "game.view", "game.cli"):
                rule = "the world generator writes files; it never imports the world, the view or the command line"
            elif _under(target, "agents.training") and not _under(name, "agents.training") \
                    and rel not in TRAINING_COMMANDS \
                    and not (rel == PERSONA_MAKER[0] and _under(target, *PERSONA_MAKER[1])):
                rule = "only the train and evaluate commands import agents.training"
            if rule:
                found.append(f"{rel}: imports {target} ({rule})")
    return found


def cycles(root: Path) -> list[list[str]]:
    """Import circles among the project's modules (imports made at load time, TYPE_CHECKING ones included)."""
    modules = _modules(root)
    graph = {name: sorted({t for t, top in imports if top and t in modules and t != name})
             for name, (_, imports) in modules.items()}
    found, state = [], dict.fromkeys(graph, 0)

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state[nxt] == 1 and not _is_package_of(nxt, node):
                found.append([*stack[stack.index(nxt):], nxt])
            elif state[nxt] == 0:
                walk(nxt, [*stack, nxt])
        state[node] = 2

    for start in graph:
        if state[start] == 0:
            walk(start, [start])
    return found


def _is_package_of(package: str, module: str) -> bool:
    """A module importing from its own package's ``__init__`` is not a circle worth reporting."""
    return module.startswith(package + ".")


def test_the_source_keeps_the_layer_rules() -> None:
    assert violations(ROOT) == []


def test_no_module_imports_itself_round_a_circle() -> None:
    assert cycles(ROOT) == []


def test_the_check_fails_on_a_forbidden_import(tmp_path: Path) -> None:
    (tmp_path / "agents" / "brains").mkdir(parents=True)
    (tmp_path / "game" / "world").mkdir(parents=True)
    (tmp_path / "agents" / "talk.py").write_text("def f():\n    import esper\n")
    (tmp_path / "game" / "world" / "town.py").write_text(
        "from game.view.render import Renderer\nfrom agents.brains.scripted import ScriptedBrain\n"
        "from agents.brains import load_brain\n")
    (tmp_path / "game" / "world" / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                                       "    from game.world.b import B\n")
    (tmp_path / "game" / "world" / "b.py").write_text("from game.world import a\n")
    (tmp_path / "game" / "view").mkdir()
    (tmp_path / "game" / "view" / "render.py").write_text("from game.world.components import Position\n")
    (tmp_path / "game" / "report.py").write_text("from agents.training.corpus import write_corpus\nimport pygame\n")
    found = violations(tmp_path)
    assert "agents/talk.py: imports esper (agents never import the world, esper or pygame)" in found
    assert any(f.startswith("game/world/town.py: imports game.view.render ") for f in found)
    assert any(f.startswith("game/world/town.py: imports agents.brains.scripted ") for f in found)
    assert not any("load_brain" in f for f in found)
    assert any(f.startswith("game/report.py: imports agents.training.corpus ") for f in found)
    assert any(f.startswith("game/report.py: imports pygame ") for f in found)
    assert any(f.startswith("game/view/render.py: imports game.world.components ") for f in found)
    assert cycles(tmp_path) == [["game.world.a", "game.world.b", "game.world.a"]]


def test_a_headless_run_loads_neither_pygame_nor_torch() -> None:
    script = ("import sys\nfrom game.world.simulation import Simulation\n"
              "with Simulation('oakvale', seed=1) as sim:\n    sim.step(30)\n"
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'pygame', 'torch', 'transformers', 'esper'}))")
    out = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
