"""Over one simulated day, residents keep their routines, walk only on open tiles and greet whom they meet."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest

from agents.persona import WEEKDAYS
from game.world.components import Position, Resident
from game.world.simulation import Simulation


def by_npc(events: list[dict], kind: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for record in events:
        if record["type"] == kind:
            grouped[record["npc"]].append(record)
    return grouped


def test_every_resident_sleeps_at_home(oakvale_day: Simulation) -> None:
    sleeps = [r for r in oakvale_day.events if r["type"] == "activity" and r["kind"] == "sleep"]
    homes = {p.id: p.home for p in oakvale_day.world.personas}
    assert {r["npc"] for r in sleeps} == set(homes)
    assert all(r["place"] == homes[r["npc"]] for r in sleeps)


def test_residents_reach_their_workplace_on_work_days(oakvale_day: Simulation) -> None:
    start_weekday = oakvale_day.world.start_weekday
    work = by_npc(oakvale_day.events, "activity")
    workers = [p for p in oakvale_day.world.personas if start_weekday in p.work_days]
    assert len(workers) >= 8, "most of Oakvale works on a Monday"
    for persona in workers:
        at_work = [r for r in work[persona.id] if r["kind"] == "work" and r["place"] == persona.workplace]
        assert at_work, f"{persona.id} never worked at {persona.workplace} on {WEEKDAYS[start_weekday]}"
    resting = [p for p in oakvale_day.world.personas if start_weekday not in p.work_days]
    for persona in resting:
        assert not [r for r in work[persona.id] if r["kind"] == "work"], f"{persona.id} worked on a day off"


def test_every_resident_visits_three_places(oakvale_day: Simulation) -> None:
    arrivals = by_npc(oakvale_day.events, "arrived")
    for persona in oakvale_day.world.personas:
        places = {r["place"] for r in arrivals[persona.id]} | {persona.home}
        assert len(places) >= 3, f"{persona.id} only went to {sorted(places)}"


def test_residents_greet_whom_they_meet(oakvale_day: Simulation) -> None:
    started = [r for r in oakvale_day.events if r["type"] == "conversation_started"]
    said = [r for r in oakvale_day.events if r["type"] == "said"]
    assert len(started) >= 10
    pairs = {frozenset((r["npc"], r["partner"])) for r in started}
    assert len(pairs) >= 8, "conversations happen between many different pairs"
    for conversation in started:
        lines = [r for r in said if r["conversation"] == conversation["conversation"]]
        assert lines, "a conversation has lines"
        assert lines[0]["npc"] == conversation["npc"] and lines[0]["to"] == conversation["partner"]
        assert lines[0]["act"] == "greet"
        assert {lines[0]["npc"], lines[1]["npc"]} == {conversation["npc"], conversation["partner"]}
        assert all(line["text"] and "{" not in line["text"] for line in lines)


def test_conversations_begin_between_residents_at_the_same_place(oakvale_day: Simulation) -> None:
    arrived = by_npc(oakvale_day.events, "arrived")
    for conversation in [r for r in oakvale_day.events if r["type"] == "conversation_started"]:
        for npc in (conversation["npc"], conversation["partner"]):
            before = [r for r in arrived[npc] if r["tick"] <= conversation["tick"]]
            home = next(p.home for p in oakvale_day.world.personas if p.id == npc)
            assert (before[-1]["place"] if before else home) == conversation["place"]


def test_nobody_ever_stands_on_a_blocked_tile_or_jumps() -> None:
    sim = Simulation("oakvale", seed=11)
    tilemap = sim.world.tilemap
    steps = 0
    for _ in range(sim.clock.minutes_to_ticks(24 * 60)):
        sim.town.ecs.process()
        for _, (position, resident) in sim.town.ecs.get_components(Position, Resident):
            assert tilemap.walkable(position.tile), f"{resident.id} on blocked {position.tile}"
            trail = position.trail
            for a, b in itertools.pairwise(trail):
                assert abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1, f"{resident.id} jumped {a}->{b}"
                assert tilemap.walkable(b)
                steps += 1
    sim.close()
    assert steps > 500, "residents really walked"


@pytest.mark.parametrize("kind", ["spawned", "move_started", "arrived", "activity", "said", "plan_made"])
def test_day_produces_each_event_type(oakvale_day: Simulation, kind: str) -> None:
    assert oakvale_day.town.log.counts.get(kind, 0) > 0


def test_news_is_passed_on_as_announced_and_recounted_in_own_words_once_over(oakvale_day: Simulation) -> None:
    from agents.known_text import NEWS_WORDINGS, happening_text
    from game.world.talkfacts import own_wording, talk_facts
    town = oakvale_day.town
    partner = town.residents["tomas"]
    held = {}
    for resident_id, entity in town.residents.items():
        for news in talk_facts(town, entity, partner).news:
            held[resident_id] = news
    assert len(held) >= 4, "the party's news spreads on day 1"
    texts = {news.text for news in held.values()}  # day 2: the party is today, so everyone has it as announced
    assert texts == {"Tomas's party for the cafe's tenth birthday at The Copper Kettle Cafe, today at 17:00."}
    party = next(iter(held.values())).happening
    assert party is not None and party.day == town.clock.day
    assert {own_wording(r, party, party.day) for r in town.residents} == {0}
    after = {own_wording(r, party, party.day + 1) for r in town.residents}
    assert len(after) >= 3, "once it is over, residents recount it in wordings of their own"
    past = {happening_text("Quiz night", "The Inn", 4, 5, 19 * 60, w) for w in range(NEWS_WORDINGS)}
    future = {happening_text("Quiz night", "The Inn", 6, 5, 19 * 60, w) for w in range(NEWS_WORDINGS)}
    assert len(past) == len(future) == NEWS_WORDINGS
    assert all("Quiz night" in t and "The Inn" in t for t in past | future)
    assert all("yesterday at 19:00" in t for t in past) and all("tomorrow at 19:00" in t for t in future)
    assert any(" was " in t or " had " in t for t in past) and not any(" was " in t or " had " in t for t in future)


def test_news_kept_in_memory_names_the_weekday_so_it_stays_true_on_later_days(oakvale_day: Simulation) -> None:
    from agents.known_text import DAY_NAMES
    today = DAY_NAMES[oakvale_day.clock.weekday]  # the party is on day 2, which is today
    told = [m.text for r in oakvale_day.residents() for m in r.mind.memory.memories
            if m.kind == "news" and " told me: " in m.text]
    assert told, "residents remember being told of the party"
    for text in told:
        assert f"on {today} at 17:00" in text and "tomorrow" not in text and "today" not in text, text
