"""What an administrator does: people, teams, settings, the CSV import and the audit log.

Every function takes the acting user and refuses anyone without the admin role. Nothing
here reads preparation notes, shared items, agreements or conversation records: the
admin role runs the organisation, it never sees what was said.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from core import audit, auth, imports, people, settings, teams
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound

USER_UPDATED = "user_updated"
USER_DEACTIVATED = "user_deactivated"
USER_REACTIVATED = "user_reactivated"
TEAM_CHANGED = "team_changed"
SETTINGS_CHANGED = "settings_changed"
MAX_LISTED_PEOPLE = 500  # a screenful to scroll; a search narrows a large organisation
AUDIT_PAGE_SIZE = 50
PERSON_COLUMNS = (
    "u.id, u.username, u.name, u.email, u.active, u.must_change_password,"
    " coalesce(string_agg(r.role, ',' ORDER BY r.role), ''), u.team_id, t.name,"
    " u.manager_id, m.name"
)
PERSON_FROM = (
    " FROM users u LEFT JOIN user_roles r ON r.user_id = u.id"
    " LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id"
)
PERSON_GROUP = (
    " GROUP BY u.id, u.username, u.name, u.email, u.active, u.must_change_password,"
    " u.team_id, t.name, u.manager_id, m.name"
)


@dataclass(frozen=True)
class Person:
    """One row of the people list: who someone is and where they belong. No content."""

    id: int
    username: str
    name: str
    email: str
    active: bool
    must_change_password: bool
    roles: frozenset[str]
    team_id: int | None
    team: str | None
    manager_id: int | None
    manager: str | None


@dataclass(frozen=True)
class PeoplePage:
    people: tuple[Person, ...]
    total: int  # matches in all; more than len(people) when the list was cut


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str
    manager_id: int | None
    manager: str | None
    members: int


@dataclass(frozen=True)
class FrozenRound:
    """A round that keeps the k it had when its first conversation was recorded."""

    round_id: int
    round: str
    team: str
    state: str
    k: int


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    subject: str | None  # username of the person the entry is about
    detail: str


@dataclass(frozen=True)
class AuditPage:
    entries: tuple[AuditRow, ...]
    total: int
    page: int
    pages: int


def require_admin(actor: people.User) -> None:
    if not (actor.active and actor.has(people.ADMIN)):
        raise NotAllowed("errors.admin_only")


# --- People ----------------------------------------------------------------------------


def _person(row: tuple) -> Person:
    roles = frozenset(r for r in row[6].split(",") if r)
    return Person(*row[:6], roles, *row[7:])


def list_people(
    cur: Cursor, actor: people.User, search: str = "", limit: int = MAX_LISTED_PEOPLE
) -> PeoplePage:
    """People whose username, name or email contains `search`, by name."""
    require_admin(actor)
    needle = search.strip().lower()
    where = (
        " WHERE ? = '' OR contains(lower(u.username), ?) OR contains(lower(u.name), ?)"
        " OR contains(lower(u.email), ?)"
    )
    params = [needle] * 4
    total = int(cur.value(f"SELECT count(*) FROM users u{where}", params))
    rows = cur.all(
        f"SELECT {PERSON_COLUMNS}{PERSON_FROM}{where}{PERSON_GROUP}"
        " ORDER BY lower(u.name), u.username LIMIT ?",
        [*params, limit],
    )
    return PeoplePage(tuple(_person(row) for row in rows), total)


def person(cur: Cursor, actor: people.User, user_id: int) -> Person:
    require_admin(actor)
    row = cur.one(f"SELECT {PERSON_COLUMNS}{PERSON_FROM} WHERE u.id = ?{PERSON_GROUP}", [user_id])
    if row is None:
        raise NotFound()
    return _person(row)


def managers(cur: Cursor, actor: people.User) -> list[Person]:
    """Active people with the manager role: the choices for anyone's manager."""
    require_admin(actor)
    rows = cur.all(
        f"SELECT {PERSON_COLUMNS}{PERSON_FROM} WHERE u.active AND u.id IN"
        " (SELECT user_id FROM user_roles WHERE role = 'manager')"
        f"{PERSON_GROUP} ORDER BY lower(u.name), u.username"
    )
    return [_person(row) for row in rows]


def _check_manager(cur: Cursor, manager_id: int | None, user_id: int | None = None) -> None:
    if manager_id is None:
        return
    if manager_id == user_id:
        raise InvalidInput("import.own_manager")
    manager = people.get(cur, manager_id)
    if not (manager.active and manager.has(people.MANAGER)):
        raise InvalidInput("errors.manager_invalid", manager=manager.username)


