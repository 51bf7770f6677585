"""Reads answered from memory (core/readcache.py) never show anything a write has changed."""

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import actions, admin, auth, db, people, readcache, rounds
from core import settings as org_settings
from core.crypto import cipher
from core.errors import NotAllowed
from tests.conftest import MakeUser, Org, counting, new_user, open_round

NOW = 1_800_000_000.0


def test_a_session_check_asks_duckdb_again_only_after_a_write(
    cur: db.Cursor, make_user: MakeUser
) -> None:
    kim = make_user("kim")
    sent = counting(cur).sent
    assert auth.session_user(cur, "kim", NOW) == kim
    asked = len(sent)
    assert asked >= 1  # the user's row (their roles were read when they were made)
    assert auth.session_user(cur, "kim", NOW) == kim
    assert len(sent) == asked  # the next click: no statement
    auth.logout(cur, kim.id, "kim", NOW + 1)
    assert auth.session_user(cur, "kim", NOW) is None  # logged out elsewhere: seen at once


@pytest.mark.parametrize("change", ["logout", "deactivate", "roles", "reset"])
def test_a_session_ends_at_the_first_check_after_the_change(
    cur: db.Cursor, seeded_org: Org, change: str
) -> None:
    anna = seeded_org.employees[0]
    assert auth.session_user(cur, "anna", NOW) == anna  # kept in the cache
    if change == "logout":
        auth.logout(cur, anna.id, "anna", NOW + 1)
    elif change == "deactivate":
        admin.deactivate(cur, seeded_org.admin, anna.id, NOW + 1)
    elif change == "reset":
        admin.reset_password(cur, seeded_org.admin, anna.id, NOW + 1)
    else:
        cur.run("DELETE FROM user_roles WHERE user_id = ?", [anna.id])
        cur.run("INSERT INTO user_roles (user_id, role) VALUES (?, 'manager')", [anna.id])
    after = auth.session_user(cur, "anna", NOW)
    if change == "roles":
        assert after is not None and after.roles == {people.MANAGER}
    else:
        assert after is None


def test_settings_rounds_and_teams_show_their_change_at_once(
    cur: db.Cursor, seeded_org: Org
) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    assert org_settings.load(cur).k == 3 and rounds.get(cur, round_id).state == rounds.OPEN
    org_settings.store(cur, "k", "5")
    rounds.advance(cur, seeded_org.manager, round_id, rounds.CLOSED)
    assert org_settings.load(cur).k == 5
    assert rounds.get(cur, round_id).state == rounds.CLOSED


def test_the_teams_group_actions_show_their_change_at_once(cur: db.Cursor, seeded_org: Org) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    employee = seeded_org.employees[0]
    assert actions.for_round(cur, employee, round_id) == []
    action = actions.add(cur, seeded_org.manager, round_id, "Faste mødefri onsdage")
    assert [a.text for a in actions.for_round(cur, employee, round_id)] == ["Faste mødefri onsdage"]
    sent = counting(cur).sent
    actions.for_round(cur, employee, round_id)
    assert sent == []  # the page's next opening reads them from memory
    actions.update(
        cur,
        seeded_org.manager,
        action.id,
        text="Mødefri onsdage",
        owner="Mona",
        theme_id=None,
        due_on=None,
        status=actions.DONE,
    )
    assert [(a.text, a.owner, a.status) for a in actions.for_round(cur, employee, round_id)] == [
        ("Mødefri onsdage", "Mona", actions.DONE)
    ]
    with pytest.raises(NotAllowed):  # the check runs on rows from memory as on the file's
        actions.for_round(cur, seeded_org.other_employee, round_id)


def test_a_transaction_shows_its_writes_after_commit_and_nothing_after_rollback(
    database: db.Database, make_user: MakeUser
) -> None:
    kim = make_user("kim")
    writer, reader = database.cursor(), database.cursor()
    name = "SELECT name FROM users WHERE id = ?"
    assert reader.one(name, [kim.id]) == ("Kim",)
    with writer.transaction():
        writer.run("UPDATE users SET name = 'Kim A' WHERE id = ?", [kim.id])
        assert writer.one(name, [kim.id]) == ("Kim A",)  # its own write
        assert reader.one(name, [kim.id]) == ("Kim",)  # not committed yet
    assert reader.one(name, [kim.id]) == ("Kim A",)
    with pytest.raises(RuntimeError), writer.transaction():
        writer.run("UPDATE users SET name = 'Kim B' WHERE id = ?", [kim.id])
        assert writer.one(name, [kim.id]) == ("Kim B",)
        raise RuntimeError("changed my mind")
    assert reader.one(name, [kim.id]) == ("Kim A",)
    assert writer.one(name, [kim.id]) == ("Kim A",)


