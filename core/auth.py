"""Passwords, login throttling, session revocation and the first-admin setup token.

streamlit-authenticator only draws the form and writes the cookie; every decision about
who may log in is taken here, against the database.
"""

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import Enum

import bcrypt

from core import audit, people
from core.db import Cursor
from core.errors import InvalidInput, NotAllowed

MAX_FAILURES = 5  # wrong passwords in a row before a username is locked
LOCK_SECONDS = 15 * 60  # how long a lock lasts; it ends by itself
MIN_PASSWORD_CHARS = 10  # long enough to resist guessing at 5 tries per 15 minutes
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; bcrypt 5 raises beyond it
SETUP_TOKEN_SECONDS = 24 * 3600
PASSWORD_ROUNDS = 12  # bcrypt cost of a chosen password: about 0.2 s of CPU per check


class LoginOutcome(Enum):
    OK = "ok"
    WRONG = "wrong"  # also for unknown or deactivated usernames: they must look the same
    LOCKED = "locked"
    TOO_LONG = "too_long"


def check_new_password(password: str, username: str = "") -> None:
    """Raise InvalidInput naming the rule a new password breaks."""
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise InvalidInput("errors.password_too_long", limit=MAX_PASSWORD_BYTES)
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput("errors.password_too_short", minimum=MIN_PASSWORD_CHARS)
    if username and username.lower() in password.lower():
        raise InvalidInput("errors.password_contains_username")
    if password != password.strip():
        raise InvalidInput("errors.password_spaces")


def hash_password(password: str, rounds: int = PASSWORD_ROUNDS) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def hash_generated_password(password: str) -> str:
    """Hash a password from generate_password() with a low bcrypt cost.

    It carries 96 random bits, so no cost factor is needed against guessing, and
    importing thousands of people must not take minutes. It is replaced at first login.
    """
    return hash_password(password, rounds=6)


def generate_password() -> str:
    """A random first password for imported or demo users (changed at first login).

    It never starts with "-" (or any character a spreadsheet reads as a formula), so the
    first-passwords CSV shows it as typed: a quote put before it would break it.
    """
    while True:
        password = secrets.token_urlsafe(12)
        if password[0].isalnum():
            return password


@functools.cache
def _dummy_hash() -> bytes:
    """Checked against for unknown and deactivated usernames, at the cost of a chosen
    password, so refusing a name that does not exist takes as long as refusing a wrong
    password: the time of the answer does not tell which names exist. Made at the first
    such login, not at start-up (it takes as long as a check)."""
    return bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(PASSWORD_ROUNDS))


def _password_matches(password: str, hashed: str | None) -> bool:
    return bool(hashed) and bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))


def _login_password_matches(password: str, hashed: str | None) -> bool:
    """Whether a login's password matches; a refusal always costs at least a chosen
    password's check, also for an unknown name and for a first password hashed at a
    lower cost (whose name would otherwise stand out as one that exists and has not
    logged in yet)."""
    if _password_matches(password, hashed):
        return True
    if not hashed or int(hashed.split("$")[2]) < PASSWORD_ROUNDS:
        bcrypt.checkpw(password.encode("utf-8"), _dummy_hash())
    return False


def recent_failures(cur: Cursor, username: str, now: float) -> int:
    """Failures inside the lock window since the last success."""
    return int(
        cur.value(
            "SELECT count(*) FROM login_attempts WHERE username = ? AND outcome = 'failure'"
            " AND attempted_at > ? AND attempted_at > coalesce(("
            "  SELECT max(attempted_at) FROM login_attempts"
            "  WHERE username = ? AND outcome = 'success'), 0)",
            [username, now - LOCK_SECONDS, username],
        )
    )


def is_locked(cur: Cursor, username: str, now: float) -> bool:
    return recent_failures(cur, people.normalise_username(username), now) >= MAX_FAILURES


def check_login(cur: Cursor, username: str, password: str, now: float) -> LoginOutcome:
    """Verify a login attempt and record it. Known and unknown names behave alike.

    A name longer than any username is recorded cut to one character more than the
    longest: it still matches nobody, and a flood of megabyte-long names cannot fill the
    database.
    """
    username = people.normalise_username(username)[: people.MAX_USERNAME_CHARS + 1]
    if is_locked(cur, username, now):
        outcome = LoginOutcome.LOCKED
    elif len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        outcome = LoginOutcome.TOO_LONG
    elif _login_password_matches(password, people.password_hash(cur, username)):
        outcome = LoginOutcome.OK
    else:
        outcome = LoginOutcome.WRONG
    recorded = {LoginOutcome.OK: "success", LoginOutcome.LOCKED: "locked"}.get(outcome, "failure")
    cur.run(
        "INSERT INTO login_attempts (username, attempted_at, outcome) VALUES (?, ?, ?)",
        [username, now, recorded],
    )
    user = people.by_username(cur, username)
    user_id = user.id if user else None
    action = audit.LOGIN if outcome is LoginOutcome.OK else audit.LOGIN_FAILED
    audit.record(cur, user_id, username, action, user_id, outcome.value)
    if outcome is LoginOutcome.WRONG and is_locked(cur, username, now):
        return LoginOutcome.LOCKED
    return outcome


