"""Brain replies parse into typed intents or a typed fallback; no reply raises or reaches the world unchecked."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.intents import (
    MAX_SAY,
    Continue,
    DoActivity,
    Fallback,
    GoTo,
    Say,
    Sleep,
    TalkTo,
    Wait,
    intent_to_json,
    parse_intent,
)
from game.world.simulation import Simulation


def test_round_trip_of_every_intent() -> None:
    for intent in (GoTo("cafe"), TalkTo("leo"), Say("Hello there", "leo"), Say("Anyone?"),
                   DoActivity("reading", 45, "leisure"), Wait(5), Sleep(480), Continue()):
        assert parse_intent(intent_to_json(intent)) == intent


def test_wrapped_and_malformed_replies() -> None:
    assert parse_intent('Sure! {"action": "go_to", "place": "pub"} hope that helps') == GoTo("pub")
    assert isinstance(parse_intent("go to the pub"), Fallback)
    assert isinstance(parse_intent('{"action": "fly", "place": "moon"}'), Fallback)
    assert isinstance(parse_intent('{"action": "wait", "minutes": -3}'), Fallback)
    assert isinstance(parse_intent('{"action": "wait", "minutes": "soon"}'), Fallback)
    assert isinstance(parse_intent('{"action": "go_to", "place": "../../etc"}'), Fallback)
    assert isinstance(parse_intent('{"action": "activity", "activity": "x", "minutes": 5, "kind": "sleep"}'),
                      Fallback)
    long = parse_intent('{"action": "say", "text": "' + "blah " * 200 + '"}')
    assert isinstance(long, Say) and len(long.text) <= MAX_SAY + 3


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300),
                 st.builds(lambda a, t, m: f'{{"action": "{a}", "place": "{t}", "person": "{t}", "minutes": {m}}}',
                           st.sampled_from(["go_to", "talk_to", "wait", "sleep", "activity", "say", "x"]),
                           st.text(max_size=12), st.integers(-5, 5000))))
def test_any_text_gives_an_intent_or_a_fallback(text: str) -> None:
    assert isinstance(parse_intent(text), GoTo | TalkTo | Say | DoActivity | Wait | Sleep | Continue | Fallback)


class BabblingBrain:
    """A brain that answers every request with junk or with intents the world must refuse."""

    name = "babbling"

    def __init__(self) -> None:
        self.replies = ['{"action": "go_to", "place": "atlantis"}', "I would like a nap",
                        '{"action": "talk_to", "person": "nobody"}', '{"action": "sleep", "minutes": 60}',
                        '{"action": "go_to"', ""]
        self.count = 0

    def think(self, requests):  # type: ignore[no-untyped-def]
        from agents.protocol import Answer
        answers = []
        for request in requests:
            self.count += 1
            answers.append(Answer(request.id, self.replies[self.count % len(self.replies)]))
        return answers


def test_invalid_replies_are_rejected_with_reasons_and_the_town_goes_on() -> None:
    brain = BabblingBrain()
    sim = Simulation("oakvale", seed=3, brain=brain)
    sim.run(hours=6)
    rejected = [r for r in sim.events if r["type"] == "intent_rejected"]
    reasons = " | ".join(r["reason"] for r in rejected)
    assert "no place named 'atlantis'" in reasons
    assert "no resident called 'nobody'" in reasons
    assert "no JSON object" in reasons or "invalid JSON" in reasons
    assert all(r["npc"] for r in rejected)
    for record in sim.events:
        if record["type"] == "activity" and record["kind"] == "sleep":
            home = next(p.home for p in sim.world.personas if p.id == record["npc"])
            assert record["place"] == home, "a refused sleep never happens away from home"
        if record["type"] == "move_started":
            assert record["to"] in sim.world.tilemap.places
    assert any(r["type"] == "move_started" for r in sim.events), "the scripted fallback keeps residents moving"
    sim.close()