def _check_team(cur: Cursor, team_id: int | None) -> None:
    if team_id is not None and teams.get(cur, team_id) is None:
        raise NotFound()


def create_person(cur: Cursor, actor: people.User, user: people.NewUser) -> tuple[int, str]:
    """Create someone with a random first password; return their id and that password."""
    require_admin(actor)
    user = people.NewUser(
        people.normalise_username(user.username),
        user.name,
        user.email.strip(),
        user.roles,
        user.manager_id,
        user.team_id,
    )
    _check_manager(cur, user.manager_id)
    _check_team(cur, user.team_id)
    password = auth.generate_password()
    user_id = people.create(
        cur,
        user,
        auth.hash_generated_password(password),
        must_change_password=True,
        actor=actor.username,
        actor_id=actor.id,
    )
    return user_id, password


def _active_admins(cur: Cursor) -> int:
    return int(
        cur.value(
            "SELECT count(*) FROM users u JOIN user_roles r ON r.user_id = u.id"
            " WHERE u.active AND r.role = 'admin'"
        )
    )


def _manages(cur: Cursor, user_id: int) -> tuple[int, int]:
    """(teams led, active direct reports) of a person."""
    led = int(cur.value("SELECT count(*) FROM teams WHERE manager_id = ?", [user_id]))
    reports = int(
        cur.value("SELECT count(*) FROM users WHERE manager_id = ? AND active", [user_id])
    )
    return led, reports


def update_person(
    cur: Cursor,
    actor: people.User,
    user_id: int,
    *,
    name: str,
    email: str,
    roles: frozenset[str],
    manager_id: int | None,
    team_id: int | None,
) -> Person:
    """Change someone's name, email, roles, manager and team; audit what changed."""
    require_admin(actor)
    before = people.get(cur, user_id)
    edited = people.NewUser(before.username, name, email.strip(), frozenset(roles))
    problems = people.validate(edited)
    if problems:
        raise InvalidInput(problems[0])
    dropping_admin = before.active and before.has(people.ADMIN) and people.ADMIN not in roles
    if dropping_admin and _active_admins(cur) <= 1:
        raise Conflict("errors.last_admin")
    if people.MANAGER in before.roles and people.MANAGER not in roles:
        led, reports = _manages(cur, user_id)
        if led or reports:
            raise Conflict("errors.still_manager", teams=led, reports=reports)
    if manager_id != before.manager_id:
        _check_manager(cur, manager_id, user_id)
    if team_id != before.team_id:
        _check_team(cur, team_id)
    with cur.transaction():
        cur.run(
            "UPDATE users SET name = ?, email = ?, manager_id = ?, team_id = ? WHERE id = ?",
            [edited.name.strip(), edited.email, manager_id, team_id, user_id],
        )
        changed = [
            field
            for field, old, new in (
                ("name", before.name, edited.name.strip()),
                ("email", before.email, edited.email),
                ("manager", before.manager_id, manager_id),
            )
            if old != new
        ]
        if changed:
            audit.record(cur, actor.id, actor.username, USER_UPDATED, user_id, ",".join(changed))
        if roles != before.roles:
            cur.run("DELETE FROM user_roles WHERE user_id = ?", [user_id])
            for role in sorted(roles):
                cur.run("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", [user_id, role])
            detail = f"{','.join(sorted(before.roles))} -> {','.join(sorted(roles))}"
            audit.record(cur, actor.id, actor.username, audit.ROLES_CHANGED, user_id, detail)
        if team_id != before.team_id:
            detail = f"{_team_name(cur, before.team_id)} -> {_team_name(cur, team_id)}"
            audit.record(cur, actor.id, actor.username, TEAM_CHANGED, user_id, detail)
    return person(cur, actor, user_id)


def _team_name(cur: Cursor, team_id: int | None) -> str:
    team = teams.get(cur, team_id) if team_id is not None else None
    return team.name if team else "-"


def deactivate(cur: Cursor, actor: people.User, user_id: int, now: float) -> None:
    """The person can no longer log in; open sessions end; their data is kept."""
    require_admin(actor)
    target = people.get(cur, user_id)
    if target.id == actor.id:
        raise Conflict("errors.deactivate_self")
    if not target.active:
        return
    with cur.transaction():
        cur.run("UPDATE users SET active = FALSE WHERE id = ?", [user_id])
        auth.revoke_sessions(cur, user_id, now)
        audit.record(cur, actor.id, actor.username, USER_DEACTIVATED, user_id)


