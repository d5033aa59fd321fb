"""The world of npcworld: ECS components and processors, the map, the loop, rendering and the CLI."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # pytmx imports pygame when present; keep stdout clean
