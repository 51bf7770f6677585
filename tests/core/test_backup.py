import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from cryptography.fernet import Fernet

from core import auth, backup, cli, config, db, people, teams
from core.crypto import cipher
from core.errors import InvalidInput, NotAllowed
from tests.conftest import PASSWORD, Org, new_user, run_cli

NOW = 1_800_000_000.0


def open_app_db(data_dir: Path) -> db.Database:
    return db.open_database(config.load(data_dir))


def with_people(data_dir: Path) -> None:
    """A database in data_dir holding a team, a note and a user, closed again."""
    database = open_app_db(data_dir)
    cur = database.cursor()
    mona = new_user(cur, "mona", people.MANAGER)
    team_id = teams.create(cur, "Team A", mona.id)
    anna = new_user(cur, "anna", manager=mona, team_id=team_id)
    round_id = cur.value(
        "INSERT INTO rounds (team_id, name) VALUES (?, 'MUS 2026') RETURNING id", [team_id]
    )
    cur.run(
        "INSERT INTO preparation_items (user_id, round_id, item_id, note_enc) VALUES (?, ?, ?, ?)",
        [anna.id, round_id, "zone_1", cur.cipher.encrypt("Min note: æøå")],
    )
    database.close()


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def manifest(**changes: object) -> str:
    values = {
        "format": backup.FORMAT,
        "format_version": backup.FORMAT_VERSION,
        "schema_version": backup.newest_known_schema(),
        "created_at": "2027-01-15T08:00:00+00:00",
        "key_check": "",
    }
    return json.dumps({**values, **changes})


def make_backup(data_dir: Path, tmp_path: Path) -> Path:
    database = open_app_db(data_dir)
    made = backup.create(database.cursor(), None, NOW)
    database.close()
    path = tmp_path / made.file_name
    path.write_bytes(made.data)
    return path


def files_of(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


# --- Making a backup ---------------------------------------------------------------------


def test_a_backup_is_a_zip_with_a_manifest_and_the_database(
    cur: db.Cursor, seeded_org: Org
) -> None:
    made = backup.create(cur, seeded_org.admin, NOW)
    assert made.file_name == "trivselssnak-20270115-080000.zip"
    with zipfile.ZipFile(io.BytesIO(made.data)) as zf:
        assert sorted(zf.namelist()) == ["manifest.json", "trivselssnak.duckdb"]
        stored = json.loads(zf.read("manifest.json"))
    assert stored["format"] == "trivselssnak-backup"
    assert stored["schema_version"] == backup.schema_version(cur) >= 1
    assert stored["created_at"] == "2027-01-15T08:00:00+00:00"
    assert "key" not in json.dumps(stored).replace("key_check", "")  # no key inside
    entry = cur.one("SELECT actor, action FROM audit_log ORDER BY id DESC LIMIT 1")
    assert entry == ("admin", "backup_created")


def test_only_an_admin_makes_a_backup(cur: db.Cursor, seeded_org: Org) -> None:
    with pytest.raises(NotAllowed):
        backup.create(cur, seeded_org.manager, NOW)


def test_a_backup_is_consistent_while_the_app_keeps_writing(
    cur: db.Cursor, database: db.Database, seeded_org: Org, tmp_path: Path
) -> None:
    other = database.cursor()  # another session of the same app
    other.run("BEGIN TRANSACTION")
    other.run("INSERT INTO audit_log (actor, action) VALUES ('x', 'uncommitted')")
    made = backup.create(cur, seeded_org.admin, NOW)
    other.run("COMMIT")
    path = tmp_path / "copy.duckdb"
    with zipfile.ZipFile(io.BytesIO(made.data)) as zf:
        path.write_bytes(zf.read("trivselssnak.duckdb"))
    with duckdb.connect(str(path), read_only=True) as copy:
        assert copy.execute("SELECT count(*) FROM users").fetchone()[0] == 9
        actions = {row[0] for row in copy.execute("SELECT action FROM audit_log").fetchall()}
    assert "uncommitted" not in actions


# --- Restoring ---------------------------------------------------------------------------


def test_a_backup_round_trip_keeps_the_data_and_the_old_file(
    data_dir: Path, tmp_path: Path
) -> None:
    with_people(data_dir)
    saved = make_backup(data_dir, tmp_path)
    # After the backup: a new person, who must be gone after the restore.
    database = open_app_db(data_dir)
    new_user(database.cursor(), "late")
    database.close()

    restored = backup.restore(config.load(data_dir), saved, NOW + 60)

    assert restored.previous is not None and restored.previous.exists()
    assert restored.previous.name == "trivselssnak.duckdb.20270115-080100.bak"
    database = open_app_db(data_dir)
    cur = database.cursor()
    assert people.by_username(cur, "late") is None
    anna = people.by_username(cur, "anna")
    assert auth.check_login(cur, "anna", PASSWORD, NOW) is auth.LoginOutcome.OK
    note = cur.value("SELECT note_enc FROM preparation_items WHERE user_id = ?", [anna.id])
    assert cur.cipher.decrypt(note) == "Min note: æøå"
    new_user(cur, "after")  # the id sequences carried over: no clash with restored rows
    assert people.count(cur) == 3
    last = cur.one(
        "SELECT actor, action FROM audit_log WHERE action LIKE 'backup%' ORDER BY id DESC"
    )
    assert last == ("cli", "backup_restored")
    database.close()
    with duckdb.connect(str(restored.previous), read_only=True) as old:
        assert old.execute("SELECT count(*) FROM users WHERE username = 'late'").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("members", "key"),
    [
        (None, "errors.backup_not_zip"),  # not a zip at all
        ({"notes.txt": "hello"}, "errors.backup_no_manifest"),
        ({"trivselssnak.duckdb": "x"}, "errors.backup_no_manifest"),
        (
            {"manifest.json": "{not json", "trivselssnak.duckdb": "x"},
            "errors.backup_no_manifest",
        ),
        (
            {"manifest.json": manifest(format="other-app"), "trivselssnak.duckdb": "x"},
            "errors.backup_no_manifest",
        ),
        (
            {"manifest.json": manifest(format_version=99), "trivselssnak.duckdb": "x"},
            "errors.backup_format_newer",
        ),
        (
            {"manifest.json": manifest(schema_version=999), "trivselssnak.duckdb": "x"},
            "errors.backup_newer",
        ),
        (
            {"manifest.json": manifest(), "trivselssnak.duckdb": "not a database"},
            "errors.backup_damaged",
        ),
    ],
)
def test_a_file_that_is_not_a_usable_backup_changes_nothing(
    data_dir: Path, tmp_path: Path, members: dict | None, key: str
) -> None:
    with_people(data_dir)
    before = files_of(data_dir)
    wrong = tmp_path / "wrong.zip"
    if members is None:
        wrong.write_text("username,name\nanna,Anna\n")
    else:
        write_zip(wrong, members)
    with pytest.raises(InvalidInput) as refused:
        backup.restore(config.load(data_dir), wrong, NOW)
    assert refused.value.key == key
    assert files_of(data_dir) == before
    assert sorted(p.name for p in data_dir.iterdir()) == sorted(before)  # no temp left over


