from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import people, rounds, teams, themes
from core import settings as org_settings
from core.db import Cursor
from core.errors import NotAllowed
from tests.conftest import Org, counting, hold, new_user, open_round

S, P = themes.STRAINING, themes.PROTECTIVE


def test_two_of_five_raise_a_three_raise_b_only_b_is_published(
    cur: Cursor, seeded_org: Org
) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    anna, bent, carl, dina, emil = seeded_org.employees
    hold(cur, round_id, anna, ("workload_time_pressure", S), ("collaboration", P))
    hold(cur, round_id, bent, ("workload_time_pressure", S), ("collaboration", P))
    hold(cur, round_id, carl, ("collaboration", P))
    hold(cur, round_id, dina)
    hold(cur, round_id, emil)
    result = themes.published(cur, seeded_org.manager, round_id)
    assert result.published and result.held == 5 and result.k == 3
    assert result.themes == (themes.ThemeCount("collaboration", P, 3),)


def test_polarities_are_counted_apart(cur: Cursor, seeded_org: Org) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    anna, bent, carl, dina, _ = seeded_org.employees
    for employee in (anna, bent, carl):
        hold(cur, round_id, employee, ("workload_time_pressure", S))
    hold(cur, round_id, dina, ("workload_time_pressure", P))
    result = themes.published(cur, seeded_org.manager, round_id)
    assert result.themes == (themes.ThemeCount("workload_time_pressure", S, 3),)


@pytest.mark.parametrize(("held", "published"), [(3, True), (2, False)])
def test_themes_appear_only_once_k_conversations_are_held(
    cur: Cursor, seeded_org: Org, held: int, published: bool
) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    for employee in seeded_org.employees[:held]:
        hold(cur, round_id, employee, ("workload_time_pressure", S))
    result = themes.published(cur, seeded_org.manager, round_id)
    assert result.published is published
    assert result.held == held
    assert (result.themes != ()) is published


def test_a_frozen_k_outranks_a_later_setting(cur: Cursor, seeded_org: Org) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    for employee in seeded_org.employees[:3]:
        hold(cur, round_id, employee, ("workload_time_pressure", S))
    org_settings.store(cur, "k", "5")
    result = themes.published(cur, seeded_org.manager, round_id)
    assert result.k == 3 and result.published


def test_who_may_see_a_teams_themes(cur: Cursor, seeded_org: Org) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    themes.published(cur, seeded_org.manager, round_id)  # the team's manager
    themes.published(cur, seeded_org.employees[0], round_id)  # a member of the team
    for outsider in (seeded_org.other_manager, seeded_org.other_employee, seeded_org.admin):
        with pytest.raises(NotAllowed):
            themes.published(cur, outsider, round_id)
    rounds.advance(cur, seeded_org.manager, round_id, rounds.CLOSED)
    themes.published(cur, seeded_org.admin, round_id)  # closed rounds only


def test_trend_keeps_a_hidden_theme_hidden_in_its_round(cur: Cursor, seeded_org: Org) -> None:
    manager, team_id = seeded_org.manager, seeded_org.team_id
    first = open_round(cur, manager, team_id, "2025")
    for employee in seeded_org.employees[:3]:
        hold(cur, first, employee, ("workload_time_pressure", S))
    hold(cur, first, seeded_org.employees[3], ("meeting_structures", S))
    rounds.advance(cur, manager, first, rounds.CLOSED)
    second = open_round(cur, manager, team_id, "2026")
    for employee in seeded_org.employees[:4]:
        hold(cur, second, employee, ("meeting_structures", S))
    rounds.advance(cur, manager, second, rounds.CLOSED)
    trend = themes.trend(cur, manager, team_id)
    assert [(r.name, [(c.theme_id, c.count) for c in t.themes]) for r, t in trend] == [
        ("2025", [("workload_time_pressure", 3)]),
        ("2026", [("meeting_structures", 4)]),
    ]


def three_rounds(cur: Cursor, org: Org) -> tuple[int, int, int]:
    """Team A's rounds: 2025 closed (workload by 3), 2026 closed (below k), 2027 open
    (meetings by 3)."""
    first = open_round(cur, org.manager, org.team_id, "2025")
    for employee in org.employees[:3]:
        hold(cur, first, employee, ("workload_time_pressure", S))
    rounds.advance(cur, org.manager, first, rounds.CLOSED)
    second = open_round(cur, org.manager, org.team_id, "2026")
    for employee in org.employees[:2]:
        hold(cur, second, employee, ("workload_time_pressure", S))
    rounds.advance(cur, org.manager, second, rounds.CLOSED)
    third = open_round(cur, org.manager, org.team_id, "2027")
    for employee in org.employees[1:4]:
        hold(cur, third, employee, ("meeting_structures", S), ("collaboration", P))
    return first, second, third


