"""The training corpus: requests in the brains' exact prompt formats, with the answers the model should give.

Answers come from the scripted policy (decisions, plans, ratings, reflections) and from the dialogue
grammar (speech), over many generated towns.

Validation towns use seeds that training towns never use, so no validation resident is seen in training.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from agents.brains.scripted import decide, make_plan
from agents.dialogue import line_to_json, parse_line
from agents.intents import intent_to_json
from agents.memory import rule_importance
from agents.modelkit import ASSISTANT, END, USER
from agents.plans import routine_plan
from agents.prompting import Template, load_templates, render
from agents.protocol import Dialogue, MindView, Nearby, Options, Request, Situation
from agents.reflection import insights_to_json, scripted_insights
from agents.slots import slot_decision, slot_speech
from agents.training import vocab
from agents.training.grammar import speak
from agents.training.scenes import kind_of, mind_of, replanned
from agents.training.towns import GenTown, make_town

KIND_WEIGHTS = {"decide": 6.0, "converse": 5.0, "plan": 0.8, "importance": 1.0, "reflect": 0.4}
"""How many examples of each kind per resident and town, on average."""

VALIDATION_SEED_BASE = 1_000_000
"""Validation towns are seeded from here up; training towns below it."""


@dataclass(frozen=True, slots=True)
class Example:
    """One training example: the request and the answer the world should get (what the model learns is slotted)."""

    request: Request
    answer: str

    @property
    def reply(self) -> str:
        """The reply the model is trained to write: the answer with names and places as slots."""
        return slotted_reply(self.request, self.answer)

    def text(self) -> str:
        """The full chat-formatted text: the user turn, then the assistant's reply."""
        return f"{USER}\n{self.request.prompt}{END}\n{ASSISTANT}\n{self.reply}{END}\n"


def examples(seed: int, towns: int, world: str = "Town") -> Iterator[Example]:
    """Yield examples from ``towns`` generated towns, seeded from ``seed``; deterministic."""
    templates = load_templates()
    for index in range(towns):
        rng = random.Random(seed + index)
        town = make_town(rng, rng.randint(6, 14))
        for persona in town.residents:
            for kind, weight in KIND_WEIGHTS.items():
                count = int(weight) + (1 if rng.random() < weight - int(weight) else 0)
                for _ in range(count):
                    request, answer = _example(rng, town, persona.id, kind)
                    request = _with_prompt(request, templates, world)
                    yield Example(request, answer)


def slotted_reply(request: Request, answer: str) -> str:
    """The answer as npcworld's own model writes it (see agents/slots.py)."""
    if request.kind == "decide":
        return slot_decision(answer, request)
    if request.kind == "converse" and request.dialogue is not None:
        parsed = parse_line(answer)
        if parsed is None:
            return answer
        line, end, news = parsed
        news_text = request.mind.news[0].text if request.mind.news else None
        return line_to_json(slot_speech(line, request.dialogue.partner_name.split()[0], news_text), end, news)
    return answer


def _with_prompt(request: Request, templates: dict[str, Template], world: str) -> Request:
    """Render the request's prompt exactly as the world does."""
    from dataclasses import replace
    return replace(request, prompt=render(templates, request, world))


