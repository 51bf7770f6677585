"""Reads of the rarely written tables, answered from memory until one of them is written.

Every click reads the same few rows again: the session's user and roles, the round, the
team, the settings, and each opening of the themes page the team's group actions. Each
read is a DuckDB statement of 0.3-1 ms however small its result (docs/performance.md),
about half of a click's server time, while these tables change a few times a day (a
logout, a round opened, a setting changed, an action noted after the team's meeting).

Sound because this process sees every write to the file: DuckDB lets one read-write
process open it (the CLI works while the app is stopped), every statement of the app goes
through `core.db.Cursor`, and every Database on one file in a process shares one cache.
A statement is known as a write by its first words (INSERT INTO t, UPDATE t, DELETE FROM
t); any other statement that is not a plain read empties the whole cache. A write inside
a transaction drops its tables' reads when the transaction commits, and a read that ran
while a write happened is not kept (`ReadCache.read`).

Nothing here decides who may see what: a cached read returns the same rows as the
statement would, for the same SQL and parameters, and core's checks run on them as before.
"""

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

# Written by admins, managers opening rounds or noting a team's group actions after its
# meeting, logins and logouts: minutes apart, not milliseconds. The busy tables and what
# is said or written about one person (notes, zones, conversations, their themes and
# agreements, the audit log) are never cached.
CACHED_TABLES = frozenset({"users", "user_roles", "teams", "rounds", "settings", "group_actions"})
MAX_ENTRIES = 20_000  # the few reads of each of 5,000 people, ~1 KB each; least used go
MAX_ROWS = 500  # a larger result is a list for an admin page, read rarely

_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+([A-Za-z_][\w.]*)", re.I
)
_UNCHANGING = re.compile(
    r"^\s*(?:SELECT|SHOW|DESCRIBE|EXPLAIN|SUMMARIZE|BEGIN|COMMIT|ROLLBACK|ABORT)\b", re.I
)
_MODIFYING_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|COPY)\b", re.I)
_READ = re.compile(r"^\s*SELECT\b", re.I)
_SOURCE = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_][\w.]*)(\s*\()?", re.I)
# `FROM a, b` names b after a comma, where the pattern above does not look: a FROM
# clause (of the statement or of a parenthesised part) with a comma is not kept.
_INNERMOST = re.compile(r"\(([^()]*)\)")
_FROM_CLAUSE = re.compile(
    r"\bFROM\b(.*?)(?:\b(?:WHERE|GROUP|ORDER|LIMIT|HAVING|UNION|QUALIFY|WINDOW)\b|$)",
    re.I | re.S,
)
# A read whose answer changes without a write (the clock, chance), or that holds a
# credential, is always asked of DuckDB.
_NOT_KEPT = re.compile(
    r"\b(?:now|today|current_\w+|get_current_\w+|random|uuid|gen_random_uuid|nextval"
    r"|password_hash)\b",
    re.I,
)
_SCALARS = (str, int, float, bool, bytes, date, datetime, time, timedelta, Decimal, type(None))
ALL = None  # written(): the statement may change any table


@functools.lru_cache(maxsize=2048)  # statements are the code's own: a few hundred texts
def read_tables(sql: str) -> frozenset[str] | None:
    """The tables a plain SELECT reads, or None unless it reads only CACHED_TABLES."""
    if not _READ.match(sql) or '"' in sql or _NOT_KEPT.search(sql) or _comma_join(sql):
        return None
    tables = set()
    for name, call in _SOURCE.findall(sql):
        if call:  # a table function (unnest, range): not a table
            return None
        tables.add(name.lower())
    if not tables or not tables <= CACHED_TABLES:
        return None
    return frozenset(tables)


def _comma_join(sql: str) -> bool:
    levels = []
    while True:
        inner = _INNERMOST.findall(sql)
        if not inner:
            break
        levels += inner
        sql = _INNERMOST.sub(" _ ", sql)
    levels.append(sql)
    return any("," in clause for level in levels for clause in _FROM_CLAUSE.findall(level))


@functools.lru_cache(maxsize=2048)
def written(sql: str) -> frozenset[str] | None:
    """The tables a statement may change: empty for a read, ALL (None) when unknown."""
    found = _WRITE.match(sql)
    if found:
        table = found.group(1).lower()
        return ALL if "." in table else frozenset({table})  # main.users: say everything
    if _UNCHANGING.match(sql):
        return frozenset()
    if sql.lstrip()[:4].upper() == "WITH" and not _MODIFYING_WORD.search(sql):
        return frozenset()
    return ALL


def _frozen(params: Sequence[object]) -> tuple | None:
    """The parameters as part of a key; None when one of them cannot be."""
    frozen = []
    for value in params:
        if isinstance(value, list | tuple):
            inner = _frozen(value)
            if inner is None:
                return None
            frozen.append((type(value).__name__, inner))
        elif isinstance(value, _SCALARS):
            frozen.append((type(value).__name__, value))
        else:
            return None
    return tuple(frozen)


def _keepable(result: object) -> bool:
    """Rows of plain values only: nothing a caller could change in the cache."""
    if result is None:
        return True
    rows = result if isinstance(result, list) else [result]
    return len(rows) <= MAX_ROWS and all(
        isinstance(row, tuple) and all(isinstance(v, _SCALARS) for v in row) for row in rows
    )


class ReadCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple, tuple[frozenset[str], object]] = OrderedDict()
        self._max_entries = max_entries
        self._writes = 0  # writes to CACHED_TABLES so far

    def read(self, kind: str, sql: str, params: Sequence[object], run: Callable[[], object]):
        """`run()`'s result, or the one kept from an earlier call with the same statement.

        A list result is copied out, so a caller sorting it changes nothing here."""
        tables = read_tables(sql)
        frozen = None if tables is None else _frozen(params)
        if frozen is None:
            return run()
        key = (kind, sql, frozen)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return _copy(entry[1])
            writes_before = self._writes
        result = run()
        if _keepable(result):
            with self._lock:
                # A write that happened while the statement ran may or may not be in its
                # result: keep it only if there was none.
                if self._writes == writes_before:
                    self._entries[key] = (tables, _copy(result))
                    if len(self._entries) > self._max_entries:
                        self._entries.popitem(last=False)
        return result

    def forget(self, tables: frozenset[str] | None) -> None:
        """Drop every kept read of `tables` (None: of any table)."""
        if tables is not None and not tables & CACHED_TABLES:
            return
        with self._lock:
            self._writes += 1
            if tables is None:
                self._entries.clear()
                return
            for key in [k for k, (read, _) in self._entries.items() if read & tables]:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)


def _copy(result: object) -> object:
    return list(result) if isinstance(result, list) else result