def revoke_sessions(cur: Cursor, user_id: int, now: float) -> None:
    """End every session of the user: cookies issued until now stop working."""
    cur.run("UPDATE users SET sessions_revoked_at = ? WHERE id = ?", [now, user_id])


def session_valid(cur: Cursor, username: str, issued_at: float) -> bool:
    """Whether a session started at `issued_at` may still act as `username`."""
    return session_user(cur, username, issued_at) is not None


def session_user(cur: Cursor, username: str, issued_at: float) -> people.User | None:
    """The user a session started at `issued_at` acts as; None once it may no longer act
    (logged out or reset since, deactivated, or gone). What the login gate reads on every
    click, so it is one read of the user's row plus their roles."""
    row = cur.one(
        f"SELECT {people.USER_COLUMNS}, sessions_revoked_at FROM users WHERE username = ?",
        [people.normalise_username(username)],
    )
    if row is None or not issued_at > row[-1]:
        return None
    user = people.from_row(cur, row[:-1])
    return user if user.active else None


def logout(cur: Cursor, user_id: int, username: str, now: float) -> None:
    revoke_sessions(cur, user_id, now)
    audit.record(cur, user_id, username, audit.LOGOUT, user_id)


def change_password(cur: Cursor, user_id: int, current: str, new: str, now: float) -> None:
    """The user's own change: the current password is required."""
    user = people.get(cur, user_id)
    stored = people.password_hash(cur, user.username)
    too_long = len(current.encode("utf-8")) > MAX_PASSWORD_BYTES
    if too_long or not _password_matches(current, stored):
        raise NotAllowed("errors.current_password_wrong")
    check_new_password(new, user.username)
    if new == current:
        raise InvalidInput("errors.password_unchanged")
    cur.run(
        "UPDATE users SET password_hash = ?, must_change_password = FALSE WHERE id = ?",
        [hash_password(new), user_id],
    )
    audit.record(cur, user_id, user.username, audit.PASSWORD_CHANGED, user_id)


def reset_password(cur: Cursor, admin: people.User, user_id: int, now: float) -> str:
    """An admin sets a random password the user must change at next login."""
    if not admin.has(people.ADMIN):
        raise NotAllowed()
    user = people.get(cur, user_id)
    password = generate_password()
    cur.run(
        "UPDATE users SET password_hash = ?, must_change_password = TRUE,"
        " password_reset_at = to_timestamp(?)::TIMESTAMP WHERE id = ?",
        [hash_password(password), now, user_id],
    )
    revoke_sessions(cur, user_id, now)
    audit.record(cur, admin.id, admin.username, audit.PASSWORD_RESET, user.id)
    return password


# --- First administrator -------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_setup_token(cur: Cursor, now: float) -> str | None:
    """A one-time token for creating the first admin; None once any user exists."""
    if people.count(cur):
        return None
    token = secrets.token_urlsafe(24)
    cur.run("DELETE FROM setup_tokens")
    cur.run(
        "INSERT INTO setup_tokens (token_hash, created_at) VALUES (?, ?)", [_token_hash(token), now]
    )
    return token


def setup_token_pending(cur: Cursor) -> bool:
    return bool(cur.value("SELECT count(*) FROM setup_tokens")) and not people.count(cur)


def create_first_admin(
    cur: Cursor, token: str, user: people.NewUser, password: str, now: float
) -> int:
    """Redeem the setup token: create the first admin, then the token is gone."""
    if people.count(cur):
        raise NotAllowed("errors.setup_done")
    row = cur.one("SELECT token_hash, created_at FROM setup_tokens")
    valid = (
        row is not None
        and hmac.compare_digest(row[0], _token_hash(token.strip()))
        and now - row[1] < SETUP_TOKEN_SECONDS
    )
    if not valid:
        raise NotAllowed("errors.setup_token_wrong")
    check_new_password(password, user.username)
    admin = people.NewUser(user.username, user.name, user.email, frozenset({people.ADMIN}))
    with cur.transaction():
        user_id = people.create(cur, admin, hash_password(password), actor=admin.username)
        cur.run("DELETE FROM setup_tokens")
        audit.record(cur, user_id, admin.username, audit.FIRST_ADMIN, user_id)
    return user_id


@dataclass(frozen=True)
class CreatedLogin:
    role: str
    username: str
    password: str
