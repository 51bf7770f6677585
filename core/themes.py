"""Themes raised in the conversations, as k-anonymous aggregates.

The only way theme counts leave core/. Counts are of distinct employees per theme and
polarity, from held conversations only; a team's themes for a round are published only
when at least k conversations are held; every count shown is at least k. The only
groupings are team × round and, for administrators, organisation × year of closed rounds.
Free text never enters any of this.
"""

from dataclasses import dataclass

from core import db, people, privacy, rounds, settings
from core.db import Cursor
from core.errors import NotAllowed

STRAINING, PROTECTIVE = "straining", "protective"
POLARITIES = (STRAINING, PROTECTIVE)


@dataclass(frozen=True)
class ThemeCount:
    theme_id: str
    polarity: str
    count: int


@dataclass(frozen=True)
class TeamThemes:
    team_id: int
    round_id: int
    k: int
    held: int  # conversations held in the round (the manager's own knowledge)
    published: bool  # at least k held: the themes below may be shown
    themes: tuple[ThemeCount, ...]  # each count >= k, most raised first


@dataclass(frozen=True)
class OrgCell:
    team_id: int
    team_name: str
    count: int


@dataclass(frozen=True)
class OrgColumn:
    theme_id: str
    polarity: str
    cells: tuple[OrgCell, ...]  # only shown cells, each >= k
    total: int | None  # None when showing it would reveal a hidden cell


@dataclass(frozen=True)
class OrgView:
    year: int
    k: int
    teams: tuple[tuple[int, str], ...]  # listed teams: at least k held conversations
    columns: tuple[OrgColumn, ...]


def round_k(cur: Cursor, round_: rounds.Round) -> int:
    """The round's frozen k, or the current setting while nothing is recorded."""
    return round_.k if round_.k is not None else settings.load(cur).k


def may_see_team(cur: Cursor, actor: people.User, team_id: int, round_: rounds.Round) -> bool:
    if rounds.manages_team(cur, actor, team_id) or actor.member_of(team_id):
        return True
    return actor.has(people.ADMIN) and round_.state == rounds.CLOSED


def _publish(
    round_: rounds.Round, k: int, held: int, counts: dict[tuple[str, str], int]
) -> TeamThemes:
    """What of one round's raw counts may be shown: nothing below k held, else counts >= k."""
    if held < k:
        return TeamThemes(round_.team_id, round_.id, k, held, False, ())
    shown = privacy.publishable(counts, k)
    themes = sorted(
        (ThemeCount(theme, polarity, n) for (theme, polarity), n in shown.items()),
        key=lambda c: (-c.count, c.theme_id, c.polarity),
    )
    return TeamThemes(round_.team_id, round_.id, k, held, True, tuple(themes))


def _published_rounds(cur: Cursor, wanted: list[rounds.Round]) -> dict[int, TeamThemes]:
    """published() of each round, with one query for the held conversations of them all
    and one for the theme counts of those with at least k held (none if no round has).
    The rounds go in as `IN (?, ...)`: DuckDB plans `= ANY(?)` of a list as a join."""
    ids = [r.id for r in wanted]
    held = dict(
        cur.all(
            "SELECT round_id, count(*) FROM conversations"
            f" WHERE round_id IN ({db.marks(ids)}) AND held_at IS NOT NULL GROUP BY round_id",
            ids,
        )
    )
    ks = {r.id: round_k(cur, r) for r in wanted}
    over_k = [r.id for r in wanted if held.get(r.id, 0) >= ks[r.id]]
    counts: dict[int, dict[tuple[str, str], int]] = {}
    if over_k:
        for round_id, theme, polarity, n in cur.all(
            "SELECT c.round_id, t.theme_id, t.polarity, count(DISTINCT c.employee_id)"
            " FROM conversation_themes t JOIN conversations c ON c.id = t.conversation_id"
            f" WHERE c.round_id IN ({db.marks(over_k)}) AND c.held_at IS NOT NULL"
            " GROUP BY c.round_id, t.theme_id, t.polarity",
            over_k,
        ):
            counts.setdefault(round_id, {})[(theme, polarity)] = n
    return {r.id: _publish(r, ks[r.id], held.get(r.id, 0), counts.get(r.id, {})) for r in wanted}


def _visible_round(cur: Cursor, actor: people.User, round_id: int) -> rounds.Round:
    round_ = rounds.get(cur, round_id)
    if not may_see_team(cur, actor, round_.team_id, round_):
        raise NotAllowed("errors.not_your_team")
    return round_


def _closed(cur: Cursor, actor: people.User, team_id: int) -> list[rounds.Round]:
    """The team's closed rounds, oldest first (rounds.for_team admits exactly who
    may_see_team admits for a closed round)."""
    return [r for r in reversed(rounds.for_team(cur, actor, team_id)) if r.state == rounds.CLOSED]


def published(cur: Cursor, actor: people.User, round_id: int) -> TeamThemes:
    """A team's themes of one round, as far as they may be shown to anyone."""
    return _published_rounds(cur, [_visible_round(cur, actor, round_id)])[round_id]


