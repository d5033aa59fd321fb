"""A brain for process tests: the scripted brain, slowly, streaming its lines word by word."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from agents.brains.scripted import ScriptedBrain
from agents.protocol import Answer, Request


class StreamingBrain(ScriptedBrain):
    """Takes ``delay`` seconds a request, streams conversation lines, and lets urgent work cut in between requests."""

    name = "streaming"

    def __init__(self, delay: float = 0.05, fail: bool = False):
        if fail:
            raise RuntimeError("this brain was told not to start")
        self.delay = delay
        self.on_text = None
        self.between_steps = None

    def warm(self, request: Request) -> None:
        """Prepare for a coming request: here, only a short pause."""
        time.sleep(self.delay / 10)

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        answers = []
        for request in requests:
            answer = super().think([request])[0]
            if request.kind == "converse" and self.on_text is not None:
                words = json.loads(answer.text)["say"].split()
                for count in range(1, len(words) + 1):
                    self.on_text(request.id, " ".join(words[:count]))
                    time.sleep(self.delay / max(1, len(words)))
            else:
                time.sleep(self.delay)
            answers.append(answer)
            if self.between_steps is not None:
                self.between_steps()
        return answers
