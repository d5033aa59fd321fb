"""The recipe for npcworld's own small model: a procedural corpus, a tokenizer, training and evaluation."""
