"""Needs and mood move with activity; urgent needs and known happenings reshape the scripted plan."""

from __future__ import annotations

import itertools

from agents.brains.scripted import make_plan
from agents.emotion import Emotion
from agents.memory import Happening
from agents.needs import Needs
from agents.persona_file import load_persona
from agents.plans import PlanBlock, insert_block, routine_plan, steps_for
from agents.protocol import MindView, Options, Request, Situation
from game.world.loader import WORLDS_DIR

MARA = WORLDS_DIR / "oakvale" / "personas" / "mara.toml"


def test_needs_fall_over_time_and_rise_with_the_right_activity() -> None:
    needs = Needs(energy=50, hunger=50, social=50, fun=50)
    needs.update("work", 120)
    assert needs.energy < 50 and needs.hunger < 50 and needs.fun < 50
    hungry = needs.hunger
    needs.update("meal", 30)
    assert needs.hunger > hungry + 30
    tired = Needs(energy=5)
    assert tired.urgent() == "energy"
    tired.update("sleep", 8 * 60)
    assert tired.energy > 90 and tired.urgent() is None
    assert Needs(hunger=14, energy=2).urgent() == "energy", "the need furthest below its limit wins"
    assert Needs(hunger=3, energy=9).urgent() == "hunger"
    assert "starving" in Needs(hunger=5).describe()


def test_emotion_moves_and_settles() -> None:
    mood = Emotion()
    mood.nudge(0.6, 0.5)
    assert mood.label() == "excited"
    mood.settle(24 * 60, Needs())
    assert mood.label() in ("content", "flat")
    glum = Emotion()
    for _ in range(100):
        glum.settle(60, Needs(energy=0, hunger=0, social=0, fun=0))
    assert glum.valence < 0 and glum.label() in ("glum", "flat")


def request(mind: MindView, minute: int = 9 * 60, place: str | None = "bakery") -> Request:
    persona = load_persona(MARA)
    sit = Situation(2, 1, minute, place, "Quinn's Bakery", "working")
    return Request(1, "plan", persona.id, persona, sit, 42, options=Options(("bakery", "cafe", "home_mara"), (), False),
                   jitter=20, mind=mind)


def test_plan_follows_the_routine_and_is_repeatable() -> None:
    plan = make_plan(request(MindView()))
    again = make_plan(request(MindView()))
    assert plan == again
    assert plan.block_at(9 * 60) is not None and plan.block_at(9 * 60).place == "bakery"
    assert plan.blocks[0].start == 0 and plan.blocks[-1].end > 24 * 60
    assert all(a.end == b.start for a, b in zip(plan.blocks, plan.blocks[1:], strict=False))


def test_very_hungry_replans_a_meal_now() -> None:
    plan = make_plan(request(MindView(urgent="hunger")))
    block = plan.block_at(9 * 60)
    assert block is not None and block.kind == "meal" and block.place == "bakery"
    assert block.start == 9 * 60 and block.end == 9 * 60 + 45
    plan_away = make_plan(request(MindView(urgent="hunger"), place=None))
    assert plan_away.block_at(9 * 60).place == "cafe"


def test_very_tired_replans_a_nap_at_home() -> None:
    block = make_plan(request(MindView(urgent="energy"))).block_at(9 * 60 + 10)
    assert block is not None and block.kind == "sleep" and block.place == "home_mara"


def test_known_happening_today_goes_into_the_plan() -> None:
    party = Happening("tomas-cafe-d2-1700", "Tomas's party", "cafe", 2, 17 * 60, 120, "tomas")
    plan = make_plan(request(MindView(happenings=(party,), closeness=(("tomas", 1.0),))))
    block = plan.block_at(17 * 60 + 30)
    assert block is not None and block.place == "cafe" and "Tomas's party" in block.activity
    other_day = Happening("x", "Someone's party", "cafe", 3, 17 * 60, 120, "tomas")
    assert "party" not in make_plan(request(MindView(happenings=(other_day,)))).block_at(17 * 60 + 30).activity


def test_insert_block_cuts_around_the_new_block() -> None:
    plan = routine_plan(load_persona(MARA), 2, 1, 42, 0)
    new = insert_block(plan, PlanBlock(600, 660, "meal", "snack", "cafe"))
    assert new.block_at(630).activity == "snack"
    assert new.block_at(599) == plan.block_at(599) or new.block_at(599).end == 600
    assert all(a.end <= b.start for a, b in zip(new.blocks, new.blocks[1:], strict=False))


def test_long_blocks_break_into_steps() -> None:
    block = PlanBlock(5 * 60, 12 * 60, "work", "baking bread", "bakery")
    steps = steps_for(block, 1)
    assert steps[0].start == block.start and steps[-1].end == block.end
    assert all(a.end == b.start for a, b in itertools.pairwise(steps))
    assert {s.activity for s in steps} >= {"getting set up", "baking bread"}
    assert all(s.end - s.start <= 110 for s in steps)
    assert steps_for(PlanBlock(0, 45, "meal", "toast", "home"), 1) == [PlanBlock(0, 45, "meal", "toast", "home")]


def test_a_usable_plan_names_known_places_and_leaves_no_hour_unplanned() -> None:
    from agents.plans import DayPlan, parse_plan, plan_problem
    places = {"bakery", "cafe", "home_mara", "market", "pub"}
    scripted = make_plan(request(MindView()))
    assert plan_problem(scripted, places, 9 * 60) is None
    assert plan_problem(None, places, 0) == "reply is not a plan"
    assert plan_problem(parse_plan("07:00-23:59 work @moon: x", 1), places, 420) == "plan names unknown places: moon"
    # the plan that once put a resident to sleep all day: two short blocks and nothing else
    sparse = parse_plan("07:00-07:05 leisure @cafe: breakfast\n18:00-18:05 chores @cafe: tidy", 1)
    assert plan_problem(sparse, places, 390) == "plan leaves 07:05-18:00 unplanned"
    assert plan_problem(DayPlan(1, scripted.blocks[:3]), places, 0).startswith("plan stops at")
    late_start = parse_plan("12:00-30:00 work @bakery: bake", 1)
    assert plan_problem(late_start, places, 9 * 60) == "plan leaves 09:00-12:00 unplanned"
    assert plan_problem(late_start, places, 11 * 60 + 30) is None
