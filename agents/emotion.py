"""A simple emotional state: valence (unhappy..happy) and arousal (calm..excited) that events move and time settles."""

from __future__ import annotations

from dataclasses import dataclass

from agents.needs import Needs


@dataclass(slots=True)
class Emotion:
    """Valence in [-1, 1] and arousal in [0, 1]."""

    valence: float = 0.2
    arousal: float = 0.3

    def nudge(self, valence: float = 0.0, arousal: float = 0.0) -> None:
        """Move the state by an event's effect, clamped to its ranges."""
        self.valence = max(-1.0, min(1.0, self.valence + valence))
        self.arousal = max(0.0, min(1.0, self.arousal + arousal))

    def settle(self, minutes: float, needs: Needs) -> None:
        """Drift back towards a baseline that needs lower (hungry, tired or lonely people are glummer)."""
        baseline = 0.2 - 0.004 * sum(max(0.0, 40.0 - level) for _, level in needs.levels())
        rate = min(1.0, minutes / 240)
        self.valence += (baseline - self.valence) * rate
        self.arousal += (0.3 - self.arousal) * rate

    def label(self) -> str:
        """Name the state in one word."""
        if self.valence >= 0.4:
            return "excited" if self.arousal >= 0.55 else "happy"
        if self.valence >= 0.05:
            return "cheerful" if self.arousal >= 0.55 else "content"
        if self.valence >= -0.25:
            return "restless" if self.arousal >= 0.55 else "flat"
        return "upset" if self.arousal >= 0.55 else "glum"
