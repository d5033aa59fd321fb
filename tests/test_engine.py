"""The generation engine: the lean Llama decoder agrees with transformers, and caches, streams, stops and batches."""

from __future__ import annotations

import itertools

import pytest

from agents.brains.engine import HFEngine, Job, LlamaEngine, PrefixCache, llama_problem
from agents.modelkit import make_model_folder

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object, list[int]]:
    from transformers import AutoModelForCausalLM, AutoTokenizer
    folder = make_model_folder(tmp_path_factory.mktemp("engine") / "tiny", "tiny", seed=3)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder).eval()
    return model, tokenizer, [tokenizer.eos_token_id]


def prompts(tokenizer: object) -> list[tuple[int, ...]]:
    texts = ["Mara bakes the morning bread at the bakery.", "Leo", "The cafe opens at seven and the pub at noon; "
             "Rosa sells pears at the market and Ben keeps the park."]
    return [tuple(tokenizer(t).input_ids) for t in texts]  # type: ignore[operator]


def test_matches_transformers_greedy_one_by_one_and_batched(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    reference = HFEngine(model, tokenizer, stops)
    jobs = [Job(i, p, 12) for i, p in enumerate(prompts(tokenizer))]
    expected = [o.tokens for o in reference.generate(jobs)]
    assert llama_problem(model.config) is None
    batched = LlamaEngine(model, tokenizer, stops).generate(jobs)
    single = [LlamaEngine(model, tokenizer, stops).generate([job])[0] for job in jobs]
    assert [o.tokens for o in batched] == expected
    assert [o.tokens for o in single] == expected
    assert all(len(t) == 12 for t in expected), "a random model runs to the length cap"


def test_prefix_cache_skips_the_shared_part_and_changes_nothing(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    engine = LlamaEngine(model, tokenizer, stops)
    first, longer = prompts(tokenizer)[2], prompts(tokenizer)[2] + tuple(tokenizer(" And June.").input_ids)
    assert engine.generate([Job(0, first, 0)])[0].text == "", "max_new 0 only fills the cache"
    cached = engine.generate([Job(1, longer, 8)])[0]
    fresh = LlamaEngine(model, tokenizer, stops).generate([Job(1, longer, 8)])[0]
    assert cached.reused_tokens == len(first)
    assert fresh.reused_tokens == 0
    assert cached.tokens == fresh.tokens
    again = engine.generate([Job(2, longer, 8)])[0]
    assert again.reused_tokens == len(longer) - 1, "the same prompt recomputes only its last token"


def test_a_prompt_that_grew_out_of_a_stored_one_takes_its_place() -> None:
    cache = PrefixCache(budget_tokens=100)
    kv = ([torch.zeros(1, 4, 2)], [torch.zeros(1, 4, 2)])
    cache.store((1, 2, 3, 4), *kv)  # resident A's conversation so far
    cache.store((9, 8, 7, 6), *kv)  # resident B's
    shared, _, parent = cache.longest((1, 2, 3, 5, 6))  # A's next line: shares three of four tokens
    assert (shared, parent) == (3, (1, 2, 3, 4))
    cache.store((1, 2, 3, 5, 6), *kv, grew_from=parent)
    assert len(cache) == 2, "A's older prompt went; B's stayed"
    assert cache.longest((9, 8, 7, 6, 5))[0] == 4
    assert cache.longest((1, 2, 3, 5, 6, 7))[0] == 5


def test_streams_growing_text_and_calls_between_steps(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    seen: list[tuple[int, str]] = []
    steps: list[int] = []
    out = LlamaEngine(model, tokenizer, stops).generate(
        [Job(7, prompts(tokenizer)[0], 10, stream=True), Job(8, prompts(tokenizer)[1], 10)],
        on_text=lambda key, text: seen.append((key, text)), between=lambda: steps.append(1))
    assert {key for key, _ in seen} == {7}, "only the job marked stream is streamed"
    texts = [text for _, text in seen]
    assert all(b.startswith(a) for a, b in itertools.pairwise(texts))
    assert texts[-1] == out[0].text.rstrip("\ufffd")
    assert len(steps) >= 9


def test_an_urgent_job_runs_between_the_prefills_of_a_long_batch(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    engine = LlamaEngine(model, tokenizer, stops)
    jobs = [Job(i, p, 6, stream=i == 0) for i, p in enumerate(prompts(tokenizer))]
    urgent = Job(9, tuple(tokenizer("Rosa sells pears").input_ids), 6)  # type: ignore[operator]
    streamed: list[str] = []
    nested: list[tuple[int, object]] = []

    def between() -> None:
        if not nested:  # the player's line arrives while the batch is still prefilling
            nested.append((len(streamed), engine.generate([urgent])[0]))

    out = engine.generate(jobs, on_text=lambda key, text: streamed.append(text), between=between)
    assert nested and nested[0][0] == 0, "answered before the batch decoded its first token"
    fresh = LlamaEngine(model, tokenizer, stops)
    assert nested[0][1].tokens == fresh.generate([urgent])[0].tokens  # type: ignore[attr-defined]
    assert [o.tokens for o in out] == [o.tokens for o in LlamaEngine(model, tokenizer, stops).generate(jobs)], \
        "the batch it paused comes out the same"


def test_stop_strings_cut_the_text(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    engine = LlamaEngine(model, tokenizer, stops)
    free = engine.generate([Job(0, prompts(tokenizer)[0], 12)])[0]
    assert len(free.text) > 2
    stop = free.text[2:4]
    cut = LlamaEngine(model, tokenizer, stops).generate([Job(0, prompts(tokenizer)[0], 12, stops=(stop,))])[0]
    assert cut.finish == "stop" and stop not in cut.text and free.text.startswith(cut.text)


def test_sampling_is_seeded(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    def sample(seed: int) -> list[int]:
        engine = LlamaEngine(model, tokenizer, stops, temperature=1.0, seed=seed)
        return engine.generate([Job(0, prompts(tokenizer)[1], 12)])[0].tokens
    assert sample(1) == sample(1)
    assert sample(1) != sample(2)


def test_refuses_models_it_cannot_run(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    config = model.config.__class__.from_dict(model.config.to_dict() | {"hidden_act": "gelu"})
    assert "silu" in (llama_problem(config) or "")
    with pytest.raises(ValueError, match="cannot run"):
        LlamaEngine(type(model)(config), tokenizer, stops)




def test_half_precision_decoding_writes_what_full_precision_does(smollm2_folder) -> None:  # type: ignore[no-untyped-def]
    from agents.brains.talker import Talker
    talker = Talker.load(smollm2_folder)
    engine = talker.engine
    assert isinstance(engine, LlamaEngine) and engine.half, "decoding steps use fp16 weights by default"
    messages = [(("system", "You are Mara Quinn, the baker of Oakvale."), ("user", "Leo: What do you do all day?")),
                (("system", "You are Ben, the park keeper."), ("user", "Who looks after the roses?"))]
    jobs = [Job(i, talker.encode(m), 16) for i, m in enumerate(messages)]
    half = [o.tokens for o in engine.generate(jobs)]
    engine.half, engine.half_head, engine.cache = [], None, type(engine.cache)()
    assert [o.tokens for o in engine.generate(jobs)] == half


def test_a_half_precision_overflow_runs_the_step_again_in_full_precision(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    jobs = [Job(0, prompts(tokenizer)[0], 8)]
    expected = [o.tokens for o in LlamaEngine(model, tokenizer, stops, half=False).generate(jobs)]
    engine = LlamaEngine(model, tokenizer, stops)
    for layer in engine.half:
        layer["down"] = torch.full_like(layer["down"], float("inf"))  # as if every fp16 step overflowed
    assert [o.tokens for o in engine.generate(jobs)] == expected


def test_first_rank_starts_with_the_next_likeliest_token_in_both_engines(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    prompt = prompts(tokenizer)[0]
    first_logits = model(input_ids=torch.tensor([prompt])).logits[0, -1]
    ranked = [int(t) for t in first_logits.topk(3).indices]
    llama = LlamaEngine(model, tokenizer, stops)
    rows = llama.generate([Job(7, prompt, 6, first_rank=rank) for rank in range(3)])
    assert [o.tokens[0] for o in rows] == ranked, "row r starts with the r-th likeliest token, all in one batch"
    assert rows[1].tokens != rows[0].tokens
    alone = HFEngine(model, tokenizer, stops).generate([Job(7, prompt, 6, first_rank=2)])[0]
    assert alone.tokens == rows[2].tokens, "the reference engine steers the same way"


def test_an_opening_is_the_start_of_the_reply_and_the_model_writes_on_from_it(tiny) -> None:  # type: ignore[no-untyped-def]
    model, tokenizer, stops = tiny
    prompt, other = prompts(tokenizer)[:2]
    start = tuple(tokenizer.encode("Mara", add_special_tokens=False))
    llama = LlamaEngine(model, tokenizer, stops)
    opened, plain = llama.generate([Job(3, prompt, 8, opening=start), Job(4, other, 8)])
    longer = LlamaEngine(model, tokenizer, stops).generate([Job(3, prompt + start, 8 - len(start))])[0]
    assert tuple(opened.tokens[:len(start)]) == start and opened.text.startswith("Mara")
    assert opened.tokens[len(start):] == longer.tokens, "the rest is what the model writes after those words"
    assert opened.prompt_tokens == len(prompt) and len(opened.tokens) <= 8, "the opening counts as written"
    assert plain.tokens == llama.generate([Job(4, other, 8)])[0].tokens, "a row beside it is not moved"
    alone = HFEngine(model, tokenizer, stops).generate([Job(3, prompt, 8, opening=start)])[0]
    assert alone.tokens == opened.tokens, "the reference engine opens the same way"
