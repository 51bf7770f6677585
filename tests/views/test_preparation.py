"""The employee's preparation page, as the employee uses it."""

import pytest
from streamlit.testing.v1 import AppTest

from core import actions, content, conversations, preparation, rounds, settings
from core.db import Cursor
from tests.conftest import Org, hold, log_in, new_app, open_round, texts, widget
from ui import state

QUESTION = content.QUESTION_IDS[0]
PREP = content.PREPARATION_ITEM
DA = content.load().get("da")
NOW = 1_800_000_000.0


@pytest.fixture
def round_id(app_db: Cursor, app_org: Org) -> int:
    """Team A's open round."""
    return open_round(app_db, app_org.manager, app_org.team_id)


def key(prefix: str, round_id: int, item_id: str) -> str:
    return f"{prefix}_{round_id}_{item_id}"


def note(at: AppTest, round_id: int, item_id: str = QUESTION):
    return at.text_area(key=key(state.PREPARATION_NOTE, round_id, item_id))


def share(at: AppTest, round_id: int, item_id: str = QUESTION):
    return at.toggle(key=key(state.PREPARATION_SHARE, round_id, item_id))


def opened(at: AppTest, round_id: int) -> AppTest:
    """The page with the stress tool and every question opened, as clicking them does."""
    at.session_state[f"{state.PREPARATION_STRESS_TOOL}_open"] = True
    for item_id in content.QUESTION_IDS:
        at.session_state[f"{key(state.PREPARATION_FOLD, round_id, item_id)}_open"] = True
    return at.run()


def shared_text(app_db: Cursor, org: Org, round_id: int) -> tuple:
    return preparation.shared_view(app_db, org.manager, org.employees[0].id, round_id).shared


def test_an_employee_lands_on_the_preparation_with_the_guide(app_org: Org, round_id: int) -> None:
    at = log_in(new_app(), "anna")
    assert not at.exception
    page = texts(at)
    assert "Forberedelse til din MUS" in page
    assert "MUS 2026 · åben" in page
    assert "Datoen for din samtale er ikke sat endnu." in page
    assert DA.guide.preparation_question in page
    assert DA.stress_tool.title in page
    for question in DA.guide.questions():
        assert question.text in page
    # Folded questions and the folded stress tool are made only when opened.
    assert not [e for e in at.text_area if e.key.endswith(content.QUESTION_IDS[0])]
    assert DA.stress_tool.zones[0].description not in page

    page = texts(opened(at, round_id))
    for zone in DA.stress_tool.zones:
        assert zone.name in page
    for question in DA.guide.questions():
        for followup in question.followups:
            assert followup.text in page
    assert len(at.text_area) == len(preparation.ITEM_IDS)


