import pytest

from core import auth, people
from core.db import Cursor
from core.errors import InvalidInput, NotAllowed
from tests.conftest import PASSWORD, MakeUser, Org

NOW = 1_800_000_000.0
OK, WRONG, LOCKED = auth.LoginOutcome.OK, auth.LoginOutcome.WRONG, auth.LoginOutcome.LOCKED


def test_the_right_password_logs_in(cur: Cursor, make_user: MakeUser) -> None:
    make_user("kim")
    assert auth.check_login(cur, "kim", PASSWORD, NOW) is OK
    assert auth.check_login(cur, "  KIM ", PASSWORD, NOW) is OK  # as typed on a phone


def test_a_wrong_password_and_an_unknown_name_look_the_same(
    cur: Cursor, make_user: MakeUser
) -> None:
    make_user("kim")
    assert auth.check_login(cur, "kim", "wrong password", NOW) is WRONG
    assert auth.check_login(cur, "nobody", PASSWORD, NOW) is WRONG


def _costs_checked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bcrypt cost factor of every hash a password is checked against from now on."""
    costs = []
    check = auth.bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        costs.append(int(hashed.split(b"$")[2]))
        return check(password, hashed)

    monkeypatch.setattr(auth.bcrypt, "checkpw", spy)
    return costs


@pytest.mark.parametrize("username", ["nobody", "kim (inactive)", "kim (first password)"])
def test_refusing_a_name_costs_at_least_a_chosen_password_check(
    cur: Cursor, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch, username: str
) -> None:
    """An unknown name, a deactivated one and one still on its generated first password
    (hashed at a lower cost) are refused with at least the bcrypt work of a chosen
    password, so the time of the answer does not tell which names exist."""
    kim = make_user("kim")
    if username == "kim (inactive)":
        cur.run("UPDATE users SET active = FALSE WHERE id = ?", [kim.id])
    if username == "kim (first password)":
        first = auth.hash_generated_password(auth.generate_password())
        cur.run("UPDATE users SET password_hash = ? WHERE id = ?", [first, kim.id])
    costs = _costs_checked(monkeypatch)
    assert auth.check_login(cur, username.split()[0], "wrong password", NOW) is WRONG
    assert max(costs) == auth.PASSWORD_ROUNDS == 12
    assert auth.hash_password("a password someone chose").startswith("$2b$12$")


def test_a_deactivated_user_cannot_log_in(cur: Cursor, make_user: MakeUser) -> None:
    kim = make_user("kim")
    cur.run("UPDATE users SET active = FALSE WHERE id = ?", [kim.id])
    assert auth.check_login(cur, "kim", PASSWORD, NOW) is WRONG


@pytest.mark.parametrize("username", ["kim", "nobody"])
def test_five_failures_lock_the_name_even_for_the_right_password(
    cur: Cursor, make_user: MakeUser, username: str
) -> None:
    make_user("kim")
    outcomes = [auth.check_login(cur, username, "wrong", NOW + i) for i in range(5)]
    assert outcomes == [WRONG] * 4 + [LOCKED]
    assert auth.check_login(cur, username, PASSWORD, NOW + 10) is LOCKED


def test_the_lock_ends_by_itself_after_fifteen_minutes(cur: Cursor, make_user: MakeUser) -> None:
    make_user("kim")
    for i in range(5):
        auth.check_login(cur, "kim", "wrong", NOW + i)
    assert auth.check_login(cur, "kim", PASSWORD, NOW + 14 * 60) is LOCKED
    assert auth.check_login(cur, "kim", PASSWORD, NOW + 4 + auth.LOCK_SECONDS + 1) is OK


def test_a_lock_on_one_name_leaves_others_alone(cur: Cursor, make_user: MakeUser) -> None:
    make_user("kim")
    make_user("lea")
    for i in range(6):
        auth.check_login(cur, "kim", "wrong", NOW + i)
    assert auth.check_login(cur, "lea", PASSWORD, NOW + 7) is OK


def test_a_success_resets_the_failure_count(cur: Cursor, make_user: MakeUser) -> None:
    make_user("kim")
    for i in range(4):
        auth.check_login(cur, "kim", "wrong", NOW + i)
    assert auth.check_login(cur, "kim", PASSWORD, NOW + 5) is OK
    assert auth.check_login(cur, "kim", "wrong", NOW + 6) is WRONG


def test_a_password_over_72_bytes_gets_a_message_not_a_crash(
    cur: Cursor, make_user: MakeUser
) -> None:
    make_user("kim")
    assert auth.check_login(cur, "kim", "æ" * 40, NOW) is auth.LoginOutcome.TOO_LONG
    with pytest.raises(InvalidInput) as raised:
        auth.check_new_password("ø" * 37)
    assert raised.value.key == "errors.password_too_long"


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("short", "errors.password_too_short"),
        ("kim-is-my-name", "errors.password_contains_username"),
        (" leading space here", "errors.password_spaces"),
    ],
)
def test_weak_new_passwords_are_refused_with_the_rule(password: str, key: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        auth.check_new_password(password, "kim")
    assert raised.value.key == key


def test_logout_revokes_sessions_started_before_it(cur: Cursor, make_user: MakeUser) -> None:
    kim = make_user("kim")
    issued_at = NOW
    assert auth.session_valid(cur, "kim", issued_at)
    auth.logout(cur, kim.id, kim.username, NOW + 60)
    assert not auth.session_valid(cur, "kim", issued_at)  # the copied cookie
    assert auth.session_valid(cur, "kim", NOW + 120)  # a new login afterwards


def test_a_session_acts_as_its_user_until_logout_or_deactivation(
    cur: Cursor, make_user: MakeUser
) -> None:
    kim = make_user("kim", people.EMPLOYEE, people.MANAGER)
    seen = auth.session_user(cur, "Kim", NOW)  # what the login gate reads on every click
    assert seen is not None and seen.id == kim.id
    assert seen.roles == {people.EMPLOYEE, people.MANAGER}
    assert auth.session_user(cur, "nobody", NOW) is None
    auth.logout(cur, kim.id, kim.username, NOW + 60)
    assert auth.session_user(cur, "kim", NOW) is None  # the session from before the logout
    assert auth.session_user(cur, "kim", NOW + 120) is not None
    cur.run("UPDATE users SET active = FALSE WHERE id = ?", [kim.id])
    assert auth.session_user(cur, "kim", NOW + 120) is None


def test_an_admin_reset_forces_a_change_and_ends_sessions(cur: Cursor, seeded_org: Org) -> None:
    anna = seeded_org.employees[0]
    temporary = auth.reset_password(cur, seeded_org.admin, anna.id, NOW)
    after = people.get(cur, anna.id)
    assert after.must_change_password
    assert after.password_reset_at is not None
    assert not auth.session_valid(cur, "anna", NOW - 1)
    assert auth.check_login(cur, "anna", temporary, NOW + 1) is OK
    assert auth.check_login(cur, "anna", PASSWORD, NOW + 2) is WRONG

    auth.change_password(cur, anna.id, temporary, "a brand new secret", NOW + 3)
    assert not people.get(cur, anna.id).must_change_password
    assert auth.check_login(cur, "anna", "a brand new secret", NOW + 4) is OK


def test_only_an_admin_resets_passwords(cur: Cursor, seeded_org: Org) -> None:
    with pytest.raises(NotAllowed):
        auth.reset_password(cur, seeded_org.manager, seeded_org.employees[0].id, NOW)


def test_changing_a_password_needs_the_current_one(cur: Cursor, make_user: MakeUser) -> None:
    kim = make_user("kim")
    with pytest.raises(NotAllowed):
        auth.change_password(cur, kim.id, "not it", "a brand new secret", NOW)
    assert auth.check_login(cur, "kim", PASSWORD, NOW) is OK


def test_a_refused_password_change_checks_only_the_stored_password(
    cur: Cursor, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signed-in user is known, so a mistyped current password is refused at the
    cost of their own hash, not padded to a chosen password's check as a login is."""
    kim = make_user("kim")
    first = auth.hash_generated_password(auth.generate_password())
    cur.run("UPDATE users SET password_hash = ? WHERE id = ?", [first, kim.id])
    costs = _costs_checked(monkeypatch)
    with pytest.raises(NotAllowed):
        auth.change_password(cur, kim.id, "not it", "a brand new secret", NOW)
    assert costs == [6]


def test_the_setup_token_creates_one_first_admin_once(cur: Cursor) -> None:
    token = auth.issue_setup_token(cur, NOW)
    admin = people.NewUser("boss", "The Boss")
    with pytest.raises(NotAllowed):
        auth.create_first_admin(cur, "guessed", admin, "a long admin secret", NOW)
    user_id = auth.create_first_admin(cur, token, admin, "a long admin secret", NOW + 1)
    assert people.get(cur, user_id).roles == {people.ADMIN}
    assert auth.issue_setup_token(cur, NOW + 2) is None  # users exist now
    with pytest.raises(NotAllowed):
        auth.create_first_admin(cur, token, people.NewUser("boss2", "B"), "another secret!", NOW)


def test_an_old_setup_token_expires(cur: Cursor) -> None:
    token = auth.issue_setup_token(cur, NOW)
    with pytest.raises(NotAllowed):
        auth.create_first_admin(
            cur,
            token,
            people.NewUser("boss", "Boss"),
            "a long admin secret",
            NOW + auth.SETUP_TOKEN_SECONDS + 1,
        )
    assert people.count(cur) == 0
