"""Mutated persona files: the validator reports each problem without a traceback, and never stops at one file."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli.persona import validate_paths
from game.world.loader import WORLDS_DIR

SOURCE = WORLDS_DIR / "oakvale"


def mutate(text: str, kind: str, where: int, junk: str) -> str:
    lines = text.splitlines()
    index = where % len(lines)
    match kind:
        case "delete":
            del lines[index]
        case "wrong_type":
            key = lines[index].split("=")[0].strip() if "=" in lines[index] else "age"
            lines[index] = f"{key} = {['1', 'true', '[1, 2]', '{ a = 1 }', '3.5'][where % 5]}"
        case "huge":
            lines.insert(index, f'background = "{"x" * 200_000}"')
        case "unicode":
            lines[index] = lines[index] + " " + junk
        case "garbage":
            lines.insert(index, junk)
        case "missing_place":
            return text.replace('home = "home_mara"', 'home = "nowhere"')
        case "missing_resident":
            return text.replace("leo = {", "nobody = {")
        case "duplicate_name":
            return text.replace('name = "Mara Quinn"', 'name = "Leo Quinn"')
    return "\n".join(lines)


KINDS = ["delete", "wrong_type", "huge", "unicode", "garbage", "missing_place", "missing_resident", "duplicate_name"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KINDS), st.integers(0, 10_000), st.text(min_size=1, max_size=40))
def test_mutations_are_reported_never_raised(kind: str, where: int, junk: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "oakvale"
        shutil.copytree(SOURCE, world)
        target = world / "personas" / "mara.toml"
        original = target.read_text()
        mutated = mutate(original, kind, where, junk)
        target.write_text(mutated, encoding="utf-8", errors="surrogatepass")
        checked, problems = validate_paths([world])
        assert checked == 12, "every file is still checked"
        for problem in problems:
            text = str(problem)
            assert "Traceback" not in text and problem.path.name
            assert problem.path.name == "mara.toml" or kind == "duplicate_name" or "map.tmx" in text
        if kind in ("huge", "missing_place", "missing_resident", "duplicate_name"):
            assert problems, f"{kind} must be reported"
