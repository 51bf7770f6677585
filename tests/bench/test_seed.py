"""The benchmark seed creates what it says, through the real schema, at a tiny size."""

import shutil
from pathlib import Path

import bcrypt
import pytest

from bench import login_storm, seed, themes_before
from core import auth, config, db, people, preparation, rounds, teams, themes
from core.db import Cursor

EMPLOYEES, TEAMS, ROUNDS = 30, 3, 3


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, seed.Manifest]:
    data_dir = tmp_path_factory.mktemp("bench") / "data"
    return data_dir, seed.seed(data_dir, EMPLOYEES, TEAMS, ROUNDS)


@pytest.fixture
def cur(seeded) -> Cursor:
    database = db.open_database(config.load(seeded[0]))
    yield database.cursor()
    database.close()


def test_it_creates_the_organisation_it_describes(seeded) -> None:
    data_dir, manifest = seeded
    counts = seed.counts(data_dir)
    assert counts["users"] == 1 + TEAMS + EMPLOYEES
    assert counts["teams"] == TEAMS
    assert counts["rounds"] == TEAMS * ROUNDS
    assert counts["preparations"] == EMPLOYEES * ROUNDS
    assert counts["conversations"] == EMPLOYEES * ROUNDS
    assert counts["preparation_items"] >= 2 * EMPLOYEES * ROUNDS  # 2-3 notes per preparation
    assert counts["conversation_themes"] > 0
    assert counts["agreements"] > 0
    assert counts["group_actions"] == TEAMS * ROUNDS * 2
    assert manifest.closed_years == [seed.NEWEST_YEAR - 2, seed.NEWEST_YEAR - 1]
    assert len(manifest.conversations) == TEAMS
    assert len(set(manifest.employee_usernames)) == EMPLOYEES
    assert seed.load_manifest(data_dir) == manifest


def test_every_user_has_the_printed_password_and_a_role(cur: Cursor, seeded) -> None:
    manifest = seeded[1]
    for username, role in (
        (manifest.admin, people.ADMIN),
        (seed.manager_username(1), people.MANAGER),
        (seed.employee_username(EMPLOYEES - 1), people.EMPLOYEE),
    ):
        user = people.by_username(cur, username)
        assert user.roles == {role}
        hashed = people.password_hash(cur, username).encode()
        assert bcrypt.checkpw(manifest.password.encode(), hashed)


def test_free_text_is_real_ciphertext_of_the_data_key(cur: Cursor) -> None:
    stored = cur.value("SELECT note_enc FROM preparation_items LIMIT 1")
    assert stored not in seed.NOTES
    assert cur.cipher.decrypt(stored) in seed.NOTES
    action = cur.value("SELECT text_enc FROM group_actions LIMIT 1")
    assert cur.cipher.decrypt(action) in seed.ACTIONS


def test_the_managers_conversations_are_open_and_the_app_reads_the_data(
    cur: Cursor, seeded
) -> None:
    manifest = seeded[1]
    manager_name, employee_name = manifest.conversations[0]
    manager = people.by_username(cur, manager_name)
    employee = people.by_username(cur, employee_name)
    assert employee.manager_id == manager.id
    team = teams.managed_by(cur, manager.id)[0]
    assert employee.team_id == team.id
    newest, *closed = rounds.for_team(cur, manager, team.id)
    assert newest.state == rounds.OPEN and all(r.state == rounds.CLOSED for r in closed)
    assert not cur.value(
        "SELECT held_at IS NOT NULL FROM conversations WHERE employee_id = ? AND round_id = ?",
        [employee.id, newest.id],
    )
    assert preparation.load(cur, employee, newest.id).items  # the employee's own notes
    trend = themes.trend(cur, manager, team.id)
    assert [r.id for r, _ in trend] == [r.id for r in reversed(closed)]
    admin = people.by_username(cur, manifest.admin)
    assert (
        themes.organisation(cur, admin, manifest.closed_years[-1]).year
        == (manifest.closed_years[-1])
    )


def test_the_app_can_add_rows_after_the_bulk_insert(cur: Cursor) -> None:
    new_id = people.create(cur, people.NewUser("newcomer", "New Comer"), "x")
    assert new_id > cur.value("SELECT max(id) FROM users WHERE username <> 'newcomer'")
    round_id = cur.value("SELECT min(id) FROM rounds WHERE state = 'open'")
    manager = people.get(cur, cur.value("SELECT manager_id FROM teams LIMIT 1"))
    team_id = teams.managed_by(cur, manager.id)[0].id
    assert rounds.create(cur, manager, team_id, "MUS extra") > round_id


def test_it_writes_only_to_a_fresh_directory(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("x")
    with pytest.raises(SystemExit, match="not empty"):
        seed.seed(tmp_path, 5, 1, 1)


def test_the_command_line_prints_the_logins(tmp_path: Path, capsys) -> None:
    assert seed.main([str(tmp_path / "d"), "--employees", "20", "--rounds", "2"]) == 0
    printed = capsys.readouterr().out
    manifest = seed.load_manifest(tmp_path / "d")
    assert manifest.password in printed
    assert "bench-admin" in printed and "mgr00001" in printed and "emp000000" in printed


def test_the_kept_pre_fix_themes_code_gives_the_same_answers(cur: Cursor, seeded) -> None:
    manifest = seeded[1]
    admin = people.by_username(cur, manifest.admin)
    for year in (*manifest.closed_years, manifest.open_year):
        assert themes_before.organisation(cur, admin, year) == themes.organisation(cur, admin, year)
    for team in range(1, TEAMS + 1):
        manager = people.by_username(cur, seed.manager_username(team))
        team_id = teams.managed_by(cur, manager.id)[0].id
        assert themes_before.trend(cur, manager, team_id) == themes.trend(cur, manager, team_id)


def test_the_login_storm_gives_everyone_the_password_at_a_chosen_cost(
    seeded, tmp_path: Path
) -> None:
    data_dir, manifest = seeded
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    login_storm.rehash(copy, manifest.password, auth.PASSWORD_ROUNDS)
    database = db.open_database(config.load(copy))
    try:
        cur = database.cursor()
        hashes = {row[0] for row in cur.all("SELECT password_hash FROM users")}
        outcome = auth.check_login(cur, manifest.employee_usernames[0], manifest.password, 0.0)
    finally:
        database.close()
    assert len(hashes) == 1 and hashes.pop().startswith("$2b$12$")
    assert outcome is auth.LoginOutcome.OK
