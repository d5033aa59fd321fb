"""Attention: a run's budget of model work per game hour, spent where it matters; the rest goes scripted.

Every batch of requests is sorted by how much each one matters before it goes to the brain:

0. the player asked something (always the model, never counted out);
1. the resident is near a player (within NEAR_PLAYER tiles), so someone may be watching;
2. a salient moment: meeting someone, news, an urgent need (the resident is promoted for PROMOTED_MINUTES);
3. a line of a conversation between residents;
4. a resident still promoted by an earlier salient moment;
5. routine: the next step of the day, a memory's importance, a reflection.

Requests spend the budget by COST (a day plan is twenty decisions' worth). Ranks 1-4 take the model while the
hour's budget lasts; routine requests only while less than ROUTINE_SHARE
of it is spent, so that a busy hour keeps room for what matters. The rest are answered at once by the
scripted policy (the resident follows its plan and routine). A town whose demand is under the budget sends
everything to the model, exactly as without one: Oakvale's twelve residents on the default brain spent at most
296 (COST-weighted) in a game hour of a 24-hour run, and their routine part under the routine share of the
default budget (600). Every answer's trace
record says which tier answered and why. Nothing here reads the wall clock: headless runs stay deterministic.

A request that cannot fit any more (the hour's budget is spent for its rank) is known before it is built
(``certain_scripted``): it is then built lean, without recalling memories, which only the model reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.protocol import Request
from game.world.components import PlayerControlled, Position
from game.world.town import Town

ROUTINE_SHARE = 0.5
"""Share of the hour's budget routine requests may take."""
NEAR_PLAYER = 24
"""Tiles from a player within which a resident counts as watched."""
PROMOTED_MINUTES = 60
"""Game minutes a salient moment keeps a resident on the model."""
COST = {"plan": 20, "converse": 3}
"""What one request of a kind spends of the budget (others: 1), about its tokens to generate: a day plan is up to
400, a line of talk 60, a decision, an importance rating or a reflection a few under constraint."""

Tiers = dict[int, tuple[str, str]]
"""Request id -> (tier, why)."""

_SALIENT = {"met": "a meeting", "replan:news": "news"}
_ROUTINE_REPLANS = frozenset({"replan:new day"})


