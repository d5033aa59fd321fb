"""A single-line text field: cursor, backspace, delete, home/end, paste, a length limit (no pygame drawing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class TextInput:
    """The text being typed and where the cursor is."""

    text: str = ""
    cursor: int = 0
    limit: int = 200

    def insert(self, typed: str) -> None:
        """Insert printable characters at the cursor, up to the limit."""
        clean = "".join(ch for ch in typed if ch.isprintable() and ch not in "\r\n\t")
        room = self.limit - len(self.text)
        clean = clean[:max(0, room)]
        self.text = self.text[:self.cursor] + clean + self.text[self.cursor:]
        self.cursor += len(clean)

    def backspace(self) -> None:
        """Delete the character before the cursor."""
        if self.cursor > 0:
            self.text = self.text[:self.cursor - 1] + self.text[self.cursor:]
            self.cursor -= 1

    def delete(self) -> None:
        """Delete the character under the cursor."""
        self.text = self.text[:self.cursor] + self.text[self.cursor + 1:]

    def move(self, offset: int) -> None:
        """Move the cursor left (negative) or right, staying inside the text."""
        self.cursor = max(0, min(len(self.text), self.cursor + offset))

    def home(self) -> None:
        """Cursor to the start."""
        self.cursor = 0

    def end(self) -> None:
        """Cursor to the end."""
        self.cursor = len(self.text)

    def take(self) -> str:
        """Return the text and clear the field."""
        text, self.text, self.cursor = self.text, "", 0
        return text