def test_a_note_is_saved_on_change_and_there_after_a_reload(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = opened(log_in(new_app(), "anna"), round_id)
    note(at, round_id).input("Faste pauser æøå").run()
    assert not at.exception
    assert any(c.value.startswith("Gemt kl. ") for c in at.caption)
    stored = preparation.load(app_db, app_org.employees[0], round_id)
    assert stored.items[QUESTION].note == "Faste pauser æøå"

    reloaded = opened(
        log_in(new_app(), "anna"), round_id
    )  # a new session: a reload or a second tab
    assert note(reloaded, round_id).value == "Faste pauser æøå"
    assert note(reloaded, round_id, PREP).value == ""


def test_a_note_typed_after_a_logout_in_another_tab_is_not_stored(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = opened(log_in(new_app(), "anna"), round_id)
    other_tab = log_in(new_app(), "anna")
    widget(other_tab.sidebar.button, "Log ud").click().run()
    note(at, round_id).input("typed after the logout").run()
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    assert "typed after the logout" not in texts(at)
    assert preparation.load(app_db, app_org.employees[0], round_id).items[QUESTION].note == ""


def test_an_open_tab_follows_a_note_saved_in_another(app_org: Org, round_id: int) -> None:
    first, second = (
        opened(log_in(new_app(), "anna"), round_id),
        opened(log_in(new_app(), "anna"), round_id),
    )
    note(second, round_id).input("written in the second tab").run()
    first.run()
    assert note(first, round_id).value == "written in the second tab"


def test_typing_in_a_stale_tab_does_not_overwrite_the_other_tab(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    first, second = (
        opened(log_in(new_app(), "anna"), round_id),
        opened(log_in(new_app(), "anna"), round_id),
    )
    note(second, round_id).input("second tab").run()
    note(first, round_id).input("first tab").run()  # typed before first saw the change
    assert "Noten er ændret et andet sted" in texts(first)
    assert note(first, round_id).value == "first tab"  # what was typed stays
    assert "second tab" in [t.value for t in first.text]  # and the stored version shows
    anna = app_org.employees[0]
    assert preparation.load(app_db, anna, round_id).items[QUESTION].note == "second tab"
    [keep] = [b for b in first.button if b.label == "Gem min tekst alligevel"]
    keep.click().run()
    assert preparation.load(app_db, anna, round_id).items[QUESTION].note == "first tab"
    assert "Noten er ændret et andet sted" not in texts(first)


def test_an_over_long_note_says_so_and_keeps_both_texts(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = opened(log_in(new_app(), "anna"), round_id)
    note(at, round_id).input("the saved version").run()
    too_long = "y" * (preparation.MAX_NOTE_CHARS + 5)
    note(at, round_id).input(too_long).run()
    assert [e.value for e in at.error] == [
        "Noten er for lang: 10005 tegn, højst 10000. Den er ikke gemt. "
        "Gør den kortere, så gemmes den."
    ]
    assert note(at, round_id).value == too_long  # nothing typed is thrown away
    assert "Den senest gemte version er stadig gemt:" in texts(at)
    assert "the saved version" in [t.value for t in at.text]
    anna = app_org.employees[0]
    assert preparation.load(app_db, anna, round_id).items[QUESTION].note == "the saved version"

    note(at, round_id).input("shorter now").run()
    assert not at.error
    assert preparation.load(app_db, anna, round_id).items[QUESTION].note == "shorter now"


def test_sharing_shows_what_the_manager_sees_and_can_be_withdrawn(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = opened(log_in(new_app(), "anna"), round_id)
    assert share(at, round_id).disabled  # nothing to share yet
    note(at, round_id).input("Mere ro *nu* [x](http://evil)").run()
    assert "Deler du noten, ser din leder præcis dette:" in texts(at)
    assert "Mere ro *nu* [x](http://evil)" in [t.value for t in at.text]  # plain text
    assert shared_text(app_db, app_org, round_id) == ()

    share(at, round_id).set_value(True).run()
    assert "Delt. Din leder kan se præcis dette:" in texts(at)
    assert shared_text(app_db, app_org, round_id) == ((QUESTION, "Mere ro *nu* [x](http://evil)"),)

    share(at, round_id).set_value(False).run()
    assert "Privat: kun du kan se noten." in texts(at)
    assert shared_text(app_db, app_org, round_id) == ()


def test_after_the_conversation_a_shared_note_stays_shared(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    anna = app_org.employees[0]
    preparation.save_note(app_db, anna, round_id, QUESTION, "talked about", 0)
    preparation.share(app_db, anna, round_id, QUESTION, 0)
    hold(app_db, round_id, anna)
    at = opened(log_in(new_app(), "anna"), round_id)
    assert share(at, round_id).value and share(at, round_id).disabled
    assert note(at, round_id).disabled
    assert "Samtalen er holdt. En delt note kan ikke længere trækkes tilbage" in texts(at)
    assert not note(at, round_id, PREP).disabled  # private notes stay the employee's own


def test_flags_zone_and_ready_are_saved_and_the_zone_stays_private(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = opened(log_in(new_app(), "anna"), round_id)
    at.checkbox(key=key(state.PREPARATION_FLAG, round_id, QUESTION)).check().run()
    at.radio(key=f"{state.PREPARATION_ZONE}_{round_id}").set_value("danger").run()
    at.toggle(key=f"{state.PREPARATION_READY}_{round_id}").set_value(True).run()
    assert not at.exception
    anna = app_org.employees[0]
    prep = preparation.load(app_db, anna, round_id)
    assert (prep.items[QUESTION].flagged, prep.zone, prep.ready) == (True, "danger", True)
    view = preparation.shared_view(app_db, app_org.manager, anna.id, round_id)
    assert (view.flagged, view.ready) == ((QUESTION,), True)
    assert "danger" not in repr(view)

    reloaded = opened(log_in(new_app(), "anna"), round_id)
    assert reloaded.radio(key=f"{state.PREPARATION_ZONE}_{round_id}").value == "danger"
    assert "Kun for dig. Din placering vises aldrig for andre" in texts(reloaded)


def test_without_a_round_the_stress_tool_is_still_there(app_db: Cursor, app_org: Org) -> None:
    settings.store(app_db, "organisation_name", "Acme *Kommune*")
    at = log_in(new_app(), "anna")
    assert not at.exception
    page = texts(at)
    assert "Dit team har ingen MUS-runde endnu." in page
    assert DA.stress_tool.what_helps in page
    assert r"Acme \*Kommune\*s stresspjece" in page  # the name filled in, escaped
    assert not at.text_area  # nothing to write into


def test_the_pamphlet_link_comes_from_the_settings(app_db: Cursor, app_org: Org) -> None:
    settings.store(app_db, "pamphlet_url", "https://intra.example.org/stress.pdf")
    at = log_in(new_app(), "anna")
    assert "Åbn stresspjecen" in [b.proto.label for b in at.get("link_button")]


def test_a_closed_round_can_be_read_but_not_changed(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    preparation.save_note(app_db, app_org.employees[0], round_id, QUESTION, "from before", 0)
    rounds.advance(app_db, app_org.manager, round_id, rounds.CLOSED)
    at = opened(log_in(new_app(), "anna"), round_id)
    assert "Runden er lukket." in texts(at)
    assert note(at, round_id).value == "from before"
    assert all(area.disabled for area in at.text_area)
    assert [b.label for b in at.get("download_button")] == [
        "Hent som PDF",
        "Hent som tekst (Markdown)",
    ]


def test_the_conversation_date_is_shown(app_db: Cursor, app_org: Org, round_id: int) -> None:
    app_db.run(
        "INSERT INTO conversations (round_id, team_id, employee_id, manager_id, scheduled_on)"
        " VALUES (?, ?, ?, ?, DATE '2026-06-03')",
        [round_id, app_org.team_id, app_org.employees[0].id, app_org.manager.id],
    )
    at = opened(log_in(new_app(), "anna"), round_id)
    assert "Din samtale er planlagt til 03-06-2026." in texts(at)


def test_the_page_in_english(app_org: Org, round_id: int) -> None:
    at = new_app().run()
    at.sidebar.segmented_control[0].set_value("en").run()
    opened(log_in(at, "anna"), round_id)
    page = texts(at)
    english = content.load().get("en")
    assert "Preparing for your MUS" in page
    assert english.guide.preparation_question in page
    assert english.stress_tool.title in page
    for question in english.guide.questions():
        assert question.text in page
    note(at, round_id).input("x" * (preparation.MAX_NOTE_CHARS + 1)).run()
    assert "The note is too long: 10001 characters, at most 10000." in texts(at)
    assert "Nothing is saved here yet." in texts(at)
    assert note(at, round_id).label == "My notes"


def test_managers_and_admins_do_not_get_the_page(app_org: Org, round_id: int) -> None:
    for username in ("mona", "admin"):
        at = log_in(new_app(), username)
        with pytest.raises(ValueError, match="Known pages"):
            at.switch_page("views/preparation.py")


def test_a_round_closed_while_the_page_is_open_loses_nothing_typed(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at, other_tab = (
        opened(log_in(new_app(), "anna"), round_id),
        opened(log_in(new_app(), "anna"), round_id),
    )
    note(at, round_id).input("saved before").run()
    rounds.advance(app_db, app_org.manager, round_id, rounds.CLOSED)
    note(at, round_id).input("typed after").run()
    closed = "Runden er ikke åben, så intet kan ændres. Det, der var gemt, er uændret."
    assert closed in [e.value for e in at.error]
    assert note(at, round_id).value == "typed after"  # still there to copy
    assert "saved before" in [t.value for t in at.text]

    flag = key(state.PREPARATION_FLAG, round_id, PREP)
    other_tab.checkbox(key=flag).check().run()
    assert closed in [e.value for e in other_tab.error]
    assert not other_tab.checkbox(key=flag).value  # shows what is stored
    assert not preparation.load(app_db, app_org.employees[0], round_id).items[PREP].flagged


def test_after_the_conversation_the_employee_reads_the_record_and_team_actions(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:

    manager, anna = app_org.manager, app_org.employees[0]
    conversation = conversations.open_conversation(app_db, manager, anna.id, round_id)
    conversations.add_theme(
        app_db, manager, conversation.id, "workload_time_pressure", "straining", NOW
    )
    conversations.add_agreement(
        app_db, manager, conversation.id, "Fast fredagsstatus <b>kl. 14</b>", "both", None, NOW
    )
    actions.add(app_db, manager, round_id, "Mødefri onsdage", "Mona")

    at = opened(log_in(new_app(), "anna"), round_id)
    assert "Når din samtale er holdt" in texts(at)
    assert "Fast fredagsstatus" not in texts(at)  # not before it is held

    conversations.mark_held(app_db, manager, conversation.id, NOW)
    at.run()
    page = texts(at)
    assert "Stor arbejdsmængde og tidspres (udløsende)" in page
    assert "Fast fredagsstatus <b>kl. 14</b>" in [t.value for t in at.text]  # plain text
    assert "Begge" in page
    assert "Mødefri onsdage" in [t.value for t in at.text]
