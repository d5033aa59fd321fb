"""Text generation for chat models: batched decoding with a prefix KV cache, stop strings and streaming.

``LlamaEngine`` runs Llama-architecture models (SmolLM2 among them) through a lean decoder of our own
over the model's weights: fused QKV and gate/up projections, preallocated KV buffers, and a cache of
prompt prefixes, so a conversation's next turn prefills only what is new (about 1.6x the prefill and
1.5x the decode speed of the transformers forward on this CPU). ``HFEngine`` runs any other causal LM
through transformers. Both take ``Job``s and return ``Output``s; torch is imported here only.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 - the usual name

OnText = Callable[[int, str], None]
"""Streaming callback: (job key, text so far)."""

Between = Callable[[], None]
"""Called between decoding steps of a batch (the model server answers urgent requests there)."""


@dataclass(frozen=True, slots=True)
class Job:
    """One prompt to continue: its token ids, a length cap, stop strings, and whether to stream it."""

    key: int
    tokens: tuple[int, ...]
    max_new: int
    stops: tuple[str, ...] = ()
    stream: bool = False
    banned_first: tuple[int, ...] = ()
    """Tokens the reply may not start with (to steer it off a reply it already gave)."""
    first_rank: int = 0
    """Start with the model's ``first_rank``-th likeliest first token (0: its own choice), for other replies."""
    opening: tuple[int, ...] = ()
    """Tokens the reply starts with, as if the model had chosen them (they count as generated, and are in its text)."""


@dataclass(slots=True)
class Output:
    """What a job produced, with its timings."""

    key: int
    text: str
    tokens: list[int]
    prompt_tokens: int
    reused_tokens: int
    """Prompt tokens whose keys and values came from the prefix cache."""
    first_token_s: float
    seconds: float
    finish: str
    """"stop" (a stop string), "eos" (an end token) or "length"."""


class PrefixCache:
    """Keys and values of recent prompts, so that a prompt sharing a prefix with one of them skips that part.

    A prompt that grew out of a stored one (the next line of the same conversation, or the reply after a
    prefill made while the player typed) takes that one's place instead of joining it, so the budget holds
    one entry per conversation and resident rather than many near-copies that push the others out.
    """

    def __init__(self, budget_tokens: int = 20_000):
        self.budget = budget_tokens
        self._entries: OrderedDict[tuple[int, ...], tuple[list[torch.Tensor], list[torch.Tensor]]] = OrderedDict()

    def longest(self, tokens: tuple[int, ...]) -> tuple[int, tuple[list[torch.Tensor], list[torch.Tensor]] | None,
                                                        tuple[int, ...] | None]:
        """Return the longest shared prefix with any stored prompt, that prompt's keys and values, and its tokens."""
        best, found, best_key = 0, None, None
        ids = torch.tensor(tokens)
        for key, entry in self._entries.items():
            n = min(len(key), len(tokens))
            if n <= best:
                continue
            same = (torch.tensor(key[:n]) == ids[:n]).int()
            shared = n if bool(same.all()) else int(same.argmin())
            if shared > best:
                best, found, best_key = shared, entry, key
        if best_key is not None:
            self._entries.move_to_end(best_key)
        return best, found, best_key

    def store(self, tokens: tuple[int, ...], keys: list[torch.Tensor], values: list[torch.Tensor],
              grew_from: tuple[int, ...] | None = None) -> None:
        """Keep a prompt's keys and values (per layer, [kv heads, length, dim]), evicting the oldest past budget.

        ``grew_from``, a stored prompt this one shares at least half of, is dropped: this one covers that part.
        """
        if len(tokens) > self.budget:
            return
        if grew_from is not None and grew_from != tokens:
            self._entries.pop(grew_from, None)
        self._entries[tokens] = (keys, values)
        self._entries.move_to_end(tokens)
        while sum(len(k) for k in self._entries) > self.budget:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class _Text:
    """Incremental decoding of one row: the text so far, cut at the first stop string."""

    def __init__(self, tokenizer: Any, stops: tuple[str, ...], opening: tuple[int, ...] = ()):
        self.tokenizer, self.stops = tokenizer, stops
        self.ids: list[int] = list(opening)
        self.text = tokenizer.decode(self.ids, skip_special_tokens=True) if opening else ""
        self.stopped = False

    def push(self, token: int) -> None:
        """Add a token; mark the row stopped when a stop string appears."""
        self.ids.append(token)
        text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        cut = min((text.find(s) for s in self.stops if s in text), default=-1)
        if cut >= 0:
            text, self.stopped = text[:cut], True
        self.text = text

    @property
    def shown(self) -> str:
        """The text safe to show now (no half-decoded character at the end)."""
        return self.text.rstrip("\ufffd")


