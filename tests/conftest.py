"""Named fixtures shared by every test: a real DuckDB file, users, logged-in apps."""

import asyncio
import concurrent.futures
import functools
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import pytest
from cryptography.fernet import Fernet
from streamlit.testing.v1 import AppTest

from core import db, people, rounds, settings, teams
from core.crypto import cipher

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"  # the password every test user gets
_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory that does not exist yet; no keys come from the environment."""
    monkeypatch.delenv("TRIVSEL_DATA_KEY", raising=False)
    monkeypatch.delenv("TRIVSEL_COOKIE_KEY", raising=False)
    return tmp_path / "data"


@pytest.fixture
def database(tmp_path: Path) -> Iterator[db.Database]:
    """A migrated database in a real temporary DuckDB file."""
    database = db.connect(tmp_path / "test.duckdb", cipher(Fernet.generate_key()))
    yield database
    database.close()


@pytest.fixture
def cur(database: db.Database) -> db.Cursor:
    return database.cursor()


class Counting:
    """A DuckDB connection that counts the statements sent to it."""

    def __init__(self, raw) -> None:
        self.raw, self.sent = raw, []

    def execute(self, sql, *params):
        self.sent.append(sql)
        return self.raw.execute(sql, *params)

    def __getattr__(self, name):
        return getattr(self.raw, name)


def counting(cur: db.Cursor) -> Counting:
    cur.raw = Counting(cur.raw)
    return cur.raw


MakeUser = Callable[..., people.User]


@pytest.fixture
def make_user(cur: db.Cursor) -> MakeUser:
    """Create a user whose password is PASSWORD."""
    return functools.partial(new_user, cur)


@dataclass(frozen=True)
class Org:
    admin: people.User
    manager: people.User
    other_manager: people.User
    team_id: int
    other_team_id: int
    employees: tuple[people.User, ...]
    other_employee: people.User


def new_user(cur: db.Cursor, username: str, *roles: str, **links: object) -> people.User:
    """A user whose password is PASSWORD."""
    manager = links.pop("manager", None)
    user = people.NewUser(
        username,
        username.capitalize(),
        f"{username}@example.org",
        frozenset(roles or {people.EMPLOYEE}),
        manager.id if manager else None,
        links.pop("team_id", None),
    )
    return people.get(cur, people.create(cur, user, _HASH, **links))


@pytest.fixture
def seeded_org(cur: db.Cursor) -> Org:
    return _seed_org(cur)


def _seed_org(cur: db.Cursor) -> Org:
    """An admin; manager 'mona' with team A (anna, bent, carl, dina, emil);
    manager 'otto' with team B (olga)."""
    make_user = functools.partial(new_user, cur)
    admin = make_user("admin", people.ADMIN)
    manager = make_user("mona", people.MANAGER)
    other_manager = make_user("otto", people.MANAGER)
    team_id = teams.create(cur, "Team A", manager.id)
    other_team_id = teams.create(cur, "Team B", other_manager.id)
    employees = tuple(
        make_user(name, manager=manager, team_id=team_id)
        for name in ("anna", "bent", "carl", "dina", "emil")
    )
    other = make_user("olga", manager=other_manager, team_id=other_team_id)
    return Org(admin, manager, other_manager, team_id, other_team_id, employees, other)


class OrgPeople:
    """Short names for seeded_org's people, for a test's dataclass with an `org: Org` field."""

    org: Org

    @property
    def anna(self) -> people.User:
        return self.org.employees[0]

    @property
    def bent(self) -> people.User:
        return self.org.employees[1]

    @property
    def mona(self) -> people.User:
        return self.org.manager


@dataclass(frozen=True)
class OrgRound(OrgPeople):
    """seeded_org and one round of team A."""

    org: Org
    round_id: int


def open_round(cur: db.Cursor, manager: people.User, team_id: int, name: str = "MUS 2026") -> int:
    """A round of the team, created and opened by its manager."""
    round_id = rounds.create(cur, manager, team_id, name)
    rounds.advance(cur, manager, round_id, rounds.OPEN)
    return round_id


def hold(cur: db.Cursor, round_id: int, employee: people.User, *raised: tuple[str, str]) -> int:
    """A held conversation of the employee with their manager, in which these (theme,
    polarity) pairs were raised; k frozen as opening a conversation freezes it. Its id."""
    round_ = rounds.get(cur, round_id)
    conversation_id = cur.value(
        "INSERT INTO conversations (round_id, team_id, employee_id, manager_id, held_at)"
        " VALUES (?, ?, ?, ?, current_timestamp) RETURNING id",
        [round_id, round_.team_id, employee.id, employee.manager_id],
    )
    cur.run("UPDATE rounds SET k = coalesce(k, ?) WHERE id = ?", [settings.load(cur).k, round_id])
    for theme_id, polarity in raised:
        cur.run(
            "INSERT INTO conversation_themes VALUES (?, ?, ?)",
            [conversation_id, theme_id, polarity],
        )
    return int(conversation_id)


def team_in_closed_file(
    path: Path, usernames: Iterable[str]
) -> tuple[Path, bytes, list[people.User], int]:
    """Manager mona's team of these people in an open round, in a new database file that
    is closed again for other threads or processes to open: (path, key, staff, round id)."""
    key = Fernet.generate_key()
    database = db.connect(path, cipher(key))
    cur = database.cursor()
    manager = new_user(cur, "mona", people.MANAGER)
    team_id = teams.create(cur, "Team A", manager.id)
    staff = [new_user(cur, name, manager=manager, team_id=team_id) for name in usernames]
    round_id = open_round(cur, manager, team_id)
    database.close()
    return path, key, staff, round_id


@pytest.fixture
def app_data_dir(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory for the app under test, with fast logins."""
    monkeypatch.setenv("TRIVSEL_DATA_DIR", str(data_dir))
    monkeypatch.setenv("TRIVSEL_LOGIN_SLEEP_TIME", "0")
    return data_dir


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`python -m core.cli ARGS` in a process of its own, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def chromium_path() -> str:
    return os.environ.get("TRIVSEL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def app_db(app_data_dir: Path) -> Iterator[db.Cursor]:
    """A cursor on the database the app under test opens (same file, same process)."""
    from core import config

    database = db.open_database(config.load(app_data_dir))
    yield database.cursor()


@pytest.fixture
def app_org(app_db: db.Cursor) -> Org:
    """seeded_org, in the database of the app under test."""
    return _seed_org(app_db)


def new_app(timeout: float = 30) -> AppTest:
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)


