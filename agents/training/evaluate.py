"""Evaluating a model on the validation towns: loss, decision validity and agreement, speech, persona conditioning."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from agents.candidates import decision_candidates, decision_is_valid
from agents.intents import Fallback, GoTo, parse_intent
from agents.plans import DayPlan, PlanBlock
from agents.prompting import load_templates, render
from agents.training.corpus import KIND_WEIGHTS, VALIDATION_SEED_BASE, Example, examples


def validation_examples(kind: str, count: int, towns: int = 10) -> list[Example]:
    """The first ``count`` validation examples of one kind (regenerated from the validation seeds)."""
    chosen = []
    for example in examples(VALIDATION_SEED_BASE, towns):
        if example.request.kind == kind:
            chosen.append(example)
            if len(chosen) == count:
                break
    return chosen


def evaluate_model(model_dir: Path, corpus_dir: Path, examples: int = 300) -> dict[str, Any]:
    """Measure a model folder; every figure is a share of validation requests unless named otherwise."""
    from agents.brains.chooser import ModelRunner
    from agents.training.train import encode, evaluate_loss, load_examples

    brain = ModelRunner(model_dir)
    val_rows = load_examples(corpus_dir / "val.jsonl")[: examples * 2]
    loss = evaluate_loss(brain.model, [encode(brain.tokenizer, r, 768) for r in val_rows], brain.tokenizer.pad_token_id)
    report: dict[str, Any] = {"validation_loss": round(loss, 4), "validation_examples_for_loss": len(val_rows)}
    report |= _decisions(brain, validation_examples("decide", examples))
    report |= _conditioning(brain, validation_examples("decide", examples))
    report |= _plans(brain, validation_examples("plan", max(4, examples // 10)))
    return report


def _plans(brain: Any, chosen: list[Example]) -> dict[str, Any]:
    """Share of written day plans the world would use (they parse, name known places and leave no gaps)."""
    from agents.plans import parse_plan, plan_problem
    requests = [replace(e.request, id=i) for i, e in enumerate(chosen)]
    answers = {a.request_id: a.text for a in brain.think(requests)}
    usable = 0
    for request in requests:
        plan = parse_plan(answers[request.id], request.situation.day)
        allowed = set(request.options.places) if request.options else set()
        usable += plan_problem(plan, allowed, request.situation.minute) is None
    return {"plans": len(requests), "plans_usable": round(usable / max(1, len(requests)), 4)}


def _decisions(brain: Any, chosen: list[Example]) -> dict[str, Any]:
    """Validity with and without constrained decoding, and agreement with the scripted policy."""
    requests = [replace(e.request, id=i) for i, e in enumerate(chosen)]
    constrained = {a.request_id: a.text for a in brain.think(requests)}
    free_texts, _ = brain._free([brain._chat(r.prompt) for r in requests], 48, None)
    valid = sum(decision_is_valid(r, parse_intent(constrained[r.id])) for r in requests)
    free_texts = [brain.unslot_decision(t, r) for t, r in zip(free_texts, requests, strict=True)]
    free_valid = sum(decision_is_valid(r, parse_intent(t)) for r, t in zip(requests, free_texts, strict=True))
    exact = sum(constrained[r.id] == e.answer for r, e in zip(requests, chosen, strict=True))
    action = sum(_action(constrained[r.id]) == _action(e.answer) for r, e in zip(requests, chosen, strict=True))
    scripted_in_set = sum(e.answer in decision_candidates(r) for r, e in zip(requests, chosen, strict=True))
    n = len(requests)
    return {"decisions": n, "validity_constrained": round(valid / n, 4),
            "validity_unconstrained": round(free_valid / n, 4),
            "agreement_exact": round(exact / n, 4), "agreement_action_and_target": round(action / n, 4),
            "scripted_answer_among_candidates": round(scripted_in_set / n, 4)}


def _action(text: str) -> tuple[str, ...]:
    """An intent's action and target (ignoring free text and minutes)."""
    intent = parse_intent(text)
    if isinstance(intent, Fallback):
        return ("invalid",)
    fields = [type(intent).__name__] + [str(getattr(intent, f)) for f in ("place", "person") if hasattr(intent, f)]
    return tuple(fields)


def _conditioning(brain: Any, chosen: list[Example]) -> dict[str, Any]:
    """Move the current plan block to another place: the scripted policy walks there; check the model does."""
    from agents.brains.scripted import decide
    from agents.intents import intent_to_json
    templates = load_templates()
    pairs = []
    for i, example in enumerate(chosen):
        request = example.request
        block = request.plan.block_at(request.situation.minute) if request.plan else None
        options = request.options
        if block is None or options is None or block.kind == "sleep" or request.situation.reason.startswith("met:"):
            continue
        elsewhere = [p for p in options.places if p not in (block.place, request.situation.place)]
        if not elsewhere:
            continue
        moved = PlanBlock(block.start, block.end, block.kind, block.activity, elsewhere[i % len(elsewhere)])
        plan = DayPlan(request.plan.day, tuple(moved if b == block else b for b in request.plan.blocks))  # type: ignore[union-attr]
        variant = replace(request, id=i, plan=plan)
        variant = replace(variant, prompt=render(templates, variant, "Town"))
        pairs.append((variant, intent_to_json(decide(variant)), moved.place))
    answers = {a.request_id: a.text for a in brain.think([v for v, _, _ in pairs])}
    follows = sum(parse_intent(answers[v.id]) == GoTo(place) for v, _, place in pairs)
    agrees = sum(answers[v.id] == scripted for v, scripted, _ in pairs)
    n = max(1, len(pairs))
    return {"conditioning_cases": len(pairs), "conditioning_follows_changed_routine": round(follows / n, 4),
            "conditioning_agrees_with_scripted": round(agrees / n, 4)}


