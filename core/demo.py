"""A small demo organisation for trying the app: `python -m core.cli demo`."""

from core import actions, auth, content, conversations, people, preparation, rounds, teams
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
            _prepare_and_talk(cur, manager_user, round_id, now)
    return logins


# Who raised what in the demo's conversations: enough to publish some themes (k = 3)
# and to leave one hidden (raised by two).
RAISED = (
    (("workload_time_pressure", "straining"), ("collaboration", "protective")),
    (("workload_time_pressure", "straining"), ("meeting_structures", "straining")),
    (("workload_time_pressure", "straining"), ("collaboration", "protective")),
    (("collaboration", "protective"), ("meeting_structures", "straining")),
)
NOTES = (
    "Faste fokustimer uden møder om formiddagen.",
    "At vi hjælper hinanden, når det brænder på.",
    "Klare prioriteringer, når der kommer nye opgaver.",
    "Tid til at afslutte en opgave, før den næste starter.",
)


def _prepare_and_talk(cur: Cursor, manager: people.User, round_id: int, now: float) -> None:
    """Preparations for most employees, and held conversations for the first four."""
    employees = conversations.my_employees(cur, manager)
    for number, employee in enumerate(employees[:5]):
        item = content.PREPARATION_ITEM
        preparation.save_note(cur, employee, round_id, item, NOTES[number % 4], now)
        preparation.set_flag(cur, employee, round_id, "factors_1", True, now)
        if number % 2 == 0:
            preparation.share(cur, employee, round_id, item, now)
        preparation.set_ready(cur, employee, round_id, True, now)
    for employee, raised in zip(employees[:4], RAISED, strict=False):
        talk = conversations.open_conversation(cur, manager, employee.id, round_id)
        conversations.timer_start(cur, manager, talk.id, now - 660)
        for theme_id, polarity in raised:
            conversations.add_theme(cur, manager, talk.id, theme_id, polarity, now)
        conversations.add_agreement(
            cur,
            manager,
            talk.id,
            "Vi følger op på arbejdsmængden om en måned.",
            "both",
            None,
            now,
        )
        conversations.mark_held(cur, manager, talk.id, now)
    actions.add(cur, manager, round_id, "Mødefri formiddage to dage om ugen.", manager.name)
