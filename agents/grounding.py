"""Grounded and safe speech: names a reply may use, invented names it must not, and markup it cannot smuggle in."""

from __future__ import annotations

import re
from collections.abc import Iterable

_MARKUP = re.compile(r"<(/?[|\w][\w|./:-]{0,40})>")
_BRACKETS = re.compile(r"\[(/?INST)\]|<<(/?SYS)>>", re.IGNORECASE)


def neutralise(text: str) -> str:
    """Make chat-template control sequences plain text: ``<|im_start|>`` becomes ``‹|im_start|›``.

    Covers the markers of the common templates (``<|...|>``, ``<start_of_turn>``, ``<s>``, ``[INST]``,
    ``<<SYS>>``); the look is kept, but no tokenizer reads them as its special tokens any more.
    """
    text = _MARKUP.sub(lambda m: f"\u2039{m.group(1)}\u203a", text)
    return _BRACKETS.sub(lambda m: f"\u2039{m.group(1) or m.group(2)}\u203a", text)


COMMON_CAPITALISED = frozenset((
    "i i'm i'll i've i'd ok okay mr mrs ms miss dr sir madam god lord lady oh ah aye yes no hello hi hey well "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december christmas easter "
    "aunt auntie uncle mum mom dad ma pa nan nana gran granny grandma grandad grandpa "
    "english french spanish portuguese italian german welsh scottish irish british"
).split())
"""Words that are capitalised in ordinary speech without being names (titles alone are not names either)."""

OPENERS = frozenset((
    "ah aha ach alas oi alright anyway absolutely actually admittedly afternoon agreed aw aww bah besides blimey bless "
    "bye certainly cheers come congratulations crikey darling dear definitely eh er evening exactly excuse fine "
    "frankly gosh goodness goodbye good great ha hah happily heavens hmm hmph honestly hush indeed just lately "
    "listen look love lovely luckily maybe mind mm morning mostly naturally nah nay nope now och oho ooh oops pardon "
    "perhaps please pshaw quite really right sadly see so sorry splendid still sure sweetheart ta thanks then true "
    "truly uh um welcome whew why wonderful wow yeah yep yup"
).split())
"""Words that open a sentence and are followed by a comma in ordinary speech ("Well, ...", "Honestly, ...")."""

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_SENTENCE_END = re.compile(r"[.!?:;\"\u201c\u201d()]\s*$")


def known_words(names: Iterable[str]) -> frozenset[str]:
    """Lower-case words of the names a reply may use (residents, the player, places, the town)."""
    words = set()
    for name in names:
        for word in _WORD.findall(name):
            words.add(_base(word))
    return frozenset(words)


def name_like(text: str) -> list[tuple[str, str | None]]:
    """Capitalised words where a name would stand, each with the capitalised word right after it (if any).

    A word opening a sentence only counts when another capitalised word follows ("Elara Vex said..."), or when
    it stands alone before a comma as someone addressed ("Ian, love."), unless it is a common opener ("Well,").
    """
    found: list[tuple[str, str | None]] = []
    matches = list(_WORD.finditer(text))
    for index, match in enumerate(matches):
        word = match.group(0)
        if not word[0].isupper():
            continue
        before = text[:match.start()]
        starts = not before.strip() or bool(_SENTENCE_END.search(before))
        after = matches[index + 1].group(0) if index + 1 < len(matches) else ""
        joined = after[:1].isupper() and text[match.end():matches[index + 1].start()].strip() in ("", "-")
        addressed = text[match.end():match.end() + 1] == "," and _base(word) not in OPENERS
        if not starts or addressed:
            found.append((word, None))
        elif joined and _base(after) not in COMMON_CAPITALISED:
            found.append((word, after))
    return found


def invented_names(text: str, known: frozenset[str]) -> list[str]:
    """Name-like words in ``text`` that are neither known names nor ordinary capitalised words."""
    allowed = known | COMMON_CAPITALISED

    def unknown(word: str) -> bool:
        """Whether a word is not a name the world has (plurals and possessives folded)."""
        return not {_base(word), _base(word).removesuffix("s")} & allowed

    return [word for word, after in name_like(text) if unknown(word) and (after is None or unknown(after))]


def _base(word: str) -> str:
    """A word in lower case without a possessive ending."""
    word = word.lower().replace("\u2019", "'")
    return word[:-2] if word.endswith("'s") else word