def trend(cur: Cursor, actor: people.User, team_id: int) -> list[tuple[rounds.Round, TeamThemes]]:
    """Published themes of each closed round of the team, oldest first.

    The same as published() for each closed round, read with two queries for all the
    rounds instead of two per round: the themes page draws this on every rerun.
    """
    closed = _closed(cur, actor, team_id)
    if not closed:
        return []
    shown = _published_rounds(cur, closed)
    return [(r, shown[r.id]) for r in closed]


@dataclass(frozen=True)
class TeamView:
    """What the themes page shows of one team: the chosen round and the trend."""

    published: TeamThemes  # published() of the chosen round
    trend: list[tuple[rounds.Round, TeamThemes]]  # trend() of its team


def team_view(cur: Cursor, actor: people.User, round_id: int) -> TeamView:
    """published() and trend() at once: two queries for the chosen round and the closed
    ones together instead of two for each (docs/performance.md)."""
    round_ = _visible_round(cur, actor, round_id)
    closed = _closed(cur, actor, round_.team_id)
    wanted = closed if any(r.id == round_id for r in closed) else [*closed, round_]
    shown = _published_rounds(cur, wanted)
    return TeamView(shown[round_id], [(r, shown[r.id]) for r in closed])


# The held conversations of the rounds closed in a year, read once for two answers: per
# team the number held (the row whose theme is NULL), and per theme and polarity the
# distinct employees of each team who raised it, as parallel lists. One scan instead of
# two, and a row per column instead of one per cell (docs/performance.md).
_ORG_COUNTS = (
    "WITH held AS MATERIALIZED ("
    "  SELECT c.id, c.team_id, c.employee_id FROM conversations c"
    "  JOIN rounds r ON r.id = c.round_id"
    "  WHERE r.state = 'closed' AND year(r.closed_at) = ? AND c.held_at IS NOT NULL),"
    " per_team AS (SELECT h.team_id, tm.name, count(*) AS n FROM held h"
    "  JOIN teams tm ON tm.id = h.team_id GROUP BY h.team_id, tm.name),"
    " cells AS (SELECT h.team_id, t.theme_id, t.polarity, count(DISTINCT h.employee_id) AS n"
    "  FROM conversation_themes t JOIN held h ON h.id = t.conversation_id"
    "  GROUP BY h.team_id, t.theme_id, t.polarity)"
    " SELECT NULL, NULL, list(team_id ORDER BY team_id), list(n ORDER BY team_id),"
    "  list(name ORDER BY team_id) FROM per_team"
    " UNION ALL"
    " SELECT theme_id, polarity, list(team_id ORDER BY team_id), list(n ORDER BY team_id),"
    "  NULL FROM cells"
    " GROUP BY theme_id, polarity"
)


def organisation(cur: Cursor, actor: people.User, year: int) -> OrgView:
    """Teams × themes over the rounds closed in `year`, for administrators."""
    if not actor.has(people.ADMIN):
        raise NotAllowed()
    k = settings.load(cur).k
    names: dict[int, str] = {}
    held: dict[int, int] = {}
    table: dict[tuple[str, str], dict[int, int]] = {}
    for theme, polarity, team_ids, counts, team_names in cur.all(_ORG_COUNTS, [year]):
        if theme is None:  # the held conversations per team (empty lists: none held)
            names = dict(zip(team_ids or [], team_names or [], strict=True))
            held = dict(zip(team_ids or [], counts or [], strict=True))
        else:
            table[(theme, polarity)] = dict(zip(team_ids, counts, strict=True))
    # A round frozen at a higher k than today's setting keeps its own, stricter k.
    k = max([k, *_frozen_ks(cur, year)])
    listed = {team_id for team_id, n in held.items() if n >= k}
    unlisted = frozenset(names) - listed
    for key, found in table.items():
        cells = dict.fromkeys(names, 0)  # every team with held conversations has a cell
        cells.update(found)
        table[key] = cells
    columns = []
    for (theme, polarity), column in sorted(privacy.suppress_table(table, k, unlisted).items()):
        if not column.shown and column.total is None:
            continue  # nothing of this theme may be shown
        cells = tuple(
            OrgCell(team_id, names[team_id], n) for team_id, n in sorted(column.shown.items())
        )
        columns.append(OrgColumn(theme, polarity, cells, column.total))
    teams_listed = tuple(sorted(((t, names[t]) for t in listed), key=lambda item: item[1]))
    return OrgView(year, k, teams_listed, tuple(columns))


def _frozen_ks(cur: Cursor, year: int) -> list[int]:
    return [
        row[0]
        for row in cur.all(
            "SELECT DISTINCT k FROM rounds"
            " WHERE state = 'closed' AND year(closed_at) = ? AND k IS NOT NULL",
            [year],
        )
    ]


def closed_years(cur: Cursor, actor: people.User) -> list[int]:
    if not actor.has(people.ADMIN):
        raise NotAllowed()
    return [
        int(row[0])
        for row in cur.all(
            "SELECT DISTINCT year(closed_at) AS y FROM rounds WHERE state = 'closed'"
            " ORDER BY y DESC"
        )
    ]