def _take(job: Job, text: _Text, token: int, stop_ids: frozenset[int], finish: list[str], row: int,
          on_text: OnText | None) -> bool:
    """Add a chosen token to a row (streaming it where asked); return whether the row goes on."""
    if token in stop_ids:
        finish[row] = "eos"
        return False
    text.push(token)
    if job.stream and on_text is not None:
        on_text(job.key, text.shown)
    if text.stopped:
        finish[row] = "stop"
    elif len(text.ids) >= job.max_new:
        finish[row] = "length"
    return not finish[row]


def _steer_first(logits: torch.Tensor, job: Job) -> torch.Tensor:
    """The first step's logits of one row with its banned tokens out and, given a ``first_rank``, only that token."""
    if job.banned_first:
        logits = logits.clone()
        logits[list(job.banned_first)] = float("-inf")
    if job.first_rank:
        token = int(logits.topk(job.first_rank + 1).indices[-1])
        only = torch.full_like(logits, float("-inf"))
        only[token] = logits[token]
        return only
    return logits


def _choose(logits: torch.Tensor, temperature: float, top_p: float,
            generators: list[torch.Generator | None]) -> list[int]:
    """Pick the next token of each row: greedy at temperature 0, else nucleus sampling with the row's generator."""
    if temperature <= 0:
        return [int(t) for t in logits.argmax(-1)]
    picked = []
    for row, generator in zip(logits, generators, strict=True):
        probs = torch.softmax(row.float() / temperature, -1)
        ordered, index = probs.sort(descending=True)
        keep = ordered.cumsum(-1) - ordered < top_p
        ordered = ordered * keep
        choice = torch.multinomial(ordered / ordered.sum(), 1, generator=generator)
        picked.append(int(index[choice]))
    return picked


