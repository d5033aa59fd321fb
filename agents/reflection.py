"""Reflection and importance: the scripted way to draw insights from recent memories, and parsers for replies."""

from __future__ import annotations

import json
import re
from collections import Counter

from agents.protocol import MindView

_TALKED = re.compile(r"^Talked with ([A-Z][\w'-]+)")
_AT = re.compile(r" at ((?:The |the )?[A-Z][\w' ]+?)(?: \(|[.,;:]|$)")


def scripted_insights(name: str, mind: MindView) -> list[tuple[str, tuple[int, ...]]]:
    """Draw up to three insights from the recent memories in ``mind``, each citing the memories behind it."""
    insights: list[tuple[str, tuple[int, ...]]] = []
    talks: dict[str, list[int]] = {}
    places: Counter[str] = Counter()
    for memory_id, text in mind.memories:
        found = _TALKED.match(text)
        if found:
            talks.setdefault(found.group(1), []).append(memory_id)
        for place in _AT.findall(text):
            places[place] += 1
    if talks:
        partner, talked = max(talks.items(), key=lambda item: (len(item[1]), item[0]))
        feeling = "we are getting closer" if len(talked) > 1 else "I enjoyed talking with them"
        insights.append((f"I keep running into {partner}; {feeling}.", tuple(talked[:5])))
    for happening in mind.happenings[:1]:
        about = tuple(i for i, t in mind.memories if happening.title.lower() in t.lower())[:5]
        insights.append((f"{happening.title} is on day {happening.day} at {happening.start // 60:02d}:"
                         f"{happening.start % 60:02d}; I should be there.", about))
    if places:
        place, _ = places.most_common(1)[0]
        there = tuple(i for i, t in mind.memories if place in t)[:5]
        insights.append((f"Lately my days revolve around {place}.", there))
    low = [name for name, level in mind.needs if level < 35]
    if low and len(insights) < 3:
        insights.append((f"I have been feeling {mind.needs_text}; I should look after myself.", ()))
    return insights[:3]


def insights_to_json(insights: list[tuple[str, tuple[int, ...]]]) -> str:
    """Write insights in the reflect reply format."""
    return json.dumps({"insights": [{"text": text, "because": list(ids)} for text, ids in insights]},
                      ensure_ascii=False)


def parse_insights(reply: str, known: set[int], limit: int = 5) -> list[tuple[str, tuple[int, ...]]]:
    """Parse a reflect reply (JSON, or lines "- insight (because of 3, 7)"); citations must be known ids."""
    result: list[tuple[str, tuple[int, ...]]] = []
    start, end = reply.find("{"), reply.rfind("}")
    data = None
    if 0 <= start < end:
        try:
            data = json.loads(reply[start:end + 1])
        except ValueError:
            data = None
    if isinstance(data, dict) and isinstance(data.get("insights"), list):
        for item in data["insights"]:
            if isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"].strip():
                cites = item.get("because", [])
                ids = tuple(i for i in cites if isinstance(i, int) and i in known) if isinstance(cites, list) else ()
                result.append((" ".join(item["text"].split())[:300], ids))
    else:
        for line in reply.splitlines():
            found = re.match(r"^\s*[-*\d.)]+\s*(.+?)\s*(?:\(because of ([\d,\s]+)\))?\s*$", line)
            if found and len(found.group(1)) > 3:
                ids = tuple(int(n) for n in re.findall(r"\d+", found.group(2) or "") if int(n) in known)
                result.append((found.group(1)[:300], ids))
    return result[:limit]


def parse_importance(reply: str) -> int | None:
    """Read a 1-10 rating from a reply (the first whole number in range), or None."""
    for number in re.findall(r"\d+", reply or ""):
        if 1 <= int(number) <= 10:
            return int(number)
    return None
