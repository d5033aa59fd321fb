"""Strict reading of TOML content files: unknown keys, missing fields and wrong types name file, line and field."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from agents.errors import MAX_NESTING, ContentError, bad_text, read_limited, text_problem, too_deep

MAX_TOML_BYTES = 4 * 1024 * 1024
"""The largest TOML content file read (a persona imported from a long character card stays far below it)."""

_TOO_DEEP = f"nested too deeply (at most {MAX_NESTING} levels of arrays and tables)"
_SYNTAX_LINE = re.compile(r"at line (\d+)")
_TYPE_NAMES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
               list: "a list", dict: "a table"}


class TomlDoc:
    """A parsed TOML file that remembers its text so that errors can point at lines."""

    def __init__(self, path: Path):
        self.path = path
        raw = read_limited(path, MAX_TOML_BYTES)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ContentError(path, None, f"not UTF-8 text: {exc.reason} (byte {exc.start + 1})",
                               raw[:exc.start].count(b"\n") + 1) from exc
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            found = _SYNTAX_LINE.search(str(exc))
            line = int(found.group(1)) if found else None
            raise ContentError(path, None, f"TOML syntax error: {exc}", line) from exc
        except RecursionError as exc:
            raise ContentError(path, None, _TOO_DEEP) from exc
        if too_deep(self.data):
            raise ContentError(path, None, _TOO_DEEP)
        self.lines = self.text.splitlines()
        bad = bad_text(self.data)
        if bad is not None:
            raise ContentError(path, bad[0], bad[1], self._line_with(bad[2]))

    def _line_with(self, value: str) -> int | None:
        """Return the first line holding, raw or escaped, the first character of ``value`` that is refused."""
        bad = next((ch for ch in value if text_problem(ch) is not None), None)
        if bad is None:
            return None
        code = ord(bad)
        forms = [bad, f"\\u{code:04x}", f"\\u{code:04X}", f"\\U{code:08x}", f"\\U{code:08X}"]
        forms += {8: ["\\b"], 12: ["\\f"]}.get(code, [])
        return next((i for i, line in enumerate(self.lines, 1) if any(form in line for form in forms)), None)

    def root(self) -> Table:
        """Return the top-level table."""
        return Table(self, self.data, (), header_line=None)

    def find_line(self, section: tuple[str, int | None] | None, key: str | None) -> int | None:
        """Return the 1-based line of ``key`` inside ``section`` (a header name and array index)."""
        start = 0
        if section is not None:
            name, index = section
            pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(name) + r"\s*\]\]?\s*(#.*)?$")
            hits = [i for i, text in enumerate(self.lines) if pattern.match(text)]
            pick = index or 0
            if pick >= len(hits):
                return None
            start = hits[pick]
            if key is None:
                return start + 1
        if key is None:
            return None
        key_pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
        for i in range(start, len(self.lines)):
            if i > start and section is not None and self.lines[i].lstrip().startswith("["):
                break
            if section is None and self.lines[i].lstrip().startswith("["):
                break
            if key_pattern.match(self.lines[i]):
                return i + 1
        return None


class Table:
    """One TOML table being validated: typed getters that raise ContentError with the field path."""

    def __init__(self, doc: TomlDoc, data: dict[str, Any], prefix: tuple[str, ...],
                 header_line: tuple[str, int | None] | None, inline_line: int | None = None):
        self.doc = doc
        self.data = data
        self.prefix = prefix
        self.section = header_line
        self.inline_line = inline_line
        """For an inline table (``k = { ... }``), the line it is written on."""

    def field(self, key: str) -> str:
        """Return the dotted name of ``key`` in this table, as error messages show it."""
        return ".".join((*self.prefix, key))

    def error(self, key: str | None, message: str) -> ContentError:
        """Build an error about ``key`` in this table, with its line when it can be found."""
        if self.inline_line is not None:
            line: int | None = self.inline_line
        else:
            line = self.doc.find_line(self.section, key)
        if line is None and key is not None:
            line = self.doc.find_line(self.section, None)
        return ContentError(self.doc.path, self.field(key) if key else ".".join(self.prefix) or None,
                            message, line)

    def check_keys(self, allowed: Iterable[str]) -> None:
        """Reject any key of this table that is not in ``allowed``, suggesting the closest one."""
        allowed = sorted(allowed)
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(allowed)})"
                raise self.error(key, f"unknown key{hint}")

    def get(self, key: str, kind: type, default: Any = ..., *, empty_ok: bool = False) -> Any:
        """Return ``key`` checked to be of ``kind``; missing keys raise unless a default is given."""
        if key not in self.data:
            if default is ...:
                raise self.error(None, f"required field '{self.field(key)}' is missing")
            return default
        value = self.data[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise self.error(key, f"expected {_TYPE_NAMES.get(kind, kind.__name__)}, got {_describe(value)}")
        if kind is str and not empty_ok and not value.strip():
            raise self.error(key, "must not be empty")
        return value

    def text(self, key: str, max_chars: int, default: Any = ..., *, empty_ok: bool = False,
             single_line: bool = False) -> Any:
        """Return a string field of at most ``max_chars`` characters (on one line if ``single_line``)."""
        value = self.get(key, str, default, empty_ok=empty_ok)
        if not isinstance(value, str):
            return value
        if len(value) > max_chars:
            raise self.error(key, f"is {len(value):,} characters long (at most {max_chars:,})")
        problem = text_problem(value, single_line=single_line)
        if problem is not None:
            raise self.error(key, problem)
        return value

    def number(self, key: str, low: float, high: float, default: Any = ...) -> float:
        """Return a number field that must lie within [low, high]."""
        value = self.get(key, float, default)
        if not low <= value <= high:
            raise self.error(key, f"must be between {low:g} and {high:g}, got {value:g}")
        return float(value)

    def strings(self, key: str, default: Any = ..., *, min_len: int = 0, max_len: int = 64,
                max_chars: int = 400) -> tuple[str, ...]:
        """Return a list-of-strings field as a tuple, with bounds on its length and each item."""
        value = self.get(key, list, default)
        if len(value) < min_len or len(value) > max_len:
            raise self.error(key, f"expected {min_len} to {max_len} entries, got {len(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(key, f"entry {i + 1} must be a non-empty string, got {_describe(item)}")
            if len(item) > max_chars:
                raise self.error(key, f"entry {i + 1} is {len(item):,} characters long (at most {max_chars:,})")
            problem = text_problem(item, single_line=True)
            if problem is not None:
                raise self.error(key, f"entry {i + 1} {problem}")
        return tuple(value)

    def table(self, key: str, *, required: bool = False) -> Table:
        """Return the sub-table ``key`` (an empty one when absent and not required)."""
        value = self.get(key, dict, ... if required else {})
        header = (".".join((*self.prefix, key)), None)
        if self.inline_line is None and self.doc.find_line(header, None) is not None:
            return Table(self.doc, value, (*self.prefix, key), header)
        line = self.inline_line or self.doc.find_line(self.section, key)
        return Table(self.doc, value, (*self.prefix, key), self.section, inline_line=line)

    def tables(self, key: str, *, required: bool = False) -> list[Table]:
        """Return the array of tables ``key`` (``[[key]]``) as Tables."""
        value = self.get(key, list, ... if required else [])
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.error(key, f"entry {i + 1} must be a table, got {_describe(item)}")
            name = ".".join((*self.prefix, key))
            result.append(Table(self.doc, item, (*self.prefix, f"{key}[{i + 1}]"), (name, i)))
        return result


def brief(value: Any) -> str:
    """Show a value as Python would, cut to 40 characters, for error messages."""
    shown = repr(value)
    return shown[:40] + "..." if len(shown) > 40 else shown


def _describe(value: Any) -> str:
    """Name a value's TOML type and show a short version of it, for error messages."""
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)} {brief(value)}"
