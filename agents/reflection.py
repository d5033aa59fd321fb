"""Reflection and importance: the scripted way to draw insights from recent memories, and parsers for replies."""

from __future__ import annotations

import json
import re
from collections import Counter

from agents.protocol import MindView
from agents.replytext import MAX_REPLY, UnreadableReplyError, clean_text, read_json

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
    """Parse a reflect reply (JSON, or lines "- insight (because of 3, 7)"); citations must be known ids.

    A reply too long or nested too deep to read gives no insights; insight text is cleaned of control characters.
    """
    result: list[tuple[str, tuple[int, ...]]] = []
    reply = reply or ""
    if len(reply) > MAX_REPLY:
        return result
    start, end = reply.find("{"), reply.rfind("}")
    data = None
    if 0 <= start < end:
        try:
            data = read_json(reply[start:end + 1])
        except UnreadableReplyError:
            return result
        except ValueError:
            data = None
    if isinstance(data, dict) and isinstance(data.get("insights"), list):
        for item in data["insights"]:
            if isinstance(item, dict) and isinstance(item.get("text"), str) and clean_text(item["text"]).strip():
                cites = item.get("because", [])
                ids = tuple(i for i in cites if isinstance(i, int) and i in known) if isinstance(cites, list) else ()
                result.append((" ".join(clean_text(item["text"]).split())[:300], ids))
    else:
        for line in reply.splitlines():
            found = _insight_line(line)
            if found is not None and len(clean_text(found[0])) > 3:
                ids = tuple(n for n in map(_small_int, re.findall(r"\d+", found[1])) if n in known)
                result.append((clean_text(found[0])[:300], ids))
    return result[:limit]


_BULLET = re.compile(r"\s*[-*\d.)]+\s*")
_BECAUSE = re.compile(r"\(because of ([\d,\s]+)\)")


def _insight_line(line: str) -> tuple[str, str] | None:
    """Split a line "- insight (because of 3, 7)" into its text and its citations ("" if none); None if no bullet.

    Written without a backtracking regex over the whole line, which took minutes on a line of spaces.
    """
    bullet = _BULLET.match(line)
    body = line[bullet.end():].rstrip() if bullet else ""
    if not body:
        return None
    opening = body.rfind("(")
    because = _BECAUSE.fullmatch(body, opening) if opening > 0 and body.endswith(")") else None
    text = body[:opening].rstrip() if because else ""
    return (text, because.group(1)) if because and text else (body, "")


def _small_int(digits: str) -> int | None:
    """A run of digits as a number, or None when it is too long to be an id (int() refuses 4,300 digits)."""
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= 15 else None


def parse_importance(reply: str) -> int | None:
    """Read a 1-10 rating from a reply (the first whole number in range), or None."""
    for number in re.findall(r"\d+", reply or ""):
        significant = number.lstrip("0") or "0"
        if len(significant) <= 2 and 1 <= int(significant) <= 10:
            return int(significant)
    return None
