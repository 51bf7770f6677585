"""The account page: password, language, and "My data" (downloads, who read, delete)."""

import json
from collections.abc import Callable
from datetime import datetime

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core import audit, auth, content, conversations, mydata, people, preparation
from core.db import Cursor
from tests.conftest import PASSWORD, Org, log_in, new_app, open_round, texts, widget
from ui import state

NOW = 1_780_000_000.0  # an injected clock: 2026-05-28 20:26:40 UTC
Q1, Q2 = content.QUESTION_IDS[:2]
NEW_PASSWORD = "a new and long passphrase"  # noqa: S105 (a test value)


def account_page(username: str = "anna") -> AppTest:
    at = log_in(new_app(), username)
    at.switch_page("views/account.py").run()
    assert not at.exception
    return at


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], str | bytes]]:
    """File name -> what the download button runs when clicked (deferred downloads)."""
    found: dict[str, Callable[[], str | bytes]] = {}
    register = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


@pytest.fixture
def round_id(app_db: Cursor, app_org: Org) -> int:
    """Team A's open round: anna and bent wrote notes; anna shared one and placed herself."""
    anna, bent = app_org.employees[0], app_org.employees[1]
    created = open_round(app_db, app_org.manager, app_org.team_id)
    preparation.save_note(app_db, anna, created, Q1, "ANNA-MARKER shared", NOW)
    preparation.share(app_db, anna, created, Q1, NOW)
    preparation.save_note(app_db, anna, created, Q2, "ANNA-MARKER private", NOW)
    preparation.set_zone(app_db, anna, created, "risk", NOW)
    preparation.save_note(app_db, bent, created, Q1, "BENT-MARKER", NOW)
    return created


# --- password ----------------------------------------------------------------------------


def change_password(at: AppTest, current: str, new: str, repeat: str) -> AppTest:
    widget(at.text_input, "Nuværende adgangskode").input(current)
    widget(at.text_input, "Ny adgangskode").input(new)
    widget(at.text_input, "Gentag den nye adgangskode").input(repeat)
    return widget(at.button, "Skift adgangskode").click().run()


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        ("wrong password!", NEW_PASSWORD, NEW_PASSWORD, "Den nuværende adgangskode er forkert."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "De to adgangskoder er ikke ens."),
        (PASSWORD, "short", "short", "Adgangskoden skal være mindst 10 tegn."),
        (PASSWORD, "æ" * 40, "æ" * 40, "Adgangskoden er for lang: højst 72 bytes"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    app_db: Cursor, app_org: Org, current: str, new: str, repeat: str, message: str
) -> None:
    at = change_password(account_page(), current, new, repeat)
    assert not at.exception
    assert message in texts(at)
    assert auth.check_login(app_db, "anna", PASSWORD, NOW) is auth.LoginOutcome.OK