class LlamaEngine:
    """Greedy or sampled batched decoding for Llama-architecture models, with a prefix KV cache."""

    def __init__(self, model: Any, tokenizer: Any, stop_ids: Sequence[int], *, temperature: float = 0.0,
                 top_p: float = 1.0, seed: int = 0, cache_tokens: int = 20_000, half: bool = True):
        config = model.config
        problem = llama_problem(config)
        if problem:
            raise ValueError(f"LlamaEngine cannot run this model: {problem}")
        self.tokenizer = tokenizer
        self.stop_ids = frozenset(stop_ids)
        self.temperature, self.top_p, self.seed = temperature, top_p, seed
        self.heads, self.kv_heads = config.num_attention_heads, config.num_key_value_heads
        self.dim = getattr(config, "head_dim", None) or config.hidden_size // self.heads
        self.inner = config.intermediate_size
        self.eps = config.rms_norm_eps
        theta = _rope_theta(config)
        self.inv_freq = 1.0 / (theta ** (torch.arange(0, self.dim, 2, dtype=torch.float32) / self.dim))
        with torch.no_grad():
            self.layers = [_layer_weights(layer) for layer in model.model.layers]
            self.embed = model.model.embed_tokens.weight.detach().float()
            self.norm = model.model.norm.weight.detach().float()
            self.head = model.lm_head.weight.detach().float()
            self.half = [{name: w[name].half() for name in _MATRICES} for w in self.layers] if half else []
            self.half_head = self.head.half() if half else None
        self.context = getattr(config, "max_position_embeddings", 2048)
        self.cache = PrefixCache(cache_tokens)

    def generate(self, jobs: Sequence[Job], on_text: OnText | None = None,
                 between: Between | None = None) -> list[Output]:
        """Continue every job (one batch); stream the text of jobs marked ``stream`` through ``on_text``."""
        if not jobs:
            return []
        began = time.perf_counter()
        with torch.inference_mode():
            return self._generate(list(jobs), on_text, between, began)

    def _generate(self, jobs: list[Job], on_text: OnText | None, between: Between | None,
                  began: float) -> list[Output]:
        """Prefill each prompt (reusing cached prefixes), then decode all rows together."""
        prompts = [j.tokens + j.opening for j in jobs]
        longest = max(len(p) for p in prompts)
        size = longest + max(j.max_new for j in jobs) + 1
        batch = len(jobs)
        keys = [torch.zeros(batch, self.kv_heads, size, self.dim) for _ in self.layers]
        values = [torch.zeros(batch, self.kv_heads, size, self.dim) for _ in self.layers]
        valid = torch.zeros(batch, size, dtype=torch.bool)
        texts = [_Text(self.tokenizer, j.stops, j.opening) for j in jobs]
        reused, first, last = [0] * batch, [0.0] * batch, []
        for row, prompt in enumerate(prompts):
            offset = longest - len(prompt)
            valid[row, offset:longest] = True
            reused[row], logits = self._prefill(row, prompt, offset, keys, values)
            last.append(logits)
            if between is not None:  # twelve day plans prefill for twenty seconds: the player need not wait for all
                between()
        generators = [torch.Generator().manual_seed(self.seed * 1_000_003 + j.key) if self.temperature > 0 else None
                      for j in jobs]
        positions = torch.tensor([len(p) for p in prompts])
        logits = torch.stack(last)
        for row, job in enumerate(jobs):
            logits[row] = _steer_first(logits[row], job)
        finish = [""] * batch
        active = list(range(batch))
        column = longest
        for step in range(max(j.max_new for j in jobs)):
            picked = _choose(logits, self.temperature, self.top_p, [generators[r] for r in active])
            if step == 0:
                first = [time.perf_counter() - began] * batch
            still = [(index, row, picked[index]) for index, row in enumerate(active)
                     if _take(jobs[row], texts[row], picked[index], self.stop_ids, finish, row, on_text)]
            if not still:
                break
            if between is not None:
                between()
            keep = torch.tensor([index for index, _, _ in still])
            if len(still) < len(active):  # drop finished rows from every buffer
                keys = [k.index_select(0, keep) for k in keys]
                values = [v.index_select(0, keep) for v in values]
                valid, positions = valid.index_select(0, keep), positions.index_select(0, keep)
            active = [row for _, row, _ in still]
            valid[:, column] = True
            ids = torch.tensor([[token] for _, _, token in still])
            logits = self._forward(ids, positions[:, None], keys, values, column, valid[:, None, None, : column + 1])
            logits = logits[:, -1]
            positions = positions + 1
            column += 1
        total = time.perf_counter() - began
        return [Output(j.key, texts[r].text, texts[r].ids, len(j.tokens), reused[r], first[r], total,
                       finish[r] or "length") for r, j in enumerate(jobs)]

    def _prefill(self, row: int, tokens: tuple[int, ...], offset: int, keys: list[torch.Tensor],
                 values: list[torch.Tensor]) -> tuple[int, torch.Tensor]:
        """Fill one row's buffers with its prompt (from the cache where it can); return reused count and logits."""
        shared, entry, parent = self.cache.longest(tokens)
        grew_from = parent if parent is not None and 2 * shared >= len(parent) else None
        shared = min(shared, len(tokens) - 1)
        if entry is not None and shared > 0:
            for layer, (k, v) in enumerate(zip(*entry, strict=True)):
                keys[layer][row, :, offset:offset + shared] = k[:, :shared]
                values[layer][row, :, offset:offset + shared] = v[:, :shared]
        else:
            shared = 0
        rest = torch.tensor([tokens[shared:]])
        count = rest.shape[1]
        start = offset + shared
        query = torch.arange(count)[:, None]
        column = torch.arange(start + count)[None, :]
        mask = ((column >= offset) & (column <= start + query))[None, None]
        row_keys = [k[row:row + 1] for k in keys]
        row_values = [v[row:row + 1] for v in values]
        positions = torch.arange(shared, len(tokens))[None]
        logits = self._forward(rest, positions, row_keys, row_values, start, mask)[0, -1]
        end = offset + len(tokens)
        self.cache.store(tokens, [k[row, :, offset:end].clone() for k in keys],
                         [v[row, :, offset:end].clone() for v in values], grew_from)
        return shared, logits

    def _forward(self, ids: torch.Tensor, positions: torch.Tensor, keys: list[torch.Tensor],
                 values: list[torch.Tensor], start: int, mask: torch.Tensor) -> torch.Tensor:
        """Run the decoder on ``ids`` at ``positions``, writing keys/values at column ``start``; return logits.

        A few rows run with fp16 weights; should that overflow anywhere (the logits are not finite), the
        step runs again in fp32, overwriting the keys and values it wrote.
        """
        small = bool(self.half) and ids.shape[0] * ids.shape[1] <= HALF_ROWS
        logits = self._layers(ids, positions, keys, values, start, mask, small)
        if small and not bool(torch.isfinite(logits).all()):
            logits = self._layers(ids, positions, keys, values, start, mask, False)
        return logits

    def _layers(self, ids: torch.Tensor, positions: torch.Tensor, keys: list[torch.Tensor],
                values: list[torch.Tensor], start: int, mask: torch.Tensor, small: bool) -> torch.Tensor:
        """The decoder itself, with fp16 weights when ``small``."""
        batch, count = ids.shape
        heads, kv_heads, dim = self.heads, self.kv_heads, self.dim
        x = self.embed[ids]
        angles = positions[..., None].float() * self.inv_freq
        angles = torch.cat([angles, angles], -1)
        cos, sin = angles.cos()[:, None], angles.sin()[:, None]
        for layer, w in enumerate(self.layers):
            mm = _Matmul(w, self.half[layer] if small else None)
            h = _rms(x, w["ln1"], self.eps)
            q, k, v = mm(h, "qkv").split([heads * dim, kv_heads * dim, kv_heads * dim], -1)
            q = _rotate(q.view(batch, count, heads, dim).transpose(1, 2), cos, sin)
            k = _rotate(k.view(batch, count, kv_heads, dim).transpose(1, 2), cos, sin)
            keys[layer][:, :, start:start + count] = k
            values[layer][:, :, start:start + count] = v.view(batch, count, kv_heads, dim).transpose(1, 2)
            attended = F.scaled_dot_product_attention(q, keys[layer][:, :, :start + count],
                                                      values[layer][:, :, :start + count], attn_mask=mask,
                                                      enable_gqa=True)
            x = x + mm(attended.transpose(1, 2).reshape(batch, count, heads * dim), "o")
            gate, up = mm(_rms(x, w["ln2"], self.eps), "gate_up").split([self.inner, self.inner], -1)
            x = x + mm(F.silu(gate) * up, "down")
        last = _rms(x[:, -1:], self.norm, self.eps)
        return _Matmul({"head": self.head}, {"head": self.half_head} if small and self.half_head is not None
                       else None)(last, "head")