def test_a_read_that_ran_while_a_write_happened_is_not_kept() -> None:
    cache = readcache.ReadCache()
    sql = "SELECT name FROM users WHERE id = ?"
    answers = iter([("old",), ("new",)])

    def read_during_a_write():
        cache.forget(frozenset({"users"}))  # another thread writes while this one reads
        return next(answers)

    assert cache.read("one", sql, [1], read_during_a_write) == ("old",)
    assert cache.read("one", sql, [1], read_during_a_write) == ("new",)  # asked again
    assert cache.read("one", sql, [1], lambda: ("newer",)) == ("newer",)  # nor kept then


def test_two_databases_on_one_file_see_each_others_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = cipher(Fernet.generate_key())
    first = db.connect(tmp_path / "shared.duckdb", key)
    second = db.connect(tmp_path / "shared.duckdb", key)  # DuckDB shares it in one process
    try:
        kim = new_user(first.cursor(), "kim")
        assert auth.session_user(first.cursor(), "kim", NOW) == kim
        auth.logout(second.cursor(), kim.id, "kim", NOW + 1)
        assert auth.session_user(first.cursor(), "kim", NOW) is None
    finally:
        second.close()
        first.close()


def test_each_user_gets_their_own_row(cur: db.Cursor, seeded_org: Org) -> None:
    """The cache's key holds the statement's parameters: the user, here."""
    for person in (*seeded_org.employees, seeded_org.manager, *seeded_org.employees):
        assert auth.session_user(cur, person.username, NOW) == person


def test_a_caller_changing_a_result_changes_nothing_kept(cur: db.Cursor, seeded_org: Org) -> None:
    sql = "SELECT id FROM users ORDER BY id"
    first = cur.all(sql)
    everybody = list(first)
    first.clear()
    assert cur.all(sql) == everybody and len(everybody) == 9


@pytest.mark.parametrize(
    "table",
    ["preparations", "preparation_items", "conversations", "conversation_themes", "agreements"],
)
def test_nothing_said_or_written_about_a_person_is_ever_kept(table: str) -> None:
    """Notes, zones, records and agreements are always read from the file, checked anew."""
    assert readcache.read_tables(f"SELECT * FROM {table} WHERE user_id = ?") is None
    assert readcache.read_tables(f"SELECT u.id FROM users u JOIN {table} x ON x.id = u.id") is None


def test_the_cache_holds_at_most_its_limit() -> None:
    cache = readcache.ReadCache(max_entries=2)
    for user_id in range(3):
        cache.read("one", "SELECT name FROM users WHERE id = ?", [user_id], lambda: ("x",))
    assert len(cache) == 2


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("SELECT role FROM user_roles WHERE user_id = ?", {"user_roles"}),
        ("SELECT u.id FROM users u JOIN teams t ON t.id = u.team_id", {"users", "teams"}),
        ("select key, value from settings", {"settings"}),
        # Busy tables, several tables one of them busy, table functions: always asked.
        ("SELECT note_enc FROM preparation_items WHERE user_id = ?", None),
        ("SELECT u.id FROM users u LEFT JOIN preparations p ON p.user_id = u.id", None),
        ("SELECT u.id FROM users u, preparations p WHERE p.user_id = u.id", None),
        ("SELECT x.id FROM (SELECT id FROM teams) x, preparation_items p", None),
        ("SELECT id FROM users WHERE id IN (SELECT t.id FROM teams t, agreements a)", None),
        ("SELECT count(*), max(id) FROM users WHERE id IN (?, ?) ORDER BY 1, 2", {"users"}),
        ("SELECT extract(year FROM created_at), id FROM rounds", None),  # to be safe
        ("SELECT * FROM unnest(?)", None),
        ("SELECT count(*) FROM users WHERE id IN (SELECT user_id FROM audit_log)", None),
        # The answer changes without a write, or holds a credential.
        ("SELECT count(*) FROM rounds WHERE ends_on < current_date", None),
        ("SELECT now(), id FROM users", None),
        ("SELECT password_hash FROM users WHERE username = ?", None),
        ('SELECT id FROM "users"', None),
        ("SELECT table_name FROM information_schema.tables", None),
        ("INSERT INTO users (name) VALUES (?)", None),
    ],
)
def test_which_reads_may_be_kept(sql: str, tables: set[str] | None) -> None:
    assert readcache.read_tables(sql) == (None if tables is None else frozenset(tables))


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", {"user_roles"}),
        ("insert or replace into settings VALUES (?, ?)", {"settings"}),
        ("  UPDATE users SET name = ? WHERE id = ?", {"users"}),
        ("DELETE FROM teams WHERE id = ?", {"teams"}),
        ("UPDATE main.users SET name = ?", None),
        ('UPDATE "users" SET name = ?', None),
        ("SELECT 1", set()),
        ("WITH held AS (SELECT 1) SELECT * FROM held", set()),
        ("WITH gone AS (SELECT 1) DELETE FROM users", None),
        ("CREATE TABLE x (id INTEGER)", None),
        ("ALTER TABLE users ADD COLUMN y INTEGER", None),
        ("COPY users FROM 'file.csv'", None),
        ("CHECKPOINT", None),
    ],
)
def test_what_a_statement_may_change(sql: str, tables: set[str] | None) -> None:
    assert readcache.written(sql) == (None if tables is None else frozenset(tables))


