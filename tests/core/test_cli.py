import io
import subprocess
import sys
from pathlib import Path

import pytest

from core import cli, config, db, people, rotation
from core.auth import LoginOutcome, check_login

NOW = 1_800_000_000.0


def run(data_dir: Path, *args: str, stdin: str = "") -> int:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return cli.main(["--data-dir", str(data_dir), *args])
    finally:
        sys.stdin = old


def open_cur(data_dir: Path) -> db.Cursor:
    return db.open_database(config.load(data_dir)).cursor()


def test_help_lists_the_admin_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("create-admin", "add-user", "import-users", "demo", "rotate-key"):
        assert command in out


def test_create_admin_then_log_in(data_dir: Path) -> None:
    code = run(
        data_dir,
        "create-admin",
        "--username=Boss",
        "--name=The Boss",
        "--password-stdin",
        stdin="a long admin secret\n",
    )
    assert code == 0
    cur = open_cur(data_dir)
    assert people.by_username(cur, "boss").roles == {people.ADMIN}
    assert check_login(cur, "boss", "a long admin secret", NOW) is LoginOutcome.OK
    cur.raw.close()


def test_create_admin_refuses_a_weak_password(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        data_dir, "create-admin", "--username=boss", "--name=B", "--password-stdin", stdin="short\n"
    )
    assert code == 1
    assert "at least 10 characters" in capsys.readouterr().err
    cur = open_cur(data_dir)
    assert people.count(cur) == 0


def test_import_reports_bad_lines_and_imports_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(
        "username,name,email,roles,manager,team\n"
        "mia,Mia,,manager,,\n"
        "nils,Nils,,employee,nobody,Lager\n"
    )
    assert run(data_dir, "import-users", str(csv)) == 1
    err = capsys.readouterr().err
    assert f"{csv}:3: The manager nobody is neither in the file" in err
    assert "Nothing was imported." in err
    assert people.count(open_cur(data_dir)) == 0


def test_import_prints_each_first_login(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(
        "username,name,email,roles,manager,team\nmia,Mia,,manager,,\nnils,Nils,,employee,mia,L\n"
    )
    assert run(data_dir, "import-users", str(csv)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["manager", "mia"], ["employee", "nils"]]
    cur = open_cur(data_dir)
    role, username, password = lines[1].split()
    assert check_login(cur, username, password, NOW) is LoginOutcome.OK
    assert people.by_username(cur, "nils").must_change_password


def test_demo_prints_working_logins_and_refuses_real_data(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "demo") == 0
    lines = capsys.readouterr().out.splitlines()
    roles = [line.split()[0] for line in lines]
    assert roles.count("admin") == 1 and roles.count("manager") == 2
    assert roles.count("employee") >= 10
    cur = open_cur(data_dir)
    role, username, password = lines[0].split()
    assert check_login(cur, username, password, NOW) is LoginOutcome.OK
    cur.raw.close()

    assert run(data_dir, "demo") == 1  # already there
    assert "already exists" in capsys.readouterr().err


def test_demo_refuses_a_database_with_real_users(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(
        data_dir,
        "create-admin",
        "--username=boss",
        "--name=B",
        "--password-stdin",
        stdin="a long admin secret\n",
    )
    assert run(data_dir, "demo") == 1
    assert "real users" in capsys.readouterr().err


def _all_free_text(data_dir: Path) -> list[str]:
    database = db.open_database(config.load(data_dir))
    cur = database.cursor()
    texts = sorted(
        cur.cipher.decrypt(value)
        for table, column in rotation.encrypted_columns(cur)
        for (value,) in cur.all(f"SELECT {column} FROM {table} WHERE {column} <> ''")
    )
    database.close()
    return texts


def test_rotate_key_reencrypts_everything_and_says_what_to_do_next(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "demo") == 0  # notes, agreements and a group action
    capsys.readouterr()
    before = _all_free_text(data_dir)
    old_key = (data_dir / "data.key").read_bytes()

    assert run(data_dir, "rotate-key") == 0
    out = capsys.readouterr().out
    assert f"Re-encrypted {len(before)} fields with a new data key" in out
    assert "data.key.old" in out and "backup" in out
    assert (data_dir / "data.key.old").read_bytes() == old_key
    assert (data_dir / "data.key").read_bytes() != old_key

    (data_dir / "data.key.old").unlink()  # as the operator does after a fresh backup
    assert _all_free_text(data_dir) == before


def test_rotate_key_leaves_a_key_from_the_environment_alone(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(data_dir, "demo") == 0
    capsys.readouterr()
    monkeypatch.setenv("TRIVSEL_DATA_KEY", (data_dir / "data.key").read_text())
    assert run(data_dir, "rotate-key") == 1
    assert "TRIVSEL_DATA_KEY" in capsys.readouterr().err
    assert not (data_dir / "data.key.new").exists()


def test_rotate_key_refuses_while_the_app_holds_the_database_and_changes_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "demo") == 0
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    holder = subprocess.Popen(  # stands in for the running app: it keeps the file open
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('open', flush=True);"
            " sys.stdin.read()",
            str(data_dir / config.DB_FILENAME),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        assert run(data_dir, "rotate-key") == 1
    finally:
        holder.communicate("", timeout=30)
    assert "in use by another process" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before  # no data.key.new
