"""What the inspector shows about a resident: who they are, how they feel, their plan, memories and last decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.world.simulation import Simulation


@dataclass(frozen=True, slots=True)
class Inspection:
    """A resident's mind, read out for display."""

    id: str
    name: str
    summary: str
    doing: str
    needs: tuple[tuple[str, int], ...]
    mood: str
    relationships: tuple[tuple[str, float], ...]
    plan: tuple[tuple[str, str, bool], ...]
    """(time, what, whether it is the current block)."""
    memories: tuple[str, ...]
    decision: dict[str, Any] = field(default_factory=dict)
    """The last decide record of the trace: reason, retrieved memories with scores, raw reply, what was applied."""


def inspect(sim: Simulation, resident_id: str, memories: int = 5) -> Inspection:
    """Read out one resident's state for the inspector panel."""
    state = sim.resident(resident_id)
    persona = state.persona  # the live one: reloaded persona files show at once
    summary = f"{persona.age}, {persona.occupation}. {', '.join(persona.traits)}."
    doing = state.activity or (f"walking to {state.walking_to}" if state.walking_to else "idle")
    if state.talking:
        doing = "talking"
    minute = sim.clock.minute_of_day
    blocks = state.plan.blocks if state.plan else ()
    plan = tuple((f"{b.start // 60 % 24:02d}:{b.start % 60:02d}", f"{b.activity} @ {b.place}",
                  b.start <= minute < b.end) for b in blocks)
    closeness = sorted(state.closeness.items(), key=lambda item: -abs(item[1]))[:5]
    recent = tuple(m.text for m in reversed(state.mind.memory.memories[-memories:]))
    decisions = (r for r in reversed(sim.trace.records) if r["npc"] == resident_id and r["kind"] == "decide")
    decision: dict[str, Any] = next(decisions, {})
    return Inspection(resident_id, state.name, summary, doing, state.mind.needs.levels(), state.mind.emotion.label(),
                      tuple(closeness), plan, recent, decision)
