"""Charts of the themes page. They get already-suppressed aggregates only, never per-person
rows.

Altair builds and validates a chart in about 10 ms, and the themes page drew two on every
click (docs/performance.md). A chart is therefore built once per user and data, kept as
its Vega-Lite JSON, and drawn with st.vega_lite_chart. Like every cache of this app the
key includes the user (tests/ui/test_caching.py), although what is charted is the same
for everybody who may see it.
"""

import functools
import json

import altair as alt
import streamlit as st

from core import content, themes
from core.themes import ThemeCount

COLOURS = {themes.STRAINING: "#c0703e", themes.PROTECTIVE: "#3f7fae"}  # calm, not alarming
CACHED_CHARTS = 512  # per chart kind: a few kilobytes each

# (theme label, polarity label, count) and (round name, theme label, count)
BarRow = tuple[str, str, int]
TrendPoint = tuple[str, str, int]


def bar_rows(
    counts: tuple[ThemeCount, ...], lang: content.Language, polarity_labels: dict[str, str]
) -> tuple[BarRow, ...]:
    return tuple(
        (lang.theme(c.theme_id).label, polarity_labels[c.polarity], c.count) for c in counts
    )


@functools.lru_cache(maxsize=CACHED_CHARTS)
def theme_bars(user_id: int, rows: tuple[BarRow, ...], labels: tuple[str, ...], axis: str) -> str:
    """Horizontal bars, straining and protective side by side for each theme.

    `labels` are the polarity labels in the order of themes.POLARITIES."""
    values = [{"theme": theme, "polarity": polarity, "count": n} for theme, polarity, n in rows]
    chart = (
        alt.Chart(alt.Data(values=values))
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
    return json.dumps(chart.to_dict())


@functools.lru_cache(maxsize=CACHED_CHARTS)
def trend_lines(user_id: int, points: tuple[TrendPoint, ...], axis: str) -> str:
    """Published themes per closed round."""
    values = [{"round": r, "theme": theme, "count": n} for r, theme, n in points]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("round:N", title=None, sort=None),
            y=alt.Y("count:Q", title=axis, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("theme:N", legend=alt.Legend(title=None, orient="bottom")),
            tooltip=["round:N", "theme:N", "count:Q"],
        )
    )
    return json.dumps(chart.to_dict())


def draw(spec: str) -> None:
    """Draw a chart built above (a fresh dict each time: Streamlit may add to it)."""
    st.vega_lite_chart(json.loads(spec), width="stretch")
