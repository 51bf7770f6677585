"""The audit log: who did what and when. Never holds note text."""

from dataclasses import dataclass
from datetime import datetime

from core.db import Cursor

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (an action name)
PASSWORD_RESET = "password_reset"  # noqa: S105 (an action name)
USER_CREATED = "user_created"
ROLES_CHANGED = "roles_changed"
USERS_IMPORTED = "users_imported"
FIRST_ADMIN = "first_admin_created"


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    subject_id: int | None
    detail: str


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


def entries_about(cur: Cursor, subject_id: int, limit: int = 500) -> list[Entry]:
    rows = cur.all(
        "SELECT occurred_at, actor, action, subject_id, detail FROM audit_log"
        " WHERE subject_id = ? OR actor_id = ? ORDER BY id DESC LIMIT ?",
        [subject_id, subject_id, limit],
    )
    return [Entry(*row) for row in rows]
