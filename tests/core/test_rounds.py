"""A team's MUS rounds: planned → open → closed, never back, only by the team's manager."""

from datetime import date

import pytest

from core import audit, rounds
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed
from tests.conftest import Org


def test_a_new_round_is_planned(cur: Cursor, seeded_org: Org) -> None:
    round_id = rounds.create(
        cur, seeded_org.manager, seeded_org.team_id, "MUS 2026", date(2026, 3, 1), date(2026, 4, 30)
    )
    created = rounds.get(cur, round_id)
    assert (created.state, created.name, created.k) == (rounds.PLANNED, "MUS 2026", None)
    assert (created.starts_on, created.ends_on) == (date(2026, 3, 1), date(2026, 4, 30))


def test_a_round_goes_planned_open_closed(cur: Cursor, seeded_org: Org) -> None:
    mona = seeded_org.manager
    round_id = rounds.create(cur, mona, seeded_org.team_id, "MUS 2026")
    opened = rounds.advance(cur, mona, round_id, rounds.OPEN)
    assert opened.state == rounds.OPEN and opened.opened_at is not None
    closed = rounds.advance(cur, mona, round_id, rounds.CLOSED)
    assert closed.state == rounds.CLOSED and closed.closed_at is not None
    details = [e.detail for e in audit.entries_about(cur, mona.id)]
    assert f"{round_id}:open" in details and f"{round_id}:closed" in details


@pytest.mark.parametrize(
    ("steps", "wanted"),
    [
        ((), rounds.CLOSED),  # planned cannot skip open
        ((rounds.OPEN,), rounds.OPEN),  # open twice
        ((rounds.OPEN, rounds.CLOSED), rounds.OPEN),  # no reopening a closed round
        ((rounds.OPEN, rounds.CLOSED), rounds.PLANNED),
        ((rounds.OPEN,), rounds.PLANNED),  # never back
    ],
)
def test_refused_transitions_change_nothing(
    cur: Cursor, seeded_org: Org, steps: tuple, wanted: str
) -> None:
    mona = seeded_org.manager
    round_id = rounds.create(cur, mona, seeded_org.team_id, "MUS 2026")
    for step in steps:
        rounds.advance(cur, mona, round_id, step)
    before = rounds.get(cur, round_id)
    with pytest.raises(Conflict) as refused:
        rounds.advance(cur, mona, round_id, wanted)
    assert refused.value.key == "errors.round_transition"
    assert rounds.get(cur, round_id) == before


def test_only_one_round_of_a_team_is_open_at_a_time(cur: Cursor, seeded_org: Org) -> None:
    mona = seeded_org.manager
    first = rounds.create(cur, mona, seeded_org.team_id, "Forår")
    second = rounds.create(cur, mona, seeded_org.team_id, "Efterår")
    rounds.advance(cur, mona, first, rounds.OPEN)
    with pytest.raises(Conflict) as refused:
        rounds.advance(cur, mona, second, rounds.OPEN)
    assert refused.value.key == "errors.round_already_open"
    rounds.advance(cur, mona, first, rounds.CLOSED)
    assert rounds.advance(cur, mona, second, rounds.OPEN).state == rounds.OPEN


def test_only_the_teams_manager_runs_its_rounds(cur: Cursor, seeded_org: Org) -> None:
    round_id = rounds.create(cur, seeded_org.manager, seeded_org.team_id, "MUS 2026")
    for outsider in (seeded_org.other_manager, seeded_org.admin, seeded_org.employees[0]):
        with pytest.raises(NotAllowed):
            rounds.create(cur, outsider, seeded_org.team_id, "Ikke min")
        with pytest.raises(NotAllowed):
            rounds.advance(cur, outsider, round_id, rounds.OPEN)
    assert rounds.get(cur, round_id).state == rounds.PLANNED


@pytest.mark.parametrize(
    ("name", "starts_on", "ends_on", "key"),
    [
        ("", None, None, "errors.round_name"),
        ("x" * (rounds.MAX_ROUND_NAME_CHARS + 1), None, None, "errors.round_name"),
        ("MUS", date(2026, 5, 1), date(2026, 4, 1), "errors.round_dates"),
    ],
)
def test_bad_round_details_are_refused(
    cur: Cursor, seeded_org: Org, name: str, starts_on, ends_on, key: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        rounds.create(cur, seeded_org.manager, seeded_org.team_id, name, starts_on, ends_on)
    assert refused.value.key == key
    assert rounds.for_team(cur, seeded_org.manager, seeded_org.team_id) == []


def test_for_team_lists_newest_first_for_manager_member_and_admin(
    cur: Cursor, seeded_org: Org
) -> None:
    mona = seeded_org.manager
    first = rounds.create(cur, mona, seeded_org.team_id, "Forår")
    second = rounds.create(cur, mona, seeded_org.team_id, "Efterår")
    for reader in (mona, seeded_org.employees[0], seeded_org.admin):
        assert [r.id for r in rounds.for_team(cur, reader, seeded_org.team_id)] == [second, first]
    with pytest.raises(NotAllowed):
        rounds.for_team(cur, seeded_org.other_employee, seeded_org.team_id)