def test_the_team_view_is_published_and_trend_for_every_round_and_reader(
    cur: Cursor, seeded_org: Org
) -> None:
    round_ids = three_rounds(cur, seeded_org)
    readers = (seeded_org.manager, seeded_org.employees[0], seeded_org.employees[4])
    for reader in readers:
        for round_id in round_ids:
            view = themes.team_view(cur, reader, round_id)
            assert view.published == themes.published(cur, reader, round_id)
            assert view.trend == themes.trend(cur, reader, seeded_org.team_id)
    first, second, third = (themes.team_view(cur, seeded_org.manager, r) for r in round_ids)
    assert third.published.themes == (
        themes.ThemeCount("collaboration", P, 3),
        themes.ThemeCount("meeting_structures", S, 3),
    )
    assert second.published.held == 2 and not second.published.published
    assert [(r.name, t.published, [c.theme_id for c in t.themes]) for r, t in first.trend] == [
        ("2025", True, ["workload_time_pressure"]),
        ("2026", False, []),
    ]


def test_the_team_view_refuses_whom_published_refuses(cur: Cursor, seeded_org: Org) -> None:
    closed, _, open_ = three_rounds(cur, seeded_org)
    for outsider in (seeded_org.other_manager, seeded_org.other_employee):
        for round_id in (closed, open_):
            with pytest.raises(NotAllowed):
                themes.team_view(cur, outsider, round_id)
    with pytest.raises(NotAllowed):
        themes.team_view(cur, seeded_org.admin, open_)  # admins: closed rounds only
    view = themes.team_view(cur, seeded_org.admin, closed)
    assert view.published == themes.published(cur, seeded_org.admin, closed)


def test_the_team_view_reads_all_its_rounds_with_two_statements(
    cur: Cursor, seeded_org: Org
) -> None:
    *_, open_ = three_rounds(cur, seeded_org)
    themes.team_view(cur, seeded_org.manager, open_)  # the rounds and settings, kept
    sent = counting(cur).sent
    themes.team_view(cur, seeded_org.manager, open_)
    assert len(sent) == 2  # held per round, theme counts of the rounds with k held


def test_the_organisation_view_is_for_admins_only(cur: Cursor, seeded_org: Org) -> None:
    with pytest.raises(NotAllowed):
        themes.organisation(cur, seeded_org.manager, 2026)


def build_org(cur: Cursor, team_sizes: list[int], raised: list[list[set[str]]]) -> people.User:
    """Teams of the given sizes; raised[t][e] is the set of themes employee e raised."""
    admin = new_user(cur, "admin", people.ADMIN)
    for t, size in enumerate(team_sizes):
        manager = new_user(cur, f"m{t}", people.MANAGER)
        team_id = teams.create(cur, f"Team {t}", manager.id)
        round_id = open_round(cur, manager, team_id)
        for e in range(size):
            employee = new_user(cur, f"e{t}x{e}", manager=manager, team_id=team_id)
            hold(cur, round_id, employee, *((theme, S) for theme in raised[t][e]))
        rounds.advance(cur, manager, round_id, rounds.CLOSED)
    return admin


def test_organisation_view_lists_teams_with_k_conversations_and_suppresses(
    cur: Cursor,
) -> None:
    admin = build_org(
        cur,
        [4, 3, 2],
        [
            [
                {"workload_time_pressure"},
                {"workload_time_pressure"},
                {"workload_time_pressure"},
                {"workload_time_pressure"},
            ],
            [{"workload_time_pressure"}, {"workload_time_pressure"}, set()],
            [{"workload_time_pressure"}, {"workload_time_pressure"}],
        ],
    )
    view = themes.organisation(cur, admin, datetime.now().year)
    assert [name for _, name in view.teams] == ["Team 0", "Team 1"]
    (column,) = view.columns
    # Team 2 is not listed; shown: team 0 (4). Team 1 (2) is hidden; the two hidden
    # cells (team 1 and team 2) hold 4 >= k together, so the total 8 may be shown.
    assert [(c.team_name, c.count) for c in column.cells] == [("Team 0", 4)]
    assert column.total == 8


THEMES = ("workload_time_pressure", "meeting_structures", "collaboration")
orgs = st.lists(st.integers(1, 6), min_size=1, max_size=5).flatmap(
    lambda sizes: st.tuples(
        st.just(sizes),
        st.tuples(
            *(st.lists(st.sets(st.sampled_from(THEMES)), min_size=n, max_size=n) for n in sizes)
        ),
    )
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orgs)
def test_no_aggregate_ever_shows_fewer_than_k(database, org) -> None:
    cur = database.cursor()
    with cur.transaction():
        cur.run("SELECT 1")  # a fresh transaction per example, rolled back below
        sizes, raised = org
        admin = build_org(cur, list(sizes), [list(team) for team in raised])
        view = themes.organisation(cur, admin, datetime.now().year)
        for column in view.columns:
            assert all(cell.count >= view.k for cell in column.cells)
            assert {c.team_id for c in column.cells} <= {t for t, _ in view.teams}
            if column.total is not None:
                hidden = column.total - sum(c.count for c in column.cells)
                assert hidden == 0 or hidden >= view.k
                # Every team that held conversations has a cell in every column (maybe
                # 0); exactly one hidden cell under a shown total would be derivable.
                assert len(sizes) - len(column.cells) != 1
        for round_id in [r[0] for r in cur.all("SELECT id FROM rounds")]:
            result = themes.published(cur, admin, round_id)
            assert all(c.count >= result.k for c in result.themes)
            assert result.published or not result.themes
        cur.raw.execute("ROLLBACK")
        cur.raw.execute("BEGIN TRANSACTION")
