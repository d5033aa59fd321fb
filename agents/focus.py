"""Focus for a reply: the few sentences about oneself that the other person's line asks about, put right before it.

A small model copies a fact far more reliably from just above the question than from the middle of a long
system message. So the conversation prompt states each thing a resident knows about itself as one sentence
that stands alone (its work, whom it talked with yesterday, today's plan, tomorrow morning, the news it
knows, its closest friend), the embedder ranks them by meaning against the line being answered, and the
best ones lead the "You remember" list of the last turn. Each sentence is ranked by a short description of
what it answers (the sentence itself is mostly names, which say little about the question). Nothing is added
that the system message does not already say; only its place changes.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from agents.embeddings import Embedder
from agents.known_text import DAY_NAMES, closest_sentence, news_text, plan_text, talks_text
from agents.protocol import Request

FOCUS_COUNT = 2
"""How many sentences lead the last turn at most."""

FOCUS_FLOOR = 0.25
"""Least cosine similarity (MiniLM) between the line and what a sentence answers for it to count as asked about."""

FOCUS_MARGIN = 0.15
"""A sentence after the best one leads too only when its similarity is within this of the best one's.

Each sentence costs prefill time before the first word (a day plan is a hundred tokens). Over the interview's
phrasings, MiniLM's best topic was wrong 5 times in 56 and then the right one was the second, within 0.12."""

TOPICS = ("your work and who you are: your job, what you do here, your occupation and where you work",
          "whom you talked with yesterday, the people you spoke to or met yesterday",
          "today: what you are doing right now and later this afternoon and evening",
          "your plans for tomorrow: what you will do and where you will be tomorrow morning",
          "news and gossip: anything new you have heard, a party or event coming up",
          "your closest friend: your good friends, the person you like and trust most")
"""What each sentence of ``fact_lines`` answers, in its order (descriptions, not questions from the interview)."""

TODAY, TOMORROW = 2, 3
"""Indices of today's plan and tomorrow morning in ``TOPICS``."""

_TODAY_WORDS = frozenset({"today", "tonight", "now"})
"""Words that place a line in the present day."""

MORNING_ENDS = 12 * 60
"""Tomorrow morning is the blocks that start before noon."""


def fact_lines(request: Request) -> tuple[str, ...]:
    """Sentences about the speaker a question may need, standing alone, in ``TOPICS`` order (none without facts)."""
    facts, persona, sit = request.facts, request.persona, request.situation
    if facts is None:
        return ()
    at = f" at {facts.workplace}" if facts.workplace else ""
    tomorrow = DAY_NAMES[(sit.weekday + 1) % 7]
    lines = [f"Your work: you are the {persona.occupation}{at}.",
             f"Yesterday ({DAY_NAMES[(sit.weekday - 1) % 7]}) {talks_text(facts, sit.day - 1)}.",
             f"Your plan for today: {plan_text(facts.today, facts, since=sit.minute)}.",
             f"Tomorrow morning ({tomorrow}): {plan_text(facts.tomorrow, facts, until=MORNING_ENDS)}.",
             f"News you know: {news_text(facts)}.",
             f"Your friends: {closest_sentence(facts)}"]
    return tuple(lines)


def focused(request: Request, embedder: Embedder) -> Request:
    """``request`` with the sentences its partner's last line asks about as focus (unchanged without such a line)."""
    dialogue, facts = request.dialogue, request.facts
    if dialogue is None or facts is None or not dialogue.history or dialogue.history[-1][0] != dialogue.partner:
        return request
    line = dialogue.history[-1][1]
    if not asks(line):
        return request
    return replace(request, facts=replace(facts, focus=rank(line, fact_lines(request), embedder, skip=ruled_out(line))))


_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_OPENERS = re.compile(r"(what|who|whom|whose|where|when|which|why|how|do|does|did|are|is|was|were|have|has|can|could|"
                      r"will|would|any|anything|anyone|anybody|got|tell|say|describe|explain|name|i wonder|"
                      r"i'd like to know|i want to know|let me know)\b")
