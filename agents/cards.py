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

from agents.errors import MAX_NESTING, ContentError, bad_text, read_limited, too_deep
from agents.persona import Persona
from agents.tomlfile import brief

SPECS = {"chara_card_v2": "2.0", "chara_card_v3": "3.0"}
"""Card specs we read, with their version."""

TEXT_FIELDS = ("name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes",
               "system_prompt", "post_history_instructions", "creator", "character_version", "nickname")
"""String fields of a card's data."""

MAX_FIELD = 50_000
"""A card field longer than this is refused (cards in the wild stay far below it)."""

MAX_CARD_BYTES = 16 * 1024 * 1024
"""A card file larger than this is refused before it is read (card PNGs in the wild are a few MB at most)."""

MAX_CARD_SIDE = 8192
"""A card PNG wider or taller than this many pixels is refused."""

_PNG = b"\x89PNG\r\n\x1a\n"


def read_card(path: Path) -> dict[str, Any]:
    """Read a V2/V3 card from JSON or from a PNG's 'chara'/'ccv3' text chunk; return its ``data``."""
    raw = read_limited(path, MAX_CARD_BYTES, "card")
    card = _from_png(path, raw) if raw.startswith(_PNG) else _json(path, raw, "card")
    if not isinstance(card, dict):
        raise ContentError(path, None, "a card must be a JSON object")
    spec = card.get("spec")
    if not isinstance(spec, str) or spec not in SPECS:
        raise ContentError(path, "spec", f"unsupported card spec {brief(spec)} (expected chara_card_v2 or "
                           "chara_card_v3)")
    data = card.get("data")
    if not isinstance(data, dict):
        raise ContentError(path, "data", "a V2/V3 card keeps its fields in a 'data' object")
    _check_text(path, data)
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ContentError(path, "data.name", "a card needs a non-empty name")
    for key in TEXT_FIELDS:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise ContentError(path, f"data.{key}", f"expected text, got {type(value).__name__}")
        if len(value) > MAX_FIELD:
            raise ContentError(path, f"data.{key}", f"is {len(value):,} characters long (at most {MAX_FIELD:,})")
    greetings = data.get("alternate_greetings", [])
    if not isinstance(greetings, list) or any(isinstance(g, str) and len(g) > MAX_FIELD for g in greetings):
        raise ContentError(path, "data.alternate_greetings", f"expected a list of texts of at most {MAX_FIELD:,} "
                           "characters each")
    return data | {"_spec": spec}


def _check_text(path: Path, data: dict[str, Any]) -> None:
    """Refuse control characters, lone surrogates and overlong keys anywhere in a card's data."""
    bad = bad_text(data, "data")
    if bad is not None:
        raise ContentError(path, bad[0], bad[1])


def _json(path: Path, raw: bytes, what: str) -> Any:
    """Parse JSON, naming the file on failure; refuse nesting deeper than ``MAX_NESTING``."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ContentError(path, None, f"{what} is not valid JSON ({exc})") from exc
    except RecursionError as exc:
        raise ContentError(path, None, f"{what} is nested too deeply (at most {MAX_NESTING} levels)") from exc
    if too_deep(value):
        raise ContentError(path, None, f"{what} is nested too deeply (at most {MAX_NESTING} levels)")
    return value


def _from_png(path: Path, raw: bytes) -> Any:
    """Find the card text chunk (ccv3 preferred, then chara) in a PNG and decode it (the image itself is not)."""
    chunks: dict[str, bytes] = {}
    position = len(_PNG)
    while position + 8 <= len(raw):
        length, kind = struct.unpack(">I4s", raw[position:position + 8])
        body = raw[position + 8:position + 8 + length]
        if kind == b"IHDR" and len(body) >= 8:
            width, height = struct.unpack(">II", body[:8])
            if width > MAX_CARD_SIDE or height > MAX_CARD_SIDE:
                raise ContentError(path, "IHDR", f"the image is {width:,} x {height:,} pixels "
                                   f"(at most {MAX_CARD_SIDE:,} a side)")
        if kind in (b"tEXt", b"iTXt", b"zTXt"):
            keyword, _, value = body.partition(b"\x00")
            if kind == b"zTXt":
                value = _inflate(path, value[1:])
            elif kind == b"iTXt":
                flag, text = value[:1], value[2:].split(b"\x00", 2)[-1]
                value = _inflate(path, text) if flag == b"\x01" else text
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


def _inflate(path: Path, data: bytes) -> bytes:
    """Decompress a compressed PNG text chunk, refusing one that unpacks to more than ``MAX_CARD_BYTES``."""
    try:
        unpacker = zlib.decompressobj()
        text = unpacker.decompress(data, MAX_CARD_BYTES + 1)
    except zlib.error as exc:
        raise ContentError(path, "chara", f"a compressed text chunk cannot be unpacked ({exc})") from exc
    if len(text) > MAX_CARD_BYTES:
        raise ContentError(path, "chara", f"a compressed text chunk unpacks to more than {MAX_CARD_BYTES:,} bytes")
    return text


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
    swap = {"{{": "{", "}}": "}", "{partner}": "{{user}}", "{name}": "{{char}}"}
    return re.sub(r"\{\{|\}\}|\{partner\}|\{name\}", lambda m: swap[m.group(0)], text)


def _sentences(text: str, limit: int) -> str:
    """The opening sentences of ``text`` that fit ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[:end + 1] if end > 40 else cut.rsplit(" ", 1)[0]


