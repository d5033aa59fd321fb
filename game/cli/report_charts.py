"""The run report's pictures, drawn with matplotlib (and networkx for the talk graph) from a run's output files.

Each function takes what the run wrote (events, trace, vitals) and returns a finished figure; the page
(game/cli/report_html.py) embeds them as PNG. Times on every x axis are game hours since the run began.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no window, no display needed

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from game.world.worldmap import TileMap

Event = dict[str, Any]

KIND_COLOURS = {"converse": "#1f77b4", "plan": "#2ca02c", "decide": "#ff7f0e", "importance": "#9467bd",
                "reflect": "#8c564b"}
"""One colour per kind of brain request, the same in every chart."""


def game_hour(record: Event, start: int) -> float:
    """Hours between the run's first minute ``start`` and a record's ``day`` and ``time``."""
    hours, minutes = str(record["time"]).split(":")
    return ((int(record["day"]) - 1) * 1440 + int(hours) * 60 + int(minutes) - start) / 60


def first_minute(events: list[Event]) -> int:
    """The run's first minute (since day 1's midnight), from its first event."""
    return round(game_hour(events[0], 0) * 60) if events else 0


def heat_map(events: list[Event], tilemap: TileMap, map_image: np.ndarray) -> Figure:
    """Where residents spent their time: minutes at each tile over the drawn map, place names on top."""
    start = first_minute(events)
    end = max((game_hour(e, start) for e in events), default=0.0)
    heat = np.zeros((tilemap.height, tilemap.width))
    standing: dict[str, tuple[tuple[int, int], float]] = {}
    for event in events:
        npc, at = str(event.get("npc")), game_hour(event, start)
        if event["type"] in ("spawned", "arrived", "move_started") and npc in standing:
            (x, y), since = standing.pop(npc)
            heat[y, x] += (at - since) * 60
        if event["type"] in ("spawned", "arrived"):
            standing[npc] = ((int(event["x"]), int(event["y"])), at)
    for (x, y), since in standing.values():
        heat[y, x] += (end - since) * 60
    figure, axes = plt.subplots(figsize=(10, 10 * tilemap.height / tilemap.width))
    size = tilemap.tile_size
    axes.imshow(map_image, extent=(0, tilemap.width * size, tilemap.height * size, 0))
    shown = np.ma.masked_where(heat <= 0, np.log1p(heat))
    image = axes.imshow(shown, extent=(0, tilemap.width * size, tilemap.height * size, 0), cmap="inferno",
                        alpha=0.75, interpolation="nearest")
    for place in tilemap.places.values():
        x0, y0, x1, _ = place.bounds
        if not place.id.startswith("home_"):
            axes.text((x0 + x1) / 2 * size, y0 * size, place.label, ha="center", va="bottom", fontsize=7,
                      color="white", bbox={"facecolor": "black", "alpha": 0.55, "pad": 1, "linewidth": 0})
    bar = figure.colorbar(image, ax=axes, fraction=0.03)
    ticks = [1, 10, 60, 600]
    bar.set_ticks([float(v) for v in np.log1p(ticks)], labels=[f"{t} min" for t in ticks])
    axes.set_axis_off()
    axes.set_title("Where residents spent their time (minutes standing on each tile, log scale)")
    figure.tight_layout()
    return figure


def talk_graph(events: list[Event], names: dict[str, str]) -> Figure:
    """Who talked to whom: an edge per pair, as thick as their conversations were many, labelled with the count."""
    pairs = Counter(tuple(sorted((e["npc"], e["partner"]))) for e in events if e["type"] == "conversation_started")
    graph = nx.Graph()
    graph.add_nodes_from(sorted(names))
    for (a, b), count in sorted(pairs.items()):
        graph.add_edge(a, b, count=count)
    figure, axes = plt.subplots(figsize=(9, 7))
    layout = nx.spring_layout(graph, seed=7, weight="count", k=1.6 / max(1, len(graph)) ** 0.5)
    widths = [1 + 1.5 * graph.edges[e]["count"] for e in graph.edges]
    nx.draw_networkx_edges(graph, layout, ax=axes, width=widths, edge_color="#8899aa")
    nx.draw_networkx_nodes(graph, layout, ax=axes, node_size=900, node_color="#f4d58d", edgecolors="#444444")
    nx.draw_networkx_labels(graph, layout, ax=axes, labels={n: names.get(n, n).split()[0] for n in graph},
                            font_size=9)
    nx.draw_networkx_edge_labels(graph, layout, ax=axes, edge_labels=nx.get_edge_attributes(graph, "count"),
                                 font_size=8)
    axes.set_title(f"Who talked to whom ({sum(pairs.values())} conversations; the number is how many each pair had)")
    axes.set_axis_off()
    figure.tight_layout()
    return figure


def vitals_chart(vitals: list[Event], names: dict[str, str]) -> Figure:
    """Each resident's needs (0-100) and mood (valence, -1..1, on the right axis) over the run."""
    residents = sorted(vitals[0]["residents"]) if vitals else []
    columns = 3
    rows = max(1, -(-len(residents) // columns))
    figure, grid = plt.subplots(rows, columns, figsize=(12, 2.6 * rows), sharex=True, squeeze=False)
    start = round(game_hour(vitals[0], 0) * 60) if vitals else 0
    hours = [game_hour(line, start) for line in vitals]
    for axes, resident in zip(grid.flat, residents, strict=False):
        for need in ("energy", "hunger", "social", "fun"):
            axes.plot(hours, [line["residents"][resident][need] for line in vitals], label=need, linewidth=1.2)
        axes.set_ylim(0, 100)
        mood = axes.twinx()
        mood.plot(hours, [line["residents"][resident]["valence"] for line in vitals], color="black",
                  linestyle="--", linewidth=1, label="mood")
        mood.set_ylim(-1, 1)
        mood.tick_params(labelsize=7)
        axes.set_title(names.get(resident, resident), fontsize=9)
        axes.tick_params(labelsize=7)
    for axes in list(grid.flat)[len(residents):]:
        axes.set_axis_off()
    handles, labels = grid.flat[0].get_legend_handles_labels()
    figure.legend([*handles, plt.Line2D([], [], color="black", linestyle="--")], [*labels, "mood (right axis)"],
                  loc="upper center", ncol=5, fontsize=8)
    figure.supxlabel("game hours since the start")
    figure.tight_layout(rect=(0, 0, 1, 0.96))
    return figure


def model_calls(trace: list[Event], start: int) -> Figure:
    """Brain requests per game hour by kind (bars) and their mean latency per hour (lines, log scale)."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    latency: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for record in trace:
        hour = int(game_hour(record, start))
        counts[record["kind"]][hour] += 1
        latency[record["kind"]][hour].append(float(record.get("latency_ms") or 0.0))
    last = max((h for c in counts.values() for h in c), default=0)
    hours = list(range(last + 1))
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True)
    below = np.zeros(len(hours))
    for kind in sorted(counts, key=lambda k: list(KIND_COLOURS).index(k) if k in KIND_COLOURS else 99):
        values = np.array([counts[kind][h] for h in hours])
        top.bar(hours, values, bottom=below, color=KIND_COLOURS.get(kind), label=kind, width=0.85)
        below += values
        means = {h: float(np.mean(v)) for h, v in latency[kind].items()}
        bottom.plot(sorted(means), [max(means[h], 0.01) for h in sorted(means)], marker="o", markersize=3,
                    color=KIND_COLOURS.get(kind), label=kind)
    top.set_ylabel("requests")
    top.legend(fontsize=8, ncol=5)
    top.set_title("Model calls per game hour, by kind")
    bottom.set_yscale("log")
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    bottom.set_ylabel("mean latency (ms)")
    bottom.set_xlabel("game hour since the start")
    figure.tight_layout()
    return figure


def news_spread(events: list[Event], names: dict[str, str]) -> Figure | None:
    """How each piece of news travelled: one row per resident, a dot when they learned it, an arrow from who told."""
    learned = [e for e in events if e["type"] == "news_learned"]
    if not learned:
        return None
    start = first_minute(events)
    residents = sorted(names)
    row = {r: i for i, r in enumerate(residents)}
    keys = sorted({e["news"] for e in learned})
    figure, axes = plt.subplots(figsize=(11, 0.45 * len(residents) + 1.5))
    colours = plt.get_cmap("tab10")
    for event in learned:
        at, colour = game_hour(event, start), colours(keys.index(event["news"]) % 10)
        axes.scatter([at], [row.get(event["npc"], -1)], color=colour, s=30, zorder=3)
        source = event.get("source")
        if source in row and event["npc"] in row:  # the telling, at that moment: teller's row to learner's
            axes.annotate("", xy=(at, row[event["npc"]]), xytext=(at, row[source]),
                          arrowprops={"arrowstyle": "->", "color": colour, "alpha": 0.7})
    axes.set_yticks(range(len(residents)), [names.get(r, r) for r in residents], fontsize=8)
    axes.set_xlabel("game hour since the start")
    titles = {e["news"]: e.get("title") or e["news"] for e in learned}
    axes.legend(handles=[plt.Line2D([], [], marker="o", linestyle="", color=colours(i % 10), label=titles[key])
                         for i, key in enumerate(keys)], fontsize=8, loc="lower right")
    axes.set_title("How news spread (an arrow from the teller to the one who learned it)")
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return figure


def plans_kept(kept_by_kind: dict[str, str]) -> Figure:
    """Plan blocks kept by kind: the share of blocks during which the resident was where the plan said."""
    kinds = sorted(kept_by_kind)
    done = [int(kept_by_kind[k].split("/")[0]) for k in kinds]
    total = [int(kept_by_kind[k].split("/")[1]) for k in kinds]
    figure, axes = plt.subplots(figsize=(8, 3.2))
    axes.bar(kinds, total, color="#dddddd", label="blocks planned")
    axes.bar(kinds, done, color="#2ca02c", label="kept (at the planned place)")
    for index, (d, t) in enumerate(zip(done, total, strict=True)):
        axes.text(index, t, f"{d}/{t}", ha="center", va="bottom", fontsize=8)
    axes.legend(fontsize=8)
    axes.set_title("Plan blocks of 30 minutes or more, kept by kind")
    figure.tight_layout()
    return figure
