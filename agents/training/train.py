"""Training the small model: a tokenizer and a Llama from a config, trained on the corpus.

AdamW with warmup and cosine decay, reply-only loss, periodic validation, checkpoints to resume from,
and a time budget.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Everything that decides a training run."""

    size: str = "5m"
    vocab_size: int = 4096
    context: int = 768
    batch_size: int = 16
    learning_rate: float = 2e-3
    warmup_steps: int = 100
    epochs: float = 1.0
    max_minutes: float = 45.0
    eval_every: int = 250
    eval_examples: int = 256
    checkpoint_every: int = 250
    seed: int = 0
    threads: int = 2
    bf16: bool = True
    """Autocast to bfloat16 (on the CPU it trains about 1.5 times as fast; weights stay fp32)."""


def load_examples(path: Path) -> list[dict[str, Any]]:
    """Read a corpus split."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def encode(tokenizer: Any, example: dict[str, Any], context: int) -> tuple[list[int], int]:
    """Token ids of an example and where its reply starts; over-long prompts lose their beginning."""
    prompt_ids = tokenizer(example["text"][: example["reply_start"]], add_special_tokens=False).input_ids
    reply_ids = tokenizer(example["text"][example["reply_start"]:], add_special_tokens=False).input_ids
    prompt_ids = prompt_ids[-max(1, context - len(reply_ids)):]
    ids = (prompt_ids + reply_ids)[:context]
    return ids, len(prompt_ids)


def batches(encoded: list[tuple[list[int], int]], size: int, rng: random.Random) -> list[list[int]]:
    """Group examples of similar length (less padding), then shuffle the groups."""
    order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i][0]), rng.random()))
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(groups)
    return groups


def collate(encoded: list[tuple[list[int], int]], group: list[int], pad: int) -> tuple[Any, Any, Any]:
    """Right-padded input ids, attention mask, and labels that count only reply tokens."""
    import torch
    width = max(len(encoded[i][0]) for i in group)
    ids = torch.full((len(group), width), pad, dtype=torch.long)
    mask = torch.zeros((len(group), width), dtype=torch.long)
    labels = torch.full((len(group), width), -100, dtype=torch.long)
    for row, i in enumerate(group):
        tokens, start = encoded[i]
        ids[row, :len(tokens)] = torch.tensor(tokens)
        mask[row, :len(tokens)] = 1
        labels[row, start:len(tokens)] = torch.tensor(tokens[start:])
    return ids, mask, labels


def reply_loss(model: Any, ids: Any, mask: Any, labels: Any) -> Any:
    """Mean next-token loss over reply tokens, projecting only those positions onto the vocabulary."""
    import torch
    hidden = model.model(input_ids=ids, attention_mask=mask).last_hidden_state[:, :-1]
    target = labels[:, 1:]
    keep = target != -100
    logits = model.lm_head(hidden[keep]).float()
    return torch.nn.functional.cross_entropy(logits, target[keep])


def evaluate_loss(model: Any, encoded: list[tuple[list[int], int]], pad: int, batch_size: int = 16) -> float:
    """Mean loss per reply token over ``encoded``."""
    import torch
    total, count = 0.0, 0
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(encoded), batch_size):
            group = list(range(start, min(start + batch_size, len(encoded))))
            ids, mask, labels = collate(encoded, group, pad)
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1]
            target = labels[:, 1:]
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1),
                                                     ignore_index=-100, reduction="sum")
            total += float(loss)
            count += int((target != -100).sum())
    model.train()
    return total / max(1, count)


def train(corpus: Path, out: Path, work: Path, config: TrainConfig, resume: bool = True,
          progress: bool = True) -> dict[str, Any]:
    """Train from ``corpus`` (train.jsonl, val.jsonl); save the model and tokenizer in ``out``; return the log."""
    import torch

    from agents.modelkit import build_model, parameter_count
    from agents.slots import write_slots_file

    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    work.mkdir(parents=True, exist_ok=True)
    tokenizer, encoded, val_encoded, val_count = _data(corpus, work, config, resume)
    pad = tokenizer.pad_token_id
    model = build_model(tokenizer, config.size, context=config.context, seed=config.seed).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01,
                                  betas=(0.9, 0.95))
    rng = random.Random(config.seed)
    plan = [g for _ in range(math.ceil(config.epochs)) for g in batches(encoded, config.batch_size, rng)]
    plan = plan[: int(len(plan) * config.epochs / math.ceil(config.epochs))]
    log: dict[str, Any] = {"config": asdict(config), "parameters": parameter_count(model),
                           "train_examples": len(encoded), "val_examples": val_count, "steps_planned": len(plan),
                           "history": [], "tokens_seen": 0, "seconds": 0.0, "step": 0}
    checkpoint = work / "checkpoint.pt"
    if resume and checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        log = state["log"]
        torch.set_rng_state(state["torch_rng"])
    began = time.perf_counter() - log["seconds"]
    step = log["step"]
    while step < len(plan):
        ids, mask, labels = collate(encoded, plan[step], pad)
        loss = _step(model, optimizer, ids, mask, labels, _learning_rate(step, len(plan), config), config.bf16)
        step += 1
        _account(log, step, int(mask.sum()), float(loss.detach()), time.perf_counter() - began)
        if step % config.eval_every == 0 or step == len(plan):
            log["history"].append({"step": step, "train_loss": round(float(loss.detach()), 4),
                                   "minutes": round(log["seconds"] / 60, 2),
                                   "val_loss": round(evaluate_loss(model, val_encoded, pad), 4)})
        if progress:
            _bar(step, len(plan), log)
        out_of_time = log["seconds"] > config.max_minutes * 60
        if step % config.checkpoint_every == 0 or out_of_time:
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "log": log,
                        "torch_rng": torch.get_rng_state()}, checkpoint)
        if out_of_time:
            log["stopped_early"] = f"time budget of {config.max_minutes:g} minutes reached at step {step}"
            break
    log["final_val_loss"] = round(evaluate_loss(model, val_encoded, pad), 4)
    if progress:
        sys.stderr.write("\n")
    out.mkdir(parents=True, exist_ok=True)
    model.eval().save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    write_slots_file(out)  # the corpus's replies are slotted, so the model writes slots
    (work / "train_log.json").write_text(json.dumps(log, indent=2))
    return log


def _step(model: Any, optimizer: Any, ids: Any, mask: Any, labels: Any, lr: float, bf16: bool) -> Any:
    """One optimiser step at learning rate ``lr``; return the loss."""
    import torch
    for group in optimizer.param_groups:
        group["lr"] = lr
    with torch.autocast(model.device.type, dtype=torch.bfloat16, enabled=bf16):
        loss = reply_loss(model, ids, mask, labels)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss


Encoded = list[tuple[list[int], int]]
"""Examples as (token ids, index where the reply starts)."""


def _data(corpus: Path, work: Path, config: TrainConfig, resume: bool) -> tuple[Any, Encoded, Encoded, int]:
    """Load the corpus, train (or reload) the tokenizer, and encode the examples."""
    from agents.modelkit import train_tokenizer

    train_rows, val_rows = load_examples(corpus / "train.jsonl"), load_examples(corpus / "val.jsonl")
    tokenizer_dir = work / "tokenizer"
    if resume and (tokenizer_dir / "tokenizer.json").exists():
        from transformers import AutoTokenizer
        tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    else:
        tokenizer = train_tokenizer((row["text"] for row in train_rows), config.vocab_size)
        tokenizer.save_pretrained(tokenizer_dir)
    encoded = [encode(tokenizer, row, config.context) for row in train_rows]
    val_encoded = [encode(tokenizer, row, config.context) for row in val_rows[: config.eval_examples]]
    return tokenizer, encoded, val_encoded, len(val_rows)


def _account(log: dict[str, Any], step: int, tokens: int, loss: float, seconds: float) -> None:
    """Record one step in the log."""
    log["tokens_seen"] += tokens
    log["step"], log["seconds"], log["last_train_loss"] = step, seconds, loss


def _learning_rate(step: int, total: int, config: TrainConfig) -> float:
    """Linear warmup, then cosine decay to a tenth of the peak."""
    if step < config.warmup_steps:
        return config.learning_rate * (step + 1) / config.warmup_steps
    progress = (step - config.warmup_steps) / max(1, total - config.warmup_steps)
    return config.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def _bar(step: int, total: int, log: dict[str, Any]) -> None:
    """One-line progress on stderr."""
    width = 30
    filled = int(width * step / max(1, total))
    val = log["history"][-1]["val_loss"] if log["history"] else float("nan")
    rate = log["tokens_seen"] / max(1e-9, log["seconds"])
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] step {step}/{total} "
                     f"loss {log['last_train_loss']:.3f} val {val:.3f} {rate:,.0f} tok/s "
                     f"{log['seconds'] / 60:.1f} min ")
    sys.stderr.flush()
