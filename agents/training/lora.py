"""Tuning a pretrained base for the town with LoRA (peft): chat-formatted examples, loss on the replies only.

Adapters go on the top layers only (the frozen layers below need no backward pass), and the vocabulary
projection runs only where a reply token is predicted; on this 2-core CPU that is about 1.6x the tokens
per second of full-depth LoRA with full logits. The learning rate follows a cosine over the run's
progress, which is the larger of the share of the epoch done and the share of the time budget spent, so
a run always ends its schedule within its budget. Checkpoints let a killed run resume.
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

TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
"""The projections LoRA adapts."""


@dataclass(frozen=True, slots=True)
class LoraConfig:
    """How the adapter is trained."""

    rank: int = 16
    alpha: int = 32
    top_layers: int = 16
    """Adapt only the top this many decoder layers."""
    learning_rate: float = 4e-4
    warmup_steps: int = 12
    batch_tokens: int = 3000
    """Padded tokens per optimiser step (sequences are grouped by length)."""
    max_length: int = 1600
    epochs: float = 1.0
    max_minutes: float = 70.0
    eval_examples: int = 48
    eval_every: int = 80
    checkpoint_every: int = 20
    threads: int = 2
    seed: int = 0


def encode(tokenizer: Any, messages: list[list[str]], learn: list[int], max_length: int) -> tuple[list[int], list[int]]:
    """Token ids of a chat example and labels that are -100 except on the learned replies and their end token."""
    ids: list[int] = []
    labels: list[int] = []
    for index in range(len(messages)):
        upto = [{"role": r, "content": c} for r, c in messages[: index + 1]]
        full = _template(tokenizer, upto, add_generation_prompt=False)
        if messages[index][0] == "assistant":
            head = _template(tokenizer, upto[:-1], add_generation_prompt=True)
            if full[: len(head)] != head or head[: len(ids)] != ids:
                raise ValueError("the chat template does not render messages as a growing prefix")
            ids.extend(head[len(ids):])
            labels.extend([-100] * (len(head) - len(labels)))
            reply = full[len(head):]
            end = _reply_end(tokenizer, reply)
            ids.extend(reply)
            learned = index in learn
            labels.extend([t if learned and i < end else -100 for i, t in enumerate(reply)])
        else:
            ids.extend(full[len(ids):])
            labels.extend([-100] * (len(full) - len(labels)))
    return ids[:max_length], labels[:max_length]


def _template(tokenizer: Any, messages: list[dict[str, str]], add_generation_prompt: bool) -> list[int]:
    """Token ids of messages under the tokenizer's chat template."""
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=add_generation_prompt, tokenize=True,
                                        return_dict=False) if messages else []
    return list(ids)


def _reply_end(tokenizer: Any, reply: list[int]) -> int:
    """How many tokens of a rendered reply to learn: through its end-of-turn token, not the newline after."""
    specials = set(tokenizer.all_special_ids)
    for index, token in enumerate(reply):
        if token in specials:
            return index + 1
    return len(reply)