HALF_ROWS = 8
"""At most this many rows (decoding steps, short prefills) multiply with half-precision weights."""

_MATRICES = ("qkv", "o", "gate_up", "down")
"""The weight matrices of a layer (the rest are norms)."""


class _Matmul:
    """``x @ W.T`` in fp32, or with fp16 weights when given.

    Measured on this 2-core CPU: for one to a few rows, multiplying by fp16 weights takes about a third of
    the time of fp32 (half the bytes to stream, and a faster kernel); for prompts of many rows fp32 is
    several times faster, so prefill keeps fp32.
    """

    def __init__(self, full: dict[str, torch.Tensor], half: dict[str, torch.Tensor] | None):
        self.full, self.half = full, half

    def __call__(self, x: torch.Tensor, name: str) -> torch.Tensor:
        """Multiply ``x`` by the named matrix (transposed)."""
        if self.half is not None:
            return F.linear(x.half(), self.half[name]).float()
        return F.linear(x, self.full[name])


def llama_problem(config: Any) -> str | None:
    """Why ``LlamaEngine`` cannot run a model with this config (None when it can)."""
    if getattr(config, "model_type", None) != "llama":
        return f"model type {getattr(config, 'model_type', None)!r} is not llama"
    rope = getattr(config, "rope_parameters", None) or getattr(config, "rope_scaling", None) or {}
    if rope.get("rope_type", "default") != "default":
        return f"rope type {rope.get('rope_type')!r} is not supported"
    if getattr(config, "attention_bias", False) or getattr(config, "mlp_bias", False):
        return "biased projections are not supported"
    if getattr(config, "hidden_act", "silu") != "silu":
        return f"activation {config.hidden_act!r} is not silu"
    return None


