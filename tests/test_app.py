"""The frame: first-admin setup, the login gate, logout, forced password change."""

import pytest

from core import auth, people
from core.db import Cursor
from tests.conftest import PASSWORD, Org, log_in, new_app, new_user, texts, widget


def test_a_fresh_install_leads_to_creating_the_first_admin(app_db: Cursor) -> None:
    at = new_app().run()
    assert "Opret den første administrator" in texts(at)
    assert "python -m core.cli create-admin" in texts(at)
    token = auth.issue_setup_token(app_db, auth_now())  # as printed in the server log
    widget(at.text_input, "Engangskode fra serverens log").input(token)
    widget(at.text_input, "Brugernavn").input("Boss")
    widget(at.text_input, "Fulde navn").input("The Boss")
    widget(at.text_input, "Adgangskode").input("a long admin secret")
    widget(at.text_input, "Gentag adgangskoden").input("a long admin secret")
    at.button[0].click().run()
    assert "Administratoren boss er oprettet" in texts(at)
    assert people.by_username(app_db, "boss").roles == {people.ADMIN}

    at = log_in(new_app(), "boss", "a long admin secret")
    assert "Log ud" in [b.label for b in at.sidebar.button]


def auth_now() -> float:
    import time

    return time.time()


def test_a_wrong_setup_token_creates_nobody(app_db: Cursor) -> None:
    at = new_app().run()
    widget(at.text_input, "Engangskode fra serverens log").input("guessed")
    widget(at.text_input, "Brugernavn").input("boss")
    widget(at.text_input, "Fulde navn").input("Boss")
    widget(at.text_input, "Adgangskode").input("a long admin secret")
    widget(at.text_input, "Gentag adgangskoden").input("a long admin secret")
    at.button[0].click().run()
    assert "Engangskoden er forkert" in texts(at)
    assert people.count(app_db) == 0


def test_login_shows_the_welcome_page_and_the_guide(app_org: Org) -> None:
    at = log_in(new_app(), "anna")
    at.switch_page("views/welcome.py").run()
    assert not at.exception
    page = texts(at)
    assert "Trivsel og stress i MUS" in page
    assert "Hvad kendetegner dig når du trives og har det rigtig godt på arbejdet?" in page
    assert "Anna" in [t.value for t in at.sidebar.text]


def test_a_wrong_password_says_so_and_shows_no_page(app_org: Org) -> None:
    at = log_in(new_app(), "anna", "not the password")
    assert [e.value for e in at.error] == ["Brugernavn eller adgangskode er forkert."]
    assert "Trivsel og stress i MUS" not in texts(at)


def test_five_failures_lock_known_and_unknown_names_alike(app_org: Org) -> None:
    messages = {}
    for username in ("anna", "nobody"):
        at = new_app()
        for _ in range(5):
            log_in(at, username, "wrong")
        log_in(at, username, PASSWORD if username == "anna" else "wrong")
        messages[username] = [e.value for e in at.error]
        assert "Trivsel og stress i MUS" not in texts(at)
    assert messages["anna"] == messages["nobody"]
    assert messages["anna"] == ["For mange forkerte forsøg. Prøv igen om 15 minutter."]


def test_a_72_byte_password_gets_a_message(app_org: Org) -> None:
    at = log_in(new_app(), "anna", "æ" * 50)
    assert [e.value for e in at.error] == ["Adgangskoden er for lang: højst 72 bytes."]


def test_the_cookie_component_is_drawn_only_to_write_the_cookie(app_org: Org) -> None:
    """The library reads its cookie from the request; drawing its cookie component on the
    login page and on every click cost time and a second run (docs/performance.md)."""
    at = new_app().run()
    assert not at.get("component_instance")  # the login page
    log_in(at, "anna")
    assert at.get("component_instance")  # the login writes the cookie
    assert not at.run().get("component_instance")  # the next click
    assert "Logget ind som" in texts(at)  # and still logged in


def test_logout_returns_to_the_login_form(app_org: Org) -> None:
    at = log_in(new_app(), "anna")
    widget(at.sidebar.button, "Log ud").click().run()
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    page = texts(at)
    assert "Trivsel og stress i MUS" not in page
    assert "Logget ind som" not in page and "Forberedelse til din MUS" not in page


