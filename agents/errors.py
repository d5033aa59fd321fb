"""Errors for bad content (naming file, field and line) and the guards every content reader shares."""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MAX_NESTING = 32
"""Deepest nesting of lists and tables/objects a content file may have (real files use three or four)."""

MAX_KEY_CHARS = 100
"""Longest key a content file may have (ids and field names are far shorter)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters refused in text: C0 and C1 controls and DEL (tab, newline and carriage return aside) and lone
surrogates. Newlines and carriage returns are refused separately in single-line fields."""


class ContentError(Exception):
    """A world, map or persona file that cannot be used, with where and why."""

    def __init__(self, path: Path | str, field: str | None, message: str, line: int | None = None):
        self.path = Path(path)
        self.field = field
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        what = f"field '{self.field}': " if self.field else ""
        return f"{where}: {what}{self.message}"


class ContentErrorList(ContentError):  # noqa: N818 - a ContentError carrying several
    """Several problems found in one file; behaves like the first one, and lists them all."""

    def __init__(self, errors: list[ContentError]):
        first = errors[0]
        self.errors = errors
        super().__init__(first.path, first.field, first.message, first.line)

    def __str__(self) -> str:
        return "\n".join(ContentError.__str__(e) for e in self.errors)


def read_limited(path: Path, limit: int, what: str = "file") -> bytes:
    """Read a content file, refusing before opening it anything but a regular file of at most ``limit`` bytes.

    A FIFO, a device or a folder would hang the reader or feed it forever; a symlink loop is named as one.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise _stat_error(path, exc, what) from exc
    _check_kind(path, info, limit, what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ContentError(path, None, f"cannot read {what}: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as stream:
        _check_kind(path, os.fstat(fd), limit, what)  # it may have been swapped since the first look
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            raise ContentError(path, None, f"cannot read {what}: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise ContentError(path, None, f"{what} is larger than {limit:,} bytes")
    return data


def _stat_error(path: Path, exc: OSError, what: str) -> ContentError:
    """The error for a content file that cannot even be looked at."""
    if exc.errno == errno.ELOOP:
        return ContentError(path, None, f"{what} is a symlink loop (it cannot be resolved to a file)")
    if exc.errno == errno.ENOENT and path.is_symlink():
        return ContentError(path, None, f"{what} is a symlink to {os.readlink(path)}, which does not exist")
    if exc.errno == errno.ENOENT:
        return ContentError(path, None, f"{what} not found")
    return ContentError(path, None, f"cannot read {what}: {exc.strerror or exc}")


def _check_kind(path: Path, info: os.stat_result, limit: int, what: str) -> None:
    """Refuse what is not a regular file, or is larger than ``limit`` bytes."""
    if stat.S_ISDIR(info.st_mode):
        raise ContentError(path, None, f"{what} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        raise ContentError(path, None, f"{what} is {kind}, not a regular file")
    if info.st_size > limit:
        raise ContentError(path, None, f"{what} is {info.st_size:,} bytes (at most {limit:,})")


def too_deep(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether lists and dicts inside ``value`` nest more than ``limit`` levels (found without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def text_problem(text: str, *, single_line: bool = False) -> str | None:
    """Why ``text`` is refused (a control character, a line break in a one-line field), or None when it is fine."""
    found = _CONTROL.search(text)
    if found is not None:
        code = ord(found.group())
        what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
        return f"contains {what} (U+{code:04X}) at character {found.start() + 1}"
    if single_line and ("\n" in text or "\r" in text):
        return "must be a single line (it contains a line break)"
    return None


def printable(text: str) -> str:
    """``text`` with control characters written as escapes, safe to show in an error message."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def bad_text(value: Any, prefix: str = "") -> tuple[str, str, str] | None:
    """The first key or string in ``value`` that is refused, as (field, problem, the text), or None."""
    for field, text, is_key in strings_in(value, prefix):
        problem = text_problem(text)
        if problem is not None:
            return field, problem, text
        if is_key and len(text) > MAX_KEY_CHARS:
            return field[:40] + "...", f"a key of {len(text):,} characters (at most {MAX_KEY_CHARS})", text
    return None


def strings_in(value: Any, prefix: str = "") -> Iterator[tuple[str, str, bool]]:
    """Every key and string inside ``value``: the dotted field it is found at, the text, whether it is a key."""
    stack: list[tuple[str, Any]] = [(prefix, value)]
    while stack:
        field, item = stack.pop()
        if isinstance(item, str):
            yield field, item, False
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                name = f"{field}.{printable(str(key))}" if field else printable(str(key))
                yield name, str(key), True
                children.append((name, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(f"{field}[{i + 1}]", child) for i, child in enumerate(item)]))