def _example(rng: random.Random, town: GenTown, rid: str, kind: str) -> tuple[Request, str]:
    """Build one request of ``kind`` for resident ``rid`` and the reply the scripted policy or grammar gives."""
    persona = next(p for p in town.residents if p.id == rid)
    day, weekday = rng.randint(1, 9), rng.randint(0, 6)
    plan = routine_plan(persona, day, weekday, rng.getrandbits(32), 20)
    minute = rng.randint(0, 24 * 60 - 1)
    if kind == "decide" and rng.random() < 0.25:
        plan = replanned(rng, town, persona, plan, minute)
    block = plan.block_at(minute)
    here = block.place if block and rng.random() < 0.55 else rng.choice([*town.places, persona.home])
    others = [p for p in town.residents if p.id != rid]
    near = rng.sample(others, k=min(len(others), rng.choice([0, 0, 1, 1, 2, 3])))
    reason = rng.choice(["arrived", "activity_ended", "start", "conversation_ended", "planned"])
    if near and rng.random() < 0.3:
        reason = f"met:{near[0].id}"
    sit = Situation(day, weekday, minute, here, town.label(here), rng.choice(["idle", "walking", "working", "resting"]),
                    tuple(Nearby(p.id, p.name, rng.choice(vocab.LEISURE)) for p in near), reason)
    places = tuple(sorted({*town.places, persona.home}))
    options = Options(places, tuple(p.id for p in near if rng.random() < 0.8), here == persona.home)
    mind = mind_of(rng, town, persona.id, day, others)
    seed = rng.getrandbits(63)
    if kind == "decide":
        request = Request(0, "decide", rid, persona, sit, seed, options=options, plan=plan, mind=mind)
        return request, intent_to_json(decide(request))
    if kind == "plan":
        wake = replace_minute(sit, plan.blocks[1].start if len(plan.blocks) > 1 else 420)
        request = Request(0, "plan", rid, persona, wake, seed, options=options, jitter=20, mind=mind)
        return request, make_plan(request).to_text()
    if kind == "importance":
        subject = rng.choice([text for _, text in mind.memories] or ["Saw a cat on the wall"])
        request = Request(0, "importance", rid, persona, sit, 0, subject=subject)
        return request, str(rule_importance(kind_of(subject), subject))
    if kind == "reflect":
        request = Request(0, "reflect", rid, persona, sit, 0, mind=mind)
        return request, insights_to_json(scripted_insights(persona.first_name, mind))
    return _converse(rng, town, persona.id, sit, mind, seed)


def replace_minute(sit: Situation, minute: int) -> Situation:
    """The same situation at another minute, at home, just woken."""
    from dataclasses import replace
    return replace(sit, minute=minute, reason="start", doing="idle")


def _converse(rng: random.Random, town: GenTown, rid: str, sit: Situation, mind: MindView,
              seed: int) -> tuple[Request, str]:
    """A conversation turn: history so far from the grammar, and the next line."""
    persona = next(p for p in town.residents if p.id == rid)
    partner = rng.choice([p for p in town.residents if p.id != rid])
    relation = persona.relationships.get(partner.id)
    closeness = relation.closeness if relation is not None else 0.0
    max_turns, turn = 6, rng.randint(0, 5)
    history: list[tuple[str, str]] = []
    for t in range(turn):
        speaker = partner if (turn - t) % 2 else persona
        other = persona if speaker is partner else partner
        line, _, _ = speak(rng, town.styles[speaker.id], other.first_name, 0.3, rng.choice(speaker.topics), t,
                           max_turns, False, None)
        history.append((speaker.id, line))
    closing = turn >= 2 and rng.random() < 0.15
    news = mind.news[0] if mind.news and rng.random() < 0.6 else None
    dialogue = Dialogue("c1", partner.id, partner.name, turn, max_turns, closing, tuple(history))
    view = MindView(mind.needs, mind.needs_text, mind.mood, None, mind.closeness, mind.memories, mind.happenings,
                    (news,) if news else ())
    request = Request(0, "converse", rid, persona, sit, seed, dialogue=dialogue, mind=view)
    line, end, shared = speak(rng, town.styles[rid], partner.first_name, closeness, rng.choice(persona.topics), turn,
                              max_turns, closing, news.text if news else None)
    return request, line_to_json(line, end, news.key if shared and news else None)


def write_corpus(out: Path, train_towns: int, val_towns: int, seed: int = 0) -> dict[str, object]:
    """Write deduplicated train.jsonl and val.jsonl; return the recipe with counts and a hash of the text."""
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    for split, start, towns in (("train", seed, train_towns), ("val", VALIDATION_SEED_BASE + seed, val_towns)):
        seen: set[str] = set()
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as handle:
            for example in examples(start, towns):
                text = example.text()
                key = hashlib.sha1(text.encode()).hexdigest()
                if key in seen:
                    continue
                seen.add(key)
                digest.update(text.encode())
                handle.write(json.dumps({"kind": example.request.kind, "text": text,
                                         "reply_start": len(text) - len(example.reply) - len(END) - 1},
                                        ensure_ascii=False) + "\n")
        counts[split] = len(seen)
    return {"train_towns": train_towns, "val_towns": val_towns, "seed": seed, "examples": counts,
            "sha256": digest.hexdigest()}
