"""Prompts as files: one template per request kind, named placeholders, loud failures, per-world overrides."""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from pathlib import Path

from agents.errors import ContentError
from agents.persona import WEEKDAYS, Persona
from agents.plans import current_step, routine_plan
from agents.protocol import REQUEST_KINDS, Request
from agents.talk import flatten, talk_messages

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
"""The default templates shipped with the package."""

PLACEHOLDERS = frozenset({
    "world", "name", "age", "occupation", "traits", "background", "speech_style", "day", "weekday", "time",
    "place", "place_id", "doing", "reason", "nearby", "mood", "needs", "urgent", "current_block", "memories",
    "relationships", "places", "people", "sleep_note", "partner", "relation", "news", "history", "turn",
    "max_turns", "closing", "routine", "happenings", "subject", "partner_first",
    # the conversation templates (converse.txt is the system message, converse_turn.txt the latest turn)
    "first_name", "workplace", "yesterday", "today_talks", "yesterday_weekday", "tomorrow_weekday",
    "today", "tomorrow", "partner_about", "tell", "line", "usual", "closest",
})
"""Every name a template may use in braces."""


class PromptError(ContentError):
    """A template that uses an unknown placeholder, or a render that lacks a value."""


@dataclass(frozen=True, slots=True)
class Template:
    """A prompt template and the file it came from."""

    kind: str
    text: str
    path: Path
    names: frozenset[str]

    def render(self, values: dict[str, str]) -> str:
        """Fill the template; a missing value raises PromptError naming the file and the placeholder."""
        missing = sorted(self.names - values.keys())
        if missing:
            raise PromptError(self.path, missing[0], "no value for this placeholder when rendering the prompt")
        return self.text.format(**{name: values[name] for name in self.names})


def load_templates(world_root: Path | None = None) -> dict[str, Template]:
    """Load the five templates; ``world_root/prompts/<kind>.txt`` overrides the packaged one."""
    templates = {}
    for kind in (*REQUEST_KINDS, "converse_turn"):
        override = world_root / "prompts" / f"{kind}.txt" if world_root is not None else None
        path = override if override is not None and override.exists() else PROMPTS_DIR / f"{kind}.txt"
        templates[kind] = _load(kind, path)
    return templates


def _load(kind: str, path: Path) -> Template:
    """Read one template and check its placeholders."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromptError(path, None, f"cannot read prompt template: {exc}") from exc
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise PromptError(path, None, f"bad braces in template ({exc}); write literal braces as {{{{ and }}}}") from exc
    for name in sorted(names - PLACEHOLDERS):
        line = next((n for n, text_line in enumerate(text.splitlines(), 1) if "{" + name in text_line), None)
        raise PromptError(path, name, f"unknown placeholder {{{name}}} (known: {', '.join(sorted(PLACEHOLDERS))})",
                          line)
    return Template(kind, text, path, frozenset(names))


def render(templates: dict[str, Template], request: Request, world: str) -> str:
    """Render the prompt of ``request`` with its kind's template (a conversation as its flattened messages)."""
    if request.kind == "converse":
        return flatten(render_messages(templates, request))
    return templates[request.kind].render(prompt_values(request, world))


def render_messages(templates: dict[str, Template], request: Request) -> tuple[tuple[str, str], ...]:
    """Render a converse request as chat messages, within the conversation token budget."""
    return talk_messages(request, templates["converse"], templates["converse_turn"])


def prepare(templates: dict[str, Template], request: Request, world: str) -> Request:
    """The request as sent: its prompt rendered, and for conversations its messages too."""
    if request.kind == "converse":
        messages = render_messages(templates, request)
        return replace(request, prompt=flatten(messages), messages=messages)
    return replace(request, prompt=templates[request.kind].render(prompt_values(request, world)))


def prompt_values(request: Request, world: str) -> dict[str, str]:
    """Describe everything a request carries as the strings templates use."""
    persona, sit, mind = request.persona, request.situation, request.mind
    options, dialogue = request.options, request.dialogue
    values = _persona_values(persona) | {
        "world": world, "day": str(sit.day), "weekday": WEEKDAYS[sit.weekday].title(),
        "time": f"{sit.minute // 60:02d}:{sit.minute % 60:02d}", "place": sit.place_label,
        "place_id": sit.place or "outdoors", "doing": sit.doing,
        "reason": sit.reason, "nearby": ", ".join(f"{n.name} ({n.doing})" for n in sit.nearby) or "nobody",
        "mood": mind.mood, "needs": mind.needs_text or "fine",
        "urgent": f" Urgent: you badly need to deal with your {mind.urgent}." if mind.urgent else "",
        "current_block": _block_text(request),
        "memories": "\n".join(f"- [{i}] {_short(text)}" for i, text in mind.memories) or "- (nothing yet)",
        "relationships": ", ".join(f"{r} ({c:+.1f})" for r, c in mind.closeness) or "nobody yet",
        "places": ", ".join(options.places) if options else "",
        "people": ", ".join(options.people) if options and options.people else "nobody",
        "sleep_note": "" if options and options.can_sleep else " (only at home)",
        "happenings": "; ".join(f"{h.title} at {h.place}, day {h.day} {_clock(h.start)}-{_clock(h.start + h.minutes)}"
                                for h in mind.happenings) or "nothing",
        "usual": routine_plan(persona, sit.day, sit.weekday, request.seed, request.jitter).to_text()
                 if request.kind == "plan" else "",
        "subject": request.subject,
        "news": "; ".join(f"[{n.key}] {n.text}" for n in mind.news) or "none",
    }
    if dialogue is not None:
        values |= {
            "partner": dialogue.partner_name, "partner_first": dialogue.partner_name.split()[0],
            "relation": f"closeness {mind.closeness_to(dialogue.partner):+.1f}",
            "history": "\n".join(f"{speaker}: {line}" for speaker, line in dialogue.history) or "(you speak first)",
            "turn": str(dialogue.turn + 1), "max_turns": str(dialogue.max_turns),
            "closing": " They have said goodbye: answer with a goodbye." if dialogue.closing else "",
        }
    return values


def _block_text(request: Request) -> str:
    """Describe the plan block and step the resident is in (what its plan says to do now)."""
    sit = request.situation
    block = request.plan.block_at(sit.minute) if request.plan else None
    if block is None:
        return "nothing planned"
    text = f"{block.kind} at {block.place}: {block.activity} until {_clock(block.end)}"
    step = current_step(request.persona.id, block, sit.day, sit.minute)
    if step.activity != block.activity:
        text = f"{text} (now: {step.activity} until {_clock(step.end)})"
    where = "you are there" if sit.place == block.place else f"you are not at {block.place} yet"
    return f"{text}; {where}"


def _clock(minute: int) -> str:
    """HH:MM of a minute, wrapping past midnight."""
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def _short(text: str, limit: int = 72) -> str:
    """Cut a memory to ``limit`` characters at a word, so prompts stay small."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def _persona_values(persona: Persona) -> dict[str, str]:
    """The persona's fields as prompt strings."""
    routine = "\n".join(f"{b.start // 60:02d}:{b.start % 60:02d} {b.kind} @{'/'.join(b.places)}: {b.activity}"
                        + ("" if len(b.days) == 7 else f" ({', '.join(WEEKDAYS[d] for d in sorted(b.days))})")
                        for b in persona.routine)
    return {"name": persona.name, "age": str(persona.age), "occupation": persona.occupation,
            "traits": ", ".join(persona.traits),
            "background": persona.background + (f" Goals: {'; '.join(persona.goals)}." if persona.goals else ""),
            "speech_style": persona.speech_style, "routine": routine}
