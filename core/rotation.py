"""Key rotation: re-encrypt every free-text field with a new data key.

The new key is written to data.key.new before anything changes, every field is
re-encrypted in one transaction, and only then does data.key.new become data.key (the
old key stays as data.key.old until the operator removes it after a fresh backup).
Config reads all three files, so a rotation stopped at any point loses nothing.
"""

import os
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet

from core import config as config_
from core import db
from core.errors import ConfigError

NEW, OLD = config_.EXTRA_DATA_KEY_FILES


def encrypted_columns(cur: db.Cursor) -> list[tuple[str, str]]:
    """Every (table, column) holding ciphertext: by convention their names end in _enc."""
    return [
        (table, column)
        for table, column in cur.all(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE column_name LIKE '%\\_enc' ESCAPE '\\' ORDER BY table_name, column_name"
        )
    ]


def reencrypt(cur: db.Cursor, new_key: bytes, old_keys: tuple[bytes, ...]) -> int:
    """Re-encrypt every field with new_key in one transaction; return how many."""
    rotator = MultiFernet([Fernet(new_key), *(Fernet(k) for k in old_keys)])

    def rotate(token: str) -> str:
        return rotator.rotate(token.encode("ascii")).decode("ascii")

    cur.raw.create_function("trivsel_rotate", rotate, ["VARCHAR"], "VARCHAR")
    changed = 0
    try:
        with cur.transaction():
            for table, column in encrypted_columns(cur):
                changed += int(cur.value(f"SELECT count(*) FROM {table} WHERE {column} <> ''"))
                cur.run(
                    f"UPDATE {table} SET {column} = trivsel_rotate({column}) WHERE {column} <> ''"
                )
    finally:
        cur.raw.remove_function("trivsel_rotate")
    return changed


def rotate_data_key(data_dir: Path | None = None) -> int:
    """Rotate the data key of the installation in data_dir (the app must be stopped)."""
    cfg = config_.load(data_dir)
    if not cfg.data_key_in_file:
        raise ConfigError(
            "The data key is set in secrets.toml or TRIVSEL_DATA_KEY; rotate-key only "
            "manages the key file. Remove the setting to let the key file take over first."
        )
    new_path, key_path = cfg.data_dir / NEW, cfg.data_dir / config_.DATA_KEY_FILE
    database = db.open_database(cfg)  # a broken or foreign file is refused before any write
    try:
        if not new_path.exists():
            config_.write_private_file(new_path, Fernet.generate_key())
        new_key = new_path.read_bytes().strip()
        old_keys = tuple(k for k in (cfg.data_key, *cfg.older_data_keys) if k != new_key)
        changed = reencrypt(database.cursor(), new_key, old_keys)
    finally:
        database.close()
    os.replace(key_path, cfg.data_dir / OLD)
    os.replace(new_path, key_path)
    return changed
