"""The HUD's frame rate: measured over frames actually shown, not over the start-up before the first one."""

from __future__ import annotations

from game.view.ui.hud import FrameRate


def test_frame_rate_leaves_start_up_out_and_follows_real_frames() -> None:
    rate = FrameRate(window=60)
    assert rate.fps == 0.0, "nothing shown yet"
    start = 24.0  # the first frame appears 24 s after the command started (models loading)
    for frame in range(30):
        rate.shown(start + frame / 60)
    assert 59.0 < rate.fps < 61.0, rate.fps
    rate.shown(start + 29 / 60 + 2.0)  # one frame took two seconds
    assert rate.fps < 15.0, "a slow frame shows"
    for frame in range(1, 61):
        rate.shown(start + 29 / 60 + 2.0 + frame / 30)
    assert 29.0 < rate.fps < 31.0, "and leaves the window once 60 newer frames are in it"
