"""Errors raised for bad content: they name the file, the field and, where known, the line."""

from __future__ import annotations

from pathlib import Path


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
