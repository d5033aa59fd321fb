"""The minds inside the world: reflection, replanning, turn-taking, relationships, the trace, any reply at all."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.brains.scripted import ScriptedBrain
from agents.protocol import Answer
from game.world.components import Conversation, Mind
from game.world.processors.speech import RoundRobin
from game.world.simulation import Simulation
from game.world.social import closeness_change


def test_reflection_triggers_on_accumulated_importance_and_cites_memories() -> None:
    with Simulation("oakvale", seed=2, reflection_threshold=20) as sim:
        sim.run(hours=6)
        reflect = sim.trace.of_kind("reflect")
        assert reflect, "a low threshold makes residents reflect"
        for resident in sim.residents():
            held = {m.id for m in resident.mind.memory.memories} | {
                c for m in resident.mind.memory.memories if m.kind == "summary" for c in m.cites}
            for memory in resident.mind.memory.memories:
                if memory.kind == "reflection":
                    assert memory.cites, "an insight says where it came from"
                    assert set(memory.cites) < held | set(range(memory.id))
    with Simulation("oakvale", seed=2, reflection_threshold=100_000) as sim:
        sim.run(hours=6)
        assert not sim.trace.of_kind("reflect"), "below the threshold nobody reflects"


def test_a_starving_resident_fits_a_meal_into_its_plan_and_eats() -> None:
    with Simulation("oakvale", seed=4) as sim:
        sim.run(hours=3)  # 09:30: Leo is at work
        asked = len(sim.trace.of_kind("plan"))
        mind = sim.town.ecs.component_for_entity(sim.town.residents["leo"], Mind)
        mind.needs.hunger = 3.0
        sim.run(minutes=90)
        replans = [e for e in sim.events if e["type"] == "plan_made" and e["npc"] == "leo"
                   and e["source"].endswith("+hunger")]
        assert replans, "very hungry is salient: a meal is laid over Leo's plan"
        assert any(b.split()[1] == "meal" for b in replans[0]["blocks"])
        assert len(sim.trace.of_kind("plan")) == asked, "without asking the brain for a new plan"
        meals = [e for e in sim.events if e["type"] == "activity" and e["npc"] == "leo" and e["kind"] == "meal"
                 and e["tick"] >= replans[0]["tick"]]
        assert meals and "famished" in meals[0]["activity"]
        assert sim.resident("leo").mind.needs.hunger > 30


def test_round_robin_takes_turns_in_groups() -> None:
    conversation = Conversation("c1", ["ann", "bo", "cy"], None, 6)
    policy, order = RoundRobin(), []
    for _ in range(6):
        order.append(conversation.participants[conversation.speaker])
        conversation.speaker = policy.next_speaker(conversation)
    assert order == ["ann", "bo", "cy", "ann", "bo", "cy"]


class CannotPlan(ScriptedBrain):
    """Writes day plans that do not parse; otherwise scripted."""

    def answer(self, request):  # type: ignore[no-untyped-def]
        return "first I will think about it" if request.kind == "plan" else super().answer(request)


def test_an_unusable_plan_is_replaced_by_the_scripted_planner_with_the_party_in_it() -> None:
    with Simulation("oakvale", seed=7, brain=CannotPlan()) as sim:
        sim.run(hours=26)  # into day 2; Tomas's party (planted in world.toml) is at 17:00 at the cafe
        plans = [e for e in sim.events if e["type"] == "plan_made" and e["npc"] == "tomas" and e["plan_day"] == 2]
        assert plans and all(p["source"] == "scripted" for p in plans)
        assert "17:00 leisure @cafe" in plans[-1]["blocks"], "the host plans his own party"
        rejected = [e for e in sim.events if e["type"] == "intent_rejected" and e["intent"] == "plan"]
        assert rejected and "reply is not a plan; using the scripted plan" in rejected[0]["reason"]


class NeverEnds(ScriptedBrain):
    """Talks forever: never says goodbye."""

    def answer(self, request):  # type: ignore[no-untyped-def]
        if request.kind == "converse":
            return '{"say": "And another thing...", "end": false}'
        return super().answer(request)


def test_turns_alternate_and_the_turn_limit_ends_a_conversation() -> None:
    with Simulation("oakvale", seed=7, brain=NeverEnds(), conversation_max_turns=4) as sim:
        sim.run(hours=10)
        ended = [e for e in sim.events if e["type"] == "conversation_ended"]
        assert ended and all(e["turns"] == 4 and e["reason"] == "turn limit" for e in ended)
        for end in ended:
            lines = [e for e in sim.events if e["type"] == "said" and e["conversation"] == end["conversation"]]
            speakers = [line["npc"] for line in lines]
            assert speakers == [end["npc"], end["partner"]] * 2, "turns alternate"


def test_conversations_bring_people_closer() -> None:
    assert 0 < closeness_change(0.0, 6, 0.5) < 0.1
    assert closeness_change(0.9, 6, 0.5) < closeness_change(0.0, 6, 0.5), "close friends gain less"
    assert closeness_change(0.0, 8, 1.0) > closeness_change(0.0, 2, 1.0)
    with Simulation("oakvale", seed=7) as sim:
        before = {r.id: dict(r.closeness) for r in sim.residents()}
        sim.run(hours=12)
        changes = [e for e in sim.events if e["type"] == "relationship_changed"]
        assert changes
        for change in changes[:10]:
            now = sim.resident(change["npc"]).closeness[change["other"]]
            assert now > before[change["npc"]].get(change["other"], 0.0)
        memories = sim.resident(changes[0]["npc"]).mind.memory.memories
        assert any(m.kind == "conversation" and m.text.startswith("Talked with") for m in memories)


def test_the_trace_explains_each_decision() -> None:
    with Simulation("oakvale", seed=7) as sim:
        sim.run(hours=4)
        decisions = sim.trace.of_kind("decide")
        assert decisions
        with_memories = [d for d in decisions if d["retrieved"]]
        assert with_memories
        scored = with_memories[-1]["retrieved"][0]
        assert {"id", "text", "recency", "importance", "relevance", "score"} <= set(scored)
        assert abs(scored["score"] - (scored["recency"] + scored["importance"] + scored["relevance"])) < 1e-3
        assert all(d["accepted"] in (True, False) and d["applied"] for d in decisions)
        rejected = [d for d in decisions if d["accepted"] is False]
        assert all(d["rejection"] for d in rejected)
        assert all(d["prompt_hash"] and d["reply"] for d in decisions)


class ArbitraryBrain:
    """Answers every request, of every kind, with text drawn by hypothesis."""

    name = "arbitrary"

    def __init__(self, replies: list[str]):
        self.replies = replies
        self.count = 0

    def think(self, requests):  # type: ignore[no-untyped-def]
        answers = []
        for request in requests:
            answers.append(Answer(request.id, self.replies[self.count % len(self.replies)]))
            self.count += 1
        return answers


REPLY = st.one_of(
    st.text(max_size=200),
    st.sampled_from(['{"action": "go_to", "place": "pub"}', '{"action": "sleep", "minutes": 300}',
                     '{"action": "talk_to", "person": "mara"}', '{"say": "hi", "end": true, "news": "nope"}',
                     '{"insights": [{"text": "x", "because": [99999]}]}', "07:00-30:00 work @moon: digging",
                     '{"action": "activity", "activity": "x", "minutes": 1e9}', "11", "{", "null", "[]"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(REPLY, min_size=1, max_size=12))
def test_any_reply_never_crashes_and_never_breaks_the_rules(replies: list[str]) -> None:
    with Simulation("oakvale", seed=1, brain=ArbitraryBrain(replies)) as sim:
        sim.run(minutes=40)
        homes = {p.id: p.home for p in sim.world.personas}
        places = set(sim.world.tilemap.places)
        for event in sim.events:
            if event["type"] == "move_started":
                assert event["to"] in places
            if event["type"] == "activity" and event["kind"] == "sleep":
                assert event["place"] == homes[event["npc"]]
            if event["type"] == "said":
                assert event["text"] and len(event["text"]) <= 250
            if event["type"] == "news_learned":
                raise AssertionError("nobody can pass on news they do not hold")
        for resident in sim.residents():
            assert sim.world.tilemap.walkable(resident.tile)
            for memory in resident.mind.memory.memories:
                assert 1 <= memory.importance <= 10


def test_at_midnight_every_resident_plans_the_new_day_in_one_batch() -> None:
    with Simulation("oakvale", seed=7) as sim:
        sim.run(hours=18)  # 00:30 on day 2
        planned = [e for e in sim.trace.of_kind("plan") if e["day"] == 2]
        assert {e["npc"] for e in planned} == set(sim.town.residents) - {"player"}
        first = min(e["tick"] for e in planned)
        assert sum(e["tick"] == first for e in planned) >= 10, "most ask together, so a model answers one batch"
        assert all(e["reason"] == "replan:new day" for e in planned)
        woken = {e["npc"] for e in sim.trace.of_kind("decide") if e["reason"] == "replan:new day"}
        asleep = {e["npc"] for e in sim.events if e["type"] == "activity" and e["kind"] == "sleep" and e["day"] == 1}
        assert asleep and not woken & asleep, "residents asleep at midnight sleep on: the new plan asks no decision"
