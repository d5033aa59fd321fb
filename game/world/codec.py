"""Components to and from plain JSON-ready dicts: the form saves (and later network clients) carry them in.

``to_dict(component)`` gives ``{"type": "Position", "x": 3, ...}`` with tuples and sets as lists, a persona
as its id and integer dict keys as strings; ``from_dict(data, personas)`` rebuilds the component, reading
each field's annotation to turn lists back into tuples and sets. Components refer to each other by stable
ids (resident and conversation ids), so a dict means the same thing in another process. A ``Mind`` carries
its memories but not their embeddings: the mind service's ``MemoryIndex`` embeds a stream it has not seen.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any

from agents.emotion import Emotion
from agents.memory import Happening, Memory, MemoryStream, RetrievalWeights
from agents.needs import Needs
from agents.persona import Persona
from agents.plans import DayPlan, PlanBlock
from game.world import components as c

COMPONENTS: dict[str, type] = {cls.__name__: cls for cls in (
    c.Resident, c.Position, c.Path, c.Activity, c.Sprite, c.PlayerControlled, c.DecisionDue, c.Requests, c.Plan,
    c.Talking, c.Perceived, c.Relationships, c.ReplanDue, c.Conversation, c.Mind)}
"""Every component type the codec knows, by name."""

_NESTED: dict[str, type] = {cls.__name__: cls for cls in (
    c.InFlight, DayPlan, PlanBlock, MemoryStream, Memory, Happening, RetrievalWeights, Needs, Emotion)}
"""Data classes that appear inside components."""


def to_dict(component: Any) -> dict[str, Any]:
    """A component as a JSON-ready dict with its type name."""
    if type(component).__name__ not in COMPONENTS:
        raise TypeError(f"{type(component).__name__} is not a plain-data component the codec knows")
    return {"type": type(component).__name__, **_encode_fields(component)}


def from_dict(data: Mapping[str, Any], personas: Mapping[str, Persona]) -> Any:
    """Rebuild a component from ``to_dict``'s form; ``personas`` resolves persona ids (ValueError if unknown)."""
    kind = COMPONENTS.get(str(data.get("type")))
    if kind is None:
        raise ValueError(f"unknown component type {data.get('type')!r} (known: {', '.join(COMPONENTS)})")
    return _decode_dataclass(kind, data, personas)


def encode(value: Any) -> Any:
    """Any plain-data value (a dataclass such as a request, a tuple, a set...) in JSON-ready form."""
    return _encode(value)


def decode(kind: Any, data: Any, personas: Mapping[str, Persona]) -> Any:
    """Rebuild a value of type ``kind`` (a dataclass, or any annotation) from ``encode``'s form."""
    return _decode(kind, data, personas)


def _encode_fields(value: Any) -> dict[str, Any]:
    """The fields of a dataclass, encoded."""
    return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}


def _encode(value: Any) -> Any:
    """One value in JSON-ready form."""
    if isinstance(value, Persona):
        return value.id
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode_fields(value)
    if isinstance(value, frozenset | set):
        return sorted(_encode(v) for v in value)
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def _decode_dataclass(kind: type, data: Mapping[str, Any], personas: Mapping[str, Persona]) -> Any:
    """Build dataclass ``kind`` from a dict, decoding each field by its annotation."""
    hints = _hints(kind)
    values = {}
    for f in dataclasses.fields(kind):
        if f.name in data:
            values[f.name] = _decode(hints[f.name], data[f.name], personas)
    return kind(**values)


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    """The resolved field annotations of a dataclass (worked out once per class: a save decodes thousands)."""
    return typing.get_type_hints(kind, vars(sys.modules[kind.__module__]) | _NESTED | {"Persona": Persona})


def _decode(hint: Any, value: Any, personas: Mapping[str, Persona]) -> Any:
    """Turn a JSON value back into the type ``hint`` names."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        return _decode(next(a for a in args if a is not type(None)), value, personas)
    if hint is Persona:
        if value not in personas:
            raise ValueError(f"no persona with id {value!r}")
        return personas[value]
    if dataclasses.is_dataclass(hint):
        _expect(value, Mapping, "an object")
        return _decode_dataclass(hint, value, personas)  # type: ignore[arg-type]
    if origin in (tuple, list, frozenset, set):
        _expect(value, list, "a list")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, personas) for v in value)
        return tuple(_decode(a, v, personas) for a, v in zip(args, value, strict=True))
    if origin is list:
        return [_decode(args[0], v, personas) for v in value]
    if origin in (frozenset, set):
        return origin(_decode(args[0], v, personas) for v in value)
    if origin is dict:
        _expect(value, Mapping, "an object")
        return {_decode(args[0], k, personas): _decode(args[1], v, personas) for k, v in value.items()}
    return _decode_scalar(hint, value)


def _decode_scalar(hint: Any, value: Any) -> Any:
    """A literal, number, text or flag checked against ``hint`` (anything else passes as it is)."""
    if typing.get_origin(hint) is typing.Literal:
        if value not in typing.get_args(hint):
            raise ValueError(f"{str(value)[:40]!r} is not one of {', '.join(map(repr, typing.get_args(hint)))}")
        return value
    if hint is int:
        if isinstance(value, str) and value.lstrip("-").isdigit():  # a dict key, written as text
            return int(value)
        _expect(value, int, "a whole number")
        return value
    if hint is float:
        _expect(value, int | float, "a number")
        return float(value)
    if hint in (str, bool):
        _expect(value, hint, "text" if hint is str else "true or false")
    return value


def _expect(value: Any, kind: Any, what: str) -> None:
    """Raise TypeError unless ``value`` is of ``kind`` (a bool is not a number here)."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TypeError(f"expected {what}, not {type(value).__name__} {str(value)[:40]!r}")
