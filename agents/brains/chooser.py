"""The local brain's chooser: a causal LM through transformers' generate, batched, for decisions and ratings.

Decisions and importance ratings are decoded under constraint (a token trie of the valid replies), so
only actions valid for that resident right now can come out; free text (reflections) has a length cap.
A model folder with ``npcworld.json`` writes slotted replies (agents/slots.py), which are filled in here.
torch and transformers are imported here, in the engine and in the talker only.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from agents.brains.trie import TokenTrie, TrieConstraint
from agents.candidates import IMPORTANCE_CANDIDATES, decision_candidates
from agents.protocol import Answer, Request
from agents.slots import model_uses_slots, slot_decisions, unslot_decision

_FREE_TOKENS = {"plan": 220, "reflect": 120}


class ModelNotFoundError(ValueError):
    """A model name that is neither a folder nor a cached hub model (offline)."""


def resolve_device(device: str) -> str:
    """Turn "auto" into "cuda" where a GPU is present, else "cpu"."""
    import torch
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


class ModelRunner:
    """A causal language model in this process (CPU or GPU), answering through transformers' generate."""

    def __init__(self, model: str | Path | None = None, *, device: str = "auto", dtype: str = "auto",
                 threads: int | None = None, temperature: float = 0.0, top_p: float = 1.0, seed: int = 0,
                 max_prompt_tokens: int = 1536, allow_download: bool = False):
        import torch
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        if model is None:
            from agents.brains.bundled import bundled_model_path
            model = bundled_model_path()
        if threads:
            torch.set_num_threads(threads)
        self.device = resolve_device(device)
        self.temperature, self.top_p, self.seed = temperature, top_p, seed
        self.max_prompt_tokens = max_prompt_tokens
        self.tokenizer, self.model = _load(str(model), self.device, dtype, allow_download)
        self.model_name = str(model)
        self.slots = Path(model).is_dir() and model_uses_slots(model)
        """Whether the model writes slotted replies (agents/slots.py), which this brain fills in."""
        self.calls = 0

    def think(self, requests: list[Request]) -> list[Answer]:
        """Answer a batch of decisions, ratings, reflections or plans: one generate call per kind present."""
        answers: list[Answer] = []
        for kind in ("decide", "importance", "plan", "reflect"):
            group = [r for r in requests if r.kind == kind]
            if group:
                answers += self.answer_group(kind, group)
        return answers

    def answer_group(self, kind: str, group: list[Request]) -> list[Answer]:
        """Generate replies for requests of one kind, constrained where replies are actions or ratings."""
        began = time.perf_counter()
        prompts = [self._chat(r.prompt) for r in group]
        if kind in ("decide", "importance"):
            choices = [decision_candidates(r) if kind == "decide" else IMPORTANCE_CANDIDATES for r in group]
            written = [slot_decisions(row, r) for r, row in zip(group, choices, strict=True)] \
                if self.slots and kind == "decide" else choices
            picked, tokens = self._constrained(prompts, written)
            texts = [row[i] for row, i in zip(choices, picked, strict=True)]
        else:
            texts, tokens = self._free(prompts, _FREE_TOKENS[kind], None)
        latency = (time.perf_counter() - began) / len(group)
        return [Answer(r.id, t, latency, n) for r, t, n in zip(group, texts, tokens, strict=True)]

    def _chat(self, prompt: str) -> str:
        """Wrap a prompt in the tokenizer's chat template when it has one."""
        if getattr(self.tokenizer, "chat_template", None):
            text: str = self.tokenizer.apply_chat_template([{"role": "user", "content": prompt}],
                                                           add_generation_prompt=True, tokenize=False)
            return text
        return prompt + "\n"

    def _encode(self, prompts: list[str], new_tokens: int) -> Any:
        """Tokenise a batch with left padding, keeping the end of prompts too long for the model's context."""
        self.tokenizer.padding_side = "left"
        self.tokenizer.truncation_side = "left"
        context = getattr(self.model.config, "max_position_embeddings", None) or 1 << 20
        limit = max(16, min(self.max_prompt_tokens, context - new_tokens))
        return self.tokenizer(prompts, return_tensors="pt", padding=True, truncation=True,
                              max_length=limit, add_special_tokens=False).to(self.device)

    def _generate(self, batch: Any, max_new: int, **options: Any) -> Any:
        """Run generate with the brain's sampling settings (greedy by default)."""
        import torch
        self.calls += 1
        sampling: dict[str, Any] = {"do_sample": False}
        if self.temperature > 0:
            torch.manual_seed(self.seed + self.calls)
            sampling = {"do_sample": True, "temperature": self.temperature, "top_p": self.top_p}
        with torch.inference_mode():
            return self.model.generate(**batch, max_new_tokens=max_new, pad_token_id=self.tokenizer.pad_token_id,
                                       eos_token_id=self.tokenizer.eos_token_id, cache_implementation="static",
                                       **sampling, **options)

    def unslot_decision(self, text: str, request: Request) -> str:
        """A decision as the world reads it: slots filled when this model writes them."""
        return unslot_decision(text, request) if self.slots else text

    def _constrained(self, prompts: list[str], choices: list[list[str]]) -> tuple[list[int], list[int]]:
        """Generate one of each row's ``choices`` through a token trie; return the picked indices and token counts."""
        eos = self.tokenizer.eos_token_id
        tries = [TokenTrie([self.tokenizer(c, add_special_tokens=False).input_ids for c in row], eos)
                 for row in choices]
        batch = self._encode(prompts, max(t.depth for t in tries))
        width = batch["input_ids"].shape[1]
        constraint = TrieConstraint(tries, width, eos)
        longest = max(t.depth for t in tries)
        output = self._generate(batch, longest, logits_processor=[constraint])
        picked, counts = [], []
        for row, trie in enumerate(tries):
            generated = [int(t) for t in output[row, width:]]
            picked.append(trie.match(generated))
            counts.append(int(batch["attention_mask"][row].sum()) + len(generated))
        return picked, counts

    def _free(self, prompts: list[str], max_new: int, stops: list[str] | None) -> tuple[list[str], list[int]]:
        """Generate free text (up to ``max_new`` tokens, stopping at EOS or a stop string)."""
        batch = self._encode(prompts, max_new)
        width = batch["input_ids"].shape[1]
        extra: dict[str, Any] = {"stop_strings": stops, "tokenizer": self.tokenizer} if stops else {}
        output = self._generate(batch, max_new, **extra)
        texts = self.tokenizer.batch_decode(output[:, width:], skip_special_tokens=True)
        counts = [int(batch["attention_mask"][i].sum()) + int((output[i, width:] != self.tokenizer.pad_token_id).sum())
                  for i in range(len(prompts))]
        return texts, counts


