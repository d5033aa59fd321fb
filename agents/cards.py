"""Character cards (the community's V2/V3 format, JSON or PNG): read, convert to a persona file, and back.

Fields with no place in a persona are kept verbatim in its [preserved] table, and the original text of
fields that convert with loss (a long description, a personality made into traits) is kept there too,
so that export gives back the card that was imported.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

from agents.errors import ContentError
from agents.persona import Persona

SPECS = {"chara_card_v2": "2.0", "chara_card_v3": "3.0"}
"""Card specs we read, with their version."""

TEXT_FIELDS = ("name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes",
               "system_prompt", "post_history_instructions", "creator", "character_version", "nickname")
"""String fields of a card's data."""

MAX_FIELD = 50_000
"""A card field longer than this is refused (cards in the wild stay far below it)."""

_PNG = b"\x89PNG\r\n\x1a\n"


def read_card(path: Path) -> dict[str, Any]:
    """Read a V2/V3 card from JSON or from a PNG's 'chara'/'ccv3' text chunk; return its ``data``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(path, None, f"cannot read card: {exc.strerror or exc}") from exc
    card = _from_png(path, raw) if raw.startswith(_PNG) else _json(path, raw, "card")
    if not isinstance(card, dict):
        raise ContentError(path, None, "a card must be a JSON object")
    spec = card.get("spec")
    if spec not in SPECS:
        raise ContentError(path, "spec", f"unsupported card spec {spec!r} (expected chara_card_v2 or chara_card_v3)")
    data = card.get("data")
    if not isinstance(data, dict):
        raise ContentError(path, "data", "a V2/V3 card keeps its fields in a 'data' object")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ContentError(path, "data.name", "a card needs a non-empty name")
    for key in TEXT_FIELDS:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise ContentError(path, f"data.{key}", f"expected text, got {type(value).__name__}")
        if len(value) > MAX_FIELD:
            raise ContentError(path, f"data.{key}", f"is {len(value):,} characters long (at most {MAX_FIELD:,})")
    return data | {"_spec": spec}


def _json(path: Path, raw: bytes, what: str) -> Any:
    """Parse JSON, naming the file on failure."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ContentError(path, None, f"{what} is not valid JSON ({exc})") from exc


def _from_png(path: Path, raw: bytes) -> Any:
    """Find the card text chunk (ccv3 preferred, then chara) in a PNG and decode it."""
    chunks: dict[str, bytes] = {}
    position = len(_PNG)
    while position + 8 <= len(raw):
        length, kind = struct.unpack(">I4s", raw[position:position + 8])
        body = raw[position + 8:position + 8 + length]
        if kind in (b"tEXt", b"iTXt", b"zTXt"):
            keyword, _, value = body.partition(b"\x00")
            if kind == b"zTXt":
                value = zlib.decompress(value[1:])
            elif kind == b"iTXt":
                value = value[2:].split(b"\x00", 2)[-1]
            chunks[keyword.decode("latin-1")] = value
        position += 12 + length
    payload = chunks.get("ccv3") or chunks.get("chara")
    if payload is None:
        raise ContentError(path, None, "this PNG has no character card (no 'chara' or 'ccv3' text chunk)")
    try:
        decoded = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ContentError(path, "chara", f"the card chunk is not valid base64 ({exc})") from exc
    return _json(path, decoded, "the card chunk")


def write_png_card(path: Path, card: dict[str, Any], keyword: str = "chara") -> None:
    """Write a small PNG carrying ``card`` in a text chunk ('chara' for V2, 'ccv3' for V3) on a 1x1 image."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        """One PNG chunk: length, type, body, CRC."""
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xc8\xa0\x78\xff")
    text = keyword.encode("latin-1") + b"\x00" + base64.b64encode(json.dumps(card, ensure_ascii=False).encode())
    body = chunk(b"IHDR", header) + chunk(b"tEXt", text) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    path.write_bytes(_PNG + body)


def _ours(text: str) -> str:
    """Card placeholders to ours, with other braces escaped for our format strings."""
    text = text.replace("{", "{{").replace("}", "}}")
    return text.replace("{{{{user}}}}", "{partner}").replace("{{{{char}}}}", "{name}")


def _theirs(text: str) -> str:
    """Our placeholders back to the card's."""
    return text.replace("{partner}", "{{user}}").replace("{name}", "{{char}}").replace("{{", "{").replace("}}", "}")


