"""Importing people from CSV: check every row first, then store all or nothing.

Columns: username,name,email,roles,manager,team. `roles` holds one or more of
employee/manager/admin separated by ";" or "|". `manager` is the username of the
person's manager (in the file or already stored); `team` the name of the team the
person belongs to (created when new). All members of a team must share one manager,
who becomes the team's manager.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from core import audit, auth, exports, people, teams
from core.db import Cursor

COLUMNS = ("username", "name", "email", "roles", "manager", "team")
MAX_ROWS = 50_000  # the largest organisation the app is sized for
MAX_BYTES = 10_000_000


@dataclass(frozen=True)
class Problem:
    line: int  # 1 is the header line, so the first person is on line 2
    key: str  # ui string key
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    line: int
    username: str
    name: str
    email: str
    roles: frozenset[str]
    manager: str
    team: str


@dataclass(frozen=True)
class Preview:
    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


def split_roles(raw: str) -> frozenset[str]:
    return frozenset(r.strip().lower() for r in raw.replace("|", ";").split(";") if r.strip())


def _read(text: str) -> tuple[list[Row], list[Problem]]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header) != COLUMNS:
        return [], [Problem(1, "import.bad_header", {"columns": ",".join(COLUMNS)})]
    rows, problems = [], []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            problems.append(Problem(line, "import.bad_cell_count", {"expected": len(COLUMNS)}))
            continue
        username, name, email, roles, manager, team = (c.strip() for c in cells)
        rows.append(
            Row(
                line,
                people.normalise_username(username),
                name,
                email,
                split_roles(roles),
                people.normalise_username(manager),
                team,
            )
        )
    return rows, problems


def _check_rows(cur: Cursor, rows: list[Row]) -> list[Problem]:
    problems = []
    in_file = {}
    for row in rows:
        new = people.NewUser(row.username, row.name, row.email, row.roles)
        problems += [Problem(row.line, key) for key in people.validate(new)]
        if row.username in in_file:
            problems.append(
                Problem(row.line, "import.duplicate", {"other": in_file[row.username].line})
            )
        elif people.by_username(cur, row.username) is not None:
            problems.append(Problem(row.line, "errors.username_taken", {"username": row.username}))
        in_file.setdefault(row.username, row)
    for row in rows:
        if not row.manager:
            continue
        manager = in_file.get(row.manager)
        stored = None if manager else people.by_username(cur, row.manager)
        roles = manager.roles if manager else (stored.roles if stored else frozenset())
        if manager is None and stored is None:
            problems.append(Problem(row.line, "import.manager_unknown", {"manager": row.manager}))
        elif people.MANAGER not in roles:
            problems.append(
                Problem(row.line, "import.manager_not_manager", {"manager": row.manager})
            )
        elif row.manager == row.username:
            problems.append(Problem(row.line, "import.own_manager"))
    return problems + _check_teams(cur, rows)


def _check_teams(cur: Cursor, rows: list[Row]) -> list[Problem]:
    """Every member of a team must have the team's one manager."""
    problems = []
    first_manager: dict[str, Row] = {}
    for row in rows:
        if not row.team:
            continue
        if not teams.valid_name(row.team):
            problems.append(Problem(row.line, "errors.team_name"))
            continue
        stored = teams.by_name(cur, row.team)
        if stored is not None and stored.manager_id is not None and row.manager:
            stored_manager = people.get(cur, stored.manager_id).username
            if stored_manager != row.manager:
                problems.append(
                    Problem(row.line, "import.team_manager_mismatch", {"team": row.team})
                )
                continue
        first = first_manager.setdefault(row.team, row)
        if first.manager != row.manager:
            problems.append(Problem(row.line, "import.team_manager_mismatch", {"team": row.team}))
    return problems


def preview(cur: Cursor, text: str) -> Preview:
    """Parse and check a CSV file without storing anything."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        return Preview((), (Problem(0, "import.too_big", {"limit": MAX_BYTES // 1_000_000}),))
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark, as spreadsheet programs write it
    try:
        rows, problems = _read(text)
    except csv.Error as exc:
        return Preview((), (Problem(0, "import.unreadable", {"reason": str(exc)}),))
    if len(rows) > MAX_ROWS:
        problems.append(Problem(0, "import.too_many", {"limit": MAX_ROWS}))
    if not rows and not problems:
        problems.append(Problem(0, "import.empty"))
    problems += _check_rows(cur, rows)
    return Preview(tuple(rows), tuple(sorted(problems, key=lambda p: p.line)))


def import_rows(
    cur: Cursor,
    checked: Preview,
    actor: str,
    actor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[auth.CreatedLogin]:
    """Store every row of a clean preview in one transaction; return first passwords."""
    if not checked.ok:
        raise ValueError("import_rows needs a preview without problems")
    logins = []
    ids: dict[str, int] = {}
    total = len(checked.rows)
    with cur.transaction():
        team_ids = _ensure_teams(cur, checked.rows)
        # Managers first, so employees can point at them.
        ordered = sorted(checked.rows, key=lambda r: people.MANAGER not in r.roles)
        for done, row in enumerate(ordered, start=1):
            password = auth.generate_password()
            user = people.NewUser(
                row.username, row.name, row.email, row.roles, None, team_ids.get(row.team)
            )
            ids[row.username] = people.create(
                cur,
                user,
                auth.hash_generated_password(password),
                must_change_password=True,
                actor=actor,
                actor_id=actor_id,
            )
            logins.append(auth.CreatedLogin(",".join(sorted(row.roles)), row.username, password))
            if progress:
                progress(done, total)
        _link_managers(cur, checked.rows, ids, team_ids)
        audit.record(cur, actor_id, actor, audit.USERS_IMPORTED, None, f"{total} users")
    return logins


def logins_csv(logins: list[auth.CreatedLogin]) -> str:
    """The first passwords of an import as CSV, every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(exports.csv_row(["username", "password", "roles"]))
    writer.writerows(exports.csv_row([x.username, x.password, x.role]) for x in logins)
    return out.getvalue()


def _ensure_teams(cur: Cursor, rows: tuple[Row, ...]) -> dict[str, int]:
    team_ids = {}
    for name in sorted({r.team for r in rows if r.team}):
        existing = teams.by_name(cur, name)
        team_ids[name] = existing.id if existing else teams.create(cur, name)
    return team_ids


def _link_managers(
    cur: Cursor, rows: tuple[Row, ...], ids: dict[str, int], team_ids: dict[str, int]
) -> None:
    for row in rows:
        if not row.manager:
            continue
        manager_id = ids.get(row.manager) or people.by_username(cur, row.manager).id
        cur.run("UPDATE users SET manager_id = ? WHERE id = ?", [manager_id, ids[row.username]])
        if row.team:
            teams.set_manager(cur, team_ids[row.team], manager_id)
