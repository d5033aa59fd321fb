"""Day plans: a persona's routine for one day, with seeded variation, as hour-scale blocks."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from agents.persona import Persona, RoutineBlock
from agents.replytext import MAX_REPLY, clean_text
from agents.rng import stable_seed

DAY = 24 * 60
"""Minutes in a day."""

_LINE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s+(\w+)\s+@(\S+)\s*:(.*)$")
"""A plan line; its activity is stripped afterwards (a lazy group before trailing spaces backtracks quadratically)."""


@dataclass(frozen=True, slots=True)
class PlanBlock:
    """A stretch of the day: minutes from the plan day's midnight (``end`` may pass 24:00)."""

    start: int
    end: int
    kind: str
    activity: str
    place: str


@dataclass(frozen=True, slots=True)
class DayPlan:
    """What a resident means to do on ``day``, block by block."""

    day: int
    blocks: tuple[PlanBlock, ...]

    def block_at(self, minute: int) -> PlanBlock | None:
        """Return the block that covers ``minute`` (minutes since the plan day's midnight)."""
        for block in self.blocks:
            if block.start <= minute < block.end:
                return block
        return None

    def to_text(self) -> str:
        """Write the plan as lines ``HH:MM-HH:MM kind @place: activity`` (the brains' plan format)."""
        return "\n".join(f"{_hhmm(b.start)}-{_hhmm(b.end)} {b.kind} @{b.place}: {b.activity}"
                         for b in self.blocks)


def parse_plan(text: str, day: int) -> DayPlan | None:
    """Parse the plan format; return None unless it gives at least one well-formed, ordered block.

    Activities are cleaned of control and bidi characters; a reply longer than ``MAX_REPLY`` is no plan.
    """
    blocks: list[PlanBlock] = []
    if len(text) > MAX_REPLY:
        return None
    for line in text.strip().splitlines():
        found = _LINE.match(line)
        if not found:
            continue
        h1, m1, h2, m2, kind, place, activity = found.groups()
        start, end = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
        if int(m1) > 59 or int(m2) > 59 or not 0 <= start < end <= 2 * DAY:
            continue
        if blocks and start < blocks[-1].end:
            continue
        blocks.append(PlanBlock(start, end, kind, clean_text(activity.strip()) or kind, place))
    return DayPlan(day, tuple(blocks)) if blocks else None


MAX_GAP = 60
"""A usable plan leaves no stretch longer than this (minutes) unplanned between now and its end."""


def plan_problem(plan: DayPlan | None, places: set[str], now: int) -> str | None:
    """Why a brain's plan cannot be used from minute ``now`` (None if it can): unparsed, unknown places, gaps."""
    if plan is None:
        return "reply is not a plan"
    unknown = sorted({b.place for b in plan.blocks} - places)
    if unknown:  # the names are the model's: cleaned before they go into the event log
        return f"plan names unknown places: {', '.join(clean_text(place) for place in unknown)}"
    cursor = now
    for block in plan.blocks:
        if block.end <= cursor:
            continue
        if block.start - cursor > MAX_GAP:
            return f"plan leaves {_hhmm(cursor)}-{_hhmm(block.start)} unplanned"
        cursor = max(cursor, block.end)
    if cursor < DAY - MAX_GAP:
        return f"plan stops at {_hhmm(cursor)}"
    return None


def routine_plan(persona: Persona, day: int, weekday: int, seed: int, jitter: int) -> DayPlan:
    """Build the plan for ``day`` from the routine: starts moved by up to ``jitter`` minutes, places drawn."""
    today = _day_blocks(persona, day, weekday, seed, jitter)
    yesterday = _day_blocks(persona, day - 1, (weekday - 1) % 7, seed, jitter)
    tomorrow = _day_blocks(persona, day + 1, (weekday + 1) % 7, seed, jitter)
    blocks = []
    if yesterday and (not today or today[0].start > 0):
        carry = yesterday[-1]
        blocks.append(PlanBlock(0, today[0].start if today else DAY, carry.kind, carry.activity, carry.place))
    for i, block in enumerate(today):
        end = today[i + 1].start if i + 1 < len(today) else DAY + (tomorrow[0].start if tomorrow else 0)
        blocks.append(PlanBlock(block.start, end, block.kind, block.activity, block.place))
    return DayPlan(day, tuple(b for b in blocks if b.end > b.start))


def _day_blocks(persona: Persona, day: int, weekday: int, seed: int, jitter: int) -> list[PlanBlock]:
    """Return the blocks that apply on ``weekday``, each with its jittered start and drawn place."""
    rng = random.Random(stable_seed(seed, persona.id, day))
    chosen: list[RoutineBlock] = [b for b in persona.routine if weekday in b.days]
    result: list[PlanBlock] = []
    for block in chosen:
        start = block.start + (rng.randint(-jitter, jitter) if jitter > 0 and block.start > 0 else 0)
        if result:
            start = max(start, result[-1].start + 5)
        start = max(0, min(start, DAY - 5))
        place = persona.resolve_place(rng.choice(block.places)) or persona.home
        result.append(PlanBlock(start, start, block.kind, block.activity, place))
    return result


def _hhmm(minute: int) -> str:
    """Format minutes as HH:MM, letting hours run past 24 for times on the next day."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def insert_block(plan: DayPlan, new: PlanBlock) -> DayPlan:
    """Return ``plan`` with ``new`` laid over it: overlapped blocks are cut around it."""
    blocks: list[PlanBlock] = []
    for block in plan.blocks:
        if block.end <= new.start or block.start >= new.end:
            blocks.append(block)
            continue
        if block.start < new.start:
            blocks.append(PlanBlock(block.start, new.start, block.kind, block.activity, block.place))
        if block.end > new.end:
            blocks.append(PlanBlock(new.end, block.end, block.kind, block.activity, block.place))
    blocks.append(new)
    return DayPlan(plan.day, tuple(sorted(blocks, key=lambda b: b.start)))


_STEP_FILLERS = {
    "work": ("getting set up", "taking a short break", "tidying up"),
    "meal": ("getting something to eat",),
    "chores": ("making a list",),
}


def steps_for(block: PlanBlock, seed: int) -> list[PlanBlock]:
    """Break a block into steps of 30-90 minutes: the main activity, with short set-up and break steps."""
    length = block.end - block.start
    if length <= 60:
        return [block]
    rng = random.Random(stable_seed(seed, block.start, block.activity))
    fillers = _STEP_FILLERS.get(block.kind, ())
    steps, cursor = [], block.start
    if fillers and length >= 90:
        steps.append(PlanBlock(cursor, cursor + 15, block.kind, fillers[0], block.place))
        cursor += 15
    while cursor < block.end:
        size = min(block.end - cursor, rng.randint(45, 90))
        if block.end - cursor - size < 20:
            size = block.end - cursor
        steps.append(PlanBlock(cursor, cursor + size, block.kind, block.activity, block.place))
        cursor += size
        if len(fillers) > 1 and block.end - cursor >= 60:
            steps.append(PlanBlock(cursor, cursor + 10, block.kind, fillers[1], block.place))
            cursor += 10
    return steps


def current_step(persona_id: str, block: PlanBlock, day: int, minute: int) -> PlanBlock:
    """The step of ``block`` that covers ``minute`` of ``day`` (steps are seeded by persona, block and day)."""
    steps = steps_for(block, stable_seed(persona_id, block.start, day))
    return next((s for s in steps if s.start <= minute < s.end), block)
