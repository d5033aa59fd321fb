"""A dialogue grammar: varied lines by voice, turn, relationship, topic and news, naming the partner."""

from __future__ import annotations

import random

HELLO = {
    "cheerful": ["Hello, {p}!", "Oh, {p}, hi!", "{p}! What a lovely surprise!", "Morning, {p}! Isn't it grand?"],
    "formal": ["Good day, {p}.", "Good morning, {p}. I trust you are well.", "{p}. A pleasure, as always."],
    "gruff": ["{p}.", "Oh. {p}.", "Alright, {p}.", "Huh. {p}."],
    "warm": ["Hello, {p} dear!", "There you are, {p}, dear.", "Come here, {p}, how are you, dear?"],
    "nervous": ["Oh! {p}, hello, sorry, I didn't see you.", "Um, hi {p}.", "H-hello, {p}. Sorry."],
    "poetic": ["{p}, like a bit of sunlight.", "Ah, {p}. The day just got kinder.", "Hello, {p}, listen to the birds."],
    "teasing": ["Well, if it isn't {p}!", "{p}! Look who finally got up.", "Oi, {p}, fancy seeing you."],
    "blunt": ["{p}. Good.", "Hi {p}. You look tired.", "Morning, {p}. Let's talk."],
}
"""Greetings by voice; {p} is the partner's first name."""

CLOSE = ["{p}, my friend!", "My favourite person, {p}!", "{p}! I was hoping I'd see you."]
COLD = ["{p}. Hmm.", "Oh, it's you, {p}.", "{p}. I suppose we should talk."]

SMALL = {
    "cheerful": ["{p}, have you heard anything about {t}? I'm so curious!", "Isn't {t} exciting, {p}?",
                 "I've had the best morning, {p}! How's yours?"],
    "formal": ["What is your view on {t}, {p}?", "I have been considering {t}, {p}. A serious matter.",
               "I trust your work goes well, {p}."],
    "gruff": ["{t}. Don't ask, {p}.", "Busy, {p}. Always busy.", "Heard about {t}, {p}? Rubbish."],
    "warm": ["Have you eaten, {p} dear?", "Tell me about {t}, {p}, I do worry.", "You look thin, {p}, dear."],
    "nervous": ["Sorry, {p}, but have you heard about {t}? I mean, only if you want.",
                "I, um, worried about {t}, {p}."],
    "poetic": ["{t} reminds me of spring, {p}.", "Do you ever watch the light over {t}, {p}?",
               "Everything feels new today, {p}."],
    "teasing": ["Bet you've got opinions on {t}, {p}!", "Still losing at cards, {p}?", "{p}, you and {t}, honestly!"],
    "blunt": ["{t} is a mess, {p}.", "I think you're wrong about {t}, {p}.", "Let's be honest about {t}, {p}."],
}
"""Small talk by voice; {t} is a topic."""

MORE_SMALL = {
    "cheerful": ["Oh {p}, I could talk about {t} all day!", "Guess what I did today, {p}? Nothing! Isn't it great?"],
    "formal": ["Forgive me, {p}, but {t} deserves more attention.", "How is your family, {p}?"],
    "gruff": ["Hmph. {t} again, {p}?", "Weather's turning, {p}."],
    "warm": ["Come by for tea soon, {p} dear.", "Don't fret about {t}, {p} dear."],
    "nervous": ["Sorry, {p}, I keep thinking about {t}.", "Is it, um, alright if I ask about {t}, {p}?"],
    "poetic": ["The air smells of rain, {p}.", "{t} is like an old song, {p}."],
    "teasing": ["Go on, {p}, tell me your theory about {t}.", "You look suspiciously cheerful, {p}."],
    "blunt": ["I don't care for {t}, {p}.", "You should fix that, {p}."],
}
"""More small talk, so each voice has several ways to keep a conversation going."""

AGREE = ["You're right, {p}.", "Fair point, {p}.", "I suppose so, {p}.", "Hmm, maybe, {p}.", "Ha! True, {p}."]
"""Reactions to what the partner just said."""

BYE = {
    "cheerful": ["Bye, {p}! See you soon!", "Lovely chat, {p}! Take care!"],
    "formal": ["Good day to you, {p}.", "Until next time, {p}."],
    "gruff": ["Right. Bye, {p}.", "Off you go, {p}."],
    "warm": ["Mind how you go, {p} dear.", "Take care of yourself, {p} dear."],
    "nervous": ["Sorry, I should go, {p}. Bye!", "Um, see you, {p}."],
    "poetic": ["Go gently, {p}.", "Until the next bright hour, {p}."],
    "teasing": ["Don't miss me too much, {p}!", "Later, {p}. Behave!"],
    "blunt": ["That's enough talk. Bye, {p}.", "Bye, {p}. Get some rest."],
}
"""Farewells by voice."""

NEWS = ["{p}, have you heard? {n}", "Did you hear, {p}? {n}", "Guess what, {p}: {n}", "{p}, listen: {n}"]
"""Ways of passing on news; {n} is the news."""


def phrase_book(rng: random.Random, voice: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A persona's speech book (greetings, small talk, farewells) in its voice, with persona placeholders."""
    def convert(lines: list[str]) -> tuple[str, ...]:
        """The grammar's placeholders to a persona file's."""
        return tuple(line.replace("{p}", "{partner}").replace("{t}", "{topic}") for line in lines)
    return (convert(rng.sample(HELLO[voice], k=min(2, len(HELLO[voice])))), convert(SMALL[voice]),
            convert(BYE[voice]))


def speak(rng: random.Random, voice: str, partner: str, closeness: float, topic: str, turn: int, max_turns: int,
          closing: bool, news: str | None) -> tuple[str, bool, bool]:
    """Return a line, whether it says goodbye, and whether it passes on ``news``."""
    if closing or turn >= max_turns - 1:
        return rng.choice(BYE[voice]).format(p=partner), True, False
    if turn <= 1:
        pool = CLOSE if closeness > 0.6 and rng.random() < 0.5 else COLD if closeness < -0.2 else HELLO[voice]
        return rng.choice(pool).format(p=partner), False, False
    if news and turn <= 3:
        return rng.choice(NEWS).format(p=partner, n=news), False, True
    if turn >= 3 and rng.random() < 0.3:
        return rng.choice(BYE[voice]).format(p=partner), True, False
    if turn >= 2 and rng.random() < 0.15:
        return rng.choice(AGREE).format(p=partner), False, False
    return rng.choice(SMALL[voice] + MORE_SMALL[voice]).format(p=partner, t=topic), False, False