@dataclass(slots=True)
class Attention:
    """The budget's state: the game hour it counts, what it has spent, and who is promoted until when."""

    budget: int | None = None
    """Model requests per game hour (None: no limit); a run's comes from RunOptions.think_budget."""
    hour: int = -1
    spent: int = 0
    promoted: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Resident id -> (game minute the promotion ends, why)."""

    def triage(self, town: Town, batch: list[Request]) -> tuple[list[Request], list[Request], Tiers]:
        """Split ``batch`` into the model's part and the scripted part; each request's (tier, why) by id."""
        now = town.clock.total_minutes
        if now // 60 != self.hour:
            self.hour, self.spent = now // 60, 0
        self.promoted = {rid: until for rid, until in self.promoted.items() if until[0] > now}
        near = _near_players(town)
        ranked = sorted(((self._rank(request, now, near), request) for request in batch),
                        key=lambda pair: (pair[0][0], pair[1].id))
        model, scripted, tiers = [], [], {}
        for (rank, why), request in ranked:
            cost = COST.get(request.kind, 1)
            fits = rank == 0 or self.budget is None or self.spent + cost <= self._limit(rank)
            if fits and not request.lean:
                self.spent += cost
                model.append(request)
                tiers[request.id] = ("model", why)
            else:
                scripted.append(request)
                spent = "budget spent when asked" if fits else f"budget {self.spent} of {self.budget} spent this hour"
                tiers[request.id] = ("scripted", f"{why}; {spent}")
        model.sort(key=lambda r: r.id)
        scripted.sort(key=lambda r: r.id)
        return model, scripted, tiers

    def _limit(self, rank: int) -> float:
        """What the hour may have spent, with a request of ``rank``, for it to go to the model (a budget is set)."""
        assert self.budget is not None
        return self.budget * ROUTINE_SHARE if rank == 5 else self.budget

    def certain_scripted(self, town: Town, npc: str, kind: str, reason: str) -> bool:
        """Whether a request about to be asked would not fit in this hour's budget whatever else is asked with it.

        Spending only grows until the hour ends, so such a request goes to the scripted policy when its batch is
        sorted; it can be built lean (``Request.lean``: no memories recalled, no talk facts), which the scripted
        policy never reads. In a town of a thousand that is most requests, and recalling memories was most of a
        tick. Never for the player's conversation (the caller's ``urgent``) or without a budget.
        """
        if self.budget is None:
            return False
        now = town.clock.total_minutes
        spent = self.spent if now // 60 == self.hour else 0
        rank, _ = self._standing(npc, kind, reason, False, now, _watched(town, npc))
        return spent + COST.get(kind, 1) > self._limit(rank)

    def _rank(self, request: Request, now: int, near: frozenset[str]) -> tuple[int, str]:
        """How much ``request`` matters (0 most) and why; a salient moment promotes its resident."""
        rank, why = self._standing(request.npc, request.kind, request.situation.reason, request.urgent, now,
                                   request.npc in near)
        if rank == 2:
            self.promoted[request.npc] = (now + PROMOTED_MINUTES, why)
        return rank, why

    def _standing(self, npc: str, kind: str, reason: str, urgent: bool, now: int, watched: bool) -> tuple[int, str]:
        """How much a request matters (0 most) and why, promoting nobody (``certain_scripted`` asks it too)."""
        if urgent:
            return 0, "the player asked"
        if watched:
            return 1, "near the player"
        moment = _moment(reason)
        if moment:
            return 2, moment
        if kind == "converse":
            return 3, "in a conversation"
        if npc in self.promoted and self.promoted[npc][0] > now:
            until, why = self.promoted[npc]
            return 4, f"promoted until {until // 60 % 24:02d}:{until % 60:02d} by {why}"
        return 5, "routine"

    def dump(self) -> dict[str, object]:
        """The state as plain data, for a save."""
        return {"budget": self.budget, "hour": self.hour, "spent": self.spent,
                "promoted": {rid: list(until) for rid, until in sorted(self.promoted.items())}}

    def load(self, data: dict[str, object]) -> None:
        """Restore the state a save wrote (the budget itself comes from the run's options)."""
        self.hour, self.spent = int(data["hour"]), int(data["spent"])  # type: ignore[call-overload]
        promoted = data["promoted"]
        if not isinstance(promoted, dict):
            raise TypeError(f"attention's 'promoted' is {type(promoted).__name__}, not an object")
        self.promoted = {rid: (int(until[0]), str(until[1])) for rid, until in promoted.items()}


def _moment(reason: str) -> str:
    """The salient moment a decision's reason names ("" for none)."""
    if reason.startswith("met:"):
        return _SALIENT["met"]
    if reason in _SALIENT:
        return _SALIENT[reason]
    if reason.startswith("replan:") and reason not in _ROUTINE_REPLANS:
        return f"an urgent need ({reason.split(':', 1)[1]})"
    return ""


def _watched(town: Town, npc: str) -> bool:
    """Whether one resident is within NEAR_PLAYER tiles of a player."""
    players = [pos for _, (pos, _) in town.ecs.get_components(Position, PlayerControlled)]
    entity = town.residents.get(npc)
    if not players or entity is None:
        return False
    pos = town.ecs.component_for_entity(entity, Position)
    return any(abs(pos.x - p.x) <= NEAR_PLAYER and abs(pos.y - p.y) <= NEAR_PLAYER for p in players)


def _near_players(town: Town) -> frozenset[str]:
    """Residents within NEAR_PLAYER tiles of any player."""
    players = [pos for _, (pos, _) in town.ecs.get_components(Position, PlayerControlled)]
    if not players:
        return frozenset()
    near = set()
    for rid, entity in town.residents.items():
        pos = town.ecs.component_for_entity(entity, Position)
        if any(abs(pos.x - p.x) <= NEAR_PLAYER and abs(pos.y - p.y) <= NEAR_PLAYER for p in players):
            near.add(rid)
    return frozenset(near)
