"""The local brain: language models in this process, each request kind sent to the model that does it best.

By default two models work together. Conversation and day plans go to a pretrained chat model (SmolLM2-
135M-Instruct from PyPI, converted once into the user's cache) with npcworld's LoRA adapter merged in,
run by npcworld's own engine with a prefix cache and streaming (agents/brains/talker.py). Decisions,
importance ratings and reflections go to npcworld's own 4M-parameter model, decoded under constraint
so that only valid actions can come out (agents/brains/chooser.py): it answers in about a tenth of the
time. Given ``model``, one model does everything instead.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from agents.brains.basemodels import DEFAULT_BASE, default_cache_dir, ensure_converted
from agents.brains.chooser import ModelNotFoundError, ModelRunner, resolve_device
from agents.brains.engine import HALF_ROWS, Between, Job, OnText, Output
from agents.brains.talker import Talker
from agents.dialogue import spoken_reply
from agents.grounding import known_words
from agents.protocol import Answer, Request
from agents.reply_choice import CANDIDATES, best_reply, needs_second_look, opening

TALK_ADAPTER = Path(__file__).resolve().parent.parent.parent / "assets" / "models" / "npcworld-talk"
"""The shipped LoRA adapter that tunes the default base for the town."""

TALK_KINDS = ("converse", "plan")
"""Request kinds the chat model answers (the chooser answers the rest)."""

MAX_NEW = {"converse": 60, "plan": 400}
"""Token caps of free text by kind."""

__all__ = ["TALK_ADAPTER", "LocalBrain", "ModelNotFoundError", "resolve_device"]


class LocalBrain:
    """Runs language models in this process (CPU or GPU): a chat model for talk and plans, a chooser for the rest."""

    name = "local"

    def __init__(self, model: str | Path | None = None, *, base: str = DEFAULT_BASE,
                 adapter: Path | None = TALK_ADAPTER,
                 cache_dir: Path | None = None, device: str = "auto", dtype: str = "auto", threads: int | None = None,
                 temperature: float = 0.0, top_p: float = 1.0, seed: int = 0, max_prompt_tokens: int = 1536,
                 allow_download: bool = False, progress: bool = False, candidates: int = CANDIDATES):
        import torch
        self.candidates = max(1, candidates)
        """Replies written for each line to the player (agents/reply_choice.py); 1 keeps the model's own."""
        if threads:
            torch.set_num_threads(threads)
        options: dict[str, Any] = {"temperature": temperature, "top_p": top_p, "seed": seed}
        self.runner = ModelRunner(model, device=device, dtype=dtype, temperature=temperature, top_p=top_p, seed=seed,
                                  max_prompt_tokens=max_prompt_tokens, allow_download=allow_download)
        self.talker: Talker
        if model is None:
            folder = ensure_converted(base, cache_dir or default_cache_dir(), progress=progress)
            if adapter is not None and not (Path(adapter) / "adapter_config.json").exists():
                raise ModelNotFoundError(f"no adapter at {adapter}: pass adapter=None for the untuned base, or "
                                         "rebuild it with `npcworld train-model`")
            self.talker = Talker.load(folder, adapter, **options)
        else:
            self.talker = Talker.wrap(self.runner.model, self.runner.tokenizer, str(model), **options)
        self.model_name = self.talker.name if model is None else str(model)
        self.on_text: OnText | None = None
        """Called with (request id, text so far) while an urgent reply is generated (the player's chat)."""
        self.between_steps: Between | None = None
        """Called between the prefills and decoding steps of long batches, so a server can answer urgent requests."""

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        """Answer a batch: urgent conversation first, then one generation per request kind present in it."""
        answers: list[Answer] = []
        urgent = [r for r in requests if r.urgent and r.kind in TALK_KINDS]
        if urgent:
            answers += self._talk(urgent)
        first = {r.id for r in urgent}
        for kind in ("decide", "importance", "converse", "plan", "reflect"):
            group = [r for r in requests if r.kind == kind and r.id not in first]
            if kind not in TALK_KINDS:
                answers += self.runner.answer_group(kind, group) if group else []
                continue
            # rows of at most HALF_ROWS decode with fp16 weights; measured for twelve day plans it is a wash
            # (two batches of six 84 s, one of twelve in fp32 80 s), so this only bounds the batch's memory
            chunks = -(-len(group) // HALF_ROWS)
            for start in range(chunks):
                answers += self._talk(group[start::chunks])
        return answers

    def warm(self, request: Request) -> None:
        """Prefill the conversation so far (system message and earlier turns) so the next line starts sooner."""
        if request.messages:
            tokens = self.talker.encode(request.messages[:-1])
            self.talker.generate([Job(request.id, tokens, 0)])

    def _talk(self, group: list[Request]) -> list[Answer]:
        """Generate free text for conversation lines and plans with the chat model."""
        began = time.perf_counter()
        jobs = [Job(r.id, self.talker.encode(r.messages or (("user", r.prompt),)), MAX_NEW[r.kind],
                    stops=("\n",) if r.kind == "converse" else (), stream=r.urgent) for r in group]
        outputs = self.talker.generate(jobs, self.on_text, None if any(r.urgent for r in group) else self.between_steps)
        outputs = self._unrepeat(group, jobs, outputs)
        replies = [spoken_reply(r, o.text) if r.kind == "converse" else o.text for r, o in zip(group, outputs,
                                                                                                 strict=True)]
        spent = [o.prompt_tokens + len(o.tokens) for o in outputs]
        self._second_look(group, jobs, replies, spent)
        latency = (time.perf_counter() - began) / len(group)
        return [Answer(r.id, text, latency, tokens) for r, text, tokens in zip(group, replies, spent, strict=True)]

    def _second_look(self, group: list[Request], jobs: list[Job], replies: list[str], spent: list[int]) -> None:
        """A reply to the player that uses little of what the question asks about is written again a few other ways.

        Each new reply starts with another of the model's likeliest first tokens, the last on the focus's own
        first word (all in one batch), and the one that uses the focus most is said instead
        (agents/reply_choice.py); ``replies`` and ``spent`` change in place.
        """
        missed = [index for index, request in enumerate(group) if self.candidates > 1 and _asked_by_player(request)
                  and request.facts is not None
                  and needs_second_look(_said(replies[index]), request.facts.focus, request.persona.name)]
        again = [replace(jobs[index], first_rank=rank, stream=False, opening=words)
                 for index in missed for rank, words in self._openings(group[index])]
        outputs = self.talker.generate(again) if again else []
        for index in missed:
            request = group[index]
            mine = [o for job, o in zip(again, outputs, strict=True) if job.key == request.id]
            options = [replies[index], *(spoken_reply(request, o.text) for o in mine)]
            assert request.facts is not None
            known = known_words(text for _, text in request.messages or ())
            chosen = best_reply([_said(option) for option in options], request.facts.focus, own=request.persona.name,
                                known=known)
            replies[index] = options[chosen]
            spent[index] += sum(len(o.tokens) for o in mine)

    def _openings(self, request: Request) -> list[tuple[int, tuple[int, ...]]]:
        """(first rank, opening tokens) of the second look's replies.

        They start on the next likeliest first tokens, the last on the focus instead (agents.reply_choice.opening)
        where the focus has a telling word.
        """
        assert request.facts is not None
        start = opening(request.facts.focus, request.persona.name)
        ranks: list[tuple[int, tuple[int, ...]]] = [(rank, ()) for rank in range(1, self.candidates)]
        if start:
            ranks[-1] = (0, self.talker.encode_text(start))
        return ranks

    def _unrepeat(self, group: list[Request], jobs: list[Job], outputs: list[Output]) -> list[Output]:
        """A line the speaker already said in this conversation is written again, starting some other way."""
        again = {}
        for index, (request, output) in enumerate(zip(group, outputs, strict=True)):
            said = {_plain(line) for speaker, line in (request.dialogue.history if request.dialogue else ())
                    if speaker == request.npc}
            if request.kind == "converse" and output.tokens and _plain(output.text) in said:
                again[index] = replace(jobs[index], banned_first=(output.tokens[0],))
        if again:
            for index, output in zip(again, self.talker.generate(list(again.values()), self.on_text), strict=True):
                outputs[index] = output
        return outputs

    @property
    def device(self) -> str:
        """Where the chooser runs."""
        return self.runner.device


def _asked_by_player(request: Request) -> bool:
    """Whether a request is a line to the player that answers something (worth writing a few ways)."""
    return bool(request.kind == "converse" and request.urgent and request.facts and request.facts.focus)


def _said(reply: str) -> str:
    """The spoken words of a converse reply (its JSON's "say")."""
    try:
        return str(json.loads(reply).get("say", ""))
    except (ValueError, AttributeError):
        return reply


def _plain(text: str) -> str:
    """A line for comparing: lower-case words only."""
    return " ".join(re.findall(r"[a-z']+", text.lower()))