def print_report(report: dict[str, Any]) -> None:
    """Print the evaluation's figures."""
    for key, value in report.items():
        if key == "speech_samples":
            print("speech samples:")
            for line in value:
                print(f"  {line}")
        else:
            print(f"{key}: {value}")


def write_card(folder: Path, log: dict[str, Any], report: dict[str, Any]) -> None:
    """Write the model card (README.md) and the evaluation (evaluation.json) into the model folder."""
    (folder / "evaluation.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    corpus, config = log["corpus"], log["config"]
    rows = "\n".join(f"| {k} | {v} |" for k, v in report.items() if k != "speech_samples")
    samples = "\n".join(f"- {s}" for s in report.get("speech_samples", []))
    kinds = ", ".join(f"{kind} {weight:g}" for kind, weight in KIND_WEIGHTS.items())
    size_mb = sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6
    (folder / "README.md").write_text(f"""# npcworld-small

npcworld's own small language model: the default mind of `npcworld play` and `npcworld simulate`.
A Llama-architecture causal LM trained from scratch by `npcworld train-model` on a procedural corpus in
exactly the prompt formats npcworld's brains send. Offline; load with `from_pretrained` from this folder.

## Model
- Parameters: {log['parameters']:,} ({config['size']} shape; vocabulary {config['vocab_size']},
  context {config['context']})
- Files: {size_mb:.1f} MB (safetensors, fp32), tokenizer (byte-level BPE, chat template
  `<|user|>` / `<|assistant|>` / `<|end|>`)
- Training: {log['step']} steps of {config['batch_size']} examples, {log['tokens_seen']:,} tokens,
  {log['seconds'] / 60:.1f} minutes on a 2-core CPU (no GPU), bf16 autocast {'on' if config.get('bf16') else 'off'},
  AdamW lr {config['learning_rate']} with warmup and cosine decay, loss on replies only, seed {config['seed']}
  {('(' + log['stopped_early'] + ')') if log.get('stopped_early') else ''}
- Final training loss {log.get('last_train_loss', float('nan')):.4f}; validation loss {log['final_val_loss']}

## Corpus
- {corpus['train_towns']} generated training towns and {corpus['val_towns']} validation towns (seeds from
  {corpus['seed']} and from 1,000,000: no validation resident appears in training, and no Oakvale
  resident anywhere), 6-14 residents each
- Kinds per resident: {kinds} (on average)
- People: 40% listed given names, 60% invented from syllables (thousands of names, none of them
  Oakvale's); one in ten residents has the family name as id
- Places: half the towns name their places ("The Copper Kettle Cafe", id `copper_kettle_cafe`); 15% of
  workers work somewhere their job does not suggest; a quarter of decisions come with a replanned block
  (an errand, a meal out, a happening) at a random place, so the model reads the plan instead of guessing
- Answers: the scripted policy for decisions, plans, importance and reflections; a dialogue grammar
  (8 voices, each with several self-descriptions, relationship-aware greetings, small talk on topics,
  reactions, news passed on by name, farewells, every line naming the partner) for speech
- Slotted replies (`npcworld.json`, `agents/slots.py`): the model is trained to name things by their role
  in the prompt, not to copy them: `"place": "@plan"` (the current plan block's place) or `"@home"`,
  `"person": "@met"` or `"@p1"`, `"activity": "@now"`, and `{{partner}}` / `{{news}}` in speech; the
  local brain fills them in. A model this size trained for this long does not learn to copy a name from
  its prompt (the unslotted model before this one named the right partner in 7% of lines and walked to
  a moved plan place 8% of the time); with slots both are classification problems it can learn
- Examples: {corpus['examples']['train']:,} train, {corpus['examples']['val']:,} validation, deduplicated;
  sha256 {corpus['sha256']}

## Evaluation (validation towns; `npcworld eval-model`)
| measure | value |
|---|---|
{rows}

Validity "constrained" is what the local brain does (a token trie of the valid actions); "unconstrained"
is free generation parsed afterwards. Agreement compares with the scripted policy's answer for the same
request. Conditioning moves the current plan block to another place and checks the model walks there.
"Names partner" is the share of lines that say the partner's first name; plans "usable" are those the
world would use: they parse, name only places the resident may go and leave no hour unplanned.

Speech samples:
{samples}

## Limits
A model this small learns the formats, the routine-following policy and the dialogue grammar's voices;
it does not reason, and its speech is the grammar's, not open conversation. Its day plans are not usable
(see `plans_usable`: writing a plan means copying times and places from the routine in the prompt,
which it cannot do), so the world falls back to the scripted planner (the routine with known happenings
and urgent needs fitted in), as it does for any brain whose plan does not parse.
""")