_EXCLAIMS = re.compile(r"(what an?|how (nice|lovely|good|great|kind|lucky|sweet|pretty|quiet|busy|funny))\b")
_WELLBEING = re.compile(r"how(?:'s| is| are| have| has)?\s+"
                        r"(?:you|ya|things|life|everything|it going|your day|the day)\b"
                        r"|\b(?:you alright|all right|all good|keeping well|doing well|good day|nice day|lovely day)"
                        r"(?: with you)?\?")
_TAG = re.compile(r",\s*(?:isn't|aren't|wasn't|weren't|don't|doesn't|didn't|won't|wouldn't|can't|haven't|hasn't|"
                  r"right|eh|huh|no)\b(?:\s+(?!you\b)\w+)?\s*\?$")


def asks(line: str) -> bool:
    """Whether a line asks the resident something, not chatter ("Lovely day, isn't it?", "How are you?", "Thanks!").

    Chatter gets no focus: MiniLM ranks "Lovely day today, isn't it?" nearest today's plan (0.48, more than
    several real questions score on their right topic), and a reply led by that plan recites it. A sentence asks
    when it ends in a question mark or opens like a question or a request ("Tell me ...", typed without the
    mark), unless it is an exclamation ("What a lovely spot!"), a how-are-you, or a tag question about something
    other than the listener ("..., isn't it?"; "You're the baker, aren't you?" still asks).
    """
    for raw in _SENTENCE.findall(line.lower()):
        sentence = raw.strip(" \t\"'")
        if not sentence or _WELLBEING.search(sentence) or _TAG.search(sentence):
            continue
        if sentence.endswith("?") or (_OPENERS.match(sentence) and not sentence.endswith("!")
                                      and not _EXCLAIMS.match(sentence)):
            return True
    return False


def ruled_out(query: str) -> frozenset[int]:
    """Topics a line's own time words rule out: today's plan when it names tomorrow only, and the reverse.

    MiniLM scores "today" and "tomorrow morning" alike for most questions about either (0.62 against 0.63 for
    "What's on for you tomorrow morning?"), and a reply then describes the wrong day; the word itself does not.
    """
    words = set(re.findall(r"[a-z]+", query.lower()))
    today, tomorrow = bool(words & _TODAY_WORDS), "tomorrow" in words
    if tomorrow and not today:
        return frozenset({TODAY})
    if today and not tomorrow:
        return frozenset({TOMORROW})
    return frozenset()


def rank(query: str, lines: tuple[str, ...], embedder: Embedder, count: int = FOCUS_COUNT,
         floor: float = FOCUS_FLOOR, margin: float = FOCUS_MARGIN,
         skip: frozenset[int] = frozenset()) -> tuple[str, ...]:
    """At most ``count`` lines whose topic is most like ``query``, best first, within ``margin`` of the best.

    None scores below ``floor``; lines whose index is in ``skip`` never count.
    """
    if not lines or not query.strip():
        return ()
    topics = _topic_vectors(embedder)[:len(lines)]
    scores = topics @ embedder.embed([query])[0]
    scores[[i for i in skip if i < len(lines)]] = -np.inf
    order = sorted(range(len(lines)), key=lambda i: (-float(scores[i]), i))
    best = float(scores[order[0]])
    return tuple(lines[i] for i in order[:count]
                 if np.isfinite(scores[i]) and float(scores[i]) >= max(floor, best - margin))


_TOPIC_VECTORS: dict[tuple[str, int], np.ndarray] = {}


def _topic_vectors(embedder: Embedder) -> np.ndarray:
    """The embedded ``TOPICS``, worked out once per kind of embedder."""
    key = (embedder.name, embedder.dim)
    if key not in _TOPIC_VECTORS:
        _TOPIC_VECTORS[key] = embedder.embed(list(TOPICS))
    return _TOPIC_VECTORS[key]
