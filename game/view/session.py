"""The player's session: input actions, UI state, stepping the world by real time, and drawing the frame."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.view.input import MOVE_KEYS, Controls
from game.view.inspect import inspect
from game.view.render import Renderer
from game.view.saving import Saves
from game.view.scene import SimScene
from game.view.ui.hud import HUD_HEIGHT, Hud
from game.view.ui.panels import CHAT_BOX_HEIGHT, draw_chat, draw_help, draw_inspector, draw_log
from game.view.ui.textinput import TextInput
from game.world import player as pl
from game.world.commands import Leave, Say, StartTalk, Typing, Walk
from game.world.reload import PersonaWatcher
from game.world.simulation import Simulation

MAX_TICKS_PER_FRAME = 60
"""Catch-up limit: past it the game slows down instead of freezing the window."""

STEP_SECONDS = 0.12
"""The player walks a tile per this many real seconds while a direction key is held."""


class Game:
    """The player's view of a simulation: input, UI state, stepping and drawing."""

    def __init__(self, sim: Simulation, screen: pygame.Surface, speed: float = 1.0, save: Path | None = None):
        self.sim = sim
        self.saves = Saves(save)
        """F5, F9, and the autosave every game hour (game/view/saving.py)."""
        self.renderer = Renderer(SimScene(sim), screen.get_size())
        self.font = self.renderer.font
        self.hud = Hud(self.font, self.renderer.map_surface)
        self.controls = Controls(speed=speed)
        self.field = TextInput(limit=pl.MAX_LINE)
        self.chat_open = False
        self.chat_partner = ""
        self._leaving = False
        self._opening = False
        self._typing_said = -1
        self.notice = ""
        self.notice_until = 0
        """Frame after which the notice clears."""
        self.inspecting: str | None = None
        self.log_open = False
        self.log_scroll = 0
        self.help_open = False
        self.fps = 0.0
        self.frame = 0
        self._carry = 0.0
        self._walk_timer = 0.0
        self._log_seen = 0
        self.log_lines: list[str] = []
        self.names = {p.id: p.first_name for p in sim.world.personas} | {pl.PLAYER_ID: "You"}
        self.watcher = PersonaWatcher(sim)
        self._nearest: tuple[object, str | None] = (None, None)
        self._reload_timer = 0.0
        self._brain_said = ""

    # ---- actions -------------------------------------------------------------------------------

    @property
    def me(self) -> str:
        """The player's id (the window plays one player; the world can hold many)."""
        return pl.PLAYER_ID

    def walk(self, dx: int, dy: int) -> None:
        """Ask the world to step the player one tile (the next tick checks the way and moves it)."""
        if self.sim.player is not None and not self.controls.paused:
            self.sim.command(Walk(self.me, dx, dy))
            self.controls.follow = True

    def act(self, action: str) -> None:
        """Carry out a named action from the key tables."""
        match action:
            case "talk":
                self.talk()
            case "inspect":
                self.inspecting = self.nearest() or self.inspecting
            case "log":
                self.log_open = not self.log_open
            case "help":
                self.help_open = not self.help_open
            case "center":
                self.controls.follow = True
            case "pause":
                self.controls.paused = not self.controls.paused
            case "zoom_in" | "zoom_out":
                self.renderer.camera.set_zoom(1 if action == "zoom_in" else -1)
            case "back":
                self.back()

    def back(self) -> None:
        """Esc outside the chat: close the topmost panel; with none open, nothing (Ctrl+Q or closing quits)."""
        if self.help_open:
            self.help_open = False
        elif self.inspecting is not None:
            self.inspecting = None
        elif self.log_open:
            self.log_open = False

    def nearest(self) -> str | None:
        """The resident nearest the player within two tiles, if any (worked out once per tick)."""
        if self.sim.player is None:
            return None
        key = (self.sim.clock.tick, self.sim.resident(pl.PLAYER_ID).tile)
        if self._nearest[0] != key:
            self._nearest = (key, self._find_nearest())
        return self._nearest[1]

    def _find_nearest(self) -> str | None:
        """Scan the residents for the nearest one within two tiles of the player."""
        me = self.sim.resident(pl.PLAYER_ID).tile
        best = None
        for state in self.sim.residents():
            distance = max(abs(state.tile[0] - me[0]), abs(state.tile[1] - me[1]))
            if state.id != pl.PLAYER_ID and distance <= 2 and (best is None or distance < best[0]):
                best = (distance, state.id)
        return best[1] if best else None

    def talk(self) -> None:
        """Start a conversation with the nearest resident (the world may refuse: busy, asleep, not near)."""
        target = self.nearest()
        if target is None or self.sim.player is None:
            self.notify("Nobody close enough to talk to.")
            return
        self.sim.command(StartTalk(self.me, target))
        self._opening = True  # the chat box opens now, so typing can start; a refusal closes it again
        self._open_chat(target)

    def send(self) -> None:
        """Send the typed line to the resident's brain (as data, never as instructions)."""
        if self.sim.player is None:
            return
        text = self.field.take()
        if text.strip():
            self.sim.command(Say(self.me, text))  # a refusal puts the text back (see _outcomes)
            self.notice = ""

    def close_chat(self) -> None:
        """Leave the conversation and close the chat box."""
        if self.sim.player is not None:
            self.sim.command(Leave(self.me))
            self._leaving = True  # until the next tick applies it, the conversation is still there
        self.chat_open = False
        pygame.key.stop_text_input()

    def click(self, pos: tuple[int, int]) -> None:
        """Left click: on the minimap, move the camera; on a resident, open the inspector."""
        camera = self.renderer.camera
        wx, wy = camera.to_world(*pos)
        tile = (int(wx // self.renderer.tile), int(wy // self.renderer.tile))
        for state in self.sim.residents():
            if max(abs(state.tile[0] - tile[0]), abs(state.tile[1] - tile[1])) <= 1:
                self.inspecting = state.id
                return

    # ---- per frame -----------------------------------------------------------------------------

    def update(self, elapsed: float) -> None:
        """Advance the world by elapsed time x speed, walk held directions, keep the chat in step."""
        if not self.controls.paused:
            self._walk_held(elapsed)
            tick_seconds = self.sim.clock.tick_seconds
            self._carry += min(elapsed, 0.25) * self.sim.options.time_scale * self.controls.speed
            ticks = min(int(self._carry // tick_seconds), MAX_TICKS_PER_FRAME)
            self._carry = min(self._carry - ticks * tick_seconds, tick_seconds)
            if ticks:
                self.sim.step(ticks)
                self.saves.every_hour(self)
        self._outcomes()
        self._sync_chat()
        self._read_log()
        self._brain_status()
        self._reload_timer += elapsed
        if self._reload_timer >= 1.0:  # persona files are looked at once a second, between ticks
            self._reload_timer = 0.0
            for message in self.watcher.poll():
                self.notify(message[:150], 600)
                self.log_lines.append(message)
        if self.controls.follow and self.sim.player is not None:
            spot = self._camera_spot()
            if spot is not None:
                camera = self.renderer.camera
                camera.x, camera.y = spot
                camera.below = CHAT_BOX_HEIGHT if self.chat_open else 0
                camera.clamp()

    def _camera_spot(self) -> tuple[float, float] | None:
        """Where the camera centres: on the player, or while talking on both speakers, above the chat box."""
        spot = self.renderer.world_xy_of(self.me, self.alpha)
        player = self.sim.player
        current = pl.conversation_of(self.sim.town, player) if self.chat_open and spot and player is not None \
            else None
        if spot is None or current is None:
            return spot
        others = [self.renderer.world_xy_of(m, self.alpha) for m in current[1].participants if m != self.me]
        points = [spot, *(p for p in others if p is not None)]
        mid_x, mid_y = sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
        return mid_x, mid_y + CHAT_BOX_HEIGHT / 2 / self.renderer.camera.zoom  # speakers in the middle of what shows

    @property
    def alpha(self) -> float:
        """How far the clock is between the last tick and the next (for smooth drawing)."""
        return self._carry / self.sim.clock.tick_seconds

    def _walk_held(self, elapsed: float) -> None:
        """Keep walking while a direction key is held."""
        if self.chat_open or self.sim.player is None:
            return
        pressed = pygame.key.get_pressed()
        held = [d for k, d in MOVE_KEYS.items() if pressed[k]]
        self._walk_timer = self._walk_timer + elapsed if held else 0.0
        if held and self._walk_timer >= STEP_SECONDS:
            self._walk_timer = 0.0
            self.walk(*held[0])

    def _outcomes(self) -> None:
        """Show what became of the player's commands: a refusal in words; an accepted talk opens the chat."""
        for outcome in self.sim.outcomes(self.me):
            match outcome.command:
                case StartTalk(_, target) if outcome.refused:
                    self._opening = False
                    self.chat_open = False
                    pygame.key.stop_text_input()
                    self.notify(f"Can't talk to {self.names.get(target, target)}: {outcome.refused}.")
                case StartTalk():
                    self._opening = False
                    self.notify("")
                case Say(_, text) if outcome.refused:
                    self.notify(outcome.refused.capitalize() + ".")
                    if not self.field.text:
                        self.field.insert(text)
                case Leave():
                    self._leaving = False

    def _open_chat(self, partner: str) -> None:
        """Show the chat box for a conversation with ``partner``."""
        self.chat_open, self.chat_partner = True, self.names.get(partner, partner)
        self.field.take()
        pygame.key.start_text_input()

    def _sync_chat(self) -> None:
        """Open the chat when a resident starts talking to the player; close it when the talk ends."""
        if self.sim.player is None:
            return
        current = pl.conversation_of(self.sim.town, self.sim.player)
        if current is None:
            if self.chat_open and not self._opening:
                self.chat_open = False
                self.notify(f"{self.chat_partner} ended the conversation.")
            return
        if self._leaving:
            return  # the player closed the chat; the next tick ends the conversation
        _, conversation = current
        me = self.sim.town.resident_id(self.sim.player)
        partner = next(m for m in conversation.participants if m != me)
        if not self.chat_open:
            self._open_chat(partner)
        if conversation.participants[conversation.speaker] == me and self._typing_said != self.sim.clock.tick:
            self._typing_said = self.sim.clock.tick  # once a tick: paused, nothing piles up
            self.sim.command(Typing(self.me))  # the open chat box keeps the resident waiting (applied next tick)

    def _brain_status(self) -> None:
        """Say while the residents' models load in their process, and say why if they cannot."""
        executor = self.sim.town.mind.executor
        failure = getattr(executor, "failure", None)
        if failure and self._brain_said != "failed":
            self._brain_said = "failed"
            self.notify(f"The residents' model could not start ({failure[:90]}); they use the scripted policy.", 900)
        elif getattr(executor, "ready", True) is False and not failure and self._brain_said != "loading":
            self._brain_said = "loading"
            self.notify("Loading the residents' language models...", 600)
        elif getattr(executor, "ready", False) and self._brain_said == "loading":
            self._brain_said = "ready"
            self.notify("The residents' language models are ready.")

    def _read_log(self) -> None:
        """Collect new lines said anywhere in town for the log panel."""
        records = self.sim.events
        for record in records[self._log_seen:]:
            if record["type"] == "said":
                who, to = self.names.get(record["npc"], record["npc"]), self.names.get(record["to"], record["to"])
                by = " (scripted: the model was late)" if record.get("by") == "fallback" else ""
                self.log_lines.append(f"{record['time']} {who} to {to}{by}: {record['text']}")
        self._log_seen = len(records)
        del self.log_lines[:-500]

    def save_game(self) -> None:
        """Save now (F5)."""
        self.saves.save(self)

    def load_game(self) -> None:
        """Load the save back (F9)."""
        self.saves.load(self)

    def reset_view(self) -> None:
        """After a save is loaded: the log reads on from here, and no talk is half-opened or half-left."""
        self._log_seen = len(self.sim.events)
        self._leaving = self._opening = False
        self.chat_partner = ""

    def notify(self, text: str, frames: int = 240) -> None:
        """Show a short message in the HUD for a few seconds."""
        self.notice, self.notice_until = text, self.frame + frames

    def draw(self, screen: pygame.Surface) -> None:
        """Draw the world, then the HUD and whichever panels are open."""
        self.frame += 1
        if self.notice and self.frame > self.notice_until:
            self.notice = ""
        bottom = screen.get_height() - (CHAT_BOX_HEIGHT if self.chat_open else 0)
        self.renderer.bounds = pygame.Rect(0, HUD_HEIGHT, screen.get_width(), max(1, bottom - HUD_HEIGHT))
        self.renderer.draw(screen, self.alpha, highlight=self.inspecting, live=self._streaming())
        speed = "Paused" if self.controls.paused else f"{self.controls.speed:g}x"
        hint = self.notice or ("E: talk" if not self.chat_open and self.nearest() else "")
        self.hud.draw(screen, self.sim.clock.label(), speed, self.fps, hint)
        self.hud.draw_minimap(screen, self.renderer.minimap_dots(), self.renderer.camera)
        if self.log_open:
            draw_log(screen, self.font, self.log_lines, self.log_scroll)
        if self.inspecting is not None:
            draw_inspector(screen, self.font, inspect(self.sim, self.inspecting))
        if self.chat_open:
            self._draw_chat(screen)
        if self.help_open:
            draw_help(screen, self.font)

    def _streaming(self) -> dict[str, str]:
        """The player's partner and the text of its reply so far, while it streams in."""
        if self.sim.player is None:
            return {}
        current = pl.conversation_of(self.sim.town, self.sim.player)
        awaited = pl.line_in_flight(self.sim.town, current[1]) if current is not None else None
        if current is None or awaited is None:
            return {}
        partial = self.sim.town.mind.partial(awaited)
        me = self.sim.town.resident_id(self.sim.player)
        partner = next(m for m in current[1].participants if m != me)
        return {partner: partial} if partial else {}

    def _draw_chat(self, screen: pygame.Surface) -> None:
        """Draw the chat box for the player's conversation."""
        if self.sim.player is None:
            return
        current = pl.conversation_of(self.sim.town, self.sim.player)
        if current is None:
            return
        _, conversation = current
        awaited = pl.line_in_flight(self.sim.town, conversation)
        lines = [(self.names.get(s, s), line) for s, line in conversation.history]
        your_turn = conversation.participants[conversation.speaker] == self.sim.town.resident_id(self.sim.player)
        partial = self.sim.town.mind.partial(awaited)
        if partial:
            lines.append((self.chat_partner, partial + " ..."))
        thinking = (awaited is not None or not your_turn) and not partial
        draw_chat(screen, self.font, self.chat_partner, lines, self.field, thinking and not your_turn, your_turn,
                  (self.frame // 20) % 2 == 0, self.notice)
