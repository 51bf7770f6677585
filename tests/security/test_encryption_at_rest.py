"""A stolen database file (or backup) holds no readable note, shared item, agreement or action.

Free text goes through cur.cipher into the *_enc columns (core/crypto.py). These tests
write a unique marker through the core functions the pages call into every *_enc column,
then read the raw bytes of every file in the data directory. A second marker, written
into a column that is plain by design (a team name), must be found in the same bytes:
that proves the search can see plain text in DuckDB's files (its compression could
otherwise hide it, and the test would pass for the wrong reason).
"""

import io
import stat
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from core import actions, backup, config, conversations, db, preparation, rotation, teams
from core.crypto import cipher
from core.errors import ConfigError
from tests.conftest import _seed_org, open_round

SECRET = f"hemmelig-{uuid.uuid4().hex}"  # never stored as plain text
PLAIN = f"synlig-{uuid.uuid4().hex}"  # stored as plain text on purpose (a team's name)


def write_everything(cur: db.Cursor) -> None:
    """The marker in a private note, a shared note, an agreement and a group action."""
    org = _seed_org(cur)
    mona, anna = org.manager, org.employees[0]
    teams.create(cur, PLAIN)
    now = time.time()
    round_id = open_round(cur, mona, org.team_id)
    preparation.save_note(cur, anna, round_id, "preparation", f"{SECRET} privat", now)
    preparation.save_note(cur, anna, round_id, "zone_1", f"{SECRET} delt", now)
    preparation.share(cur, anna, round_id, "zone_1", now)
    talk = conversations.open_conversation(cur, mona, anna.id, round_id)
    conversations.add_agreement(cur, mona, talk.id, f"{SECRET} aftale", "both", None, now)
    actions.add(cur, mona, round_id, f"{SECRET} handling", owner="Mona")


def raw_files(data_dir: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in data_dir.iterdir() if path.is_file()}


def holding(files: dict[str, bytes], text: str) -> list[str]:
    return [name for name, data in files.items() if text.encode("utf-8") in data]


def test_every_encrypted_column_holds_the_marker_only_as_ciphertext(data_dir: Path) -> None:
    database = db.open_database(config.load(data_dir))
    cur = database.cursor()
    write_everything(cur)
    for table, column in rotation.encrypted_columns(cur):  # a new *_enc column is covered too
        stored = [value for (value,) in cur.all(f"SELECT {column} FROM {table}") if value]
        assert stored, f"nothing was written to {table}.{column}"
        assert all(SECRET not in value for value in stored)
        assert any(SECRET in cur.cipher.decrypt(value) for value in stored), f"{table}.{column}"

    while_open = raw_files(data_dir)
    assert "trivselssnak.duckdb.wal" in while_open  # the writes are in the log still
    assert holding(while_open, PLAIN)  # the search sees plain text...
    assert not holding(while_open, SECRET)  # ...and finds no note in the file or its log

    database.close()
    after_close = raw_files(data_dir)
    assert holding(after_close, PLAIN) == ["trivselssnak.duckdb"]  # checkpointed
    assert not holding(after_close, SECRET)


def test_a_backup_holds_no_readable_text_either(data_dir: Path) -> None:
    database = db.open_database(config.load(data_dir))
    cur = database.cursor()
    write_everything(cur)
    made = backup.create(cur, None, time.time())
    database.close()
    with zipfile.ZipFile(io.BytesIO(made.data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert holding(members, PLAIN) == [backup.DATABASE_MEMBER]
    assert not holding(members, SECRET)
    assert "data.key" not in " ".join(members)  # the key is never inside the backup


def test_the_key_files_are_readable_by_their_owner_only(data_dir: Path) -> None:
    config.load(data_dir)
    for name in (config.DATA_KEY_FILE, config.COOKIE_KEY_FILE):
        mode = stat.S_IMODE((data_dir / name).stat().st_mode)
        assert mode == 0o600, f"{name} has mode {oct(mode)}"


def test_the_key_of_another_installation_reads_nothing(data_dir: Path, tmp_path: Path) -> None:
    database = db.open_database(config.load(data_dir))
    write_everything(database.cursor())
    database.close()
    stolen = tmp_path / "stolen"
    stolen.mkdir()
    (stolen / config.DB_FILENAME).write_bytes((data_dir / config.DB_FILENAME).read_bytes())
    other = config.load(tmp_path / "other")  # a thief's installation, with its own key
    thief = db.connect(stolen / config.DB_FILENAME, cipher(other.data_key))
    cur = thief.cursor()
    note = cur.value("SELECT note_enc FROM preparation_items WHERE item_id = 'preparation'")
    with pytest.raises(ConfigError, match="cannot be decrypted"):
        cur.cipher.decrypt(note)
    thief.close()