def test_logout_in_one_tab_ends_the_session_in_another(app_org: Org) -> None:
    first, second = log_in(new_app(), "anna"), log_in(new_app(), "anna")
    widget(first.sidebar.button, "Log ud").click().run()
    second.run()
    assert [t.label for t in second.text_input] == ["Brugernavn", "Adgangskode"]


def test_a_reset_password_must_be_changed_before_anything_else(
    app_db: Cursor, app_org: Org
) -> None:
    temporary = auth.reset_password(app_db, app_org.admin, app_org.employees[0].id, auth_now())
    at = log_in(new_app(), "anna", temporary)
    assert "Din adgangskode blev nulstillet af en administrator den" in texts(at)
    with pytest.raises(ValueError, match="Known pages: .*account.py"):
        at.switch_page("views/welcome.py")  # no other page is in the navigation
    widget(at.text_input, "Nuværende adgangskode").input(temporary)
    widget(at.text_input, "Ny adgangskode").input("my own new secret")
    widget(at.text_input, "Gentag den nye adgangskode").input("my own new secret")
    widget(at.button, "Skift adgangskode").click().run()
    assert not people.by_username(app_db, "anna").must_change_password
    at.switch_page("views/welcome.py").run()
    assert "Trivsel og stress i MUS" in texts(at)


def test_a_deactivated_user_is_logged_out_at_the_next_click(app_db: Cursor, app_org: Org) -> None:
    at = log_in(new_app(), "anna")
    app_db.run("UPDATE users SET active = FALSE WHERE username = 'anna'")
    auth.revoke_sessions(app_db, app_org.employees[0].id, auth_now())
    at.run()
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]


def test_english_is_one_click_away_and_remembered(app_db: Cursor, app_org: Org) -> None:
    at = new_app().run()
    at.sidebar.segmented_control[0].set_value("en").run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    log_in(at, "anna")
    assert "Wellbeing and stress in the MUS" in texts(at)
    assert people.by_username(app_db, "anna").language is None  # chosen before login
    at.sidebar.segmented_control[0].set_value("da").run()
    at.sidebar.segmented_control[0].set_value("en").run()
    assert people.by_username(app_db, "anna").language == "en"
    fresh = log_in(new_app(), "anna")
    assert "Wellbeing and stress in the MUS" in texts(fresh)


def test_a_language_chosen_after_a_logout_in_another_tab_is_not_remembered(
    app_db: Cursor, app_org: Org
) -> None:
    at = log_in(new_app(), "anna")
    other_tab = log_in(new_app(), "anna")
    widget(other_tab.sidebar.button, "Log ud").click().run()
    at.sidebar.segmented_control[0].set_value("en").run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]  # this tab's choice
    assert people.by_username(app_db, "anna").language is None  # not the account's


def test_user_names_are_shown_as_plain_text(app_db: Cursor) -> None:
    new_user(app_db, "mallory")
    app_db.run("UPDATE users SET name = '<b>x</b> [link](http://evil)' WHERE username = 'mallory'")
    at = log_in(new_app(), "mallory")
    assert "<b>x</b> [link](http://evil)" in [t.value for t in at.sidebar.text]
    assert not at.get("html")


def test_a_corrupt_database_file_stops_with_a_message_naming_it(app_data_dir) -> None:
    from core import config

    config.load(app_data_dir)  # an installation whose keys are fine
    broken = app_data_dir / "trivselssnak.duckdb"
    broken.write_bytes(b"not a database at all" * 50)
    at = new_app().run()
    (message,) = [e.value for e in at.error]
    assert str(broken) in message and "backup" in message
    assert broken.read_bytes() == b"not a database at all" * 50
    assert not at.text_input  # no login form on top of a broken installation


def test_a_missing_key_file_beside_data_stops_with_a_message(app_db: Cursor, app_data_dir) -> None:
    (app_data_dir / "data.key").unlink()
    at = new_app().run()
    (message,) = [e.value for e in at.error]
    assert "data.key is missing" in message
    assert not (app_data_dir / "data.key").exists()  # no new key replaces the lost one
