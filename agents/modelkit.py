"""Model kit: build a byte-level BPE tokenizer with npcworld's chat template, and small Llama models from a config.

Used by the tests (a tiny model, made in seconds, since no hub can be reached), by the benchmarks (a model
of about 5M parameters), and by the recipe that trains the bundled model.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

USER, ASSISTANT, END, PAD = "<|user|>", "<|assistant|>", "<|end|>", "<|pad|>"
"""Chat markers: special tokens of the tokenizer."""

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)
"""Jinja chat template: each turn is ``<|role|>\\n...<|end|>\\n``; the reply follows ``<|assistant|>\\n``."""

SIZES: dict[str, dict[str, Any]] = {
    "tiny": {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
             "num_key_value_heads": 2},
    "5m": {"hidden_size": 256, "intermediate_size": 688, "num_hidden_layers": 4, "num_attention_heads": 4,
           "num_key_value_heads": 4},
}
"""Named model shapes (vocabulary and context come from the tokenizer and the caller)."""


def train_tokenizer(texts: Iterable[str], vocab_size: int = 4096) -> Any:
    """Train a byte-level BPE (GPT-2 style pre-tokenizer, no normalizer) with the chat markers as special tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[PAD, END, USER, ASSISTANT, "<|system|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token=END, pad_token=PAD, bos_token=None,
                                   chat_template=CHAT_TEMPLATE, padding_side="left")


def build_model(tokenizer: Any, size: str = "tiny", context: int = 2048, seed: int = 0) -> Any:
    """Create a randomly initialised Llama causal LM of a named size for ``tokenizer``."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tokenizer), max_position_embeddings=context, tie_word_embeddings=True,
                         pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                         bos_token_id=None, **SIZES[size])
    return LlamaForCausalLM(config).eval()


def sample_texts() -> list[str]:
    """Texts to train a throwaway tokenizer on: every prompt template, persona file and reply format we ship."""
    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "agents" / "prompts").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root / "worlds").rglob("*.toml"))]
    texts += ['{"action": "go_to", "place": "cafe"}', '{"say": "Morning!", "end": false}',
              "07:00-12:00 work @bakery: baking bread", '{"insights": [{"text": "x", "because": [1, 2]}]}']
    return texts


def make_model_folder(folder: Path, size: str = "tiny", vocab_size: int = 1024, seed: int = 0) -> Path:
    """Write a ready-to-load model folder (safetensors, config, tokenizer with chat template) with random weights."""
    tokenizer = train_tokenizer(sample_texts() * 4, vocab_size)
    model = build_model(tokenizer, size, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return folder


def parameter_count(model: Any) -> int:
    """Count a model's parameters (tied embeddings once)."""
    return sum(p.numel() for p in model.parameters())


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "tiny-model")
    shape = sys.argv[2] if len(sys.argv) > 2 else "tiny"
    make_model_folder(target, shape)
    print(f"wrote a {shape} random-weight model to {target}")
