"""Charts of the themes page. They get already-suppressed aggregates only, never per-person
rows.

Altair builds and validates a chart in about 10 ms, and the themes page drew two on every
click (docs/performance.md). A chart is therefore built once per user and data, kept as
its Vega-Lite JSON, and drawn with st.vega_lite_chart. Like every cache of this app the
key includes the user (tests/ui/test_caching.py), although what is charted is the same
for everybody who may see it.

The chart's rows are kept beside the spec as Arrow bytes, in the named dataset that
Streamlit itself makes of an Altair chart's data: rows inside the spec went through
pandas to Arrow on every draw (0.4 ms of the page's run, docs/performance.md).
"""

import functools
import hashlib
import json
from dataclasses import dataclass

import altair as alt
import pyarrow as pa
import streamlit as st

from core import content, themes
from core.themes import ThemeCount

COLOURS = {themes.STRAINING: "#c0703e", themes.PROTECTIVE: "#3f7fae"}  # calm, not alarming
CACHED_CHARTS = 512  # per chart kind: a few kilobytes each

# (theme label, polarity label, count) and (round name, theme label, count)
BarRow = tuple[str, str, int]
TrendPoint = tuple[str, str, int]


@dataclass(frozen=True)
class Chart:
    spec: str  # Vega-Lite JSON whose data is the dataset named `name`
    name: str
    rows: bytes  # the dataset, Arrow IPC


def _chart(chart: alt.Chart, columns: tuple[str, ...], rows: tuple[tuple, ...]) -> Chart:
    table = pa.Table.from_pylist([dict(zip(columns, row, strict=True)) for row in rows])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    data = sink.getvalue().to_pybytes()
    name = hashlib.sha256(data).hexdigest()[:16]  # as Streamlit names one: by its content
    return Chart(json.dumps(chart.properties(data=alt.NamedData(name=name)).to_dict()), name, data)


def bar_rows(
    counts: tuple[ThemeCount, ...], lang: content.Language, polarity_labels: dict[str, str]
) -> tuple[BarRow, ...]:
    return tuple(
        (lang.theme(c.theme_id).label, polarity_labels[c.polarity], c.count) for c in counts
    )


@functools.lru_cache(maxsize=CACHED_CHARTS)
def theme_bars(user_id: int, rows: tuple[BarRow, ...], labels: tuple[str, ...], axis: str) -> Chart:
    """Horizontal bars, straining and protective side by side for each theme.

    `labels` are the polarity labels in the order of themes.POLARITIES."""
    chart = (
        alt.Chart()
        .mark_bar()
        .encode(
            y=alt.Y("theme:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("count:Q", title=axis, axis=alt.Axis(tickMinStep=1, format="d")),
            yOffset=alt.YOffset("polarity:N", sort=list(labels)),
            color=alt.Color(
                "polarity:N",
                scale=alt.Scale(domain=list(labels), range=[COLOURS[p] for p in themes.POLARITIES]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=["theme:N", "polarity:N", "count:Q"],
        )
    )
    return _chart(chart, ("theme", "polarity", "count"), rows)


@functools.lru_cache(maxsize=CACHED_CHARTS)
def trend_lines(user_id: int, points: tuple[TrendPoint, ...], axis: str) -> Chart:
    """Published themes per closed round."""
    chart = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("round:N", title=None, sort=None),
            y=alt.Y("count:Q", title=axis, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("theme:N", legend=alt.Legend(title=None, orient="bottom")),
            tooltip=["round:N", "theme:N", "count:Q"],
        )
    )
    return _chart(chart, ("round", "theme", "count"), points)


def draw(chart: Chart) -> None:
    """Draw a chart built above (a fresh dict each time: Streamlit takes it apart)."""
    spec = json.loads(chart.spec)
    spec["datasets"] = {chart.name: chart.rows}
    st.vega_lite_chart(spec, width="stretch")
