"""core.themes.trend and .organisation as they were before the performance fixes
(docs/performance.md), kept only so themes_scale can measure before and after in one
run. The app never imports this. Same results, checked by tests/bench/test_seed.py.
"""

from core import people, privacy, rounds, settings, themes
from core.db import Cursor
from core.errors import NotAllowed
from core.themes import OrgCell, OrgColumn, OrgView, _frozen_ks


def trend(cur: Cursor, actor: people.User, team_id: int) -> list:
    """Published themes of each closed round: published() once per round."""
    closed = [r for r in rounds.for_team(cur, actor, team_id) if r.state == rounds.CLOSED]
    return [(r, themes.published(cur, actor, r.id)) for r in reversed(closed)]


def organisation(cur: Cursor, actor: people.User, year: int) -> OrgView:
    """Two scans (held per team, cells) and a Python loop over every cell."""
    if not actor.has(people.ADMIN):
        raise NotAllowed()
    k = settings.load(cur).k
    held = cur.all(
        "SELECT c.team_id, tm.name, count(*) FROM conversations c"
        " JOIN rounds r ON r.id = c.round_id JOIN teams tm ON tm.id = c.team_id"
        " WHERE r.state = 'closed' AND year(r.closed_at) = ? AND c.held_at IS NOT NULL"
        " GROUP BY c.team_id, tm.name",
        [year],
    )
    names = {team_id: name for team_id, name, _ in held}
    k = max([k, *_frozen_ks(cur, year)])
    listed = {team_id for team_id, _, n in held if n >= k}
    unlisted = frozenset(names) - listed
    table: dict[tuple[str, str], dict[int, int]] = {}
    for team_id, theme, polarity, n in cur.all(
        "SELECT c.team_id, t.theme_id, t.polarity, count(DISTINCT c.employee_id)"
        " FROM conversation_themes t JOIN conversations c ON c.id = t.conversation_id"
        " JOIN rounds r ON r.id = c.round_id"
        " WHERE r.state = 'closed' AND year(r.closed_at) = ? AND c.held_at IS NOT NULL"
        " GROUP BY c.team_id, t.theme_id, t.polarity",
        [year],
    ):
        table.setdefault((theme, polarity), {})[team_id] = n
    for cells in table.values():
        for team_id in names:
            cells.setdefault(team_id, 0)
    columns = []
    for (theme, polarity), column in sorted(privacy.suppress_table(table, k, unlisted).items()):
        if not column.shown and column.total is None:
            continue
        cells = tuple(
            OrgCell(team_id, names[team_id], n) for team_id, n in sorted(column.shown.items())
        )
        columns.append(OrgColumn(theme, polarity, cells, column.total))
    teams_listed = tuple(sorted(((t, names[t]) for t in listed), key=lambda item: item[1]))
    return OrgView(year, k, teams_listed, tuple(columns))
