"""The audit log: who did what and when. Never holds note text.

Reads are logged too: when someone other than the employee reads the employee's shared
items or conversation record, the employee can see who and when under "My data".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from core.db import Cursor

if TYPE_CHECKING:  # people imports this module
    from core.people import User

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an action name)
PASSWORD_RESET = "password_reset"  # noqa: S105 (an action name)
USER_CREATED = "user_created"
ROLES_CHANGED = "roles_changed"
USERS_IMPORTED = "users_imported"
FIRST_ADMIN = "first_admin_created"
READ_SHARED = "read_shared_items"
READ_RECORD = "read_conversation_record"
READS = (READ_SHARED, READ_RECORD)
# A manager's page reruns on every click while they prepare or hold a talk; one entry per
# reader, employee, kind and round in an hour says who read what and when without
# burying the employee's own log under hundreds of identical lines.
READ_DEDUPE_SECONDS = 3_600


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    subject_id: int | None
    detail: str
    actor_name: str = ""  # the actor's current full name; the username if they are gone


def record(
    cur: Cursor,
    actor_id: int | None,
    actor: str,
    action: str,
    subject_id: int | None = None,
    detail: str = "",
) -> None:
    cur.run(
        "INSERT INTO audit_log (actor_id, actor, action, subject_id, detail)"
        " VALUES (?, ?, ?, ?, ?)",
        [actor_id, actor, action, subject_id, detail],
    )


def record_read(
    cur: Cursor,
    actor: User,
    subject_id: int,
    what: str,
    now: float | None = None,
    *,
    detail: str = "",
) -> bool:
    """Log that `actor` read `subject_id`'s shared items or record (`what`, one of READS).

    Nothing is logged for someone reading their own data, nor again within
    READ_DEDUPE_SECONDS of the same reader's last entry for the same subject, kind and
    detail. True when an entry was written. `detail` names what was read (a round),
    never any of its text.
    """
    if what not in READS:
        raise ValueError(f"not a read action: {what!r}")
    if actor.id == subject_id:
        return False
    now = time.time() if now is None else now
    with cur.transaction():
        recent = cur.value(
            "SELECT count(*) FROM audit_log WHERE actor_id = ? AND subject_id = ?"
            " AND action = ? AND detail = ?"
            " AND occurred_at > to_timestamp(?)::TIMESTAMP",
            [actor.id, subject_id, what, detail, now - READ_DEDUPE_SECONDS],
        )
        if recent:
            return False
        cur.run(
            "INSERT INTO audit_log (occurred_at, actor_id, actor, action, subject_id, detail)"
            " VALUES (to_timestamp(?)::TIMESTAMP, ?, ?, ?, ?, ?)",
            [now, actor.id, actor.username, what, subject_id, detail],
        )
    return True


_ENTRY_SELECT = (
    "SELECT a.occurred_at, a.actor, a.action, a.subject_id, a.detail,"
    " coalesce(u.name, a.actor) FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
)


def entries_about(cur: Cursor, subject_id: int, limit: int = 500) -> list[Entry]:
    """Entries about a person or by them, newest first."""
    rows = cur.all(
        f"{_ENTRY_SELECT} WHERE a.subject_id = ? OR a.actor_id = ? ORDER BY a.id DESC LIMIT ?",
        [subject_id, subject_id, limit],
    )
    return [Entry(*row) for row in rows]


def reads_about(cur: Cursor, subject_id: int, limit: int = 500) -> list[Entry]:
    """Who read the person's shared items or conversation records, newest first."""
    rows = cur.all(
        f"{_ENTRY_SELECT} WHERE a.subject_id = ? AND a.action IN (?, ?)"
        " AND a.actor_id IS DISTINCT FROM a.subject_id ORDER BY a.id DESC LIMIT ?",
        [subject_id, *READS, limit],
    )
    return [Entry(*row) for row in rows]
