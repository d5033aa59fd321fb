"""The conversation corpus and the adapter recipe: grounded targets, real prompts, a LoRA that merges exactly."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from agents.grounding import invented_names, known_words
from agents.modelkit import make_model_folder
from agents.plans import parse_plan, plan_problem
from agents.training.talk_corpus import VALIDATION_SEED_BASE, talk_examples, write_talk_corpus

torch = pytest.importorskip("torch")


def test_corpus_is_deterministic_and_validation_towns_are_apart(tmp_path: Path) -> None:
    a = write_talk_corpus(tmp_path / "a", 2, 1)
    b = write_talk_corpus(tmp_path / "b", 2, 1)
    assert a["sha256"] == b["sha256"]
    train = (tmp_path / "a" / "train.jsonl").read_text()
    val = (tmp_path / "a" / "val.jsonl").read_text()
    val_names = {m for line in val.splitlines() for m in json.loads(line)["messages"][0][1].split()[:4]}
    assert val_names and not {w for w in val_names if w.istitle() and len(w) > 3 and f"You are {w}" in train}
    assert VALIDATION_SEED_BASE > 10_000


def test_every_answer_uses_only_names_its_prompt_gives() -> None:
    for example in itertools.islice(talk_examples(11, 6), 60):
        messages = example["messages"]
        prompt = "\n".join(text for _, text in messages[:-1])
        known = known_words([prompt, "Alex Rowe"])
        for index in example["learn"]:
            assert invented_names(messages[index][1], known) == [], (messages[index][1], example["sort"])


def test_talk_examples_are_chat_prompts_and_plans_are_usable() -> None:
    sorts = set()
    for example in itertools.islice(talk_examples(3, 4), 40):
        messages, sort = example["messages"], example["sort"]
        sorts.add(sort)
        assert messages[-1][0] == "assistant" and example["learn"][-1] == len(messages) - 1
        if sort == "plan":
            prompt = messages[0][1]
            places = set(prompt.split("Places: ")[1].split("\n")[0].split(", "))
            assert plan_problem(parse_plan(messages[-1][1], 1), places, 0) is None
        else:
            assert messages[0][0] == "system" and "Reply as " in messages[0][1]
    assert sorts == {"talk", "plan"}


FACT_STARTS = ("- Your work:", "- Yesterday (", "- Your plan for today:", "- Tomorrow morning (", "- News you know:",
               "- Your friends:")
"""How the focus sentences (agents/focus.py) begin in the last turn's "You remember" list."""


def test_a_players_last_question_gets_the_focus_the_game_gives_it() -> None:
    from agents.embeddings import load_embedder
    focused = {"player": 0, "resident": 0}
    asked = {"player": 0, "resident": 0}
    friend = friend_focused = 0
    for example in itertools.islice(talk_examples(5, 30, load_embedder("minilm", threads=1)), 300):
        if example["sort"] != "talk":
            continue
        last = example["messages"][-2][1]
        who = "player" if "Reply as" in example["messages"][0][1] and "a newcomer" in example["messages"][0][1] \
            else "resident"
        remembered = last.split("You remember:\n", 1)[1].splitlines()
        asked[who] += 1
        focused[who] += remembered[0].startswith(FACT_STARTS)
        question = last.splitlines()[-1].lower()
        if "friend" in question and "?" in question:
            friend += 1
            friend_focused += any(line.startswith("- Your friends:") for line in remembered[:2])
    assert asked["player"] >= 20 and focused["player"] >= asked["player"] // 3, (focused, asked)
    assert focused["resident"] == 0, "residents talking among themselves get no focus, as in the game"
    assert friend >= 5 and friend_focused >= 0.7 * friend, (friend_focused, friend)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model_folder(tmp_path_factory.mktemp("lora") / "tiny", "tiny", vocab_size=1024)


def test_adapter_trains_saves_and_merges_like_peft(tiny: Path, tmp_path: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from agents.brains.talker import Talker, merge_adapter
    from agents.training.talk_recipe import build_adapter
    out = tmp_path / "adapter"
    log = build_adapter(out, tmp_path / "work", quick=True, base_folder=tiny, progress=False, max_minutes=0.3)
    assert log["step"] >= 1 and log["trainable_parameters"] > 0
    assert (out / "adapter_model.safetensors").exists() and (out / "npcworld.json").exists()
    card = (out / "README.md").read_text()
    assert log["corpus"]["sha256"] in card and "answers_with_every_needed_fact" in card
    ids = torch.tensor([[5, 17, 33, 40, 8]])
    ours = AutoModelForCausalLM.from_pretrained(tiny).eval()
    merge_adapter(ours, out)
    theirs = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny), out).merge_and_unload().eval()
    base = AutoModelForCausalLM.from_pretrained(tiny).eval()
    with torch.no_grad():
        assert torch.allclose(ours(ids).logits, theirs(ids).logits, atol=1e-5)
        assert not torch.allclose(ours(ids).logits, base(ids).logits, atol=1e-5), "training moved the weights"
    talker = Talker.load(tiny, out)
    assert talker.encode([("system", "x"), ("user", "hello")])


def test_a_broken_adapter_is_a_clear_error(tiny: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    from agents.brains.talker import merge_adapter
    (tmp_path / "adapter_config.json").write_text("{not json")
    with pytest.raises(ValueError, match="not a readable LoRA adapter"):
        merge_adapter(AutoModelForCausalLM.from_pretrained(tiny), tmp_path)


def test_a_catchphrase_in_front_keeps_a_name_capitalised() -> None:
    """"Aye, greamus Marsher, I'd say" taught the model to write names in lower case."""
    import random

    from agents.training.talk_answers import voiced
    from agents.training.talk_scene import make_scene
    from agents.training.towns import make_town
    rng = random.Random(4)
    town = make_town(rng, 8)
    scenes = [make_scene(rng, town, persona) for persona in town.residents]
    scene = next(s for s in scenes if s.catch and s.facts.people)
    friend = scene.facts.people[0].name
    said = [voiced(random.Random(seed), scene, f"{friend}, I'd say.", "Rory") for seed in range(60)]
    assert all(friend in line for line in said), [line for line in said if friend not in line][:3]
    assert any(line.lower().startswith(tuple(w.lower() + "," for w in scene.catch)) for line in said), \
        "the catchphrase did go in front"
