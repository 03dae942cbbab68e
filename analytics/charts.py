"""Plotly figures built on the server. Each returns the figure as plain JSON-ready data (plotly's
figure schema: `data` traces and a `layout`) for a `<script type="application/json">` block, drawn in
the browser by the vendored plotly.js (analytics/static/analytics/charts.js). The dicts are written
directly rather than through `plotly.graph_objects`, whose validation cost about 30 ms per figure per
request; the tests check every figure against plotly's own schema (`go.Figure(figure)`). A point's `customdata` is the address of the rows behind it:
clicking the point opens it. Heatmaps are HTML tables with coloured cells (see the templates): the
partial plotly.js bundle that stays within the chart-page budget has no heatmap trace.
"""

from __future__ import annotations

import functools

COLOURS = ["#b42318", "#dc6803", "#1570ef", "#067647", "#475467"]
LAYOUT = {
    "margin": {"l": 48, "r": 12, "t": 36, "b": 48},
    "height": 300,
    "font": {"family": "system-ui, sans-serif", "size": 12},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "showlegend": False,
}


def bar_chart(*, title: str, labels: list[str], values: list[float | None], links: list[str] | None = None,
              value_suffix: str = "", horizontal: bool = False, colours: list[str] | None = None) -> dict:
    """A bar per label; `links[i]` is opened when bar i is clicked."""
    bar = {
        "type": "bar", "x": values if horizontal else labels, "y": labels if horizontal else values,
        "orientation": "h" if horizontal else "v",
        "customdata": links or [], "marker": {"color": colours or "#1570ef"},
        "hovertemplate": "%{" + ("y" if horizontal else "x") + "}: %{" + ("x" if horizontal else "y") + "}"
        + value_suffix + "<extra></extra>",
    }
    layout = {**LAYOUT, "title": {"text": title, "font": {"size": 14}}}
    if horizontal:
        layout["yaxis"] = {"autorange": "reversed", "automargin": True}
        layout["height"] = max(300, 26 * len(labels) + 80)
    return {"data": [bar], "layout": layout}


def line_chart(*, title: str, labels: list[str], series: list[tuple[str, list[float | None]]],
               links: list[str] | None = None, y_range: tuple[float, float] | None = (0, 100)) -> dict:
    """One line per (name, values); clicking a point opens `links[i]` (the month behind it)."""
    traces = [{"type": "scatter", "x": labels, "y": values, "name": name, "mode": "lines+markers",
               "customdata": links or [], "line": {"color": COLOURS[(index + 2) % len(COLOURS)]},
               "connectgaps": False}
              for index, (name, values) in enumerate(series)]
    layout = {**LAYOUT, "title": {"text": title, "font": {"size": 14}}, "showlegend": len(series) > 1,
              "legend": {"orientation": "h", "y": -0.25}}
    if y_range:
        layout["yaxis"] = {"range": list(y_range)}
    return {"data": traces, "layout": layout}


@functools.lru_cache(maxsize=4096, typed=True)
def heat_colour(percent: float | None) -> str:
    """Background colour of a heatmap cell: grey for no data, red (0 %) → amber → green (100 %)."""
    if percent is None:
        return "#f2f4f7"
    value = max(0.0, min(percent, 100.0)) / 100
    if value < 0.5:
        red, green = 254, int(205 + 50 * value * 2)
        blue = int(202 - 60 * value * 2)
    else:
        red, green, blue = int(254 - 150 * (value - 0.5) * 2), 236, int(142 + 40 * (value - 0.5) * 2)
    return f"#{red:02x}{green:02x}{blue:02x}"