def reactivate(cur: Cursor, actor: people.User, user_id: int) -> None:
    require_admin(actor)
    target = people.get(cur, user_id)
    if target.active:
        return
    cur.run("UPDATE users SET active = TRUE WHERE id = ?", [user_id])
    audit.record(cur, actor.id, actor.username, USER_REACTIVATED, user_id)


def reset_password(cur: Cursor, actor: people.User, user_id: int, now: float) -> str:
    """A temporary password the person must replace at their next login."""
    require_admin(actor)
    return auth.reset_password(cur, actor, user_id, now)


# --- Import ----------------------------------------------------------------------------


def preview_import(cur: Cursor, actor: people.User, text: str) -> imports.Preview:
    require_admin(actor)
    return imports.preview(cur, text)


def import_people(
    cur: Cursor,
    actor: people.User,
    text: str,
    progress: Callable[[int, int], None] | None = None,
) -> list[auth.CreatedLogin]:
    """Check the file again and import all of it, or nothing if any line is bad."""
    require_admin(actor)
    checked = imports.preview(cur, text)
    if not checked.ok:
        raise InvalidInput("errors.import_has_problems", count=len(checked.problems))
    return imports.import_rows(cur, checked, actor.username, actor.id, progress=progress)


# --- Teams -----------------------------------------------------------------------------


def list_teams(cur: Cursor, actor: people.User) -> list[TeamInfo]:
    require_admin(actor)
    rows = cur.all(
        "SELECT t.id, t.name, t.manager_id, m.name,"
        " (SELECT count(*) FROM users u WHERE u.team_id = t.id AND u.active)"
        " FROM teams t LEFT JOIN users m ON m.id = t.manager_id ORDER BY lower(t.name)"
    )
    return [TeamInfo(*row) for row in rows]


def _team(cur: Cursor, team_id: int) -> teams.Team:
    team = teams.get(cur, team_id)
    if team is None:
        raise NotFound()
    return team


def create_team(cur: Cursor, actor: people.User, name: str, manager_id: int | None = None) -> int:
    require_admin(actor)
    _check_manager(cur, manager_id)
    with cur.transaction():
        team_id = teams.create(cur, name, manager_id)
        audit.record(cur, actor.id, actor.username, TEAM_CHANGED, None, f"created {name.strip()}")
    return team_id


def rename_team(cur: Cursor, actor: people.User, team_id: int, name: str) -> None:
    require_admin(actor)
    team = _team(cur, team_id)
    name = name.strip()
    if name == team.name:
        return
    if not name or len(name) > teams.MAX_TEAM_NAME_CHARS or any(ord(c) < 32 for c in name):
        raise InvalidInput("errors.team_name")
    if teams.by_name(cur, name) is not None:
        raise Conflict("errors.team_taken", team=name)
    cur.run("UPDATE teams SET name = ? WHERE id = ?", [name, team_id])
    detail = f"renamed {team.name} -> {name}"
    audit.record(cur, actor.id, actor.username, TEAM_CHANGED, None, detail)


def set_team_manager(cur: Cursor, actor: people.User, team_id: int, manager_id: int | None) -> None:
    """Give a team its manager; the team's members now report to them.

    Rounds and conversation records stay with the team they were made in.
    """
    require_admin(actor)
    team = _team(cur, team_id)
    _check_manager(cur, manager_id)
    with cur.transaction():
        teams.set_manager(cur, team_id, manager_id)
        if manager_id is not None:
            cur.run(
                "UPDATE users SET manager_id = ? WHERE team_id = ? AND id <> ?",
                [manager_id, team_id, manager_id],
            )
        manager = people.get(cur, manager_id).username if manager_id is not None else "-"
        detail = f"manager of {team.name}: {manager}"
        audit.record(cur, actor.id, actor.username, TEAM_CHANGED, None, detail)


def move_person(cur: Cursor, actor: people.User, user_id: int, team_id: int | None) -> None:
    """Move someone to another team (or none); they report to its manager from now on.

    What was recorded in earlier rounds stays with the team it was made in.
    """
    require_admin(actor)
    before = people.get(cur, user_id)
    team = _team(cur, team_id) if team_id is not None else None
    if team_id == before.team_id:
        return
    manager_id = before.manager_id
    if team is not None and team.manager_id is not None and team.manager_id != user_id:
        manager_id = team.manager_id
    with cur.transaction():
        cur.run(
            "UPDATE users SET team_id = ?, manager_id = ? WHERE id = ?",
            [team_id, manager_id, user_id],
        )
        detail = f"{_team_name(cur, before.team_id)} -> {team.name if team else '-'}"
        audit.record(cur, actor.id, actor.username, TEAM_CHANGED, user_id, detail)