def test_a_newer_schema_names_both_versions(data_dir: Path, tmp_path: Path) -> None:
    wrong = write_zip(
        tmp_path / "new.zip",
        {"manifest.json": manifest(schema_version=999), "trivselssnak.duckdb": "x"},
    )
    with pytest.raises(InvalidInput) as refused:
        backup.restore(config.load(data_dir), wrong, NOW)
    assert refused.value.params == {"schema": 999, "known": backup.newest_known_schema()}


def test_a_manifest_that_lies_about_the_schema_is_refused(data_dir: Path, tmp_path: Path) -> None:
    with_people(data_dir)
    real = make_backup(data_dir, tmp_path)
    with zipfile.ZipFile(real) as zf:
        stored = json.loads(zf.read("manifest.json"))
        database_bytes = zf.read("trivselssnak.duckdb")
    stored["schema_version"] = 0
    lying = write_zip(
        tmp_path / "lying.zip",
        {"manifest.json": json.dumps(stored), "trivselssnak.duckdb": database_bytes},
    )
    with pytest.raises(InvalidInput) as refused:
        backup.restore(config.load(data_dir), lying, NOW)
    assert refused.value.key == "errors.backup_damaged"


def test_a_backup_made_with_another_data_key_is_refused(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_people(data_dir)
    saved = make_backup(data_dir, tmp_path)
    monkeypatch.setenv("TRIVSEL_DATA_KEY", Fernet.generate_key().decode())
    other = tmp_path / "other"
    with pytest.raises(InvalidInput) as refused:
        backup.restore(config.load(other), saved, NOW)
    assert refused.value.key == "errors.backup_other_key"
    assert not (other / "trivselssnak.duckdb").exists()


def test_a_restore_into_an_empty_directory_with_the_right_key(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_people(data_dir)
    saved = make_backup(data_dir, tmp_path)
    monkeypatch.setenv("TRIVSEL_DATA_KEY", (data_dir / "data.key").read_text())
    fresh = tmp_path / "fresh"
    restored = backup.restore(config.load(fresh), saved, NOW)
    assert restored.previous is None
    database = db.connect(fresh / "trivselssnak.duckdb", cipher(config.load(fresh).data_key))
    assert people.by_username(database.cursor(), "anna") is not None
    database.close()


def test_a_restore_is_refused_while_the_app_has_the_database_open(
    data_dir: Path, tmp_path: Path
) -> None:
    with_people(data_dir)
    saved = make_backup(data_dir, tmp_path)
    running = open_app_db(data_dir)  # the app holds the file
    try:
        # DuckDB's lock is per process; a second process is what the CLI would be.
        done = run_cli("--data-dir", str(data_dir), "restore", str(saved))
    finally:
        running.close()
    assert done.returncode == 1
    assert "Stop the app before restoring a backup" in done.stderr


def test_restore_and_backup_from_the_command_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_people(data_dir)
    target = tmp_path / "cli-backup.zip"
    assert cli.main(["--data-dir", str(data_dir), "backup", str(target)]) == 0
    assert "data.key" in capsys.readouterr().out
    assert cli.main(["--data-dir", str(data_dir), "restore", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Restored the backup" in out and ".bak" in out

    wrong = tmp_path / "random.bin"
    wrong.write_bytes(b"\x00\x01 not a backup")
    assert cli.main(["--data-dir", str(data_dir), "restore", str(wrong)]) == 1
    assert "is not a Trivselssnak backup (not a zip file)" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(data_dir), "restore", str(tmp_path / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err