def _rope_theta(config: Any) -> float:
    """The RoPE base of a config (transformers 5 keeps it in rope_parameters)."""
    rope = getattr(config, "rope_parameters", None) or {}
    theta: Any = rope.get("rope_theta") or getattr(config, "rope_theta", None) or 10_000.0
    return float(theta)


def _layer_weights(layer: Any) -> dict[str, torch.Tensor]:
    """One decoder layer's weights, with Q/K/V and gate/up fused into single matrices."""
    attn, mlp = layer.self_attn, layer.mlp
    return {"ln1": layer.input_layernorm.weight.detach().float(),
            "ln2": layer.post_attention_layernorm.weight.detach().float(),
            "qkv": torch.cat([attn.q_proj.weight, attn.k_proj.weight, attn.v_proj.weight]).detach().float()
            .contiguous(),
            "o": attn.o_proj.weight.detach().float().contiguous(),
            "gate_up": torch.cat([mlp.gate_proj.weight, mlp.up_proj.weight]).detach().float().contiguous(),
            "down": mlp.down_proj.weight.detach().float().contiguous()}


def _rms(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """RMS normalisation."""
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def _rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Apply rotary position embeddings (the half-split convention of transformers' Llama)."""
    half = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin


class HFEngine:
    """Any causal LM through transformers' forward, one job at a time (no prefix cache): the general fallback."""

    def __init__(self, model: Any, tokenizer: Any, stop_ids: Sequence[int], *, temperature: float = 0.0,
                 top_p: float = 1.0, seed: int = 0):
        self.model, self.tokenizer = model, tokenizer
        self.stop_ids = frozenset(stop_ids)
        self.temperature, self.top_p, self.seed = temperature, top_p, seed
        self.device = next(model.parameters()).device
        self.context = getattr(model.config, "max_position_embeddings", 2048)

    def generate(self, jobs: Sequence[Job], on_text: OnText | None = None,
                 between: Between | None = None) -> list[Output]:
        """Continue each job in turn, streaming where asked (``between`` runs between jobs)."""
        outputs = []
        with torch.inference_mode():
            for job in jobs:
                outputs.append(self._one(job, on_text))
                if between is not None:
                    between()
        return outputs

    def _one(self, job: Job, on_text: OnText | None) -> Output:
        """Greedy or sampled decoding of one job with transformers' KV cache."""
        began = time.perf_counter()
        text = _Text(self.tokenizer, job.stops, job.opening)
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + job.key) if self.temperature > 0 else None
        ids = torch.tensor([job.tokens + job.opening], device=self.device)
        out = self.model(input_ids=ids, use_cache=True)
        out.logits[0, -1] = _steer_first(out.logits[0, -1], job)
        first, finish = 0.0, "length"
        for step in range(job.max_new - len(job.opening)):
            token = _choose(out.logits[:, -1].float().cpu(), self.temperature, self.top_p, [generator])[0]
            if step == 0:
                first = time.perf_counter() - began
            if token in self.stop_ids:
                finish = "eos"
                break
            text.push(token)
            if job.stream and on_text is not None:
                on_text(job.key, text.shown)
            if text.stopped:
                finish = "stop"
                break
            out = self.model(input_ids=torch.tensor([[token]], device=self.device), cache=out.cache, use_cache=True)
        return Output(job.key, text.text, text.ids, len(job.tokens), 0, first, time.perf_counter() - began, finish)