def _sentences(text: str, limit: int) -> str:
    """The opening sentences of ``text`` that fit ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[:end + 1] if end > 40 else cut.rsplit(" ", 1)[0]


def card_to_toml(data: dict[str, Any], home: str, places: list[str]) -> str:
    """Write a persona file for a card: mapped fields, a default routine at ``home``, the rest preserved."""
    name = " ".join(data["name"].split())[:60]
    personality = data.get("personality", "")
    traits = [t.strip()[:60] for t in re.split(r"[,;\n]", personality) if t.strip()][:12] or ["curious"]
    examples = [m.group(1).strip() for m in re.finditer(r"\{\{char\}\}:\s*(.+)", data.get("mes_example", ""))]
    greetings = [g for g in [data.get("first_mes", ""), *data.get("alternate_greetings", [])] if isinstance(g, str)
                 and g.strip()]
    leisure: list[str] = [p for p in ("park", "cafe", "pub", "library", "market") if p in places] or [home]
    preserved = {f"card.{k}": (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                 for k, v in sorted(data.items()) if k != "name"}
    lines = [
        f"# {name}: imported from a character card ({data['_spec']}).",
        f"name = {_q(name)}", "age = 30", 'occupation = "resident"', f"traits = {_list(traits)}",
        f"background = {_q(_sentences(data.get('description', '') or name, 1200))}",
        f"speech_style = {_q(_sentences(personality or 'in character', 300))}", f"home = {_q(home)}",
        f"topics = {_list([t[:120] for t in data.get('tags', []) if isinstance(t, str)][:6] or ['the town'])}",
        "", "[speech]",
        f"greetings = {_list([_ours(_sentences(g, 200)) for g in greetings[:5]] or ['Hello, {partner}.'])}",
        f"smalltalk = {_list([_ours(_sentences(e, 300)) for e in examples[:8]] or ['How are you, {partner}?'])}",
        'farewells = ["Goodbye, {partner}."]', "",
        "[[routine]]", 'at = "07:00"', 'kind = "meal"', 'activity = "having breakfast"', 'place = "home"', "",
        "[[routine]]", 'at = "09:00"', 'kind = "leisure"', 'activity = "wandering about town"',
        f"places = {_list(leisure)}", "",
        "[[routine]]", 'at = "18:30"', 'kind = "meal"', 'activity = "having supper"', 'place = "home"', "",
        "[[routine]]", 'at = "22:00"', 'kind = "sleep"', 'activity = "sleeping"', 'place = "home"', "",
        "# Everything the card says that has no field of ours, and the original text of converted fields,",
        "# kept verbatim so that `npcworld persona export` gives the same card back.",
        "[preserved]", *(f"{_q(k)} = {_q(v)}" for k, v in preserved.items()),
    ]
    return "\n".join(lines) + "\n"


def persona_to_card(persona: Persona) -> dict[str, Any]:
    """A V2 card for a persona: preserved card fields come back verbatim, the rest from our fields."""
    kept = {k.removeprefix("card."): v for k, v in persona.preserved.items() if k.startswith("card.")}
    data: dict[str, Any] = {
        "name": persona.name, "description": persona.background, "personality": ", ".join(persona.traits),
        "scenario": "", "first_mes": _theirs(persona.speech.greetings[0]) if persona.speech.greetings else "",
        "mes_example": "\n".join(f"<START>\n{{{{char}}}}: {_theirs(line)}" for line in persona.speech.smalltalk),
        "creator_notes": "", "system_prompt": "", "post_history_instructions": "",
        "alternate_greetings": [_theirs(g) for g in persona.speech.greetings[1:]], "tags": list(persona.topics),
        "creator": "", "character_version": "",
        "extensions": {"npcworld": {"id": persona.id, "age": persona.age, "occupation": persona.occupation,
                                    "home": persona.home, "workplace": persona.workplace}},
    }
    for key, value in kept.items():
        if key == "_spec":
            continue
        data[key] = value if key in TEXT_FIELDS else _decoded(value)
    return {"spec": "chara_card_v2", "spec_version": "2.0", "data": data}


def _decoded(value: str) -> Any:
    """A preserved non-text card field, back from JSON."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def _q(text: str) -> str:
    """A TOML basic string."""
    return json.dumps(text, ensure_ascii=False)


def _list(items: list[str]) -> str:
    """A TOML array of strings."""
    return "[" + ", ".join(_q(i) for i in items) + "]"
