"""``npcworld replay DIR``: a finished run in the game window, with a timeline to scrub, pause, speed up and jump.

The town is the run rebuilt (game/view/replay_run.py), so the inspector shows the moment's real decision
and retrieved memories. Keys: ``Space`` pause, ``1``-``4`` speed, ``Right``/``Left`` an hour on/back,
``N``/``B`` the next/previous conversation, news, plan or refused intent, ``Home``/``End``; a click on the
timeline goes there; a click on a resident inspects them, as in ``play``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame

from game.view.app import run_loop
from game.view.input import handle_event
from game.view.replay_run import ReplayRun
from game.view.script import load_script, save_screenshot
from game.view.session import Game
from game.view.ui.widgets import ACCENT, INK

BAR_HEIGHT = 34
"""Height of the timeline strip at the bottom of the window."""

MARK_COLOURS = {"conversation_started": (90, 160, 255), "news_learned": (250, 210, 70),
                "intent_rejected": (235, 80, 70), "plan_made": (120, 200, 120)}
"""Timeline marks by event type."""


class ReplayGame(Game):
    """The play session's view and inspector over a replayed run, driven by the timeline instead of a player."""

    def __init__(self, replay: ReplayRun, screen: pygame.Surface, speed: float = 1.0):
        super().__init__(replay.sim, screen, speed)
        self.replay = replay
        self.controls.follow = False

    def update(self, elapsed: float) -> None:
        """Play the run on at the chosen speed until its end; keep the log and notices current."""
        if not self.controls.paused:
            tick_seconds = self.sim.clock.tick_seconds
            self._carry += min(elapsed, 0.25) * self.sim.options.time_scale * self.controls.speed
            ticks = int(self._carry // tick_seconds)
            self._carry -= ticks * tick_seconds
            if ticks:
                self.replay.seek(self.replay.tick + ticks)
            if self.replay.tick >= self.replay.end:
                self.controls.paused = True
        self._read_log()
        if self.replay.diverged and "differs" not in self.notice:
            self.notify(f"This replay differs from the run from {self.replay.diverged} on", 100000)

    def seek(self, tick: int) -> None:
        """Go to ``tick`` and say where."""
        self.replay.seek(tick)
        self.reset_view()
        self.notify(self.sim.clock.label(), 120)

    def jump(self, forward: bool) -> None:
        """Go to the next (or previous) marked event and say what it is."""
        event = self.replay.next_event(forward)
        if event is None:
            self.notify("No more events that way", 120)
            return
        self.seek(event["tick"])
        who = self.names.get(str(event.get("npc")), event.get("npc"))
        what = {"conversation_started": f"{who} talks with {self.names.get(event.get('partner', ''), '')}",
                "news_learned": f"{who} hears: {event.get('title', '')}", "plan_made": f"{who} plans the day",
                "intent_rejected": f"{who} was refused: {event.get('reason', '')}"}[event["type"]]
        self.notify(f"{self.sim.clock.label()}: {what}"[:150], 360)
        if event.get("npc") in self.sim.town.residents:
            self.inspecting = str(event["npc"])
            spot = self.renderer.world_xy_of(self.inspecting, 1.0)
            if spot is not None:
                camera = self.renderer.camera  # the inspector covers the right half: keep them in the left one
                camera.x, camera.y = spot[0] + min(680, camera.view_w // 2) / 2 / camera.zoom, spot[1]
                camera.clamp()

    def timeline(self, screen: pygame.Surface) -> pygame.Rect:
        """The timeline's bar, along the bottom of the window."""
        return pygame.Rect(12, screen.get_height() - BAR_HEIGHT + 12, screen.get_width() - 24, 10)

    def draw(self, screen: pygame.Surface) -> None:
        """The town as in play, then the timeline with its marks and where we are."""
        super().draw(screen)
        strip = pygame.Rect(0, screen.get_height() - BAR_HEIGHT, screen.get_width(), BAR_HEIGHT)
        screen.fill((24, 26, 34), strip)
        bar = self.timeline(screen)
        run = self.replay
        span = max(1, run.end - run.start)

        def x_of(tick: int) -> int:
            """Where ``tick`` lies on the bar."""
            return bar.x + round((tick - run.start) / span * bar.width)
        pygame.draw.rect(screen, (60, 64, 78), bar)
        pygame.draw.rect(screen, (110, 118, 140), pygame.Rect(bar.x, bar.y, x_of(run.tick) - bar.x, bar.height))
        for event in run.marks:
            pygame.draw.line(screen, MARK_COLOURS[event["type"]], (x_of(event["tick"]), bar.y - 3),
                             (x_of(event["tick"]), bar.bottom + 2))
        pygame.draw.rect(screen, ACCENT, pygame.Rect(x_of(run.tick) - 2, bar.y - 6, 4, bar.height + 12))
        state = "paused" if self.controls.paused else f"{self.controls.speed:g}x"
        label = self.font.render(f"replay {state}  Space pause  N/B next/previous event  arrows +/-1 h", INK)
        screen.blit(label, (bar.x, strip.y + 1))


def handle_replay_event(event: Any, game: ReplayGame) -> None:
    """The timeline's keys and clicks; everything else as in play."""
    if event.type == pygame.KEYDOWN and not game.chat_open:
        hour = game.sim.clock.minutes_to_ticks(60)
        moves = {pygame.K_RIGHT: lambda: game.seek(game.replay.tick + hour),
                 pygame.K_LEFT: lambda: game.seek(game.replay.tick - hour),
                 pygame.K_n: lambda: game.jump(True), pygame.K_b: lambda: game.jump(False),
                 pygame.K_HOME: lambda: game.seek(game.replay.start), pygame.K_END: lambda: game.seek(game.replay.end)}
        if event.key in moves:
            moves[event.key]()
            return
    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
        screen = pygame.display.get_surface()
        bar = game.timeline(screen).inflate(0, 16) if screen is not None else None
        if bar is not None and bar.collidepoint(event.pos):
            share = (event.pos[0] - bar.x) / max(1, bar.width)
            game.seek(game.replay.start + round(share * (game.replay.end - game.replay.start)))
            return
    handle_event(event, game)


def replay_window(folder: Path, *, frames: int | None = None, screenshot: Path | None = None,
                  speed: float = 1.0, size: tuple[int, int] = (1280, 800), script: Path | None = None) -> int:
    """Open a finished run in the window and play it from the start (``frames``/``screenshot``/``script`` as play)."""
    pygame.init()
    replay = ReplayRun(folder)
    try:
        screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        pygame.display.set_caption(f"npcworld replay - {folder.name}")
        game = ReplayGame(replay, screen, speed)
        run_loop(game, frames, load_script(script) if script else None, handler=handle_replay_event)
        if screenshot is not None:
            save_screenshot(screenshot)
    finally:
        replay.close()
        pygame.quit()
    return 0
