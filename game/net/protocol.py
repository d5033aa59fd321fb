"""The town server's wire format: JSON text frames, the limits a client must keep, and the check of its messages.

A client says ``hello`` first (name, and the token from an earlier ``welcome`` to come back as itself, and
the password when the server has one). Then it may send, each as one JSON object with a "t" field:

- ``move`` {"dx", "dy", "seq"}: one tile (one of dx, dy is -1 or 1, the other 0), at walking pace;
- ``talk`` {"to"}: start a conversation with a resident nearby;
- ``say`` {"text"}: a line in its conversation, or, outside one, aloud to whoever is near;
- ``leave``: end its conversation; ``typing``: it is writing its line (the resident waits);
- ``ping`` {"seq"}: answered by ``pong``.

The server sends ``welcome`` (who you are, your token, the map, everyone near), then per tick ``update``
(the clock, figures near you that changed, ids gone out of view, the last move it applied: "ack"), and
``said`` (a line said near you or to you), ``refused`` (a command the town refused, and why) and ``pong``.
Nothing a client sends names an actor: every command acts for the connection's own avatar.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

VERSION = 1
"""The protocol's version; a hello with another is refused."""

MAX_FRAME = 4096
"""Largest frame a client may send, in bytes (the server closes the connection on a larger one)."""

MAX_HELLO_FIELD = 200
"""Longest name, token or password a hello may carry (the name is then cleaned and cut to 24)."""

STEP_SECONDS, STEP_BURST = 0.1, 3
"""Walking pace: a step every ``STEP_SECONDS`` on average (the window walks a tile every 0.12 s); up to
``STEP_BURST`` steps may arrive together (messages bunch up on the way), no more."""

CHAT_BURST, CHAT_EVERY = 4, 1.5
"""A client may say ``CHAT_BURST`` lines at once, then one more every ``CHAT_EVERY`` seconds."""

MESSAGES_PER_SECOND = 40
"""More messages than this in a second is a flood: the connection is closed."""

STRIKES = 20
"""Refused moves and lines (too fast, too long, into a wall) a client may collect before it is closed."""

VIEW = 24
"""A client sees figures this many tiles or fewer from its avatar (Chebyshev distance)."""

HEARING = 8
"""A client hears lines said this many tiles or fewer from its avatar (and always lines to or from it)."""

RECONNECT_SECONDS = 180.0
"""An avatar whose client went away stays (drawn as away) this long; its name and token bring it back."""

CLOSE_POLICY, CLOSE_UNSUPPORTED, CLOSE_TRY_AGAIN = 1008, 1003, 1013
"""WebSocket close codes: a broken rule, a message the server does not understand, the server is full."""


class ProtocolError(ValueError):
    """A message broke the protocol; its text is the reason the connection is closed with."""

    def __init__(self, reason: str, code: int = CLOSE_POLICY):
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True, slots=True)
class Hello:
    """A client's first message."""

    name: str
    token: str | None
    password: str | None


@dataclass(frozen=True, slots=True)
class Message:
    """A checked message after the hello: its type and fields."""

    type: str
    fields: dict[str, Any]


_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "move": {"dx": int, "dy": int, "seq": int},
    "talk": {"to": str},
    "say": {"text": str},
    "leave": {},
    "typing": {},
    "ping": {"seq": int},
}
"""Each message type after the hello and the type of each of its fields (all required; no others allowed)."""


def decode(frame: str | bytes) -> dict[str, Any]:
    """One frame as a JSON object with a string "t"; ProtocolError when it is anything else."""
    if isinstance(frame, bytes):
        raise ProtocolError("binary frames are not part of the protocol", CLOSE_UNSUPPORTED)
    try:
        data = json.loads(frame)
    except json.JSONDecodeError as error:
        raise ProtocolError(f"not JSON ({error.msg})", CLOSE_UNSUPPORTED) from None
    except ValueError as error:  # e.g. a number too long to read
        raise ProtocolError(f"not JSON ({str(error)[:60]})", CLOSE_UNSUPPORTED) from None
    except RecursionError:
        raise ProtocolError("not a message: nested too deeply", CLOSE_UNSUPPORTED) from None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise ProtocolError('not a message: expected a JSON object with a "t" field', CLOSE_UNSUPPORTED)
    return data


def parse_hello(frame: str | bytes) -> Hello:
    """The hello a connection must open with; ProtocolError (naming the field) when it is not one."""
    data = decode(frame)
    if data["t"] != "hello":
        raise ProtocolError(f'expected "hello" first, got "{data["t"][:20]}"')
    if data.get("v") != VERSION:
        raise ProtocolError(f"protocol version {data.get('v')!r} is not supported (this server speaks {VERSION})")
    name, token, password = data.get("name"), data.get("token"), data.get("password")
    if not isinstance(name, str) or len(name) > MAX_HELLO_FIELD:
        raise ProtocolError(f'hello: "name" must be a string of at most {MAX_HELLO_FIELD} characters')
    for field, value in (("token", token), ("password", password)):
        if value is not None and (not isinstance(value, str) or len(value) > MAX_HELLO_FIELD):
            raise ProtocolError(f'hello: "{field}" must be a string of at most {MAX_HELLO_FIELD} characters')
    return Hello(name, token, password)


def parse(frame: str | bytes) -> Message:
    """A message after the hello, checked field by field; ProtocolError when it breaks the protocol."""
    data = decode(frame)
    kind = data["t"]
    fields = _FIELDS.get(kind)
    if fields is None:
        raise ProtocolError(f'unknown message type "{kind[:20]}"', CLOSE_UNSUPPORTED)
    extra = sorted(set(data) - set(fields) - {"t"})
    if extra:
        raise ProtocolError(f'{kind}: unexpected field "{extra[0][:20]}" (commands act for your own avatar only)')
    for name, wanted in fields.items():
        value = data.get(name)
        if not isinstance(value, wanted) or isinstance(value, bool):
            raise ProtocolError(f'{kind}: "{name}" must be {getattr(wanted, "__name__", wanted)}')
    return Message(kind, {name: data[name] for name in fields})


def encode(kind: str, **fields: Any) -> str:
    """One server message as a compact JSON frame."""
    return json.dumps({"t": kind, **fields}, ensure_ascii=False, separators=(",", ":"))
