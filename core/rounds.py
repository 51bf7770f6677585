"""MUS rounds of a team: planned → open → closed, never back."""

from dataclasses import dataclass
from datetime import date, datetime

from core import audit, people
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound

PLANNED, OPEN, CLOSED = "planned", "open", "closed"
NEXT_STATE = {PLANNED: OPEN, OPEN: CLOSED}
MAX_ROUND_NAME_CHARS = 80
ROUND_COLUMNS = "id, team_id, name, state, starts_on, ends_on, k, opened_at, closed_at"
ROUND_TRANSITION = "round_transition"


@dataclass(frozen=True)
class Round:
    id: int
    team_id: int
    name: str
    state: str
    starts_on: date | None
    ends_on: date | None
    k: int | None
    opened_at: datetime | None
    closed_at: datetime | None


def _round(row: tuple | None) -> Round | None:
    return Round(*row) if row else None


def get(cur: Cursor, round_id: int) -> Round:
    found = _round(cur.one(f"SELECT {ROUND_COLUMNS} FROM rounds WHERE id = ?", [round_id]))
    if found is None:
        raise NotFound()
    return found


def manages_team(cur: Cursor, actor: people.User, team_id: int) -> bool:
    return actor.has(people.MANAGER) and bool(
        cur.value("SELECT count(*) FROM teams WHERE id = ? AND manager_id = ?", [team_id, actor.id])
    )


def _require_manager_of(cur: Cursor, actor: people.User, team_id: int) -> None:
    if not manages_team(cur, actor, team_id):
        raise NotAllowed("errors.not_your_team")


def for_team(cur: Cursor, actor: people.User, team_id: int) -> list[Round]:
    """A team's rounds, newest first: for its manager, its members and admins."""
    member = actor.member_of(team_id)
    if not (member or actor.has(people.ADMIN) or manages_team(cur, actor, team_id)):
        raise NotAllowed("errors.not_your_team")
    rows = cur.all(
        f"SELECT {ROUND_COLUMNS} FROM rounds WHERE team_id = ? ORDER BY created_at DESC, id DESC",
        [team_id],
    )
    return [Round(*row) for row in rows]


def current_for_member(cur: Cursor, actor: people.User) -> Round | None:
    """The employee's current round: the team's open one, else its newest one."""
    if not actor.member_of(actor.team_id):
        return None  # no team, or deactivated
    return _round(
        cur.one(
            f"SELECT {ROUND_COLUMNS} FROM rounds WHERE team_id = ?"
            " ORDER BY state = 'open' DESC, created_at DESC, id DESC LIMIT 1",
            [actor.team_id],
        )
    )


def create(
    cur: Cursor,
    actor: people.User,
    team_id: int,
    name: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> int:
    _require_manager_of(cur, actor, team_id)
    name = name.strip()
    if not name or len(name) > MAX_ROUND_NAME_CHARS or any(ord(c) < 32 for c in name):
        raise InvalidInput("errors.round_name", limit=MAX_ROUND_NAME_CHARS)
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput("errors.round_dates")
    round_id = cur.value(
        "INSERT INTO rounds (team_id, name, starts_on, ends_on) VALUES (?, ?, ?, ?) RETURNING id",
        [team_id, name, starts_on, ends_on],
    )
    audit.record(cur, actor.id, actor.username, ROUND_TRANSITION, None, f"{round_id}:created")
    return int(round_id)


def advance(cur: Cursor, actor: people.User, round_id: int, to_state: str) -> Round:
    """Move a round one step on. Only planned → open and open → closed exist."""
    current = get(cur, round_id)
    _require_manager_of(cur, actor, current.team_id)
    if NEXT_STATE.get(current.state) != to_state:
        raise Conflict("errors.round_transition", current=current.state, wanted=to_state)
    if to_state == OPEN and cur.value(
        "SELECT count(*) FROM rounds WHERE team_id = ? AND state = 'open'", [current.team_id]
    ):
        raise Conflict("errors.round_already_open")
    stamp = "opened_at" if to_state == OPEN else "closed_at"
    cur.run(
        f"UPDATE rounds SET state = ?, {stamp} = current_timestamp WHERE id = ?",
        [to_state, round_id],
    )
    audit.record(cur, actor.id, actor.username, ROUND_TRANSITION, None, f"{round_id}:{to_state}")
    return get(cur, round_id)