_AGE_AS = re.compile(r"\b(\d{1,3})[- ]years?[- ]old\s+((?:[a-z]+[- ]?){1,4}?)(?=\s*(?:[,.;:!?)]|\bwho\b|\bfrom\b|"
                     r"\bin\b|\bat\b|\bwith\b|\band\b|$))", re.I)
_LABEL = re.compile(r"^\s*(age|occupation|job|profession)\s*[:=]\s*(.+?)\s*$", re.I | re.M)
_AGED = re.compile(r"\b(?:aged|age)\s+(\d{1,3})\b", re.I)


def card_facts(data: dict[str, Any]) -> dict[str, Any]:
    """Age and occupation where a card states them: our own extension, labelled lines, or "a 52-year-old captain".

    Looked for in the extensions first, then in the description, personality, scenario and creator notes;
    what is not stated is left out (the persona then gets the defaults).
    """
    facts: dict[str, Any] = {}
    extensions = data.get("extensions")
    ours = extensions.get("npcworld") if isinstance(extensions, dict) else None
    if isinstance(ours, dict):
        facts |= {k: ours[k] for k in ("age", "occupation") if isinstance(ours.get(k), int | str)}
    texts = [data.get(k, "") for k in ("description", "personality", "scenario", "creator_notes")]
    for text in (t for t in texts if isinstance(t, str)):
        for label, value in _LABEL.findall(text):
            key = "age" if label.lower() == "age" else "occupation"
            facts.setdefault(key, value)
        phrase = _AGE_AS.search(text)
        if phrase:
            facts.setdefault("age", phrase.group(1))
            facts.setdefault("occupation", phrase.group(2).strip(" -"))
        aged = _AGED.search(text)
        if aged:
            facts.setdefault("age", aged.group(1))
    age = str(facts.get("age", "")).strip()
    out: dict[str, Any] = {}
    if age.isdigit() and 1 <= int(age) <= 120:
        out["age"] = int(age)
    occupation = " ".join(str(facts.get("occupation", "")).split())[:60].strip(" .")
    if occupation:
        out["occupation"] = occupation.lower() if occupation[1:].islower() else occupation
    return out


def _plain(text: str, name: str) -> str:
    """A card's text for our prompts: its {{char}} is the character's name, {{user}} whoever they talk with."""
    named = re.sub(r"\{\{\s*char\s*\}\}", name, text, flags=re.I)
    return re.sub(r"\{\{\s*user\s*\}\}", "the newcomer", named, flags=re.I)


