"""Choosing among a few replies the one that says what the resident knows about the question asked.

A small chat model often knows the answer and still opens its reply the wrong way ("I'm Felix, the town
clerk." to "Who is your closest friend?"); once the first word is out, the rest follows from it. So when a
reply to the player uses fewer than two of the telling words of the focus sentences (agents/focus.py: the facts the
question asks about, ranked by the embedder, not by any knowledge of the question's kind), it is written
again a few times in one batch, each starting with another of the model's likeliest first tokens, and the
reply that uses the focus most is kept. The model's own reply is kept on a tie, and always without focus.

The last of those replies starts instead on the focus itself (``opening``: "Mara" for "Your closest friend is
Mara Quinn."), and the model writes the rest. Over 120 questions to the twelve Oakvale residents after a scripted
48 hours (two phrasings of each kind each), with that opening, three-letter names counted as telling words
("Sam, I'd say." used to count for nothing) and the second look judged on the first focus sentence alone, the
right answers went from 23/22/22/21/20 to 24/22/23/23/24 of 24 (work, yesterday, tomorrow, news, friend).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.grounding import invented_names

CANDIDATES = 4
"""Replies written for one line to the player: the model's own and three other openings."""

ENOUGH = 2
"""A reply to the player that uses fewer telling words of the first focus sentence than this (or than it has) gets
a second look."""

FOCUS_WEIGHTS = (1.0, 0.3)
"""How much the words of the first and second focus sentence count."""

_LABELS = frozenset(
    "your work you are the and with yesterday today tomorrow morning plan news know friends friend closest "
    "also like talked nobody nothing planned from then have has been this that monday tuesday wednesday "
    "thursday friday saturday sunday home the".split())
"""Words of the focus sentences' own framing (agents/focus.py), which say nothing about the answer."""

_DENIAL = re.compile(r"\b(?:don'?t know (?:anyone|anybody|who|what)|never heard|no idea|not sure who)\b", re.I)
"""Replies that deny what the focus says the resident knows."""


def opening(focus: Sequence[str], own: str = "") -> str:
    """Where a reply that answers would start: the first telling word of the first focus sentence, capitalised.

    A name is taken whole from its first word ("Ben" of "Ben Hartley"), with its article ("The Copper" of "The
    Copper Kettle Cafe"); words of the speaker's ``own`` name are passed over. "" when the sentence has no
    telling word.
    """
    if not focus:
        return ""
    mine = stems(own)
    words = re.findall(r"[A-Za-z]+", focus[0])
    for found, word in enumerate(words):
        if _stem(word) and _stem(word) not in mine:
            start = found
            while start > 1 and words[start - 1][0].isupper() and words[start - 1].lower() not in _LABELS:
                start -= 1  # back to the start of a name (never to the sentence's own first word)
            if start > 1 and words[start - 1] == "The":
                return f"The {words[start]}"  # a name that has its article: "The Copper", not "Copper"
            return words[start][0].upper() + words[start][1:]
    return ""


def stems(text: str) -> set[str]:
    """The telling words of a text, cut to five letters: words of four letters or more, and names of three.

    Capitalised three-letter words count (Sam, Ben, Leo); the framing of the focus sentences does not.
    """
    return {stem for word in re.findall(r"[A-Za-z]+", text) if (stem := _stem(word))}


def _stem(word: str) -> str:
    """A word's telling stem, or "" for a short or framing word."""
    lower = word.lower()
    if lower in _LABELS or len(word) < 3 or (len(word) == 3 and not word[0].isupper()):
        return ""
    return lower[:5]


def grounding(reply: str, focus: Sequence[str], own: str = "") -> float:
    """How much of the focus a reply uses: weighted count of shared telling words, less one for a denial.

    Words of the speaker's ``own`` name do not count (Leo Quinn naming himself does not name Mara Quinn).
    """
    said = stems(reply) - stems(own)
    score = sum(weight * len(said & stems(line)) for weight, line in zip(FOCUS_WEIGHTS, focus, strict=False))
    return score - (1.0 if _DENIAL.search(reply) else 0.0)


def needs_second_look(reply: str, focus: Sequence[str], own: str = "") -> bool:
    """Whether a reply uses too little of the first focus sentence (fewer than ``ENOUGH`` of its telling words)."""
    if not focus:
        return False
    wanted = min(ENOUGH, len(stems(focus[0]) - stems(own)))
    return grounding(reply, focus[:1], own) < wanted


def best_reply(replies: Sequence[str], focus: Sequence[str], own: str = "", known: frozenset[str] | None = None) -> int:
    """Index of the reply that uses the focus most (the first, the model's own, on a tie or without focus).

    With ``known`` (agents.grounding.known_words of the prompt), a reply that names someone or somewhere the
    prompt does not loses to every reply that does not: an opening forced from a less likely first token can
    start a name of its own ("Ireland, dear." from the "Ire" of "Iris").
    """
    if not focus or len(replies) < 2:
        return 0
    scores = [grounding(reply, focus, own) for reply in replies]
    clean = [known is None or not invented_names(reply, known) for reply in replies]
    return max(range(len(replies)), key=lambda index: (clean[index], scores[index], -index))
