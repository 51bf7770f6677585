"""Users, their roles, and who manages whom."""

import re
from dataclasses import dataclass
from datetime import datetime

from core import audit
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound

EMPLOYEE, MANAGER, ADMIN = "employee", "manager", "admin"
ROLES = (EMPLOYEE, MANAGER, ADMIN)
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MAX_USERNAME_CHARS = 40  # what USERNAME_PATTERN allows
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME_CHARS = 100  # a long full name fits; more is a paste accident
USER_COLUMNS = (
    "id, username, name, email, active, must_change_password, password_reset_at,"
    " language, manager_id, team_id, is_demo"
)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    name: str
    email: str
    active: bool
    must_change_password: bool
    password_reset_at: datetime | None
    language: str | None
    manager_id: int | None
    team_id: int | None
    is_demo: bool
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        """Whether the user acts in `role` now. A deactivated user holds no role, so every
        role check in core refuses them, whatever their account still lists."""
        return self.active and role in self.roles

    def member_of(self, team_id: int | None) -> bool:
        """Whether the user belongs to the team now (a deactivated user belongs nowhere)."""
        return self.active and team_id is not None and self.team_id == team_id


@dataclass(frozen=True)
class NewUser:
    """A user as typed in a form, a CLI prompt or a CSV row, before it is stored."""

    username: str
    name: str
    email: str = ""
    roles: frozenset[str] = frozenset({EMPLOYEE})
    manager_id: int | None = None
    team_id: int | None = None


def normalise_username(username: str) -> str:
    return username.strip().lower()


def validate(user: NewUser) -> list[str]:
    """Return the ui-string keys of every problem with `user` (empty: fine)."""
    problems = []
    if not USERNAME_PATTERN.match(user.username):
        problems.append("errors.username_format")
    if not user.name.strip():
        problems.append("errors.name_missing")
    elif len(user.name) > MAX_NAME_CHARS or any(ord(c) < 32 for c in user.name):
        problems.append("errors.name_format")
    if user.email and not EMAIL_PATTERN.match(user.email):
        problems.append("errors.email_format")
    if not user.roles or not user.roles <= set(ROLES):
        problems.append("errors.roles_unknown")
    return problems


def _roles(cur: Cursor, user_id: int) -> frozenset[str]:
    return frozenset(
        r[0] for r in cur.all("SELECT role FROM user_roles WHERE user_id = ?", [user_id])
    )


def from_row(cur: Cursor, row: tuple) -> User:
    """A user from a row of USER_COLUMNS, with their roles."""
    return User(*row, roles=_roles(cur, row[0]))


def _user(cur: Cursor, row: tuple | None) -> User | None:
    return None if row is None else from_row(cur, row)


def from_rows(cur: Cursor, rows: list[tuple]) -> list[User]:
    """Users from rows of USER_COLUMNS, with their roles read in one query for all."""
    roles: dict[int, set[str]] = {row[0]: set() for row in rows}
    if roles:
        for user_id, role in cur.all(
            "SELECT user_id, role FROM user_roles WHERE user_id = ANY(?)", [list(roles)]
        ):
            roles[user_id].add(role)
    return [User(*row, roles=frozenset(roles[row[0]])) for row in rows]


def get(cur: Cursor, user_id: int) -> User:
    user = _user(cur, cur.one(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", [user_id]))
    if user is None:
        raise NotFound()
    return user


def by_username(cur: Cursor, username: str) -> User | None:
    return _user(
        cur,
        cur.one(
            f"SELECT {USER_COLUMNS} FROM users WHERE username = ?", [normalise_username(username)]
        ),
    )


def count(cur: Cursor) -> int:
    return int(cur.value("SELECT count(*) FROM users"))


def password_hash(cur: Cursor, username: str) -> str | None:
    return cur.value(
        "SELECT password_hash FROM users WHERE username = ? AND active",
        [normalise_username(username)],
    )


def create(
    cur: Cursor,
    user: NewUser,
    password_hash_: str,
    *,
    must_change_password: bool = False,
    is_demo: bool = False,
    actor: str = "system",
    actor_id: int | None = None,
) -> int:
    """Store a new user. Raises InvalidInput or Conflict; stores nothing then."""
    problems = validate(user)
    if problems:
        raise InvalidInput(problems[0])
    if by_username(cur, user.username) is not None:
        raise Conflict("errors.username_taken", username=user.username)
    user_id = cur.value(
        "INSERT INTO users (username, name, email, password_hash, must_change_password,"
        " manager_id, team_id, is_demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            user.username,
            user.name.strip(),
            user.email.strip(),
            password_hash_,
            must_change_password,
            user.manager_id,
            user.team_id,
            is_demo,
        ],
    )
    for role in sorted(user.roles):
        cur.run("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", [user_id, role])
    audit.record(cur, actor_id, actor, audit.USER_CREATED, user_id, ",".join(sorted(user.roles)))
    return int(user_id)


def set_language(cur: Cursor, user_id: int, language: str) -> None:
    cur.run("UPDATE users SET language = ? WHERE id = ?", [language, user_id])


def direct_reports(cur: Cursor, manager_id: int) -> list[User]:
    rows = cur.all(
        f"SELECT {USER_COLUMNS} FROM users WHERE manager_id = ? AND active ORDER BY name",
        [manager_id],
    )
    return from_rows(cur, rows)


def manages(manager: User, employees_manager_id: int | None) -> bool:
    """Whether `manager` is, now, the manager of an employee whose manager_id is given."""
    return manager.has(MANAGER) and employees_manager_id == manager.id


def own_employee_team(cur: Cursor, manager: User, employee_id: int) -> int | None:
    """The team of one of the manager's employees. Anybody else's employee and an unknown
    id get the same NotAllowed, so the two cannot be told apart."""
    row = cur.one("SELECT manager_id, team_id FROM users WHERE id = ?", [employee_id])
    if row is None or not manages(manager, row[0]):
        raise NotAllowed("errors.not_your_employee")
    return row[1]


def only_demo_users(cur: Cursor) -> bool:
    return not cur.value("SELECT count(*) FROM users WHERE NOT is_demo")
