"""The DuckDB file, its migrations, and the cursor every core function receives.

One connection per process; every script run (and every thread) takes its own cursor
from it, because a DuckDB connection must not be used by two threads at once.

Concurrent writers: DuckDB refuses a write to a row that another open transaction has
changed ("Conflict on update"), it does not wait. So the cursors of one Database take
turns for their transactions (a lock shared by the process), a single statement that
meets such a conflict is tried again a few times, and a conflict that still ends a
transaction becomes Conflict("errors.busy_try_again"): nothing of it was stored and the
page says so, instead of a traceback.
"""

import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from core import readcache
from core.config import Config
from core.crypto import FieldCipher, cipher
from core.errors import ConfigError, Conflict

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# DuckDB would fetch an extension from the internet to read a foreign file (an SQLite
# file in the data directory, say). The app sends nothing anywhere and needs none.
CONNECT_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# A statement outside a transaction that meets a write conflict is tried this often in
# all; the other writer's transaction lasts milliseconds.
STATEMENT_ATTEMPTS = 5
BUSY = "errors.busy_try_again"


def marks(values: Sequence[object]) -> str:
    """The placeholders of `column IN (...)` for these values: "?, ?, ?"."""
    return ", ".join("?" * len(values))


def _is_write_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def _pause(attempt: int) -> None:
    """A short, growing wait before trying a conflicting statement again."""
    time.sleep(0.002 * attempt)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@dataclass
