"""The joined window's session: the same keys, chat box and panels as ``play``, acting through a town server.

Every action becomes a protocol message for the player's own avatar (a step, a talk, a line, leaving); what the
server answers (updates, lines, refusals, its closing) arrives through ``NetClient.poll`` once a frame. The server
keeps the time: there is no pause, no speed key and nothing to save here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pygame

from game.net import protocol as p
from game.view.input import MOVE_KEYS, Controls
from game.view.netclient import NetClient
from game.view.remote_chat import Chat
from game.view.remote_scene import RemoteScene
from game.view.render import Renderer
from game.view.session import STEP_SECONDS
from game.view.ui.hud import HUD_HEIGHT, Hud
from game.view.ui.panels import CHAT_BOX_HEIGHT, HELP, draw_card, draw_help, draw_log

REMOTE_HELP = (*(row for row in HELP if row[0] not in ("Space / P", "1 / 2 / 3 / 4")),
               ("Enter", "say aloud to the players near (outside a chat)"))
"""The controls of a joined game: those of ``play`` but pause and speed (the server keeps the time)."""


class RemoteGame:
    """The player's view of a served town: input, chat, panels and drawing (``game.view.input.Game``)."""

    def __init__(self, scene: RemoteScene, client: NetClient, screen: pygame.Surface,
                 clock: Callable[[], float] = time.monotonic):
        self.scene, self.client, self._clock = scene, client, clock
        self.renderer = Renderer(scene, screen.get_size(), me=scene.me)
        self.font = self.renderer.font
        self.hud = Hud(self.font, self.renderer.map_surface)
        self.controls = Controls()
        self.chat = Chat(scene, client, self.notify, clock)
        self.field = self.chat.field
        self.inspecting: str | None = None
        self.log_open, self.log_scroll, self.help_open = False, 0, False
        self.log_lines: list[str] = []
        self.notice, self.notice_until = "", 0
        self.fps, self.frame = 0.0, 0
        self.closed: tuple[int | None, str] | None = None
        """The server's close code and reason, once the connection has ended."""
        self.step_seconds = max(STEP_SECONDS, scene.step_span)
        self._walk_timer, self._seq = 0.0, 0
        self._steps, self._steps_at = float(p.STEP_BURST - 1), clock()
        self._lines_seen = 0

    @property
    def chat_open(self) -> bool:
        """Whether the chat box has the keyboard."""
        return self.chat.open

    @chat_open.setter
    def chat_open(self, value: bool) -> None:
        """Open or close the box's state as it is (``close_chat`` also leaves the talk)."""
        self.chat.open = value

    # ---- actions (the key tables of game/view/input.py call these) ----------------------------------

    def walk(self, dx: int, dy: int) -> None:
        """Step one tile, shown at once; nothing is sent into a wall, in a talk or faster than walking pace."""
        if self.closed is not None or self.chat_open:
            return
        now = self._clock()
        self._steps = min(p.STEP_BURST - 1.0, self._steps + (now - self._steps_at) / p.STEP_SECONDS)
        self._steps_at = now
        if self._steps < 1:
            return
        self._seq += 1
        if self.scene.predict(self._seq, dx, dy):
            self._steps -= 1
            self.client.send("move", dx=dx, dy=dy, seq=self._seq)
            self.controls.follow = True

    def act(self, action: str) -> None:
        """Carry out a named action from the key tables."""
        match action:
            case "talk":
                self.chat.talk(self.nearest(residents_only=True))
            case "inspect":
                self.inspecting = self.nearest() or self.inspecting
            case "log":
                self.log_open = not self.log_open
            case "help":
                self.help_open = not self.help_open
            case "center":
                self.controls.follow = True
            case "pause":
                self.notify("The server keeps the time: it cannot be paused or sped up from here.")
            case "zoom_in" | "zoom_out":
                self.renderer.camera.set_zoom(1 if action == "zoom_in" else -1)
            case "back":
                self.back()

    def back(self) -> None:
        """Esc outside the chat: close the topmost panel (with none open it does nothing; Ctrl+Q quits)."""
        if self.help_open:
            self.help_open = False
        elif self.inspecting is not None:
            self.inspecting = None
        elif self.log_open:
            self.log_open = False

    def send(self) -> None:
        """Say the chat field's line."""
        self.chat.send()

    def say_aloud(self) -> None:
        """Enter outside a talk: open the chat box to say a line aloud to the players near."""
        if self.closed is None:
            self.chat.say_aloud()

    def close_chat(self) -> None:
        """Leave the conversation (or stop saying something aloud) and close the chat box."""
        self.chat.close()

    def save_game(self) -> None:
        """F5: the server keeps the town."""
        self.notify("The server keeps the town: there is nothing to save here.")

    def load_game(self) -> None:
        """F9: the server keeps the town."""
        self.save_game()

    def click(self, pos: tuple[int, int]) -> None:
        """Left click on someone: show what this window knows of them."""
        wx, wy = self.renderer.camera.to_world(*pos)
        tile = self.renderer.tile
        hit = [f for f in self.scene.figures() if max(abs(f.x - wx // tile), abs(f.y - wy // tile)) <= 1]
        if hit:
            self.inspecting = hit[0].id

    def nearest(self, residents_only: bool = False) -> str | None:
        """The resident (or with ``residents_only`` False, anyone) nearest the player within two tiles."""
        me = self.scene.figure(self.scene.me)
        if me is None:
            return None
        near = [(max(abs(f.x - me.x), abs(f.y - me.y)), f.id) for f in self.scene.figures()
                if f.id != me.id and not (residents_only and f.player)]
        best = min((n for n in near if n[0] <= 2), default=None)
        return best[1] if best else None

    def notify(self, text: str, frames: int = 240) -> None:
        """Show a short message in the HUD for a few seconds."""
        self.notice, self.notice_until = text, self.frame + frames

    # ---- per frame -----------------------------------------------------------------------------------

    def update(self, elapsed: float) -> None:
        """Take the server's messages, walk held directions, keep the chat in step, follow the player."""
        for message in self.client.poll():
            self.take(message)
        self._walk_held(elapsed)
        self.chat.keep_typing()
        self._read_lines()
        if self.controls.follow:
            spot = self.renderer.world_xy_of(self.scene.me, self.scene.alpha)
            if spot is not None:
                camera = self.renderer.camera
                partner = self.scene.talk["with"] if self.chat_open and self.scene.talk else None
                other = self.renderer.world_xy_of(partner, self.scene.alpha) if partner else None
                if other is not None:  # both speakers in the middle of what shows above the chat box
                    spot = ((spot[0] + other[0]) / 2, (spot[1] + other[1]) / 2 + CHAT_BOX_HEIGHT / 2 / camera.zoom)
                camera.x, camera.y = spot
                camera.below = CHAT_BOX_HEIGHT if self.chat_open else 0
                camera.clamp()

    def take(self, message: dict[str, Any]) -> None:
        """Apply one message from the server."""
        match message["t"]:
            case "update" | "said":
                self.scene.take(message)
                if message["t"] == "update":
                    self.chat.sync()
            case "refused":
                if message.get("what") == "move":
                    self.scene.reject()
                self.chat.refused(message.get("what", ""), message.get("why", ""))
            case "closed":
                self.closed = (message.get("code"), message.get("reason") or "")
                self.chat.close(quiet=True)
                why = self.closed[1] or "no reason given"
                self.notify(f"The server closed the connection: {why}. Close the window to quit.", 10**9)
                self.log_lines.append(f"-- the server closed the connection: {why} --")

    def _walk_held(self, elapsed: float) -> None:
        """Keep walking while a direction key is held."""
        if self.chat_open:
            return
        pressed = pygame.key.get_pressed()
        held = [d for k, d in MOVE_KEYS.items() if pressed[k]]
        self._walk_timer = self._walk_timer + elapsed if held else 0.0
        if held and self._walk_timer >= self.step_seconds:
            self._walk_timer = 0.0
            self.walk(*held[0])

    def _read_lines(self) -> None:
        """Put the lines heard since the last frame into the log (and the chat box, when they belong there)."""
        lines, self._lines_seen = self.scene.lines_since(self._lines_seen)
        for line in lines:
            who = "You" if line.who == self.scene.me else self.scene.names.get(line.who, line.who)
            to = "You" if line.to == self.scene.me else self.scene.names.get(line.to, line.to) if line.to else "all"
            self.log_lines.append(f"{self.scene.clock_label()} {who} to {to}: {line.text}")
            self.chat.heard(line, who)
        del self.log_lines[:-500]

    def draw(self, screen: pygame.Surface) -> None:
        """Draw the town, then the HUD and whichever panels are open."""
        self.frame += 1
        if self.notice and self.frame > self.notice_until:
            self.notice = ""
        bottom = screen.get_height() - (CHAT_BOX_HEIGHT if self.chat_open else 0)
        self.renderer.bounds = pygame.Rect(0, HUD_HEIGHT, screen.get_width(), max(1, bottom - HUD_HEIGHT))
        self.renderer.draw(screen, self.scene.alpha, highlight=self.inspecting)
        players = sum(1 for f in self.scene.figures() if f.player and not self.scene.away(f))
        hint = self.notice or ("E: talk" if not self.chat_open and self.nearest(residents_only=True) else "")
        self.hud.draw(screen, self.scene.clock_label(), f"{players} player{'s' * (players != 1)} near", self.fps, hint)
        self.hud.draw_minimap(screen, self.renderer.minimap_dots(), self.renderer.camera)
        if self.log_open:
            draw_log(screen, self.font, self.log_lines, self.log_scroll)
        if self.inspecting is not None:
            self._draw_card(screen, self.inspecting)
        if self.chat_open:
            self.chat.draw(screen, self.font, self.frame, self.notice)
        if self.help_open:
            draw_help(screen, self.font, REMOTE_HELP)

    def _draw_card(self, screen: pygame.Surface, figure_id: str) -> None:
        """What this window knows of someone: who, where, what they are doing, what they said lately."""
        person = self.scene.figure(figure_id)
        name = self.scene.names.get(figure_id, figure_id)
        if person is None:
            draw_card(screen, self.font, name, ["Out of view."])
            return
        kind = ("a player, away (their client left)" if self.scene.away(person) else "a player") if person.player \
            else "a resident (their mind lives on the server)"
        said = [f'"{line.text}"' for line in self.scene.lines if line.who == figure_id][-4:]
        draw_card(screen, self.font, "You" if figure_id == self.scene.me else name,
                  [f"{name}, {kind}.", f"Now: {'talking' if person.talking else 'about town'} at ({person.x}, "
                   f"{person.y}).", *(["Said lately:", *said] if said else [])])
