"""The persona format as a JSON Schema (docs/persona.schema.json is written from this; a test keeps them in step)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agents.persona import BLOCK_KINDS, WEEKDAYS
from agents.persona_file import TEXT_LIMITS
from agents.routine_file import ACTIVITY_CHARS, PLACE_CHARS

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "persona.schema.json"
"""Where the published schema lives."""

_TEXT = {"type": "string", "minLength": 1}
_LINES = {"type": "array", "items": _TEXT, "minItems": 1}
_WEEKDAY = {"enum": list(WEEKDAYS)}
_TIME = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}


def _text(limit: int) -> dict[str, Any]:
    """A non-empty string of at most ``limit`` characters."""
    return {**_TEXT, "maxLength": limit}


def _lines(key: str, most: int | None = None) -> dict[str, Any]:
    """A list of at least one text, each within the limit of field ``key`` (``TEXT_LIMITS``)."""
    return {**_LINES, "items": _text(TEXT_LIMITS[key]), **({"maxItems": most} if most else {})}


def _closed(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An object with exactly these properties."""
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def persona_schema() -> dict[str, Any]:
    """Build the JSON Schema of a persona file (as parsed from TOML)."""
    place = _text(PLACE_CHARS)
    days = {"oneOf": [{"enum": ["all", "work", "off"]}, {"type": "array", "items": _WEEKDAY, "minItems": 1}]}
    block = _closed({"at": _TIME, "kind": {"enum": list(BLOCK_KINDS)}, "activity": _text(ACTIVITY_CHARS),
                     "place": place, "places": {**_LINES, "items": place}, "days": days}, ["at", "kind"])
    block["oneOf"] = [{"required": ["place"], "not": {"required": ["places"]}},
                      {"required": ["places"], "not": {"required": ["place"]}}]
    relationship = _closed({"closeness": {"type": "number", "minimum": -1, "maximum": 1},
                            "note": {"type": "string", "maxLength": TEXT_LIMITS["note"]}}, ["closeness"])
    weight = {"type": "number", "minimum": 0, "maximum": 100}
    drain = {"type": "number", "minimum": 0.2, "maximum": 5}
    schema = _closed({
        "name": _text(TEXT_LIMITS["name"]), "age": {"type": "integer", "minimum": 0, "maximum": 130},
        "occupation": _text(TEXT_LIMITS["occupation"]), "traits": _lines("traits", 12),
        "background": _text(TEXT_LIMITS["background"]), "speech_style": _text(TEXT_LIMITS["speech_style"]),
        "home": _text(TEXT_LIMITS["home"]), "workplace": _text(TEXT_LIMITS["workplace"]),
        "work_days": {"type": "array", "items": _WEEKDAY, "maxItems": 7},
        "sociability": {"type": "number", "minimum": 0, "maximum": 1}, "topics": _lines("topics", 12),
        "goals": {"type": "array", "items": _text(TEXT_LIMITS["goals"]), "maxItems": 8},
        "speech": _closed({"greetings": _lines("greetings", 20), "smalltalk": _lines("smalltalk", 40),
                           "farewells": _lines("farewells", 20)}, ["greetings", "smalltalk", "farewells"]),
        "relationships": {"type": "object", "additionalProperties": relationship},
        "routine": {"type": "array", "items": block, "minItems": 1},
        "retrieval": _closed({"recency": weight, "importance": weight, "relevance": weight}, []),
        "needs": _closed({"energy": drain, "hunger": drain, "social": drain, "fun": drain}, []),
        "memories": {"type": "array", "items": _closed({"text": _text(TEXT_LIMITS["memories"]), "importance": {
            "type": "integer", "minimum": 1, "maximum": 10}}, ["text"])},
        "preserved": {"type": "object", "additionalProperties": {"type": "string"}},
    }, ["name", "age", "occupation", "traits", "background", "speech_style", "home", "topics", "speech", "routine"])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "npcworld persona",
            "description": "One resident of an npcworld world (worlds/<world>/personas/<id>.toml); "
                           "see docs/personas.md",
            **schema}


def write_schema(path: Path = SCHEMA_PATH) -> None:
    """Write the schema as pretty JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(persona_schema(), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_schema()
