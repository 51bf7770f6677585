"""A broken installation stops the app and the CLI with a message, and changes nothing.

A corrupt, empty or foreign database file, one written by a newer version, a missing
data key or a broken content file: the app (AppTest) shows one message naming the file
and saying what to do, and no login form; the CLI (a real subprocess, as an operator
runs it) prints the same kind of message and fails. Neither writes anything: every file
in the data directory keeps its bytes and no file appears or disappears.
"""

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from core import config, content, db
from tests.conftest import _seed_org, new_app, run_cli
from ui import resources

DB_FILE = config.DB_FILENAME


def corrupt(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / DB_FILE).write_bytes(b"\x00garbage, not a database\x7f" * 400)


def empty(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / DB_FILE).write_bytes(b"")


def foreign_duckdb(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / DB_FILE).unlink()
    with duckdb.connect(str(data_dir / DB_FILE)) as other:
        other.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
        other.execute("INSERT INTO customers VALUES (1, 'Someone Else''s data')")


def sqlite_file(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / DB_FILE).unlink()
    with sqlite3.connect(data_dir / DB_FILE) as other:
        other.execute("CREATE TABLE notes (text TEXT)")


def newer_version(data_dir: Path, tmp_path: Path) -> None:
    database = db.open_database(config.load(data_dir))
    database.cursor().run("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    database.close()


def missing_key(data_dir: Path, tmp_path: Path) -> None:
    (data_dir / config.DATA_KEY_FILE).unlink()


def broken_content(data_dir: Path, tmp_path: Path) -> None:
    """A copy of content/ whose Danish ui.yaml is cut off mid-line; the app points at it."""
    copy = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, copy)
    ui = copy / "da" / "ui.yaml"
    ui.write_text(ui.read_text(encoding="utf-8")[:400] + '\n  broken: "no end quote\n')


def unreadable_content(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, copy)
    (copy / "en" / "themes.yaml").write_bytes(b"themes:\n  - id: \xff\xfe not utf-8\n")


# name: (how it breaks, what the message must hold: the file, then what to do)
BROKEN: dict[str, tuple[Callable[[Path, Path], None], Callable[[Path], tuple[str, ...]]]] = {
    "corrupt database": (corrupt, lambda d: (str(d / DB_FILE), "backup")),
    "empty database file": (empty, lambda d: (str(d / DB_FILE), "backup")),
    "another application's DuckDB file": (
        foreign_duckdb,
        lambda d: (str(d / DB_FILE), "another application", "TRIVSEL_DATA_DIR"),
    ),
    "an SQLite file": (sqlite_file, lambda d: (str(d / DB_FILE), "backup")),
    "written by a newer version": (newer_version, lambda d: (str(d / DB_FILE), "Upgrade")),
    "missing data key": (
        missing_key,
        lambda d: (str(d / config.DATA_KEY_FILE), "missing", "backup"),
    ),
    "content file that is not YAML": (
        broken_content,
        lambda d: ("content/da/ui.yaml", "not valid YAML", "Fix that file"),
    ),
    "content file that is not UTF-8": (
        unreadable_content,
        lambda d: ("content/en/themes.yaml", "cannot be read", "Fix that file"),
    ),
}


@pytest.fixture
def installation(app_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory with keys and a database holding an organisation."""
    monkeypatch.delenv(content.CONTENT_DIR_VARIABLE, raising=False)
    database = db.open_database(config.load(app_data_dir))
    _seed_org(database.cursor())
    database.close()
    return app_data_dir


def break_it(name: str, data_dir: Path, tmp_path: Path, monkeypatch) -> tuple[str, ...]:
    breaks, message = BROKEN[name]
    breaks(data_dir, tmp_path)
    if (tmp_path / "content").exists():
        monkeypatch.setenv(content.CONTENT_DIR_VARIABLE, str(tmp_path / "content"))
    return message(data_dir)


def snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file below the folders with its bytes."""
    return {
        str(path): path.read_bytes()
        for folder in folders
        if folder.exists()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def fresh_content_cache():
    """The app caches the content per process: load it anew for this test, and after it."""
    resources.app_content.clear()
    yield
    resources.app_content.clear()


@pytest.mark.parametrize("name", BROKEN)
def test_the_app_stops_with_a_message_and_writes_nothing(
    name: str, installation: Path, tmp_path: Path, monkeypatch, fresh_content_cache
) -> None:
    expected = break_it(name, installation, tmp_path, monkeypatch)
    before = snapshot(installation, tmp_path / "content")
    at = new_app().run()
    assert not at.exception
    (message,) = [e.value for e in at.error]
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert "extensions.duckdb.org" not in message  # DuckDB was not sent to fetch a reader
    assert not at.text_input  # no login form on top of a broken installation
    assert snapshot(installation, tmp_path / "content") == before


CLI_COMMANDS = {
    "create-admin": (
        ["create-admin", "--username=boss", "--name=Boss", "--password-stdin"],
        "a long admin secret\n",
    ),
    "rotate-key": (["rotate-key"], ""),
}


@pytest.mark.parametrize("command", CLI_COMMANDS)
@pytest.mark.parametrize("name", BROKEN)
def test_the_cli_stops_with_a_message_and_writes_nothing(
    name: str, command: str, installation: Path, tmp_path: Path, monkeypatch
) -> None:
    expected = break_it(name, installation, tmp_path, monkeypatch)
    before = snapshot(installation, tmp_path / "content")
    args, stdin = CLI_COMMANDS[command]
    done = run_cli(*args, stdin=stdin)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    assert "extensions.duckdb.org" not in done.stderr
    for part in expected:
        assert part in done.stderr, f"{part!r} not in {done.stderr!r}"
    assert snapshot(installation, tmp_path / "content") == before
