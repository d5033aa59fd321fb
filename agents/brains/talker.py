"""A chat model ready to talk: a base folder with npcworld's adapter merged in, its chat template and an engine.

The adapter (LoRA, as peft saves it) is merged into the base's weights at load time, with no peft needed
at run time. Messages are encoded with the tokenizer's chat template after every content string is
neutralised, and a check counts the special tokens: text from a player or a persona file can never add a
turn marker of its own. torch and transformers are imported here and in the engine only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agents.brains.engine import Between, HFEngine, Job, LlamaEngine, OnText, Output, llama_problem
from agents.grounding import neutralise

GEMMA_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}"
    "{% if m['role'] == 'assistant' %}{{ '<start_of_turn>model\\n' + m['content'] + '<end_of_turn>\\n' }}"
    "{% else %}{{ '<start_of_turn>user\\n' + m['content'] + '<end_of_turn>\\n' }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)
"""Turns for a base model whose tokenizer ships no chat template (Gemma 3's pretrained base): Gemma's markers."""

END_TOKENS = ("<|im_end|>", "<|endoftext|>", "<end_of_turn>", "<eos>", "</s>", "<|end|>", "<|eot_id|>")
"""Tokens that end a reply, where the tokenizer has them."""


class MarkupError(ValueError):
    """Message text that would add special tokens to the prompt (neutralising should have prevented it)."""


class Talker:
    """A causal LM for free text (conversation, plans): chat encoding, stop tokens, batched streaming generation."""

    def __init__(self, tokenizer: Any, engine: LlamaEngine | HFEngine, name: str):
        self.tokenizer, self.engine, self.name = tokenizer, engine, name
        if not getattr(tokenizer, "chat_template", None):
            tokenizer.chat_template = GEMMA_TEMPLATE
        # Added tokens that are not special are plain text to the model (Gemma's runs of newlines and tabs).
        added = getattr(tokenizer, "added_tokens_decoder", None) or {}
        self._specials = frozenset(tokenizer.all_special_ids) | frozenset(
            i for i, token in added.items() if getattr(token, "special", True))
        self.context = engine.context

    @classmethod
    def load(cls, folder: Path, adapter: Path | None = None, *, temperature: float = 0.0, top_p: float = 1.0,
             seed: int = 0) -> Talker:
        """Load a model folder on the CPU, merge ``adapter`` into it, and pick the fastest engine that runs it."""
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
        if adapter is not None:
            merge_adapter(model, adapter)
        stops = stop_ids(tokenizer)
        engine: LlamaEngine | HFEngine
        if llama_problem(model.config) is None:
            engine = LlamaEngine(model, tokenizer, stops, temperature=temperature, top_p=top_p, seed=seed)
        else:
            engine = HFEngine(model, tokenizer, stops, temperature=temperature, top_p=top_p, seed=seed)
        name = Path(folder).name + (f" + {Path(adapter).name}" if adapter is not None else "")
        return cls(tokenizer, engine, name)

    @classmethod
    def wrap(cls, model: Any, tokenizer: Any, name: str, *, temperature: float = 0.0, top_p: float = 1.0,
             seed: int = 0) -> Talker:
        """Talk with a model already loaded (through transformers, on whatever device it is on)."""
        return cls(tokenizer, HFEngine(model, tokenizer, stop_ids(tokenizer), temperature=temperature, top_p=top_p,
                                       seed=seed), name)

    def encode(self, messages: Sequence[tuple[str, str]]) -> tuple[int, ...]:
        """Token ids of ``messages`` under the chat template, ready for the reply; markup in the text stays text."""
        clean = [{"role": role, "content": neutralise(text)} for role, text in messages]
        ids = tuple(self.tokenizer.apply_chat_template(clean, add_generation_prompt=True, tokenize=True,
                                                       return_dict=False))
        frame = self.tokenizer.apply_chat_template([{"role": m["role"], "content": "x"} for m in clean],
                                                   add_generation_prompt=True, tokenize=True, return_dict=False)
        if sum(t in self._specials for t in ids) != sum(t in self._specials for t in frame):
            raise MarkupError("message text would add special tokens to the prompt")
        return ids

    def encode_text(self, text: str) -> tuple[int, ...]:
        """Token ids of plain text inside a reply (no special tokens), such as an opening to start it with."""
        return tuple(self.tokenizer.encode(neutralise(text), add_special_tokens=False))

    def generate(self, jobs: Sequence[Job], on_text: OnText | None = None,
                 between: Between | None = None) -> list[Output]:
        """Continue the jobs as one batch."""
        return self.engine.generate(jobs, on_text, between)


def stop_ids(tokenizer: Any) -> list[int]:
    """The token ids that end a reply under this tokenizer."""
    vocab = tokenizer.get_vocab()
    return sorted({vocab[t] for t in END_TOKENS if t in vocab} | ({tokenizer.eos_token_id} - {None}))


def merge_adapter(model: Any, adapter: Path) -> None:
    """Add a saved LoRA adapter's low-rank updates into ``model``'s weights (W += scale * B @ A)."""
    import torch
    from safetensors.torch import load_file

    config_path, weights_path = adapter / "adapter_config.json", adapter / "adapter_model.safetensors"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        weights = load_file(str(weights_path))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{adapter}: not a readable LoRA adapter ({exc})") from exc
    scale = float(config.get("lora_alpha", 16)) / float(config.get("r", 8))
    modules = dict(model.named_modules())
    merged = 0
    with torch.no_grad():
        for key, down in weights.items():
            if not key.endswith("lora_A.weight"):
                continue
            name = key.removeprefix("base_model.model.").removesuffix(".lora_A.weight")
            up = weights.get(key.replace("lora_A", "lora_B"))
            target = modules.get(name)
            if up is None or target is None or not hasattr(target, "weight"):
                raise ValueError(f"{weights_path}: adapter weight {key} matches no layer of the base model")
            target.weight += scale * (up.float() @ down.float()).to(target.weight.dtype)
            merged += 1
    if merged == 0:
        raise ValueError(f"{weights_path}: the adapter holds no LoRA weights")