def widget(elements, label: str):
    """The one widget with this label (labels come from content/)."""
    found = [e for e in elements if e.label == label]
    assert len(found) == 1, f"expected one widget labelled {label!r}, found {len(found)}"
    return found[0]


def log_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill the login form as a user would and submit it."""
    if not at.text_input:
        at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def texts(at: AppTest) -> str:
    """Everything a user can read on the page, as one string."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
        "code",
    ):
        parts += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    return "\n".join(parts)


def run_async(coroutine, timeout: float):
    """Run a coroutine to its end, within `timeout` seconds, on a thread of its own: once
    the browser tests have run, Playwright keeps an event loop in the main thread, where
    asyncio.run() is refused."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, timeout)).result()


@pytest.fixture(scope="module")
def protocol_app(tmp_path_factory: pytest.TempPathFactory):
    """A running app on 127.0.0.1 with a small seeded organisation (bench/seed.py), for
    tests that speak Streamlit's protocol (bench/ws_client.py); stopped by its PID."""
    from bench import seed
    from tests.e2e.conftest import Server

    server = Server(tmp_path_factory.mktemp("protocol") / "data")
    manifest = seed.seed(server.data_dir, employees=24, teams=2, n_rounds=2)
    try:
        yield server.start(), manifest
    finally:
        server.stop()
