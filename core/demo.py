"""A small demo organisation for trying the app: `python -m core.cli demo`."""

from core import auth, people, rounds, teams
from core.db import Cursor
from core.errors import Conflict

ADMIN = ("hr", "Hanne Rasmussen (HR)")
TEAMS = {
    "Team Nord": (
        ("mette", "Mette Lund"),
        [
            ("anne", "Anne Holm"),
            ("bo", "Bo Nielsen"),
            ("camilla", "Camilla Jensen"),
            ("david", "David Sørensen"),
            ("emma", "Emma Kristensen"),
            ("frederik", "Frederik Møller"),
        ],
    ),
    "Team Syd": (
        ("jonas", "Jonas Bak"),
        [
            ("gitte", "Gitte Poulsen"),
            ("henrik", "Henrik Larsen"),
            ("ida", "Ida Thomsen"),
            ("jakob", "Jakob Olsen"),
            ("karen", "Karen Madsen"),
            ("lars", "Lars Pedersen"),
        ],
    ),
}


def _add(cur: Cursor, logins: list, role: str, user: people.NewUser) -> int:
    password = auth.generate_password()
    user_id = people.create(
        cur, user, auth.hash_generated_password(password), is_demo=True, actor="demo"
    )
    logins.append(auth.CreatedLogin(role, user.username, password))
    return user_id


def create(cur: Cursor, now: float) -> list[auth.CreatedLogin]:
    """Create the demo organisation and return every login (role, username, password)."""
    if people.count(cur):
        key = "errors.demo_exists" if people.only_demo_users(cur) else "errors.demo_refused"
        raise Conflict(key)
    logins: list[auth.CreatedLogin] = []
    with cur.transaction():
        _add(cur, logins, people.ADMIN, people.NewUser(*ADMIN, roles=frozenset({people.ADMIN})))
        for team_name, ((m_user, m_name), members) in TEAMS.items():
            team_id = teams.create(cur, team_name)
            manager = people.NewUser(
                m_user, m_name, roles=frozenset({people.MANAGER}), team_id=None
            )
            manager_id = _add(cur, logins, people.MANAGER, manager)
            teams.set_manager(cur, team_id, manager_id)
            for username, name in members:
                employee = people.NewUser(
                    username,
                    name,
                    roles=frozenset({people.EMPLOYEE}),
                    manager_id=manager_id,
                    team_id=team_id,
                )
                _add(cur, logins, people.EMPLOYEE, employee)
            manager_user = people.get(cur, manager_id)
            round_id = rounds.create(cur, manager_user, team_id, "MUS 2026")
            rounds.advance(cur, manager_user, round_id, rounds.OPEN)
    return logins
