import pytest

from core import imports, people, teams
from core.db import Cursor
from tests.conftest import Org

HEADER = "username,name,email,roles,manager,team\n"
GOOD = (
    HEADER + "mia,Mia Boss,mia@example.org,manager,,\n"
    "nils,Nils Ansat,nils@example.org,employee,mia,Lager\n"
    "ole,Ole Ansat,,employee,mia,Lager\n"
)


def keys_by_line(preview: imports.Preview) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for problem in preview.problems:
        found.setdefault(problem.line, []).append(problem.key)
    return found


def test_good_rows_import_with_teams_managers_and_first_passwords(cur: Cursor) -> None:
    checked = imports.preview(cur, GOOD)
    assert checked.ok
    logins = imports.import_rows(cur, checked, actor="test")
    assert [login.username for login in logins] == ["mia", "nils", "ole"]
    assert len({login.password for login in logins}) == 3  # each person their own
    nils = people.by_username(cur, "nils")
    mia = people.by_username(cur, "mia")
    assert nils.manager_id == mia.id and nils.must_change_password
    lager = teams.by_name(cur, "Lager")
    assert lager.manager_id == mia.id and nils.team_id == lager.id


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_stored(
    cur: Cursor, seeded_org: Org
) -> None:
    text = (
        HEADER + "mia,Mia Boss,mia@example.org,manager,,\n"  # line 2: fine
        "Bad Name!,X,,employee,mia,Lager\n"  # 3: username format
        "pia,,pia@example,employee,mia,Lager\n"  # 4: no name, bad email
        "rolf,Rolf,,boss,mia,Lager\n"  # 5: unknown role
        "sara,Sara,,employee,nobody,Lager\n"  # 6: unknown manager
        "mia,Mia Again,,employee,,\n"  # 7: duplicate in file
        "anna,Anna,,employee,mia,Lager\n"  # 8: taken in the database
        "tove,Tove,,employee,anna,\n"  # 9: manager without the manager role
        "uffe,Uffe,,employee\n"  # 10: too few cells
    )
    checked = imports.preview(cur, text)
    assert not checked.ok
    assert keys_by_line(checked) == {
        3: ["errors.username_format"],
        4: ["errors.name_missing", "errors.email_format"],
        5: ["errors.roles_unknown"],
        6: ["import.manager_unknown", "import.team_manager_mismatch"],
        7: ["import.duplicate"],
        8: ["errors.username_taken"],
        9: ["import.manager_not_manager"],
        10: ["import.bad_cell_count"],
    }
    with pytest.raises(ValueError):
        imports.import_rows(cur, checked, actor="test")
    assert people.by_username(cur, "mia") is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("user,name\nx,y\n", "import.bad_header"),
        (HEADER, "import.empty"),
        ("", "import.bad_header"),
    ],
)
def test_a_file_that_is_not_a_people_list_says_so(cur: Cursor, text: str, key: str) -> None:
    assert [p.key for p in imports.preview(cur, text).problems] == [key]


def test_a_team_with_two_managers_is_refused(cur: Cursor) -> None:
    text = (
        HEADER + "mia,Mia,,manager,,\nmo,Mo,,manager,,\n"
        "nils,Nils,,employee,mia,Lager\nole,Ole,,employee,mo,Lager\n"
    )
    assert keys_by_line(imports.preview(cur, text)) == {5: ["import.team_manager_mismatch"]}


def test_a_spreadsheet_bom_and_role_lists_are_understood(cur: Cursor) -> None:
    text = "\ufeff" + HEADER + "mia,Mia,,manager;employee,,\n"
    checked = imports.preview(cur, text)
    assert checked.ok
    imports.import_rows(cur, checked, actor="test")
    assert people.by_username(cur, "mia").roles == {people.MANAGER, people.EMPLOYEE}


def test_progress_is_reported_for_every_row(cur: Cursor) -> None:
    seen = []
    imports.import_rows(
        cur, imports.preview(cur, GOOD), actor="t", progress=lambda d, n: seen.append((d, n))
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
