"""Group actions agreed at the joint follow-up meeting: for the whole team, not a person."""

from dataclasses import dataclass
from datetime import date, datetime

from core import audit, conversations, people, rounds
from core.db import Cursor
from core.errors import InvalidInput, NotAllowed, NotFound

OPEN, DONE, DROPPED = "open", "done", "dropped"
STATUSES = (OPEN, DONE, DROPPED)
MAX_TEXT_CHARS = 1_000  # an action is a sentence or two; longer belongs in minutes
MAX_OWNER_CHARS = 100
ACTION_ADDED, ACTION_CHANGED = "group_action_added", "group_action_changed"
_COLUMNS = "id, team_id, round_id, text_enc, theme_id, owner, due_on, status, created_at"


@dataclass(frozen=True)
class GroupAction:
    id: int
    team_id: int
    round_id: int
    text: str
    theme_id: str | None
    owner: str
    due_on: date | None
    status: str
    created_at: datetime


def _action(cur: Cursor, row: tuple) -> GroupAction:
    values = list(row)
    values[3] = cur.cipher.decrypt(values[3])
    return GroupAction(*values)


def _check(text: str, owner: str, theme_id: str | None, status: str = OPEN) -> tuple[str, str]:
    text, owner = text.strip(), owner.strip()
    if not text:
        raise InvalidInput("errors.action_text_missing")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput("errors.action_text_too_long", limit=MAX_TEXT_CHARS)
    if len(owner) > MAX_OWNER_CHARS:
        raise InvalidInput("errors.action_owner_too_long", limit=MAX_OWNER_CHARS)
    if theme_id is not None and theme_id not in conversations.theme_ids():
        raise InvalidInput("errors.theme_unknown")
    if status not in STATUSES:
        raise InvalidInput("errors.action_status")
    return text, owner


def add(
    cur: Cursor,
    actor: people.User,
    round_id: int,
    text: str,
    owner: str = "",
    theme_id: str | None = None,
    due_on: date | None = None,
) -> GroupAction:
    """The team's manager records an action for the whole group."""
    round_ = rounds.get(cur, round_id)
    if not rounds.manages_team(cur, actor, round_.team_id):
        raise NotAllowed("errors.not_your_team")
    text, owner = _check(text, owner, theme_id)
    action_id = cur.value(
        "INSERT INTO group_actions (team_id, round_id, text_enc, theme_id, owner, due_on)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [round_.team_id, round_id, cur.cipher.encrypt(text), theme_id, owner, due_on],
    )
    audit.record(cur, actor.id, actor.username, ACTION_ADDED, None, f"action {action_id}")
    return get(cur, actor, int(action_id))


def get(cur: Cursor, actor: people.User, action_id: int) -> GroupAction:
    row = cur.one(f"SELECT {_COLUMNS} FROM group_actions WHERE id = ?", [action_id])
    if row is None:
        raise NotFound()
    action = _action(cur, row)
    _require_reader(cur, actor, action.team_id)
    return action


def update(
    cur: Cursor,
    actor: people.User,
    action_id: int,
    *,
    text: str,
    owner: str,
    theme_id: str | None,
    due_on: date | None,
    status: str,
) -> GroupAction:
    action = get(cur, actor, action_id)
    if not rounds.manages_team(cur, actor, action.team_id):
        raise NotAllowed("errors.not_your_team")
    text, owner = _check(text, owner, theme_id, status)
    cur.run(
        "UPDATE group_actions SET text_enc = ?, owner = ?, theme_id = ?, due_on = ?,"
        " status = ?, updated_at = current_timestamp WHERE id = ?",
        [cur.cipher.encrypt(text), owner, theme_id, due_on, status, action_id],
    )
    audit.record(cur, actor.id, actor.username, ACTION_CHANGED, None, f"action {action_id}")
    return get(cur, actor, action_id)


def _require_reader(cur: Cursor, actor: people.User, team_id: int) -> None:
    allowed = (
        actor.member_of(team_id)
        or rounds.manages_team(cur, actor, team_id)
        or actor.has(people.ADMIN)
    )
    if not allowed:
        raise NotAllowed("errors.not_your_team")


def for_team(cur: Cursor, actor: people.User, team_id: int) -> list[GroupAction]:
    """Every action of the team, open ones first, newest first within each status."""
    _require_reader(cur, actor, team_id)
    rows = cur.all(
        f"SELECT {_COLUMNS} FROM group_actions WHERE team_id = ?"
        " ORDER BY status = 'open' DESC, created_at DESC, id DESC",
        [team_id],
    )
    return [_action(cur, row) for row in rows]


def for_round(cur: Cursor, actor: people.User, round_id: int) -> list[GroupAction]:
    """The round's own actions plus open actions carried over from earlier rounds.

    One query with the round's team, for the access check (the employee's page asks on
    every click)."""
    columns = ", ".join(f"a.{column}" for column in _COLUMNS.split(", "))
    rows = cur.all(
        f"SELECT r.team_id, {columns} FROM rounds r LEFT JOIN group_actions a"
        " ON a.team_id = r.team_id"
        " AND (a.round_id = r.id OR (a.status = 'open' AND a.round_id < r.id))"
        " WHERE r.id = ? ORDER BY a.status = 'open' DESC, a.created_at DESC, a.id DESC",
        [round_id],
    )
    if not rows:
        raise NotFound()
    _require_reader(cur, actor, rows[0][0])
    return [_action(cur, row[1:]) for row in rows if row[1] is not None]
