"""The interview: ask every resident plain questions through the chat path and score the answers automatically.

Five kinds of question (work, whom they talked to yesterday, tomorrow morning's plans, news going round,
closest friend), at least ten phrasings each, plus small talk. Every answer is scored against the run
itself: the persona files (occupation, workplace, routine), the event log (conversations yesterday, news
learned) and the relationships at the time of asking. Replies are also checked for invented names and
for sameness across residents. None of these phrasings is used in training (a test checks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from agents.grounding import invented_names, known_words
from agents.known_text import CLOSE_FRIEND
from agents.plans import routine_plan
from game.world.chat import ChatRefused
from game.world.simulation import Simulation

PHRASINGS: dict[str, tuple[str, ...]] = {
    "work": ("What's your work?", "What do you do for a living?", "What kind of work do you do?",
             "Where's your job?", "What's your occupation?", "How do you make a living?", "What do you work as?",
             "What is it you do here?", "Do you have a job?", "Which trade are you in?", "What keeps you busy at work?",
             "Where do you spend your working day?"),
    "yesterday": ("Who did you talk to yesterday?", "Who were you chatting with yesterday?",
                  "Yesterday, did you speak with anybody?", "Which people did you talk to yesterday?",
                  "Who did you have a conversation with yesterday?", "Who did you bump into yesterday?",
                  "Did you chat with anyone yesterday?", "Who kept you company yesterday?",
                  "Tell me who you talked with yesterday.", "Who did you spend time talking to yesterday?",
                  "Anyone you had a word with yesterday?"),
    "tomorrow": ("What are your plans for tomorrow morning?", "What will you be doing tomorrow morning?",
                 "Where will you be tomorrow morning?", "What's on for you tomorrow morning?",
                 "Tomorrow morning, what's the plan?", "How will you spend tomorrow morning?",
                 "What are you doing first thing tomorrow?", "What does tomorrow morning hold for you?",
                 "Where are you headed tomorrow morning?", "What's your morning tomorrow like?",
                 "Got anything on tomorrow morning?"),
    "news": ("Heard any news going round town?", "What's the latest news?", "Is there any news in town?",
             "Any gossip going around?", "What's everybody talking about?", "Anything new happening in town?",
             "Have you heard anything new lately?", "What's the word around town?", "Any news worth hearing?",
             "What's happening around town these days?", "Is anything going on soon?"),
    "friend": ("Who is your closest friend?", "Who's your best friend in town?", "Who are you closest to in town?",
               "Which person here do you like best?", "Who's your dearest friend?", "Who do you feel closest to?",
               "Who is the friend you're closest with?", "Who's your number one friend?",
               "Who matters most to you in town?", "If you had to pick a best friend, who?",
               "Who do you count as your closest friend?"),
    "smalltalk": ("Lovely day today, isn't it?", "How's life treating you?", "Good to meet you!",
                  "It's nice here.", "How have you been?", "Nice to see you around.", "What a lovely spot this is.",
                  "Having a good day?", "Hi! I'm new around here.", "Thanks, that's helpful."),
}
"""Interview phrasings by kind (the training corpus's are in agents/training/talk_answers.py)."""

KINDS = ("work", "yesterday", "tomorrow", "news", "friend")
"""The kinds of question with a right answer; small talk is scored on form."""

_STOP = frozenset("""
the a an and of at in on to for with from by my your our their his her its this that then there here is are was
were be been being do does did have has had having i me you we they he she it oakvale some any into about over
after before up down out off just very really also time day days morning evening afternoon night today tomorrow
yesterday doing going getting making taking eating having sitting standing being working work home
""".split())
"""Words too common to count as evidence that an answer is right."""

_NOBODY = re.compile(r"\b(nobody|no one|no-one|anyone|didn't|did not|not really|kept to myself|quiet)\b", re.I)
_TALKED = re.compile(r"\b(talk|talked|chat|chatted|spoke|spoken|saw|seen|met|word|yesterday|caught up|with)\b", re.I)
_NO_FRIEND = re.compile(r"\b(nobody|no one|no-one|no close|not close|no real friend|no friends?|keep to myself|"
                        r"on my own|by myself)\b", re.I)
_DENIES = re.compile(r"\b(don't know anyone called|never heard of|no \w+ (in \w+ )?that I know of)\b", re.I)
"""A reply that says it does not know the person it names (the tuned model's stranger answer, misapplied)."""
_DAY_WORDS = re.compile(r"\b(today|tonight|tomorrow|yesterday)\b")
_RELATIVE_DAY = {0: {"today", "tonight"}, 1: {"tomorrow"}, -1: {"yesterday"}}
"""The words that place a happening a day off or on the day, by its day less today's."""
_NO_NEWS = re.compile(r"\b(no news|nothing new|not heard|haven't heard|nothing much|quiet|nothing)\b", re.I)


@dataclass(slots=True)
class Answered:
    """One question and its answer, with the verdict."""

    resident: str
    kind: str
    question: str
    reply: str
    right: bool
    why: str
    invented: list[str] = field(default_factory=list)
    day: int = 0
    time: str = ""


def interview(sim: Simulation, per_kind: int = 2, smalltalk: int = 2,
              progress: Callable[[Answered], None] | None = None) -> list[Answered]:
    """Ask every resident ``per_kind`` phrasings of each kind and ``smalltalk`` small-talk lines; score each."""
    known = world_names(sim)
    answers: list[Answered] = []
    for index, persona in enumerate(sim.world.personas):
        counts = [*((k, per_kind) for k in KINDS), ("smalltalk", smalltalk)]
        plan = [(kind, PHRASINGS[kind][(index * count + j) % len(PHRASINGS[kind])])
                for j in range(max(per_kind, smalltalk)) for kind, count in counts if j < count]  # kinds take turns
        for kind, question in plan:
            reply = ask(sim, persona.id, question)
            right, why = score(sim, persona.id, kind, reply)
            answered = Answered(persona.id, kind, question, reply, right, why, invented_names(reply, known),
                                sim.clock.day, sim.clock.hhmm)
            answers.append(answered)
            if progress is not None:
                progress(answered)
    _distinct_smalltalk(answers)
    return answers


def world_names(sim: Simulation) -> frozenset[str]:
    """Names a reply may use: residents, the player, places, the town, and any name in the persona files."""
    texts = [p.name for p in sim.world.personas] + ["Alex Rowe", sim.world.name]
    texts += [p.label for p in sim.world.tilemap.places.values()]
    texts += [path.read_text(encoding="utf-8") for path in sorted((sim.world.root / "personas").glob("*.toml"))]
    return known_words(texts)


def ask(sim: Simulation, resident: str, question: str, wait_hours: float = 8.0) -> str:
    """Ask through sim.chat; while the resident cannot talk (asleep, walking), let game time pass and try again."""
    waited = 0.0
    while True:
        try:
            return sim.chat(resident, question)
        except ChatRefused as refused:
            if waited >= wait_hours:
                return f"(could not ask: {refused})"
            sim.run(minutes=10)
            waited += 10 / 60


def score(sim: Simulation, resident: str, kind: str, reply: str) -> tuple[bool, str]:
    """Whether ``reply`` answers a question of ``kind`` rightly, and what it was checked against."""
    words = _words(reply)
    if kind == "work":
        persona = sim.resident(resident).persona
        place = sim.world.tilemap.places.get(persona.workplace or "")
        expected = _keys(persona.occupation) | (_keys(place.label) if place else set())
        return bool(words & expected), f"occupation/workplace: {sorted(expected)}"
    if kind == "yesterday":
        return _yesterday(sim, resident, reply)
    if kind == "tomorrow":
        expected = tomorrow_morning_keys(sim, resident)
        return len(words & expected) >= 2, f"two of tomorrow morning's words: {sorted(expected)}"
    if kind == "news":
        return _news(sim, resident, reply)
    if kind == "friend":
        closeness = sim.resident(resident).closeness
        others = {k: v for k, v in closeness.items() if k in sim.town.residents and k not in (resident, "player")}
        if not others:
            return True, "knows nobody"
        best = max(others.values())
        names = {_first(sim, k) for k, v in others.items() if v >= best - 0.02}
        named = bool(words & {n.lower() for n in names}) and not _DENIES.search(reply)
        if best < CLOSE_FRIEND:  # the prompt says "You have no close friend yet": saying so is right too
            return named or bool(_NO_FRIEND.search(reply)), f"no close friend; closest: {sorted(names)}"
        return named, f"closest: {sorted(names)}"
    text = reply.strip()
    ok = len(text.split()) >= 2 and not text.startswith("(could not")
    return ok, "small talk: two words or more (and distinct across residents)"


def tomorrow_morning_keys(sim: Simulation, resident: str) -> set[str]:
    """Words that show a right answer about tomorrow morning: its blocks' places, activities, and work."""
    persona = sim.resident(resident).persona
    clock = sim.clock
    plan = routine_plan(persona, clock.day + 1, (clock.weekday + 1) % 7, sim.town.plan_seed,
                        sim.town.settings.routine_jitter_minutes)
    keys: set[str] = set()
    for block in plan.blocks:
        if block.kind == "sleep" or not 0 < block.start < 12 * 60:
            continue
        place = sim.world.tilemap.places.get(block.place)
        keys |= _keys(block.activity) | (_keys(place.label) if place and place.kind != "home" else {"home"})
        keys |= {"work", "working"} if block.kind == "work" else set()
    return keys


def _yesterday(sim: Simulation, resident: str, reply: str) -> tuple[bool, str]:
    """Right when it names someone talked with yesterday and nobody else (or, if nobody, says so)."""
    day = sim.clock.day - 1
    partners = set()
    for event in sim.events:
        if event["type"] == "conversation_started" and event["day"] == day and resident in (event["npc"],
                                                                                           event["partner"]):
            other = event["partner"] if event["npc"] == resident else event["npc"]
            if other in sim.town.residents and other != "player":
                partners.add(other)
    words = _words(reply)
    named = {rid for rid in sim.town.residents if rid not in (resident, "player") and _first(sim, rid).lower() in words}
    if not partners:
        return not named and bool(_NOBODY.search(reply)), "talked with nobody yesterday"
    right = named & partners and not named - partners and (len(named & partners) > 1 or _TALKED.search(reply))
    return bool(right), f"talked with {sorted(partners)}"


def _news(sim: Simulation, resident: str, reply: str) -> tuple[bool, str]:
    """Right when it mentions a happening the resident knows of (or, knowing none, says there is no news)."""
    keys_of: dict[str, set[str]] = {}
    for event in sim.events:
        if event["type"] == "news_learned" and event["npc"] == resident:
            keys_of[event["news"]] = set()
    for plant in sim.world.plants:
        if plant.npc == resident and plant.happening is not None:
            keys_of[plant.happening.key] = set()
    words = _words(reply)
    all_keys: set[str] = set()
    days: set[int] = set()
    for happening in _happenings(sim):
        place = sim.world.tilemap.places.get(happening.place)
        keys = _keys(happening.title) | (_keys(place.label) if place else set())
        all_keys |= keys
        if happening.key in keys_of:
            keys_of[happening.key] = keys
            days.add(happening.day)
    if not keys_of:
        return not words & all_keys and bool(_NO_NEWS.search(reply)), "knows no news"
    expected = set().union(*keys_of.values())
    said = set(_DAY_WORDS.findall(reply.lower()))
    true_words = set().union(*(_RELATIVE_DAY.get(day - sim.clock.day, set()) for day in days))
    if said - true_words:  # "tomorrow at 17:00" for a party that was yesterday is not right, whatever else it says
        return False, f"knows: {sorted(keys_of)}; says {sorted(said - true_words)}, not {sorted(true_words) or 'a day'}"
    return bool(words & expected) and not _DENIES.search(reply), f"knows: {sorted(keys_of)}"


def _happenings(sim: Simulation) -> list[Any]:
    """Every happening of the run: planted ones and any a resident holds in memory."""
    seen = {p.happening.key: p.happening for p in sim.world.plants if p.happening is not None}
    for state in sim.residents():
        for memory in state.mind.memory.memories:
            if memory.happening is not None:
                seen.setdefault(memory.happening.key, memory.happening)
    return list(seen.values())


def _distinct_smalltalk(answers: list[Answered]) -> None:
    """Small talk that another resident answered word for word the same is not right."""
    seen: dict[str, int] = {}
    for a in answers:
        seen[_norm(a.reply)] = seen.get(_norm(a.reply), 0) + 1
    for a in answers:
        if a.kind == "smalltalk" and a.right and seen[_norm(a.reply)] > 1:
            a.right, a.why = False, "the same words as another resident's reply"


def summary(answers: list[Answered]) -> dict[str, Any]:
    """Share right by kind, share of replies with invented names, share of distinct replies."""
    table: dict[str, Any] = {}
    for kind in (*KINDS, "smalltalk"):
        chosen = [a for a in answers if a.kind == kind]
        if chosen:
            table[kind] = {"asked": len(chosen), "right": round(sum(a.right for a in chosen) / len(chosen), 3)}
    replies = [a.reply for a in answers]
    table["invented_names"] = round(sum(bool(a.invented) for a in answers) / max(1, len(answers)), 3)
    table["distinct_replies"] = round(len({_norm(r) for r in replies}) / max(1, len(replies)), 3)
    table["answers"] = len(answers)
    return table


def to_json(answers: list[Answered]) -> list[dict[str, Any]]:
    """The answers as plain dicts."""
    return [asdict(a) for a in answers]


def _first(sim: Simulation, resident: str) -> str:
    """A resident's first name."""
    return sim.resident(resident).persona.first_name


def _words(text: str) -> set[str]:
    """Lower-case words of a text, possessives cut, plus short stems of the long ones."""
    words = {w.removesuffix("'s") for w in re.findall(r"[a-z][a-z'-]*", text.lower().replace("\u2019", "'"))}
    return words | {_stem(w) for w in words if len(w) > 5}


def _keys(text: str) -> set[str]:
    """Content words of a text (and their stems) that a right answer would use."""
    words = {w.removesuffix("'s") for w in re.findall(r"[a-z][a-z'-]*", text.lower())}
    keys = {w for w in words if len(w) > 2 and w not in _STOP}
    return keys | {_stem(w) for w in keys if len(w) > 5}


def _stem(word: str) -> str:
    """A crude stem: "baking" and "bakes" and "baker" meet at "bak"."""
    for suffix in ("ing", "ers", "er", "es", "s", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _norm(text: str) -> str:
    """A reply for comparing sameness: lower case, letters and spaces."""
    return " ".join(re.findall(r"[a-z']+", text.lower()))
