"""The conversation corpus for tuning a pretrained chat model: grounded talks and day plans, as the game prompts them.

Each example is a list of chat messages rendered with the game's own templates (agents/talk.py for
conversations, agents/prompts/plan.txt for plans) and the indices of the assistant messages to learn.
A player conversation packs several questions and answers into one example, so the long system
message is paid for once; a conversation between residents passes on news and makes small talk; a
plan example asks for the day's plan and answers with the routine and what is coming up fitted in.
Validation towns use seeds that training towns never use.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from agents.brains.scripted import make_plan
from agents.embeddings import Embedder, HashEmbedder, load_embedder
from agents.focus import focused
from agents.known_text import CLOSE_FRIEND
from agents.persona import Persona
from agents.prompting import Template, load_templates, prompt_values, render_messages
from agents.protocol import Acquaintance, MindView, Options, Request, Situation
from agents.training.grammar import speak
from agents.training.talk_answers import QUESTIONS, answer
from agents.training.talk_scene import PLAYER_ABOUT, PLAYER_NAMES, Scene, make_scene, request_for
from agents.training.towns import GenTown, _invented, make_town

VALIDATION_SEED_BASE = 2_000_000
"""Validation towns are seeded from here up; training towns below it."""

MIX = {"player": 0.62, "residents": 0.2, "plan": 0.18}
"""Share of examples of each sort."""

_WEIGHTS = {"work": 3, "yesterday": 3, "today": 2, "tomorrow": 3, "news": 3, "friend": 3, "person": 2,
            "stranger": 0.6, "place": 1, "memory": 1, "howareyou": 1, "remark": 1, "newcomer": 0.6, "thanks": 0.4,
            "adversarial": 0.6}
"""How often each kind of question is asked in player conversations."""

NONE_KEPT = {"friend": 0.3, "news": 0.35}
"""Share of friend and news questions kept when the scene has no friend or no news. The answer then is one of a
few set lines, which a small model learns far more easily than a copied name; asked as often as the scenes
would have it (a fifth to a third), the tuned model said it had no friend when its prompt named one."""


def talk_examples(seed: int, towns: int, embedder: Embedder | None = None) -> Iterator[dict[str, Any]]:
    """Yield examples from ``towns`` generated towns seeded from ``seed``; deterministic.

    ``embedder`` picks the focus sentences above the player's last question, as the game does (agents/focus.py);
    the game's default is MiniLM, so the shipped corpus uses it too (the hash embedder if none is given).
    """
    templates = load_templates()
    embedder = embedder or HashEmbedder()
    for index in range(towns):
        rng = random.Random(seed + index)
        town = make_town(rng, rng.randint(6, 14))
        for persona in town.residents:
            roll = rng.random()
            if roll < MIX["plan"]:
                yield _plan_example(rng, town, persona, templates)
                continue
            scene = make_scene(rng, town, persona)
            if roll < MIX["plan"] + MIX["residents"]:
                yield _resident_talk(rng, scene, templates)
            else:
                yield _player_talk(rng, scene, templates, embedder)


def _player_talk(rng: random.Random, scene: Scene, templates: dict[str, Template],
                 embedder: Embedder) -> dict[str, Any]:
    """A player asks three to six questions; every answer is learned (the last with the focus the game gives it)."""
    player = rng.choice(PLAYER_NAMES)
    asker = player.split()[0]
    kinds = _distinct_kinds(rng, rng.randint(4, 8))
    if rng.random() < 0.4:
        kinds.insert(0, "greeting")
    if rng.random() < 0.2:
        kinds.append("goodbye")
    history: list[tuple[str, str]] = []
    answers: list[str] = []
    for kind in kinds:
        asked = _question(rng, kind, scene)
        if asked is None or any(asked[0] == line for _, line in history):
            continue
        question, subject = asked
        history.append(("player", question))
        answers.append(answer(rng, kind, scene, asker, subject))
        history.append((scene.persona.id, answers[-1]))
    closing = bool(kinds) and kinds[-1] == "goodbye"
    request = request_for(scene, ("player", player, PLAYER_ABOUT), tuple(history[:-1]), closing=closing)
    return _example("talk", render_messages(templates, focused(request, embedder)), answers[-1])


def _distinct_kinds(rng: random.Random, count: int) -> list[str]:
    """``count`` different kinds of question, drawn by weight (a kind asked twice would teach repeating oneself)."""
    left = dict(_WEIGHTS)
    kinds: list[str] = []
    while left and len(kinds) < count:
        kind = rng.choices(list(left), weights=list(left.values()))[0]
        kinds.append(kind)
        del left[kind]
    return kinds


def _resident_talk(rng: random.Random, scene: Scene, templates: dict[str, Template]) -> dict[str, Any]:
    """Two residents talk; the resident passes on news its partner has not heard, greets, chats, says goodbye."""
    others = [p for p in scene.town.residents if p.id != scene.persona.id]
    partner = rng.choice(others)
    known = next((a for a in scene.facts.people if a.id == partner.id), None)
    about = (known.note or known.about) if known else f"the {partner.occupation}"
    untold = tuple(n for n in scene.facts.news if n.source != partner.name and rng.random() < 0.8)
    voice, partner_voice = scene.town.styles[scene.persona.id], scene.town.styles[partner.id]
    closeness = known.closeness if known else 0.0
    turn = rng.randint(0, 4)
    history: list[tuple[str, str]] = []
    for t in range(turn):
        mine = (turn - t) % 2 == 0
        speaker = scene.persona if mine else partner
        line, _, _ = speak(rng, voice if mine else partner_voice, (partner if mine else scene.persona).first_name,
                           closeness, rng.choice(speaker.topics), t, 6, False, None)
        history.append((speaker.id, line))
    closing = turn >= 2 and rng.random() < 0.15
    news = untold[0].text if untold and 1 <= turn <= 3 else None
    line, _, _ = speak(rng, voice, partner.first_name, closeness, rng.choice(scene.persona.topics), turn, 6, closing,
                       news)
    request = request_for(scene, (partner.id, partner.name, about), tuple(history), closing=closing,
                          untold=untold)
    return _example("talk", render_messages(templates, request), line)


def _plan_example(rng: random.Random, town: GenTown, persona: Persona,
                  templates: dict[str, Template]) -> dict[str, Any]:
    """A day-plan request at waking time, answered with the usual day and what is coming up fitted in."""
    scene = make_scene(rng, town, persona)
    plan = scene.facts.today
    wake = next((b.start for b in plan.blocks if b.kind != "sleep"), 7 * 60) if plan else 7 * 60
    sit = Situation(scene.situation.day, scene.situation.weekday, wake, persona.home, "home", "idle", (), "start")
    urgent = rng.choice([None] * 8 + ["hunger", "energy"])
    happenings = tuple(n.happening for n in scene.facts.news if n.happening is not None)
    mind = MindView(needs_text=rng.choice(["rested, fed", "tired, hungry", "rested, hungry, lonely"]),
                    mood=scene.mind.mood, urgent=urgent, closeness=scene.mind.closeness, happenings=happenings)
    places = tuple(sorted({*town.places, persona.home}))
    request = Request(0, "plan", persona.id, persona, sit, rng.getrandbits(32), options=Options(places, (), True),
                      jitter=20, mind=mind)
    prompt = templates["plan"].render(prompt_values(request, scene.world))
    target = make_plan(request, attend_all=True).to_text()
    return _example("plan", (("user", prompt),), target)


def _question(rng: random.Random, kind: str, scene: Scene) -> tuple[str, Acquaintance | str | None] | None:
    """A phrasing of ``kind`` with its blanks filled, and the person it asks about (None when it cannot be asked)."""
    phrasing = rng.choice(QUESTIONS[kind])
    subject: Acquaintance | str | None = None
    if kind == "person":
        if not scene.facts.people:
            return None
        subject = rng.choice(scene.facts.people)
        return phrasing.format(x=subject.name if rng.random() < 0.5 else subject.name.split()[0]), subject
    if kind == "stranger":
        taken = {w for p in scene.town.residents for w in p.name.split()}
        name = _invented(rng)
        if name in taken:
            return None
        return phrasing.format(x=name), name
    if kind == "memory":
        said = [text.split()[2] for _, text in scene.mind.memories if text.startswith("Talked with ")]
        if not said:
            return None
        subject = rng.choice(said)
        return phrasing.format(x=subject), subject
    if kind in NONE_KEPT and rng.random() >= NONE_KEPT[kind] and not _has_answer(kind, scene):
        return None
    if "{work}" in phrasing:
        if not scene.facts.workplace:
            return None
        return phrasing.format(work=scene.facts.workplace), None
    return phrasing, None


def _has_answer(kind: str, scene: Scene) -> bool:
    """Whether the scene holds what a friend or news question asks for (a close friend, some news)."""
    if kind == "friend":
        return bool(scene.facts.people) and scene.facts.people[0].closeness >= CLOSE_FRIEND
    return bool(scene.facts.news)


def _example(sort: str, messages: tuple[tuple[str, str], ...], reply: str) -> dict[str, Any]:
    """An example: the prompt's messages, the reply appended, and which assistant messages to learn from."""
    full = [*messages, ("assistant", reply)]
    learn = [i for i, (role, text) in enumerate(full) if role == "assistant" and text != "..."]
    return {"sort": sort, "messages": [list(m) for m in full], "learn": learn}


def write_talk_corpus(out: Path, train_towns: int, val_towns: int, seed: int = 0,
                      embedder: Embedder | None = None) -> dict[str, Any]:
    """Write train.jsonl and val.jsonl of the conversation corpus; return its recipe, counts and sha256.

    Focus sentences are ranked with ``embedder``, by default MiniLM on one thread (the game's default embedder).
    """
    out.mkdir(parents=True, exist_ok=True)
    embedder = embedder or load_embedder("minilm", threads=1)
    digest = hashlib.sha256()
    counts: dict[str, dict[str, int]] = {}
    for split, start, towns in (("train", seed, train_towns), ("val", VALIDATION_SEED_BASE + seed, val_towns)):
        sorts: dict[str, int] = {}
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as handle:
            for example in talk_examples(start, towns, embedder):
                line = json.dumps(example, ensure_ascii=False)
                digest.update(line.encode())
                handle.write(line + "\n")
                sorts[example["sort"]] = sorts.get(example["sort"], 0) + 1
        counts[split] = sorts
    return {"train_towns": train_towns, "val_towns": val_towns, "seed": seed, "examples": counts,
            "sha256": digest.hexdigest()}

