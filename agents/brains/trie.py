"""Token tries: constrain generation to a fixed set of token sequences, one set per batch row."""

from __future__ import annotations

from typing import Any


class TokenTrie:
    """A trie of token sequences, each ending with the end-of-sequence token."""

    def __init__(self, sequences: list[list[int]], eos: int):
        self.root: dict[int, Any] = {}
        self.ends: dict[int, int] = {}
        """id of a terminal node -> index of the sequence it ends."""
        self.depth = 0
        for index, tokens in enumerate(sequences):
            node = self.root
            for token in [*tokens, eos]:
                node = node.setdefault(token, {})
            self.ends.setdefault(id(node), index)
            self.depth = max(self.depth, len(tokens) + 1)

    def allowed(self, prefix: list[int]) -> list[int]:
        """Return the tokens that may follow ``prefix`` (empty when the prefix leaves the trie or is complete)."""
        node = self.root
        for token in prefix:
            if token not in node:
                return []
            node = node[token]
        return list(node)

    def match(self, generated: list[int]) -> int:
        """Return the index of the sequence ``generated`` spelled out (the first one if it stopped early)."""
        node = self.root
        for token in generated:
            if token not in node:
                break
            node = node[token]
            if id(node) in self.ends:
                return self.ends[id(node)]
        while node:  # cut short (length limit): finish along the first branch
            node = node[next(iter(node))]
            if id(node) in self.ends:
                return self.ends[id(node)]
        return 0


class TrieConstraint:
    """A transformers logits processor: each row may only continue along its own trie.

    It follows each row's trie node by node as tokens are generated (one step per call), so a step costs
    one lookup per row, not a walk from the root.
    """

    def __init__(self, tries: list[TokenTrie], prompt_width: int, eos: int):
        self.tries = tries
        self.width = prompt_width
        self.eos = eos
        self._nodes: list[dict[int, Any] | None] = [trie.root for trie in tries]

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        """Mask every token but the allowed ones (a finished row may only repeat the end token)."""
        import torch
        if input_ids.shape[1] > self.width:
            for row, token in enumerate(input_ids[:, -1].tolist()):
                node = self._nodes[row]
                self._nodes[row] = node.get(token) if node is not None else None
        mask = torch.full_like(scores, float("-inf"))
        for row, node in enumerate(self._nodes):
            mask[row, list(node) if node else [self.eos]] = 0.0
        return scores + mask