def load_encoded(path: Path, tokenizer: Any, max_length: int) -> list[tuple[list[int], list[int]]]:
    """Read a corpus file and encode every example."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [encode(tokenizer, row["messages"], row["learn"], max_length) for row in rows]


def batches(encoded: list[tuple[list[int], list[int]]], budget: int, rng: random.Random) -> list[list[int]]:
    """Group example indices into batches of similar length within ``budget`` padded tokens, in random order."""
    order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i][0]), rng.random()))
    groups: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = max([len(encoded[i][0]) for i in current] + [len(encoded[index][0])])
        if current and longest * (len(current) + 1) > budget:
            groups.append(current)
            current = []
        current.append(index)
    if current:
        groups.append(current)
    rng.shuffle(groups)
    return groups


def collate(encoded: list[tuple[list[int], list[int]]], group: list[int], pad: int) -> tuple[Any, Any, Any]:
    """Right-padded ids, attention mask and labels of a batch."""
    import torch
    width = max(len(encoded[i][0]) for i in group)
    ids = torch.full((len(group), width), pad)
    mask = torch.zeros((len(group), width), dtype=torch.long)
    labels = torch.full((len(group), width), -100)
    for row, index in enumerate(group):
        tokens, targets = encoded[index]
        ids[row, : len(tokens)] = torch.tensor(tokens)
        mask[row, : len(tokens)] = 1
        labels[row, : len(targets)] = torch.tensor(targets)
    return ids, mask, labels


def reply_loss(model: Any, ids: Any, mask: Any, labels: Any) -> Any:
    """Mean cross-entropy over reply tokens, projecting onto the vocabulary only where a reply token is predicted."""
    import torch
    hidden = model.base_model.model.model(input_ids=ids, attention_mask=mask).last_hidden_state
    target = labels[:, 1:]
    where = target != -100
    logits = model.base_model.model.lm_head(hidden[:, :-1][where])
    return torch.nn.functional.cross_entropy(logits.float(), target[where])


def evaluate(model: Any, encoded: list[tuple[list[int], list[int]]], pad: int) -> float:
    """Mean reply loss over ``encoded``."""
    import torch
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for index in range(len(encoded)):
            ids, mask, labels = collate(encoded, [index], pad)
            tokens = int((labels[:, 1:] != -100).sum())
            total += float(reply_loss(model, ids, mask, labels)) * tokens
            count += tokens
    model.train()
    return total / max(1, count)


def train_adapter(corpus: Path, base: Path, out: Path, work: Path, config: LoraConfig, resume: bool = True,
                  progress: bool = True) -> dict[str, Any]:
    """Train a LoRA adapter for the base model folder ``base`` on ``corpus``; save it in ``out``; return the log."""
    import torch
    from peft import set_peft_model_state_dict

    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    work.mkdir(parents=True, exist_ok=True)
    model, pad, encoded, val = _setup(corpus, base, config)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate,
                                  weight_decay=0.0)
    plan = batches(encoded, config.batch_tokens, random.Random(config.seed))
    plan = plan[: max(1, int(len(plan) * config.epochs))] if config.epochs <= 1 else plan * math.ceil(config.epochs)
    log: dict[str, Any] = {"config": asdict(config), "base": str(base), "train_examples": len(encoded),
                           "trainable_parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
                           "steps_planned": len(plan), "history": [], "tokens_seen": 0, "reply_tokens_seen": 0,
                           "seconds": 0.0, "step": 0}
    checkpoint = work / "adapter-checkpoint.pt"
    if resume and checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        set_peft_model_state_dict(model, state["adapter"])
        optimizer.load_state_dict(state["optimizer"])
        log = state["log"]
    else:
        log["initial_val_loss"] = round(evaluate(model, val, pad), 4)
    _loop(model, optimizer, plan, encoded, val, pad, config, log, checkpoint, progress)
    log["final_val_loss"] = round(evaluate(model, val, pad), 4)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    (work / "adapter_log.json").write_text(json.dumps(log, indent=2))
    return log


def _setup(corpus: Path, base: Path, config: LoraConfig) -> tuple[Any, int, Encoded, Encoded]:
    """Load the base with LoRA on its top layers, and the encoded training and validation examples."""
    import torch
    from peft import LoraConfig as PeftConfig
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base)
    if not getattr(tokenizer, "chat_template", None):
        from agents.brains.talker import GEMMA_TEMPLATE
        tokenizer.chat_template = GEMMA_TEMPLATE
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    encoded = load_encoded(corpus / "train.jsonl", tokenizer, config.max_length)
    val = load_encoded(corpus / "val.jsonl", tokenizer, config.max_length)[: config.eval_examples]
    base_model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    layers = base_model.config.num_hidden_layers
    top = min(config.top_layers, layers)
    peft_config = PeftConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=0.0, target_modules=list(TARGETS),
                             layers_to_transform=list(range(layers - top, layers)), task_type="CAUSAL_LM")
    model = get_peft_model(base_model, peft_config)
    model.train()
    return model, pad, encoded, val


def _loop(model: Any, optimizer: Any, plan: list[list[int]], encoded: Encoded, val: Encoded, pad: int,
          config: LoraConfig, log: dict[str, Any], checkpoint: Path, progress: bool) -> None:
    """Train until the plan or the time budget is used up, evaluating and checkpointing on the way."""
    began = time.perf_counter() - log["seconds"]
    step = log["step"]
    while step < len(plan):
        done = max(step / len(plan), log["seconds"] / (config.max_minutes * 60))
        if done >= 1.0:
            log["stopped_early"] = f"time budget of {config.max_minutes:g} minutes reached at step {step}"
            break
        ids, mask, labels = collate(encoded, plan[step], pad)
        loss = _step(model, optimizer, ids, mask, labels, _rate(step, done, config))
        step += 1
        log["tokens_seen"] += int(mask.sum())
        log["reply_tokens_seen"] += int((labels != -100).sum())
        log["step"], log["seconds"], log["last_train_loss"] = step, time.perf_counter() - began, float(loss)
        if step % config.eval_every == 0:
            log["history"].append({"step": step, "train_loss": round(float(loss), 4),
                                   "minutes": round(log["seconds"] / 60, 2),
                                   "val_loss": round(evaluate(model, val, pad), 4)})
        if progress:
            _bar(step, len(plan), log)
        if step % config.checkpoint_every == 0:
            _save_checkpoint(model, optimizer, log, checkpoint)
    if progress:
        sys.stderr.write("\n")


Encoded = list[tuple[list[int], list[int]]]
"""Examples as (token ids, labels)."""


def _save_checkpoint(model: Any, optimizer: Any, log: dict[str, Any], path: Path) -> None:
    """Save the adapter, optimiser and log; written to a temporary file and renamed."""
    import torch
    from peft import get_peft_model_state_dict
    temp = path.with_suffix(".tmp")
    torch.save({"adapter": get_peft_model_state_dict(model), "optimizer": optimizer.state_dict(), "log": log}, temp)
    temp.replace(path)


def _step(model: Any, optimizer: Any, ids: Any, mask: Any, labels: Any, lr: float) -> Any:
    """One optimiser step at learning rate ``lr``; return the loss."""
    import torch
    for group in optimizer.param_groups:
        group["lr"] = lr
    loss = reply_loss(model, ids, mask, labels)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.detach()


def _rate(step: int, done: float, config: LoraConfig) -> float:
    """Linear warmup, then cosine decay to a tenth of the peak over the run's progress."""
    if step < config.warmup_steps:
        return config.learning_rate * (step + 1) / config.warmup_steps
    return config.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, done))))


def _bar(step: int, total: int, log: dict[str, Any]) -> None:
    """One-line progress on stderr."""
    width = 30
    filled = int(width * step / max(1, total))
    rate = log["tokens_seen"] / max(1e-9, log["seconds"])
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] step {step}/{total} "
                     f"loss {log['last_train_loss']:.3f} "
                     f"{rate:,.0f} tok/s {log['seconds'] / 60:.1f} min ")
    sys.stderr.flush()