# --- Settings --------------------------------------------------------------------------


def frozen_k_rounds(cur: Cursor, actor: people.User) -> list[FrozenRound]:
    """Rounds not yet closed whose k is frozen by their first conversation record."""
    require_admin(actor)
    rows = cur.all(
        "SELECT r.id, r.name, t.name, r.state, r.k FROM rounds r JOIN teams t ON t.id = r.team_id"
        " WHERE r.state <> 'closed' AND r.k IS NOT NULL ORDER BY lower(t.name), r.id"
    )
    return [FrozenRound(*row) for row in rows]


def _parse_all(current: settings.Settings, raw: Mapping[str, str]) -> dict[str, int | str]:
    parsed = {}
    for key, value in raw.items():
        if key not in settings.SETTINGS:
            raise NotFound()
        try:
            parsed[key] = settings.parse(key, str(value))
        except InvalidInput as exc:
            raise InvalidInput(exc.key, setting=key, **exc.params) from None
    target = parsed.get("timer_target_minutes", current.timer_target_minutes)
    limit = parsed.get("timer_limit_minutes", current.timer_limit_minutes)
    if limit <= target:
        field = "timer_limit_minutes" if "timer_limit_minutes" in parsed else "timer_target_minutes"
        raise InvalidInput("errors.timer_limit", setting=field, target=target)
    return {key: value for key, value in parsed.items() if getattr(current, key) != value}


def save_settings(cur: Cursor, actor: people.User, raw: Mapping[str, str]) -> list[str]:
    """Check every given value, then store them together; return the keys that changed.

    k is frozen per round once the round holds a conversation record: a new k is refused
    while a round that is not closed has another frozen k.
    """
    require_admin(actor)
    changed = _parse_all(settings.load(cur), raw)
    if "k" in changed:
        clash = [r for r in frozen_k_rounds(cur, actor) if r.k != changed["k"]]
        if clash:
            names = ", ".join(f"{r.team}: {r.round} (k = {r.k})" for r in clash)
            raise Conflict("errors.k_frozen", setting="k", rounds=names)
    if not changed:
        return []
    with cur.transaction():
        for key, value in changed.items():
            settings.store(cur, key, str(value))
        detail = ", ".join(f"{key}={value}" for key, value in changed.items())
        audit.record(cur, actor.id, actor.username, SETTINGS_CHANGED, None, detail)
    return list(changed)


def set_setting(cur: Cursor, actor: people.User, key: str, raw: str) -> bool:
    """Change one setting; True when it changed. Same rules as save_settings."""
    return bool(save_settings(cur, actor, {key: raw}))


# --- Audit log -------------------------------------------------------------------------


def audit_actions(cur: Cursor, actor: people.User) -> list[str]:
    """The actions present in the log: the fixed choices of the action filter."""
    require_admin(actor)
    return [row[0] for row in cur.all("SELECT DISTINCT action FROM audit_log ORDER BY action")]


def audit_log(
    cur: Cursor,
    actor: people.User,
    *,
    person: str = "",
    action: str | None = None,
    page: int = 0,
    per_page: int = AUDIT_PAGE_SIZE,
) -> AuditPage:
    """Entries newest first, all or of one action, and by or about anyone whose username
    or name contains `person` (any case), or whose recorded actor name does: the admin
    page's search box, which spares it a select list of everybody."""
    require_admin(actor)
    conditions, params = [], []
    needle = person.strip().lower()
    if needle:
        matching = (
            "SELECT id FROM users WHERE contains(lower(username), ?) OR contains(lower(name), ?)"
        )
        conditions.append(
            f"(contains(lower(a.actor), ?) OR a.actor_id IN ({matching})"
            f" OR a.subject_id IN ({matching}))"
        )
        params += [needle] * 5
    if action is not None:
        conditions.append("a.action = ?")
        params.append(action)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    total = int(cur.value(f"SELECT count(*) FROM audit_log a{where}", params))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    rows = cur.all(
        "SELECT a.occurred_at, a.actor, a.action, s.username, a.detail FROM audit_log a"
        f" LEFT JOIN users s ON s.id = a.subject_id{where} ORDER BY a.id DESC LIMIT ? OFFSET ?",
        [*params, per_page, page * per_page],
    )
    return AuditPage(tuple(AuditRow(*row) for row in rows), total, page, pages)