def _load(model: str, device: str, dtype: str, allow_download: bool) -> tuple[Any, Any]:
    """Load tokenizer and model from a folder, or from the local hub cache (downloading only if allowed)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    is_folder = Path(model).is_dir()
    if not is_folder and (Path(model).exists() or model.startswith((".", "/", "~"))):
        raise ModelNotFoundError(f"model folder {model} does not exist")
    torch_dtype = {"auto": torch.bfloat16 if device.startswith("cuda") else torch.float32, "fp32": torch.float32,
                   "bf16": torch.bfloat16, "fp16": torch.float16}.get(dtype)
    if torch_dtype is None:
        raise ValueError(f"unknown dtype '{dtype}' (expected auto, fp32, bf16 or fp16)")
    local_only = is_folder or not allow_download
    try:
        tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=local_only)
        network = AutoModelForCausalLM.from_pretrained(model, local_files_only=local_only, dtype=torch_dtype)
    except (OSError, ValueError) as exc:
        if is_folder:
            raise ModelNotFoundError(f"{model} is not a loadable model folder: {exc}") from exc
        raise ModelNotFoundError(
            f"model '{model}' is not a folder and is not in the local Hugging Face cache. Offline, download it "
            f"on a connected machine (`huggingface-cli download {model} --local-dir models/NAME`) and pass "
            "--model models/NAME, or pass --allow-download where the hub can be reached.") from exc
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    network = network.to(device)  # type: ignore[arg-type]
    return tokenizer, network.eval()
