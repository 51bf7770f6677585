"""Altair chart specs. They get already-suppressed aggregates only, never per-person rows."""

import altair as alt

from core import content, themes
from core.themes import ThemeCount

COLOURS = {themes.STRAINING: "#c0703e", themes.PROTECTIVE: "#3f7fae"}  # calm, not alarming


def _rows(counts: tuple[ThemeCount, ...], lang: content.Language, polarity_labels: dict) -> list:
    return [
        {
            "theme": lang.theme(c.theme_id).label,
            "polarity": polarity_labels[c.polarity],
            "count": c.count,
        }
        for c in counts
    ]


def theme_bars(
    counts: tuple[ThemeCount, ...], lang: content.Language, polarity_labels: dict, axis: str
) -> alt.Chart:
    """Horizontal bars, straining and protective side by side for each theme."""
    labels = [polarity_labels[p] for p in themes.POLARITIES]
    return (
        alt.Chart(alt.Data(values=_rows(counts, lang, polarity_labels)))
        .mark_bar()
        .encode(
            y=alt.Y("theme:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("count:Q", title=axis, axis=alt.Axis(tickMinStep=1, format="d")),
            yOffset=alt.YOffset("polarity:N", sort=labels),
            color=alt.Color(
                "polarity:N",
                scale=alt.Scale(domain=labels, range=[COLOURS[p] for p in themes.POLARITIES]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=["theme:N", "polarity:N", "count:Q"],
        )
    )


def trend_lines(points: list[dict], axis: str) -> alt.Chart:
    """Published themes per closed round; points are {round, theme, count}."""
    return (
        alt.Chart(alt.Data(values=points))
        .mark_line(point=True)
        .encode(
            x=alt.X("round:N", title=None, sort=None),
            y=alt.Y("count:Q", title=axis, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("theme:N", legend=alt.Legend(title=None, orient="bottom")),
            tooltip=["round:N", "theme:N", "count:Q"],
        )
    )
