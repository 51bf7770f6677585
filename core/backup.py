"""Backups of the database while the app runs, and their restore while it is stopped.

A backup is a zip with two members: `manifest.json` (what made it, when, which schema)
and `trivselssnak.duckdb`, a copy written by DuckDB's COPY FROM DATABASE inside one
read transaction, so it is consistent even while people keep typing.

The free text inside stays encrypted with data.key, which is NOT in the backup: whoever
keeps the backups must keep that key too, in another place.
"""

import json
import os
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from core import audit, config, db, people
from core.crypto import FieldCipher, cipher
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed

FORMAT = "trivselssnak-backup"
FORMAT_VERSION = 1  # raised when the zip's layout changes, not when the schema does
MANIFEST = "manifest.json"
DATABASE_MEMBER = config.DB_FILENAME
MAX_MANIFEST_BYTES = 10_000  # a manifest is a few lines; more is not ours
# Encrypted with the data key into every manifest, so a restore can tell whether this
# installation's data.key reads the backup without the key ever leaving the server.
KEY_CHECK_TEXT = "trivselssnak key check"
BACKUP_CREATED = "backup_created"
BACKUP_RESTORED = "backup_restored"


@dataclass(frozen=True)
class Manifest:
    format_version: int
    schema_version: int
    created_at: str  # ISO 8601, UTC
    key_check: str


@dataclass(frozen=True)
class Backup:
    file_name: str
    data: bytes
    manifest: Manifest


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    previous: Path | None  # where the replaced database was kept, if there was one


def schema_version(cur: Cursor) -> int:
    return int(cur.value("SELECT coalesce(max(version), 0) FROM schema_migrations"))


def newest_known_schema() -> int:
    return max((m.version for m in db.migrations()), default=0)


def _copy_database(cur: Cursor, target: Path) -> None:
    alias = f"backup_{secrets.token_hex(6)}"  # ATTACH is visible to the whole process
    source = cur.value("SELECT current_database()")
    cur.run(f"ATTACH '{target}' AS {alias}")
    try:
        cur.run(f'COPY FROM DATABASE "{source}" TO {alias}')
    finally:
        cur.run(f"DETACH {alias}")


def file_name(now: float) -> str:
    return f"trivselssnak-{datetime.fromtimestamp(now, UTC):%Y%m%d-%H%M%S}.zip"


def create(cur: Cursor, actor: people.User | None, now: float) -> Backup:
    """A consistent backup of the whole database as zip bytes (None actor: the CLI)."""
    if actor is not None and not (actor.active and actor.has(people.ADMIN)):
        raise NotAllowed("errors.admin_only")
    created = datetime.fromtimestamp(now, UTC)
    manifest = Manifest(
        FORMAT_VERSION,
        schema_version(cur),
        created.isoformat(timespec="seconds"),
        cur.cipher.encrypt(KEY_CHECK_TEXT),
    )
    with tempfile.TemporaryDirectory(prefix="trivselssnak-backup-") as tmp:
        copy = Path(tmp) / DATABASE_MEMBER
        _copy_database(cur, copy)
        archive = Path(tmp) / "backup.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, json.dumps({"format": FORMAT, **manifest.__dict__}, indent=2))
            zf.write(copy, DATABASE_MEMBER)
        data = archive.read_bytes()
    actor_name = actor.username if actor else "cli"
    audit.record(
        cur, actor.id if actor else None, actor_name, BACKUP_CREATED, None, f"{len(data)} bytes"
    )
    return Backup(file_name(now), data, manifest)


# --- Restore ---------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    """The manifest of a backup zip, or InvalidInput saying why this is not one."""
    names = set(archive.namelist())
    if MANIFEST not in names or DATABASE_MEMBER not in names:
        raise InvalidInput("errors.backup_no_manifest")
    if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
        raise InvalidInput("errors.backup_no_manifest")
    try:
        raw = json.loads(archive.read(MANIFEST).decode("utf-8"))
        if raw.get("format") != FORMAT:
            raise ValueError(raw.get("format"))
        manifest = Manifest(
            int(raw["format_version"]),
            int(raw["schema_version"]),
            str(raw["created_at"]),
            str(raw["key_check"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise InvalidInput("errors.backup_no_manifest") from None
    if manifest.format_version > FORMAT_VERSION:
        raise InvalidInput("errors.backup_format_newer")
    known = newest_known_schema()
    if manifest.schema_version > known:
        raise InvalidInput("errors.backup_newer", schema=manifest.schema_version, known=known)
    return manifest


def _check_copy(path: Path, manifest: Manifest, data_cipher: FieldCipher) -> None:
    """The extracted database opens, matches its manifest, and migrates to this app."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            version = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    except duckdb.Error:
        raise InvalidInput("errors.backup_damaged") from None
    if version != manifest.schema_version:
        raise InvalidInput("errors.backup_damaged")
    try:
        readable = data_cipher.decrypt(manifest.key_check) == KEY_CHECK_TEXT
    except Exception:  # noqa: BLE001 - any failure means: not this key
        readable = False
    if not readable:
        raise InvalidInput("errors.backup_other_key")
    try:
        db.connect(path, data_cipher).close()  # brings an older backup up to this schema
    except Exception:  # noqa: BLE001 - whatever went wrong, the live file stays untouched
        raise InvalidInput("errors.backup_damaged") from None


def _ensure_stopped(db_path: Path) -> None:
    """Refuse while the app (or another command) holds the database open."""
    if not db_path.exists():
        return
    try:
        duckdb.connect(str(db_path), read_only=True).close()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise Conflict("errors.backup_app_running") from None
    except duckdb.Error:
        pass  # a damaged database is exactly what a restore replaces


def restore(cfg: config.Config, backup_file: Path, now: float) -> Restored:
    """Replace the database with a checked backup; the old file is kept as .bak.

    Every check runs before anything is written; a refused file changes nothing.
    """
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise InvalidInput("errors.backup_missing", file=str(backup_file))
    if not zipfile.is_zipfile(backup_file):
        raise InvalidInput("errors.backup_not_zip")
    db_path = cfg.db_path
    data_cipher = cipher(cfg.data_key, *cfg.older_data_keys)  # as the app reads them
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=db_path.parent) as tmp:
        try:
            with zipfile.ZipFile(backup_file) as archive:
                manifest = read_manifest(archive)
                extracted = Path(archive.extract(DATABASE_MEMBER, tmp))
        except (zipfile.BadZipFile, OSError):
            raise InvalidInput("errors.backup_not_zip") from None
        _check_copy(extracted, manifest, data_cipher)
        _ensure_stopped(db_path)
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%d-%H%M%S")
        previous = None
        if db_path.exists():
            previous = db_path.with_name(f"{db_path.name}.{stamp}.bak")
            os.replace(db_path, previous)
        wal = db_path.with_name(db_path.name + ".wal")
        if wal.exists():  # a WAL of the old file must never be replayed onto the new one
            os.replace(wal, wal.with_name(f"{wal.name}.{stamp}.bak"))
        os.replace(extracted, db_path)
    restored = db.connect(db_path, data_cipher)
    try:
        detail = f"backup of {manifest.created_at}"
        audit.record(restored.cursor(), None, "cli", BACKUP_RESTORED, None, detail)
    finally:
        restored.close()
    return Restored(manifest, previous)
