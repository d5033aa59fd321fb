"""Reading persona files: strict TOML with errors that name the file, the line and the field."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from agents.errors import ContentError, ContentErrorList
from agents.persona import (
    SPEECH_PLACEHOLDERS,
    Persona,
    Relationship,
    SpeechBook,
)
from agents.routine_file import read_routine, weekdays
from agents.tomlfile import Table, TomlDoc

T = TypeVar("T")

PERSONA_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
"""What a persona id (its file name) may look like."""
_PERSONA_KEYS = ("name", "age", "occupation", "traits", "background", "speech_style", "home", "workplace",
                 "work_days", "sociability", "topics", "goals", "speech", "relationships", "routine", "retrieval",
                 "needs", "memories", "preserved")
"""Every top-level key a persona file may have (docs/personas.md explains each; the JSON Schema lists them)."""

NEED_KEYS = ("energy", "hunger", "social", "fun")
"""Keys of the [needs] table."""

SPEECH_KEYS = ("greetings", "smalltalk", "farewells")
"""Keys of the [speech] table."""



class _Collector:
    """Runs field readers, keeping every ContentError instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []

    def get(self, read: Callable[[], T], default: T) -> T:
        """Return ``read()``, or ``default`` after noting its error."""
        try:
            return read()
        except ContentError as exc:
            self.errors.extend(exc.errors if isinstance(exc, ContentErrorList) else [exc])
            return default


def load_persona(path: Path) -> Persona:
    """Read and validate one persona file; the id is the file name without ``.toml``.

    Every problem in the file is reported (ContentErrorList lists them; it reads like the first one).
    """
    persona_id = path.stem
    if not PERSONA_ID.match(persona_id):
        raise ContentError(path, None, "file name must be a lowercase id (letters, digits, _), "
                           f"e.g. 'mara.toml'; got '{path.name}'")
    root = TomlDoc(path).root()
    found = _Collector()
    for key in root.data:
        if key not in _PERSONA_KEYS:
            found.get(lambda: root.check_keys(_PERSONA_KEYS), None)
            break
    workplace = found.get(lambda: root.get("workplace", str, None), None)
    no_days: set[int] = set()
    work_days = found.get(lambda: weekdays(root, "work_days", root.strings("work_days", (), max_len=7)), no_days)
    if work_days and workplace is None:
        found.errors.append(root.error("work_days", "work days are given but there is no 'workplace'"))
    persona = Persona(
        id=persona_id,
        name=found.get(lambda: _bounded(root, "name", 60), persona_id),
        age=found.get(lambda: _age(root), 0),
        occupation=found.get(lambda: _bounded(root, "occupation", 60), ""),
        traits=found.get(lambda: root.strings("traits", min_len=1, max_len=12, max_chars=60), ()),
        background=found.get(lambda: _bounded(root, "background", 1200), ""),
        speech_style=found.get(lambda: _bounded(root, "speech_style", 300), ""),
        home=found.get(lambda: root.get("home", str), ""),
        workplace=workplace,
        work_days=frozenset(work_days),
        sociability=found.get(lambda: root.number("sociability", 0.0, 1.0, 0.5), 0.5),
        topics=found.get(lambda: root.strings("topics", min_len=1, max_len=12, max_chars=120), ()),
        goals=found.get(lambda: root.strings("goals", (), max_len=8, max_chars=200), ()),
        speech=found.get(lambda: _speech(root.table("speech", required=True)), SpeechBook((), (), ())),
        relationships=found.get(lambda: _relationships(root.table("relationships"), persona_id), {}),
        routine=found.get(lambda: read_routine(root, frozenset(work_days), workplace), ()),
        retrieval=found.get(lambda: _retrieval(root.table("retrieval")), {}),
        needs=found.get(lambda: _needs(root.table("needs")), {}),
        memories=found.get(lambda: _memories(root), ()),
        preserved=found.get(lambda: _preserved(root.table("preserved")), {}),
        source=path,
    )
    if found.errors:
        raise found.errors[0] if len(found.errors) == 1 else ContentErrorList(found.errors)
    return persona


def _needs(table: Table) -> dict[str, float]:
    """Read [needs]: how fast each need runs down compared with most people (0.2 to 5)."""
    table.check_keys(NEED_KEYS)
    return {key: table.number(key, 0.2, 5.0) for key in NEED_KEYS if key in table.data}


def _memories(root: Table) -> tuple[tuple[str, int | None], ...]:
    """Read [[memories]]: text and an optional importance (1-10)."""
    seeds = []
    for table in root.tables("memories"):
        table.check_keys(("text", "importance"))
        importance = table.get("importance", int, None)
        if importance is not None and not 1 <= importance <= 10:
            raise table.error("importance", f"must be between 1 and 10, got {importance}")
        seeds.append((_bounded(table, "text", 400), importance))
    return tuple(seeds)


def _preserved(table: Table) -> dict[str, str]:
    """Read [preserved]: strings kept from an imported character card."""
    return {key: table.get(key, str, empty_ok=True) for key in sorted(table.data)}


def _bounded(table: Table, key: str, limit: int) -> str:
    """Return a required string field no longer than ``limit`` characters."""
    value: str = table.get(key, str)
    if len(value) > limit:
        raise table.error(key, f"is {len(value)} characters long (at most {limit})")
    return value.strip()


def _age(root: Table) -> int:
    """Return the persona's age, which must be a plausible whole number of years."""
    age: int = root.get("age", int)
    if not 0 <= age <= 130:
        raise root.error("age", f"must be between 0 and 130, got {age}")
    return age


def _speech(table: Table) -> SpeechBook:
    """Read the [speech] table and check every line's placeholders."""
    table.check_keys(SPEECH_KEYS)
    book = SpeechBook(
        greetings=table.strings("greetings", min_len=1, max_len=20, max_chars=200),
        smalltalk=table.strings("smalltalk", min_len=1, max_len=40, max_chars=300),
        farewells=table.strings("farewells", min_len=1, max_len=20, max_chars=200),
    )
    for key in ("greetings", "smalltalk", "farewells"):
        for line in getattr(book, key):
            _check_placeholders(table, key, line)
    return book


def _check_placeholders(table: Table, key: str, line: str) -> None:
    """Reject a speech line with a placeholder other than the known ones, or broken braces."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(line) if name is not None]
    except ValueError as exc:
        raise table.error(key, f"bad braces in line {line!r}: {exc}") from exc
    for name in names:
        if name not in SPEECH_PLACEHOLDERS:
            allowed = ", ".join("{" + n + "}" for n in sorted(SPEECH_PLACEHOLDERS))
            raise table.error(key, f"unknown placeholder {{{name}}} in {line!r} (allowed: {allowed})")


def _relationships(table: Table, own_id: str) -> dict[str, Relationship]:
    """Read the [relationships] table: other resident ids mapped to closeness and a note."""
    result = {}
    for other in sorted(table.data):
        entry = table.table(other, required=True)
        entry.check_keys(("closeness", "note"))
        if other == own_id:
            raise table.error(other, "a persona cannot have a relationship with itself")
        result[other] = Relationship(entry.number("closeness", -1.0, 1.0), entry.get("note", str, ""))
    return result


def _retrieval(table: Table) -> dict[str, float]:
    """Read the optional [retrieval] table of weight overrides."""
    keys = ("recency", "importance", "relevance")
    table.check_keys(keys)
    return {key: table.number(key, 0.0, 100.0) for key in keys if key in table.data}
