"""Model text made safe to read: JSON that cannot blow the stack, and text with no control or bidi characters.

Every parser of a brain's reply decodes JSON through ``loads_reply`` and cleans any text that becomes world state
(an activity, a line said, a plan block, an insight) with ``clean_text``, so no reply can end a run or smuggle
terminal escapes, NULs, right-to-left overrides or lone surrogates into the event log and other residents' prompts.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_REPLY = 100_000
"""Longest reply, in characters, that a parser reads; anything longer is treated as unusable."""

_SURROGATE = re.compile("[\ud800-\udfff]")


class UnreadableReplyError(ValueError):
    """A reply too long, or JSON nested too deep, to be read at all (not merely malformed)."""


def read_json(text: str) -> Any:
    """Decode JSON from model text; raise ValueError (never anything else) when it is not JSON one can use.

    Besides malformed JSON, that is text longer than ``MAX_REPLY`` and JSON nested too deep to decode (which
    ``json.loads`` answers with RecursionError): those raise ``UnreadableReplyError``, a ValueError.
    """
    if len(text) > MAX_REPLY:
        raise UnreadableReplyError(f"reply longer than {MAX_REPLY} characters")
    try:
        return json.loads(text)
    except RecursionError:
        raise UnreadableReplyError("JSON nested too deep") from None


def loads_reply(text: str) -> Any | None:
    """Decode JSON from model text; None when it is not JSON, absurdly long, or nested too deep to decode."""
    try:
        return read_json(text)
    except ValueError:
        return None


def clean_text(text: str) -> str:
    """``text`` with every unprintable character made a space (controls, bidi marks, lone surrogates), collapsed.

    Printable text comes back unchanged, so cleaning is free for well-behaved replies.
    """
    if text.isprintable():
        return text
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (which UTF-8 cannot encode)."""
    return _SURROGATE.search(text) is not None


def dumps_line(record: Any, **options: Any) -> str:
    """``json.dumps(record, ensure_ascii=False, ...)``, escaped to ASCII when it holds a lone surrogate.

    The escaped line reads back to the same record, and is valid UTF-8 where the raw one could not be written.
    """
    line = json.dumps(record, ensure_ascii=False, **options)
    return json.dumps(record, ensure_ascii=True, **options) if has_surrogates(line) else line
