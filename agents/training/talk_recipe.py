"""One command from nothing to the shipped adapter: corpus, LoRA training, evaluation on unseen towns, model card.

The evaluation generates the validation towns' answers with the tuned model and checks them against
their prompts: every name, place and time the right answer needs must appear in the reply, no name
outside the prompt may, and a written day plan must be one the world would use.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from agents.training.lora import LoraConfig, train_adapter
from agents.training.publish import staged
from agents.training.talk_corpus import write_talk_corpus

FULL: dict[str, Any] = {"train_towns": 160, "val_towns": 4, "config": LoraConfig(max_minutes=70.0)}
"""The shipped adapter's recipe: about 1,600 examples offered, as many trained as 70 minutes allow on 2 cores."""

QUICK: dict[str, Any] = {"train_towns": 2, "val_towns": 1,
                         "config": LoraConfig(max_minutes=1.0, eval_examples=4, eval_every=1000, top_layers=2,
                                              batch_tokens=2400, checkpoint_every=5)}
"""A miniature of the same recipe (for tests and a first look)."""


def build_adapter(out: Path, work: Path, base: str = "smollm2", quick: bool = False, resume: bool = True,
                  progress: bool = True, max_minutes: float | None = None, threads: int | None = None,
                  base_folder: Path | None = None, cache_dir: Path | None = None,
                  evaluate: bool = True) -> dict[str, Any]:
    """Write the corpus, train the adapter, evaluate it and write its card; return the training log."""
    from agents.brains.basemodels import default_cache_dir, ensure_converted
    began = time.perf_counter()
    recipe = QUICK if quick else FULL
    config: LoraConfig = recipe["config"]
    if max_minutes is not None:
        config = replace(config, max_minutes=max_minutes)
    if threads:
        config = replace(config, threads=threads)
    folder = base_folder or ensure_converted(base, cache_dir or default_cache_dir(), progress=progress)
    if not resume and work.exists():
        shutil.rmtree(work)
    manifest = work / "corpus.json"
    if resume and manifest.exists():
        corpus = json.loads(manifest.read_text(encoding="utf-8"))
    else:
        corpus = write_talk_corpus(work / "corpus", recipe["train_towns"], recipe["val_towns"])
        manifest.write_text(json.dumps(corpus, indent=2), encoding="utf-8")
    with staged(out) as stage:  # a kill leaves the older adapter whole, never half of a new one
        log = train_adapter(work / "corpus", folder, stage, work, config, resume=resume, progress=progress)
        log["corpus"], log["base_name"] = corpus, base
        report = evaluate_adapter(folder, stage, work / "corpus", limit=8 if quick else 48) if evaluate else {}
        log["evaluation"] = report
        log["wall_minutes"] = round((time.perf_counter() - began) / 60, 1)
        (stage / "training.json").write_text(json.dumps(log, indent=2), encoding="utf-8")
        write_card(stage, log, report)
    return log


