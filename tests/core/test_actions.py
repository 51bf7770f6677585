from datetime import date

import pytest

from core import actions, rounds
from core.db import Cursor
from core.errors import InvalidInput, NotAllowed
from tests.conftest import Org, open_round


def test_the_manager_records_an_action_the_team_reads_it(cur: Cursor, seeded_org: Org) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    action = actions.add(
        cur,
        seeded_org.manager,
        round_id,
        "Faste mødefri onsdage",
        "Mona",
        "meeting_structures",
        date(2027, 1, 31),
    )
    assert action.status == actions.OPEN
    for reader in (seeded_org.employees[0], seeded_org.manager, seeded_org.admin):
        assert [a.text for a in actions.for_team(cur, reader, seeded_org.team_id)] == [
            "Faste mødefri onsdage"
        ]


def test_outsiders_neither_read_nor_write(cur: Cursor, seeded_org: Org) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    actions.add(cur, seeded_org.manager, round_id, "Noget")
    with pytest.raises(NotAllowed):
        actions.for_team(cur, seeded_org.other_employee, seeded_org.team_id)
    for writer in (seeded_org.other_manager, seeded_org.employees[0], seeded_org.admin):
        with pytest.raises(NotAllowed):
            actions.add(cur, writer, round_id, "Noget andet")


@pytest.mark.parametrize(
    ("text", "theme", "key"),
    [
        ("", None, "errors.action_text_missing"),
        ("x" * (actions.MAX_TEXT_CHARS + 1), None, "errors.action_text_too_long"),
        ("Godt", "no-such-theme", "errors.theme_unknown"),
    ],
)
def test_bad_actions_are_refused_with_the_reason(
    cur: Cursor, seeded_org: Org, text: str, theme: str | None, key: str
) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    with pytest.raises(InvalidInput) as raised:
        actions.add(cur, seeded_org.manager, round_id, text, theme_id=theme)
    assert raised.value.key == key
    assert actions.for_team(cur, seeded_org.manager, seeded_org.team_id) == []


def test_open_actions_carry_over_to_the_next_round(cur: Cursor, seeded_org: Org) -> None:
    manager = seeded_org.manager
    first = open_round(cur, manager, seeded_org.team_id, "2025")
    kept = actions.add(cur, manager, first, "Stadig åben")
    done = actions.add(cur, manager, first, "Klaret")
    actions.update(
        cur,
        manager,
        done.id,
        text=done.text,
        owner="",
        theme_id=None,
        due_on=None,
        status=actions.DONE,
    )
    rounds.advance(cur, manager, first, rounds.CLOSED)
    second = open_round(cur, manager, seeded_org.team_id, "2026")
    new = actions.add(cur, manager, second, "Ny")
    assert {a.id for a in actions.for_round(cur, manager, second)} == {kept.id, new.id}


def test_action_text_is_stored_encrypted(cur: Cursor, seeded_org: Org) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    actions.add(cur, seeded_org.manager, round_id, "Hemmelig markør 4711")
    stored = cur.value("SELECT text_enc FROM group_actions")
    assert "4711" not in stored
