"""The chat box of a joined game: a talk with a resident through the server, or a line said aloud to the players near.

The box opens as soon as E is pressed (so typing can start); the server's next updates confirm the talk, or its
refusal closes the box again with the reason. While it is the player's turn the box tells the server, a few times
a second, that the player is typing (the resident waits). Enter outside a talk opens the box to say a line aloud.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pygame

from game.view.bitmapfont import BitmapFont
from game.view.netclient import NetClient
from game.view.remote_scene import RemoteScene
from game.view.scene import Said
from game.view.ui.panels import draw_chat
from game.view.ui.textinput import TextInput
from game.world.player import MAX_LINE

TYPING_EVERY = 0.4
"""Seconds between two "typing" messages while the box is open on the player's turn."""

OPEN_WAIT = 5.0
"""Seconds a talk may wait for the server's answer before the box closes again."""


class Chat:
    """The chat box's state: whom it is with (or aloud), the lines shown, the field, and the talk in flight."""

    def __init__(self, scene: RemoteScene, client: NetClient, notify: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic):
        self.scene, self.client, self.notify, self._clock = scene, client, notify, clock
        self.field = TextInput(limit=MAX_LINE)
        self.open = False
        self.aloud = False
        """The box says a line aloud to whoever is near, outside any talk."""
        self.partner, self.partner_name = "", ""
        self.lines: list[tuple[str, str]] = []
        self._opening_at: float | None = None
        self._leaving = False
        self._typing_at = 0.0
        self._last_said = ""

    def talk(self, target: str | None) -> None:
        """Ask the server for a talk with ``target`` (the nearest resident) and open the box at once."""
        if target is None:
            self.notify("Nobody close enough to talk to.")
            return
        if self.scene.talk is None:
            self.client.send("talk", to=target)
            self._opening_at = self._clock()
        self._open(target, self.scene.names.get(target, target))

    def say_aloud(self) -> None:
        """Open the box to say a line aloud to the players near."""
        if not self.open:
            self._open("", "the players near (aloud)", aloud=True)

    def send(self) -> None:
        """Send the typed line (a refusal puts it back); a line said aloud closes the box."""
        text = self.field.take()
        if not text.strip():
            return
        self.client.send("say", text=text)
        self._last_said = text
        if self.aloud:
            self.close()

    def close(self, quiet: bool = False) -> None:
        """Close the box, leaving the talk (``quiet``: the connection is gone, send nothing)."""
        if not self.aloud and not quiet and (self.scene.talk is not None or self._opening_at is not None):
            self.client.send("leave")
            self._leaving = True
        self._opening_at = None
        self.open = False
        pygame.key.stop_text_input()

    def refused(self, what: str, why: str) -> None:
        """Show why the server refused a command; a refused talk closes the box, a refused line comes back."""
        if what == "talk" and self._opening_at is not None:
            self._opening_at = None
            self.open = False
            pygame.key.stop_text_input()
            self.notify(f"Can't talk to {self.partner_name}: {why}.")
        elif what == "say":
            self.notify(why[:1].upper() + why[1:] + ".")
            if not self.field.text and self._last_said:
                self.field.insert(self._last_said)
        elif what in ("move", "talk"):
            self.notify(why[:1].upper() + why[1:] + ".")

    def sync(self) -> None:
        """After an update: open the box when a talk starts (a resident may start it), close it when it ends."""
        talk = self.scene.talk
        if talk is None:
            self._leaving = False
            if self.open and not self.aloud and self._opening_at is None:
                self.open = False
                pygame.key.stop_text_input()
                self.notify(f"{self.partner_name} ended the conversation.")
            return
        if self._leaving:
            return  # the player left; the server's next tick ends the talk
        self._opening_at = None
        if not self.open or self.aloud or self.partner != talk["with"]:
            self._open(talk["with"], talk.get("name") or talk["with"])

    def keep_typing(self) -> None:
        """Once a frame: tell the server the player is typing (on their turn), give up on a talk never answered."""
        now = self._clock()
        talk = self.scene.talk
        if self.open and not self.aloud and talk is not None and talk.get("turn") \
                and now - self._typing_at >= TYPING_EVERY:
            self._typing_at = now
            self.client.send("typing")
        if self._opening_at is not None and now - self._opening_at > OPEN_WAIT:
            self._opening_at = None
            self.open = False
            pygame.key.stop_text_input()
            self.notify(f"No answer from {self.partner_name}.")

    def heard(self, line: Said, who: str) -> None:
        """A line heard (``who``: the name shown): into the box when it belongs to its talk, or is said aloud."""
        me, partner = self.scene.me, self.partner
        if self.open and (line.to is None if self.aloud else {line.who, line.to} == {me, partner}):
            self.lines.append((who, line.text))

    def draw(self, screen: pygame.Surface, font: BitmapFont, frame: int, notice: str) -> None:
        """Draw the box: the talk so far, the field, whose turn it is."""
        talk = self.scene.talk
        your_turn = self.aloud or (talk is not None and bool(talk.get("turn")))
        thinking = talk is not None and not your_turn and bool(self.lines) and self.lines[-1][0] == "You"
        draw_chat(screen, font, self.partner_name, self.lines, self.field, thinking, your_turn,
                  (frame // 20) % 2 == 0, notice)

    def _open(self, partner: str, name: str, aloud: bool = False) -> None:
        """Show the box for a talk with ``partner`` (or aloud)."""
        self.open, self.aloud, self.partner, self.partner_name = True, aloud, partner, name
        self.lines = []
        self.field.take()
        pygame.key.start_text_input()
