"""Slotted replies: npcworld's own model names places and people by role; the local brain fills them in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.candidates import decision_candidates
from agents.slots import (
    decision_slots,
    model_uses_slots,
    slot_decision,
    slot_speech,
    unslot_decision,
    write_slots_file,
)
from agents.training.corpus import examples


def _decisions() -> list:
    return [e for e in examples(3, 2) if e.request.kind == "decide"]


def test_every_candidate_survives_slotting_and_slots_are_distinct() -> None:
    for example in _decisions():
        request = example.request
        candidates = decision_candidates(request)
        slotted = [slot_decision(c, request) for c in candidates]
        assert len(set(slotted)) == len(slotted), "one slotted reply per valid decision"
        assert [unslot_decision(s, request) for s in slotted] == candidates


def test_plan_place_and_met_person_become_slots() -> None:
    seen_plan = seen_met = False
    for example in _decisions():
        request, answer = example.request, json.loads(example.answer)
        slots = decision_slots(request)
        reply = json.loads(example.reply)
        if answer.get("place") == slots.get("@plan"):
            assert reply["place"] == "@plan"
            seen_plan = True
        if answer.get("person") and answer["person"] == slots.get("@met"):
            assert reply["person"] == "@met"
            seen_met = True
    assert seen_plan and seen_met


def test_speech_slots_round_trip() -> None:
    news = "Tomas's party at the park, today at 17:00."
    line = slot_speech(f"Guess what, Ida: {news} Bye, Ida!", "Ida", news)
    assert line == "Guess what, {partner}: {news} Bye, {partner}!"
    assert slot_speech("Idaho is far, Ida.", "Ida", None) == "Idaho is far, {partner}."


def test_slots_file_is_checked(tmp_path: Path) -> None:
    assert not model_uses_slots(tmp_path)
    write_slots_file(tmp_path)
    assert model_uses_slots(tmp_path)
    (tmp_path / "npcworld.json").write_text('{"slots": "v9"}')
    with pytest.raises(ValueError, match=r"npcworld.json: field 'slots'"):
        model_uses_slots(tmp_path)
    (tmp_path / "npcworld.json").write_text("{oops")
    with pytest.raises(ValueError, match="not valid JSON"):
        model_uses_slots(tmp_path)


def test_sleep_offered_outside_the_night_is_a_nap() -> None:
    from agents.candidates import NAP
    checked = 0
    for example in _decisions():
        request = example.request
        block = request.plan.block_at(request.situation.minute) if request.plan else None
        sleeps = [json.loads(c)["minutes"] for c in decision_candidates(request) if '"sleep"' in c]
        if not sleeps or block is None:
            continue
        remaining = block.end - request.situation.minute
        assert sleeps == [min(remaining, 960) if block.kind == "sleep" else min(NAP, remaining)]
        checked += 1
    assert checked > 5