def card_to_toml(data: dict[str, Any], home: str, places: list[str]) -> str:
    """Write a persona file for a card: mapped fields, a default routine at ``home``, the rest preserved.

    The card's description becomes the background (what every conversation prompt says of the resident), its
    stated age and occupation become ours; its tags are kept, not made small-talk topics (tags sort cards,
    they are not things the character talks about). What was made of each converted field is kept too, so
    that export knows which fields were edited since.
    """
    name = " ".join(data["name"].split())[:60]
    personality = data.get("personality", "")
    facts = card_facts(data)
    age, occupation = facts.get("age", 30), facts.get("occupation", "resident")
    traits = [t.strip()[:60] for t in re.split(r"[,;\n]", personality) if t.strip()][:12] or ["curious"]
    examples = [m.group(1).strip() for m in re.finditer(r"\{\{char\}\}:\s*(.+)", data.get("mes_example", ""))]
    greetings = [g for g in [data.get("first_mes", ""), *data.get("alternate_greetings", [])] if isinstance(g, str)
                 and g.strip()]
    leisure: list[str] = [p for p in ("park", "cafe", "pub", "library", "market") if p in places] or [home]
    background = _sentences(_plain(data.get("description", "") or name, name), 1200)
    greeted = [_ours(_sentences(g, 200)) for g in greetings[:5]] or ["Hello, {partner}."]
    chatted = [_ours(_sentences(e, 300)) for e in examples[:8]] or ["How are you, {partner}?"]
    topics = [occupation, "the town"] if occupation != "resident" else ["the town"]
    made = {"background": background, "traits": traits, "greetings": greeted, "smalltalk": chatted,
            "topics": topics}
    preserved = {f"card.{k}": (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                 for k, v in sorted(data.items()) if k != "name"}
    preserved["npcworld.imported"] = json.dumps(made, ensure_ascii=False)
    lines = [
        f"# {name}: imported from a character card ({data['_spec']}).",
        f"name = {_q(name)}", f"age = {age}", f"occupation = {_q(occupation)}", f"traits = {_list(traits)}",
        f"background = {_q(background)}",
        f"speech_style = {_q(_sentences(personality or 'in character', 300))}", f"home = {_q(home)}",
        f"topics = {_list(topics)}",
        "", "[speech]", f"greetings = {_list(greeted)}", f"smalltalk = {_list(chatted)}",
        'farewells = ["Goodbye, {partner}."]', "",
        "[[routine]]", 'at = "07:00"', 'kind = "meal"', 'activity = "having breakfast"', 'place = "home"', "",
        "[[routine]]", 'at = "09:00"', 'kind = "leisure"', 'activity = "wandering about town"',
        f"places = {_list(leisure)}", "",
        "[[routine]]", 'at = "18:30"', 'kind = "meal"', 'activity = "having supper"', 'place = "home"', "",
        "[[routine]]", 'at = "22:00"', 'kind = "sleep"', 'activity = "sleeping"', 'place = "home"', "",
        "# Everything the card says that has no field of ours, the original text of converted fields, and what",
        "# they were converted to, kept so that `npcworld persona export` gives back the card with your edits.",
        "[preserved]", *(f"{_q(k)} = {_q(v)}" for k, v in preserved.items()),
    ]
    return "\n".join(lines) + "\n"


def persona_to_card(persona: Persona) -> dict[str, Any]:
    """A card for a persona as it is now, in the spec it was imported from (V2 for one written here).

    A converted field that was not edited since import comes back as the card's original text; an edited one
    (background, traits, greetings, small talk, topics) is written from the persona. Age, occupation, home and
    workplace always go in the card's ``extensions.npcworld``, next to the card's own extensions.
    """
    kept = {k.removeprefix("card."): v for k, v in persona.preserved.items() if k.startswith("card.")}
    made = _decoded(persona.preserved.get("npcworld.imported", "{}"))
    made = made if isinstance(made, dict) else {}
    speech = persona.speech
    now = {"background": persona.background, "traits": list(persona.traits), "greetings": list(speech.greetings),
           "smalltalk": list(speech.smalltalk), "topics": list(persona.topics)}
    edited = {key for key, value in now.items() if made.get(key) != value} if made else set()  # older imports
    data: dict[str, Any] = {
        "name": persona.name, "description": persona.background, "personality": ", ".join(persona.traits),
        "scenario": "", "first_mes": _theirs(speech.greetings[0]) if speech.greetings else "",
        "mes_example": "\n".join(f"<START>\n{{{{char}}}}: {_theirs(line)}" for line in speech.smalltalk),
        "creator_notes": "", "system_prompt": "", "post_history_instructions": "",
        "alternate_greetings": [_theirs(g) for g in speech.greetings[1:]], "tags": list(persona.topics),
        "creator": "", "character_version": "", "extensions": {},
    }
    from_persona = {"description": "background", "personality": "traits", "first_mes": "greetings",
                    "alternate_greetings": "greetings", "mes_example": "smalltalk", "tags": "topics"}
    for key, value in kept.items():
        if key == "_spec" or from_persona.get(key) in edited:
            continue
        data[key] = value if key in TEXT_FIELDS else _decoded(value)
    extensions = data["extensions"] if isinstance(data["extensions"], dict) else {}
    data["extensions"] = extensions | {"npcworld": {"id": persona.id, "age": persona.age,
                                                    "occupation": persona.occupation, "home": persona.home,
                                                    "workplace": persona.workplace}}
    spec = kept.get("_spec", "chara_card_v2")
    spec = spec if spec in SPECS else "chara_card_v2"
    return {"spec": spec, "spec_version": SPECS[spec], "data": data}


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