class Cursor:
    """A DuckDB cursor plus the cipher for free-text columns.

    Results are always fetched in full before the next statement, since a new statement
    on a DuckDB cursor ends the previous unfetched result. Reads of the rarely written
    tables outside a transaction may be answered from `cache` (core/readcache.py).
    """

    raw: duckdb.DuckDBPyConnection
    cipher: FieldCipher
    # Shared by every cursor of one Database: its transactions run one at a time.
    writers: threading.RLock = field(default_factory=threading.RLock, repr=False)
    cache: readcache.ReadCache = field(default_factory=readcache.ReadCache, repr=False)
    _depth: int = field(default=0, repr=False)
    # Tables written by the open transaction; None: maybe any. Forgotten at its commit.
    _written: set[str] | None = field(default_factory=set, repr=False)

    def _execute(self, sql: str, params: Sequence[object], fetch: Callable) -> object:
        changes = readcache.written(sql)
        if changes is not None and not changes:
            return self._attempt(sql, params, fetch)
        try:
            return self._attempt(sql, params, fetch)
        finally:
            self._wrote(changes)

    def _wrote(self, tables: frozenset[str] | None) -> None:
        if not self._depth:
            self.cache.forget(tables)
        elif tables is None or self._written is None:
            self._written = None
        else:
            self._written |= tables

    def _read(self, kind: str, sql: str, params: Sequence[object], fetch: Callable) -> object:
        if self._depth:  # a transaction reads its own writes, and what DuckDB says now
            return self._execute(sql, params, fetch)
        return self.cache.read(kind, sql, params, lambda: self._execute(sql, params, fetch))

    def _attempt(self, sql: str, params: Sequence[object], fetch: Callable) -> object:
        """Run one statement and fetch its result; retry it alone after a write conflict."""
        attempt = 1
        while True:
            try:
                return fetch(self.raw.execute(sql, list(params)))
            except duckdb.TransactionException as exc:
                if not _is_write_conflict(exc):
                    raise
                if self._depth:  # the transaction is spoilt: transaction() reports it
                    raise
                if attempt >= STATEMENT_ATTEMPTS:
                    raise Conflict(BUSY) from exc
            _pause(attempt)
            attempt += 1

    def all(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        return self._read("all", sql, params, lambda result: result.fetchall())

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple | None:
        return self._read("one", sql, params, lambda result: result.fetchone())

    def value(self, sql: str, params: Sequence[object] = ()) -> object:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        self._execute(sql, params, lambda result: None)

    def put(self, update: str, insert: str, params: Sequence[object]) -> None:
        """Update a row, or insert it when there is none; both statements take `params`.

        Instead of `INSERT ... ON CONFLICT DO UPDATE`, which costs DuckDB 2.0 three times
        as much on a row that exists (2.1 ms against 0.6 ms on 75,000 rows,
        docs/performance.md). One transaction: no other writer comes in between."""
        with self.transaction():
            (updated,) = self._execute(update, params, lambda result: result.fetchone())
            if not updated:
                self.run(insert, params)

    @contextmanager
    def transaction(self) -> Iterator["Cursor"]:
        """All or nothing. Nested calls join the outermost transaction.

        Raises Conflict("errors.busy_try_again"), with nothing stored, when DuckDB ends the
        transaction over a write conflict.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        with self.writers:
            self.raw.execute("BEGIN TRANSACTION")
            self._depth, self._written = 1, set()
            try:
                yield self
            except BaseException as exc:
                self._depth = 0
                self.raw.execute("ROLLBACK")  # nothing changed: the cache stays
                if _is_write_conflict(exc):
                    raise Conflict(BUSY) from exc
                raise
            self._depth = 0
            try:
                self.raw.execute("COMMIT")
            except duckdb.TransactionException as exc:  # DuckDB has rolled it back
                if _is_write_conflict(exc):
                    raise Conflict(BUSY) from exc
                raise
            finally:
                written = self._written
                self.cache.forget(None if written is None else frozenset(written))


@dataclass
class Database:
    connection: duckdb.DuckDBPyConnection
    cipher: FieldCipher
    path: Path
    writers: threading.RLock = field(default_factory=threading.RLock, repr=False)
    cache: readcache.ReadCache = field(default_factory=readcache.ReadCache, repr=False)

    def cursor(self) -> Cursor:
        return Cursor(self.connection.cursor(), self.cipher, self.writers, self.cache)

    def close(self) -> None:
        self.connection.close()


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise ConfigError(f"{path}: migration files are named NNN_name.sql")
        found.append(Migration(int(match.group(1)), path.stem, path.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ConfigError(f"{directory}: two migrations share a number")
    return found


def applied_versions(cur: Cursor) -> set[int]:
    exists = cur.value(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    )
    if not exists:
        return set()
    return {row[0] for row in cur.all("SELECT version FROM schema_migrations")}


def migrate(cur: Cursor, available: list[Migration] | None = None) -> list[int]:
    """Apply every migration not yet applied, each in its own transaction."""
    available = migrations() if available is None else available
    cur.run(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    done = applied_versions(cur)
    newest_known = max((m.version for m in available), default=0)
    if done and max(done) > newest_known:
        raise ConfigError(
            f"The database was written by a newer version of Trivselssnak (schema "
            f"{max(done)}, this version knows {newest_known}). Upgrade the app."
        )
    applied = []
    for migration in available:
        if migration.version in done:
            continue
        with cur.transaction():
            cur.raw.execute(migration.sql)
            cur._wrote(readcache.ALL)  # DDL and data, past Cursor's statement check
            cur.run(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
        applied.append(migration.version)
    return applied


def _unreadable(path: Path, exc: Exception) -> str:
    return (
        f"{path} is not a readable Trivselssnak database ({exc}). Nothing was changed. "
        "Restore it from a backup (python -m core.cli restore FILE) or point "
        "TRIVSEL_DATA_DIR at another directory."
    )


def _foreign(path: Path) -> str:
    return (
        f"{path} is a DuckDB database of another application: it holds tables but no "
        "Trivselssnak schema. Nothing was changed. Point TRIVSEL_DATA_DIR at the directory "
        "of Trivselssnak's own database, or move this file away to start a new one."
    )


# One read cache per file, for every Database on it in this process: DuckDB lets a
# process open a file it already has open, and a write through one must be seen by all.
_caches: "weakref.WeakValueDictionary[str, readcache.ReadCache]" = weakref.WeakValueDictionary()
_caches_lock = threading.Lock()


def _cache_for(path: Path) -> readcache.ReadCache:
    key = str(Path(path).resolve())
    with _caches_lock:
        cache = _caches.get(key)
        if cache is None:
            cache = _caches[key] = readcache.ReadCache()
    cache.forget(readcache.ALL)  # the file may be another one now (a restore)
    return cache


def connect(path: Path, data_cipher: FieldCipher) -> Database:
    """Open (or create) the database file and bring its schema up to date.

    A file that is not Trivselssnak's (unreadable, or another application's database) is
    refused with a ConfigError before anything is written to it.
    """
    try:
        connection = duckdb.connect(str(path), config=CONNECT_CONFIG)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise ConfigError(
                f"{path} is in use by another process (the app or a CLI command). "
                "DuckDB allows one writer: stop the other process and try again."
            ) from exc
        raise ConfigError(_unreadable(path, exc)) from exc
    except duckdb.Error as exc:
        raise ConfigError(_unreadable(path, exc)) from exc
    database = Database(connection, data_cipher, path, cache=_cache_for(path))
    try:
        found = {row[0] for row in database.cursor().all("SHOW TABLES")}
    except duckdb.Error as exc:
        database.close()
        raise ConfigError(_unreadable(path, exc)) from exc
    if found and "schema_migrations" not in found:
        database.close()
        raise ConfigError(_foreign(path))
    try:
        migrate(database.cursor())
    except duckdb.Error as exc:
        database.close()
        raise ConfigError(f"{path}: cannot apply the schema migrations: {exc}") from exc
    except ConfigError as exc:  # e.g. written by a newer version: say which file
        database.close()
        raise ConfigError(f"{path}: {exc}") from exc
    return database


def open_database(config: Config) -> Database:
    return connect(config.db_path, cipher(config.data_key, *config.older_data_keys))