def evaluate_adapter(folder: Path, adapter: Path | None, corpus: Path, limit: int = 48) -> dict[str, Any]:
    """Answer the validation towns' last questions and plans; score facts used, names invented, plans usable."""
    from agents.brains.engine import Job
    from agents.brains.talker import Talker
    from agents.grounding import invented_names, known_words
    from agents.plans import parse_plan, plan_problem

    talker = Talker.load(folder, adapter)
    rows = [json.loads(line) for line in (corpus / "val.jsonl").read_text(encoding="utf-8").splitlines()]
    talks = [r for r in rows if r["sort"] == "talk"][:limit]
    plans = [r for r in rows if r["sort"] == "plan"][: max(2, limit // 6)]
    facts = invented = 0
    samples: list[str] = []
    jobs = [Job(i, talker.encode([tuple(m) for m in r["messages"][:-1]]), 60, stops=("\n",))
            for i, r in enumerate(talks)]
    for row, output in zip(talks, talker.generate(jobs), strict=True):
        target, prompt = row["messages"][-1][1], "\n".join(m[1] for m in row["messages"][:-1])
        needed = _facts(target) & _facts(prompt)
        facts += needed <= _facts(output.text)
        invented += bool(invented_names(output.text, known_words([prompt])))
        if len(samples) < 8:
            question = row["messages"][-2][1].splitlines()[-1]
            samples.append(f"{question} -> {output.text.strip()}")
    usable = 0
    for i, row in enumerate(plans):
        prompt = row["messages"][0][1]
        output = talker.generate([Job(i, talker.encode([("user", prompt)]), 300)])[0]
        places = set(re.findall(r"Places: (.*)", prompt)[0].split(", "))
        now = re.search(r"(\d\d):(\d\d)\. Feeling", prompt)
        minute = int(now.group(1)) * 60 + int(now.group(2)) if now else 0
        usable += plan_problem(parse_plan(output.text, 1), places, minute) is None
    return {"answers": len(talks), "answers_with_every_needed_fact": round(facts / max(1, len(talks)), 3),
            "answers_with_invented_names": round(invented / max(1, len(talks)), 3), "plans": len(plans),
            "plans_usable": round(usable / max(1, len(plans)), 3), "samples": samples}


def _facts(text: str) -> set[str]:
    """Names and times in a text: capitalised words not opening a sentence, and HH:MM times."""
    names = set(re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+", text))
    return names | set(re.findall(r"\b\d\d:\d\d\b", text))


def _examples(counts: dict[str, dict[str, int]]) -> str:
    """Say how many examples of each sort each split holds, in words."""
    return "; ".join(f"{split}: " + ", ".join(f"{n} {sort}" for sort, n in sorted(sorts.items()))
                     for split, sorts in counts.items())


def write_card(out: Path, log: dict[str, Any], report: dict[str, Any]) -> None:
    """Write the adapter's model card (README.md) and npcworld.json (which base it tunes)."""
    from agents.brains.basemodels import lookup
    base = lookup(log.get("base_name", "smollm2"))
    (out / "npcworld.json").write_text(json.dumps({"base": base.name, "base_sha256": base.sha256,
                                                   "corpus_sha256": log["corpus"]["sha256"]}, indent=2) + "\n",
                                       encoding="utf-8")
    config = log["config"]
    samples = "\n".join(f"- {s}" for s in report.get("samples", []))
    rows = "\n".join(f"| {k} | {v} |" for k, v in report.items() if k != "samples")
    (out / "README.md").write_text(f"""# npcworld-talk: a LoRA adapter that tunes {base.title} for the town

What it is: a LoRA adapter (rank {config['rank']}, alpha {config['alpha']}, on the query, key, value, output,
gate, up and down projections of the top {config['top_layers']} decoder layers; {log['trainable_parameters']:,}
parameters) for **{base.title}** from the PyPI package `{base.package}=={base.version}` (file sha256
`{base.sha256}`). npcworld's local brain merges it into the base at load time and uses the result for
residents' speech and day plans.

Licences: the adapter is npcworld's (MIT, as the project); the base is under {base.licence}, and the merged
model is a derivative of it.

## How it was made (`npcworld train-model`)
- Corpus: {log['corpus']['train_towns']} generated towns for training, {log['corpus']['val_towns']} for validation
  (seeds apart; no validation resident is seen in training); examples {_examples(log['corpus']['examples'])}; sha256
  `{log['corpus']['sha256']}`. Player conversations of three to six questions (work, yesterday, today,
  tomorrow, news, friends, people, strangers, places, memories, small talk, attempts to steer the resident),
  conversations between residents (greetings, news passed on, small talk, farewells) and day plans, all
  rendered with the game's own prompt templates (the player's last question with the focus sentences the
  game puts above it, ranked with MiniLM); answers drawn only from what the prompt says, in the
  speaker's voice (pet names and catchphrases from the speech style).
- Training: {log['step']} steps, {log['tokens_seen']:,} tokens ({log['reply_tokens_seen']:,} of them replies
  learned), {round(log['seconds'] / 60, 1)} minutes on this machine's CPU with {config['threads']} threads;
  AdamW at {config['learning_rate']}, cosine over the run; validation loss {log.get('initial_val_loss')} before,
  {log['final_val_loss']} after. The whole command took {log.get('wall_minutes')} minutes.

## Evaluation on the validation towns
| measure | value |
|---|---|
{rows}

Sample answers:
{samples}

The town-level evaluation (`npcworld interview`) and its figures are in the project's README.
""", encoding="utf-8")
