"""``npcworld report DIR --html OUT``: one self-contained HTML page about a run, its pictures embedded as PNG."""

from __future__ import annotations

import base64
import html
import io
import json
import os
from pathlib import Path
from typing import Any

from game.cli.report import read_jsonl, run_report


def write_html_report(run: Path, out: Path) -> Path:
    """Write the page for the simulate run in ``run`` to ``out`` (atomically); return ``out``."""
    import matplotlib.pyplot as plt

    from game.cli import report_charts as charts
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    events = read_jsonl(run / "events.jsonl")
    trace = read_jsonl(run / "trace.jsonl") if (run / "trace.jsonl").exists() else []
    vitals = read_jsonl(run / "vitals.jsonl") if (run / "vitals.jsonl").exists() else []
    names: dict[str, str] = summary.get("residents", {})
    figures = run_report(run)
    start = charts.first_minute(events)

    def picture(figure: Any) -> str:
        """The figure as an embedded PNG (and closed)."""
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=96)
        plt.close(figure)
        return f'<img alt="" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'

    sections = [("Figures", _figures_table(figures))]
    tilemap, image = _map_of(summary.get("world_dir") or str(summary["world"]).lower())
    sections.append(("Where residents spent their time", picture(charts.heat_map(events, tilemap, image))
                     if tilemap is not None else "<p>The world's map could not be loaded here.</p>"))
    sections.append(("Who talked to whom", picture(charts.talk_graph(events, names))))
    sections.append(("Needs and mood", picture(charts.vitals_chart(vitals, names)) if vitals else
                     "<p>This run has no vitals.jsonl (runs written before it existed).</p>"))
    sections.append(("Model calls and latency", picture(charts.model_calls(trace, start)) if trace else
                     "<p>No trace.jsonl in this run.</p>"))
    spread = charts.news_spread(events, names)
    sections.append(("How news spread", (picture(spread) if spread else "") + _news_table(events, names)))
    sections.append(("Plan blocks kept", picture(charts.plans_kept(figures["plan_blocks_kept_by_kind"]))
                     if figures["plan_blocks_kept_by_kind"] else "<p>No plan blocks of 30 minutes or more.</p>"))
    sections.append(("Rejected intents", _rejected_table(events, names)))
    title = (f"{summary['world']}: {figures['game_hours']} game hours, seed {summary['seed']}, "
             f"{summary['brain']} brain")
    page = _PAGE.format(title=html.escape(title), body="\n".join(
        f'<section><h2>{html.escape(heading)}</h2>\n{content}</section>' for heading, content in sections))
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(out.name + ".tmp")
    temp.write_text(page, encoding="utf-8")
    os.replace(temp, out)
    return out


def _map_of(world: str) -> tuple[Any, Any]:
    """The world's tile map (a world folder or name) and its picture as RGB, or (None, None) if it is not here."""
    from agents.errors import ContentError
    from game.view.render import map_picture
    from game.world.loader import load_world
    try:
        tilemap = load_world(world).tilemap
    except (ContentError, OSError, ValueError):
        return None, None
    return tilemap, map_picture(tilemap)


def _figures_table(figures: dict[str, Any]) -> str:
    """The text report's figures as a two-column table."""
    rows = [(key, ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict)
             else "<br>".join(map(str, value)) if isinstance(value, list) else value)
            for key, value in figures.items()]
    return _table(("figure", "value"), [(k.replace("_", " "), v) for k, v in rows])


def _news_table(events: list[dict[str, Any]], names: dict[str, str]) -> str:
    """Each telling of a piece of news: when, who told whom, what."""
    rows = [(f"day {e['day']} {e['time']}", names.get(e.get("source", ""), e.get("source") or "(planted)"),
             names.get(e["npc"], e["npc"]), e.get("title") or e["news"])
            for e in events if e["type"] == "news_learned"]
    return _table(("when", "told by", "learned", "news"), rows) if rows else "<p>No news was passed on.</p>"


def _rejected_table(events: list[dict[str, Any]], names: dict[str, str]) -> str:
    """Every intent the world refused, with its reason."""
    rows = [(f"day {e['day']} {e['time']}", names.get(e["npc"], e["npc"]), e["intent"], e["reason"])
            for e in events if e["type"] == "intent_rejected"]
    return _table(("when", "resident", "intent", "reason"), rows) if rows else "<p>The world refused nothing.</p>"


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """An HTML table; cells are escaped (the figures table's lists keep their line breaks)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "\n".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _cell(value: Any) -> str:
    """One escaped table cell; ``<br>`` joins stay line breaks."""
    return "<br>".join(html.escape(part) for part in str(value).split("<br>"))


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>npcworld run: {title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1150px; color: #222; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.2em; border-bottom: 1px solid #ccc; padding-bottom: .2em; }}
img {{ max-width: 100%; }} table {{ border-collapse: collapse; font-size: .9em; }}
td, th {{ border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
</style></head>
<body><h1>npcworld run: {title}</h1>
{body}
</body></html>
"""
