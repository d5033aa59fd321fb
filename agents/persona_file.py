"""Reading persona files: strict TOML with errors that name the file, the line and the field."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path
from types import EllipsisType
from typing import TypeVar

from agents.errors import ContentError, ContentErrorList
from agents.persona import (
    SPEECH_PLACEHOLDERS,
    Persona,
    Relationship,
    SpeechBook,
)
from agents.routine_file import PLACE_CHARS, read_routine, weekdays
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

TEXT_LIMITS = {"name": 60, "occupation": 60, "background": 1200, "speech_style": 300, "home": PLACE_CHARS,
               "workplace": PLACE_CHARS, "traits": 60, "topics": 120, "goals": 200, "greetings": 200,
               "smalltalk": 300, "farewells": 200, "note": 300, "memories": 400}
"""Most characters each text field (or each entry of a list of texts) may have; the JSON Schema uses the same."""


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
    workplace = found.get(lambda: _line(root, "workplace") if "workplace" in root.data else None, None)
    no_days: set[int] = set()
    work_days = found.get(lambda: weekdays(root, "work_days", root.strings("work_days", (), max_len=7)), no_days)
    if work_days and workplace is None:
        found.errors.append(root.error("work_days", "work days are given but there is no 'workplace'"))
    persona = Persona(
        id=persona_id,
        name=found.get(lambda: _line(root, "name"), persona_id),
        age=found.get(lambda: _age(root), 0),
        occupation=found.get(lambda: _line(root, "occupation"), ""),
        traits=found.get(lambda: _texts(root, "traits", min_len=1, max_len=12), ()),
        background=found.get(lambda: _bounded(root, "background"), ""),
        speech_style=found.get(lambda: _bounded(root, "speech_style"), ""),
        home=found.get(lambda: _line(root, "home"), ""),
        workplace=workplace,
        work_days=frozenset(work_days),
        sociability=found.get(lambda: root.number("sociability", 0.0, 1.0, 0.5), 0.5),
        topics=found.get(lambda: _texts(root, "topics", min_len=1, max_len=12), ()),
        goals=found.get(lambda: _texts(root, "goals", (), max_len=8), ()),
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
        seeds.append((_bounded(table, "text", TEXT_LIMITS["memories"]), importance))
    return tuple(seeds)


def _preserved(table: Table) -> dict[str, str]:
    """Read [preserved]: strings kept from an imported character card."""
    return {key: table.get(key, str, empty_ok=True) for key in sorted(table.data)}


def _bounded(table: Table, key: str, limit: int | None = None) -> str:
    """Return a required text field within its length limit (``TEXT_LIMITS`` unless given), stripped."""
    value: str = table.text(key, limit or TEXT_LIMITS[key])
    return value.strip()


def _line(table: Table, key: str) -> str:
    """Return a required one-line text field within its length limit (``TEXT_LIMITS``), stripped."""
    value: str = table.text(key, TEXT_LIMITS[key], single_line=True)
    return value.strip()


def _texts(table: Table, key: str, default: tuple[str, ...] | EllipsisType = ..., *, min_len: int = 0,
           max_len: int = 64) -> tuple[str, ...]:
    """Return a list of one-line texts, each within the field's length limit (``TEXT_LIMITS``)."""
    return table.strings(key, default, min_len=min_len, max_len=max_len, max_chars=TEXT_LIMITS[key])


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
        greetings=_texts(table, "greetings", min_len=1, max_len=20),
        smalltalk=_texts(table, "smalltalk", min_len=1, max_len=40),
        farewells=_texts(table, "farewells", min_len=1, max_len=20),
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
        note = entry.text("note", TEXT_LIMITS["note"], "", empty_ok=True)
        result[other] = Relationship(entry.number("closeness", -1.0, 1.0), note)
    return result


def _retrieval(table: Table) -> dict[str, float]:
    """Read the optional [retrieval] table of weight overrides."""
    keys = ("recency", "importance", "relevance")
    table.check_keys(keys)
    return {key: table.number(key, 0.0, 100.0) for key in keys if key in table.data}