READS = (
    ("SELECT id, name, active FROM users ORDER BY id", ()),
    ("SELECT id, name FROM users WHERE id = ?", (1,)),
    ("SELECT id, name FROM users WHERE id = ?", (2,)),
    ("SELECT user_id, role FROM user_roles ORDER BY user_id, role", ()),
    ("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", (1,)),
    ("SELECT key, value FROM settings ORDER BY key", ()),
    ("SELECT id, name FROM teams ORDER BY id", ()),
    ("SELECT u.name, t.name FROM users u JOIN teams t ON t.id = u.team_id ORDER BY u.id", ()),
    ("SELECT id, status FROM group_actions WHERE team_id = ? ORDER BY id", (1,)),
    ("SELECT a.id, t.name FROM group_actions a JOIN teams t ON t.id = a.team_id ORDER BY a.id", ()),
)
WRITES = (
    ("UPDATE users SET name = ? WHERE id = ?", lambda n: (f"n{n}", 1 + n % 2)),
    ("UPDATE users SET active = NOT active WHERE id = ?", lambda n: (1 + n % 2,)),
    ("UPDATE users SET team_id = ? WHERE id = ?", lambda n: (1 + n % 2, 1 + n % 3)),
    ("DELETE FROM user_roles WHERE user_id = ?", lambda n: (1 + n % 2,)),
    (
        "INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING",
        lambda n: (1 + n % 2, ("employee", "manager", "admin")[n % 3]),
    ),
    (
        "INSERT INTO settings (key, value) VALUES ('organisation_name', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        lambda n: (f"org {n}",),
    ),
    ("UPDATE teams SET name = ? WHERE id = ?", lambda n: (f"team {n}", 1 + n % 2)),
    (
        "INSERT INTO group_actions (team_id, round_id, text_enc) VALUES (?, 1, '')",
        lambda n: (1 + n % 2,),
    ),
    (
        "UPDATE group_actions SET status = ?, team_id = ? WHERE id % 3 = ?",
        lambda n: (("open", "done", "dropped")[n % 3], 1 + n % 2, n % 3),
    ),
    ("DELETE FROM group_actions WHERE id % 4 = ?", lambda n: (n % 4,)),
)
steps = st.lists(
    st.tuples(
        st.sampled_from(("write", "write in transaction", "write and roll back", "read")),
        st.integers(0, len(WRITES) - 1),
        st.integers(0, 20),
    ),
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps)
def test_a_cached_read_always_equals_what_duckdb_says(database: db.Database, plan) -> None:
    cur, other = database.cursor(), database.cursor()
    if not cur.all("SELECT id FROM teams"):
        for name in ("anna", "bent"):
            new_user(cur, name)
        cur.run("INSERT INTO teams (name) VALUES ('t1'), ('t2')")

    def check() -> None:
        for sql, params in READS:
            truth = cur.raw.execute(sql, list(params)).fetchall()
            assert cur.all(sql, params) == truth
            assert other.all(sql, params) == truth

    for kind, which, n in plan:
        sql, params = WRITES[which]
        if kind == "write":
            cur.run(sql, params(n))
        elif kind == "write in transaction":
            with cur.transaction():
                cur.run(sql, params(n))
                other.all(*READS[n % len(READS)])  # another session reads meanwhile
        elif kind == "write and roll back":
            with pytest.raises(KeyError), cur.transaction():
                cur.run(sql, params(n))
                raise KeyError("rolled back")
        check()
