from pathlib import Path

import duckdb
import pytest
from cryptography.fernet import Fernet

from core import db, people
from core.crypto import cipher
from core.errors import ConfigError

TABLES = {
    "users",
    "user_roles",
    "teams",
    "rounds",
    "preparations",
    "preparation_items",
    "conversations",
    "conversation_themes",
    "agreements",
    "group_actions",
    "settings",
    "audit_log",
    "login_attempts",
}


def tables(cur: db.Cursor) -> set[str]:
    return {row[0] for row in cur.all("SELECT table_name FROM information_schema.tables")}


def test_an_empty_file_gets_the_whole_schema(tmp_path: Path) -> None:
    database = db.connect(tmp_path / "new.duckdb", cipher(Fernet.generate_key()))
    cur = database.cursor()
    assert tables(cur) >= TABLES
    assert db.applied_versions(cur) == {m.version for m in db.migrations()}


def test_reopening_a_migrated_file_keeps_its_data(tmp_path: Path) -> None:
    key = Fernet.generate_key()
    first = db.connect(tmp_path / "app.duckdb", cipher(key))
    people.create(first.cursor(), people.NewUser("kim", "Kim"), "hash")
    first.close()

    again = db.connect(tmp_path / "app.duckdb", cipher(key))
    cur = again.cursor()
    assert db.migrate(cur) == []  # nothing left to apply
    assert people.by_username(cur, "kim").name == "Kim"


def test_a_new_migration_is_applied_to_an_old_file(tmp_path: Path, cur: db.Cursor) -> None:
    extra = db.Migration(999, "999_extra", "CREATE TABLE extra (id INTEGER);")
    assert db.migrate(cur, db.migrations() + [extra]) == [999]
    assert "extra" in tables(cur)


def test_a_file_from_a_newer_app_is_refused(cur: db.Cursor) -> None:
    cur.run("INSERT INTO schema_migrations (version, name) VALUES (999, '999_future')")
    with pytest.raises(ConfigError, match="newer version"):
        db.migrate(cur)


def test_a_file_that_is_not_a_database_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match="broken.duckdb"):
        db.connect(path, cipher(Fernet.generate_key()))
    assert path.read_bytes() == b"this is not a database" * 100  # nothing written


def test_a_failing_migration_leaves_no_half_applied_schema(cur: db.Cursor) -> None:
    bad = db.Migration(998, "998_bad", "CREATE TABLE half (id INTEGER); SELECT * FROM nowhere;")
    with pytest.raises(duckdb.Error):
        db.migrate(cur, db.migrations() + [bad])
    assert "half" not in tables(cur)
    assert 998 not in db.applied_versions(cur)


def test_a_nested_transaction_is_rolled_back_with_the_outer_one(cur: db.Cursor) -> None:
    with pytest.raises(RuntimeError), cur.transaction():
        people.create(cur, people.NewUser("kim", "Kim"), "hash")
        with cur.transaction():
            people.create(cur, people.NewUser("lea", "Lea"), "hash")
        raise RuntimeError("later step failed")
    assert people.count(cur) == 0