def test_the_password_is_changed(app_db: Cursor, app_org: Org) -> None:
    at = change_password(account_page(), PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert "Din adgangskode er skiftet." in texts(at)
    assert auth.check_login(app_db, "anna", NEW_PASSWORD, NOW) is auth.LoginOutcome.OK


def test_after_a_reset_only_the_new_password_is_asked_for(app_db: Cursor, app_org: Org) -> None:
    temporary = auth.reset_password(app_db, app_org.admin, app_org.employees[0].id, NOW)
    at = log_in(new_app(), "anna", temporary)
    page = texts(at)
    assert "Din adgangskode blev nulstillet af en administrator den" in page
    assert "Mine data" not in page and not at.get("download_button")
    change_password(at, temporary, NEW_PASSWORD, NEW_PASSWORD)
    assert not at.exception
    assert "Mine data" in texts(at)


# --- language ----------------------------------------------------------------------------


def test_the_language_chosen_here_is_remembered(app_db: Cursor, app_org: Org) -> None:
    at = account_page()
    at.segmented_control(key=state.ACCOUNT_LANGUAGE).set_value("en").run()
    assert not at.exception
    assert "My account" in texts(at) and "My data" in texts(at)
    assert at.sidebar.segmented_control[0].value == "en"  # one choice, also in the menu
    assert people.by_username(app_db, "anna").language == "en"

    again = account_page()  # the next login
    assert "My account" in texts(again)
    assert again.segmented_control(key=state.ACCOUNT_LANGUAGE).value == "en"


def test_the_sidebar_choice_shows_here_too(app_db: Cursor, app_org: Org) -> None:
    at = account_page()
    at.sidebar.segmented_control[0].set_value("en").run()
    assert at.segmented_control(key=state.ACCOUNT_LANGUAGE).value == "en"
    assert people.by_username(app_db, "anna").language == "en"


# --- my data -----------------------------------------------------------------------------


def test_my_data_downloads_hold_my_things_and_no_colleagues(
    app_db: Cursor, app_org: Org, round_id: int, downloads: dict
) -> None:
    at = account_page()
    assert [b.label for b in at.get("download_button")] == [
        "Hent som JSON",
        "Hent som PDF",
        "Hent som tekst (Markdown)",
    ]
    visited = [e.action for e in audit.entries_about(app_db, app_org.employees[0].id)]
    assert mydata.EXPORT not in visited  # a visit builds and logs no export

    mine = json.loads(downloads["mine-data-trivselssnak.json"]())  # as a click runs it
    notes = [note["text"] for prep in mine["preparations"] for note in prep["notes"]]
    assert notes == ["ANNA-MARKER shared", "ANNA-MARKER private"]
    assert mine["account"]["username"] == "anna"
    assert "BENT-MARKER" not in json.dumps(mine)
    markdown = downloads["mine-data-trivselssnak.md"]()
    assert "ANNA-MARKER private" in markdown and "BENT" not in markdown
    assert downloads["mine-data-trivselssnak.pdf"]().startswith(b"%PDF")
    logged = [e.detail for e in audit.entries_about(app_db, app_org.employees[0].id)]
    assert logged[:3] == [mydata.PDF, mydata.MARKDOWN, mydata.JSON]


def test_the_employee_sees_who_read_their_shared_items(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = account_page()
    assert "Ingen andre har læst dine delte noter" in texts(at)
    anna = app_org.employees[0]
    preparation.shared_view(app_db, app_org.manager, anna.id, round_id, now=NOW)
    conversations.open_conversation(app_db, app_org.manager, anna.id, round_id)
    conversations.record_for(app_db, app_org.manager, anna.id, round_id, now=NOW + 60)
    page = texts(at.run())
    when = datetime.fromtimestamp(NOW).strftime("%d-%m-%Y %H:%M")
    later = datetime.fromtimestamp(NOW + 60).strftime("%d-%m-%Y %H:%M")
    assert f"Mona læste dine delte noter den {when}" in page
    assert f"Mona læste noterne fra din samtale den {later}" in page
    assert "ANNA-MARKER" not in page  # who and when, never what
    assert "Mona læste" not in texts(account_page("bent"))


def test_the_managers_conversation_page_leaves_a_read_entry(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    managers = log_in(new_app(), "mona")
    managers.query_params["employee"] = "anna"
    managers.switch_page("views/conversation.py").run()
    assert not managers.exception
    assert "ANNA-MARKER shared" in texts(managers)
    page = texts(account_page())
    assert "Mona læste dine delte noter den" in page
    assert "Mona læste noterne fra din samtale den" in page


def test_deleting_asks_first_and_can_be_cancelled(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = account_page()
    assert "bliver stående som din leders notat fra samtalen" in texts(at)
    at.button(key=state.ACCOUNT_DELETE_BUTTON).click().run()
    dialog = texts(at)
    assert "teksten i dine noter: 2" in dialog and "dine placeringer i zonemodellen: 1" in dialog
    at.button(key=state.ACCOUNT_DELETE_CANCEL).click().run()
    assert not at.exception
    assert not [b for b in at.button if b.key == state.ACCOUNT_DELETE_CONFIRM]
    anna = app_org.employees[0]
    assert preparation.load(app_db, anna, round_id).items[Q2].note == "ANNA-MARKER private"


def test_deleting_after_confirmation(app_db: Cursor, app_org: Org, round_id: int) -> None:
    anna = app_org.employees[0]
    at = account_page()
    at.button(key=state.ACCOUNT_DELETE_BUTTON).click().run()
    at.button(key=state.ACCOUNT_DELETE_CONFIRM).click().run()
    assert not at.exception
    assert "Dine private noter og zoneplaceringer er slettet (noter: 2, zoneplaceringer: 1)." in (
        texts(at)
    )
    assert not [b for b in at.button if b.key == state.ACCOUNT_DELETE_CONFIRM]  # closed
    prep = preparation.load(app_db, anna, round_id)
    assert (prep.items[Q1].note, prep.items[Q2].note, prep.zone) == ("", "", None)
    bents = preparation.load(app_db, app_org.employees[1], round_id)
    assert bents.items[Q1].note == "BENT-MARKER"

    at.button(key=state.ACCOUNT_DELETE_BUTTON).click().run()
    assert "Der er ingen private noter eller zoneplaceringer at slette." in texts(at)
    assert at.button(key=state.ACCOUNT_DELETE_CONFIRM).disabled


def test_a_note_shared_for_a_held_talk_stays_and_the_dialog_says_so(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    anna = app_org.employees[0]
    talk = conversations.open_conversation(app_db, app_org.manager, anna.id, round_id)
    conversations.mark_held(app_db, app_org.manager, talk.id, NOW)
    at = account_page()
    at.button(key=state.ACCOUNT_DELETE_BUTTON).click().run()
    assert "Delte noter fra holdte samtaler, der bliver stående: 1." in texts(at)
    at.button(key=state.ACCOUNT_DELETE_CONFIRM).click().run()
    prep = preparation.load(app_db, anna, round_id)
    assert (prep.items[Q1].note, prep.items[Q1].shared) == ("ANNA-MARKER shared", True)
    assert prep.items[Q2].note == ""


def test_the_page_in_english(app_org: Org, round_id: int) -> None:
    at = new_app().run()
    at.sidebar.segmented_control[0].set_value("en").run()
    log_in(at, "anna")
    at.switch_page("views/account.py").run()
    page = texts(at)
    assert "My data" in page and "Who has read what you shared?" in page
    assert [b.label for b in at.get("download_button")][0] == "Download as JSON"
    at.button(key=state.ACCOUNT_DELETE_BUTTON).click().run()
    assert "the text of your notes: 2" in texts(at)
