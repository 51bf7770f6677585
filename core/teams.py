"""Teams and their managers."""

from dataclasses import dataclass

from core.db import Cursor
from core.errors import Conflict, InvalidInput

MAX_TEAM_NAME_CHARS = 80


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    manager_id: int | None


def valid_name(name: str) -> bool:
    """1 to MAX_TEAM_NAME_CHARS characters, none of them control characters (as a rename)."""
    name = name.strip()
    return bool(name) and len(name) <= MAX_TEAM_NAME_CHARS and all(ord(c) >= 32 for c in name)


def by_name(cur: Cursor, name: str) -> Team | None:
    row = cur.one("SELECT id, name, manager_id FROM teams WHERE name = ?", [name.strip()])
    return Team(*row) if row else None


def get(cur: Cursor, team_id: int) -> Team | None:
    row = cur.one("SELECT id, name, manager_id FROM teams WHERE id = ?", [team_id])
    return Team(*row) if row else None


def create(cur: Cursor, name: str, manager_id: int | None = None) -> int:
    name = name.strip()
    if not valid_name(name):
        raise InvalidInput("errors.team_name")
    if by_name(cur, name) is not None:
        raise Conflict("errors.team_taken", team=name)
    return int(
        cur.value(
            "INSERT INTO teams (name, manager_id) VALUES (?, ?) RETURNING id", [name, manager_id]
        )
    )


def set_manager(cur: Cursor, team_id: int, manager_id: int | None) -> None:
    cur.run("UPDATE teams SET manager_id = ? WHERE id = ?", [manager_id, team_id])


def managed_by(cur: Cursor, manager_id: int) -> list[Team]:
    rows = cur.all(
        "SELECT id, name, manager_id FROM teams WHERE manager_id = ? ORDER BY name", [manager_id]
    )
    return [Team(*row) for row in rows]
