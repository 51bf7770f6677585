"""The manager's conversation page: choosing, framing, preparation, picker, timer, record."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from core import audit, content, conversations, preparation, rounds, settings
from core.db import Cursor
from tests.conftest import Org, log_in, new_app, open_round, texts, widget

PAGE = "views/conversation.py"
GUIDE = content.load().get("da").guide


@pytest.fixture
def round_id(app_db: Cursor, app_org: Org) -> int:
    """An open round of mona's team A."""
    return open_round(app_db, app_org.manager, app_org.team_id)


def conversation_page(username: str = "mona", **params: str) -> AppTest:
    at = log_in(new_app(), username)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def record(app_db: Cursor, org: Org, employee_index: int, round_id: int):
    employee = org.employees[employee_index]
    return conversations.record_for(app_db, org.manager, employee.id, round_id)


def timer_html(at: AppTest) -> str:
    (frame,) = at.get("iframe")  # the ticking display is an iframe, opaque to AppTest
    return frame.proto.srcdoc


def test_a_deep_link_to_someone_elses_employee_shows_a_message_and_no_data(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    otto, olga = app_org.other_manager, app_org.other_employee
    other_round = open_round(app_db, otto, app_org.other_team_id, "MUS B")
    preparation.save_note(app_db, olga, other_round, "zone_1", "Olgas delte note", time.time())
    preparation.share(app_db, olga, other_round, "zone_1", time.time())
    olgas = conversations.open_conversation(app_db, otto, olga.id, other_round)
    conversations.add_agreement(app_db, otto, olgas.id, "Olgas aftale", "both", None, 0)

    for username in ("olga", "nobody"):
        at = conversation_page(employee=username, round=str(other_round))
        page = texts(at)
        assert "Det er ikke din medarbejder." in page
        assert "Olga" not in page and "Olgas" not in page
        assert not at.selectbox and not at.checkbox and not at.get("iframe")
        assert [b.label for b in at.main.button] == ["Vælg en af dine egne medarbejdere"]
    assert (
        conversations.record_for(app_db, app_org.manager, app_org.employees[0].id, round_id) is None
    )

    widget(at.button, "Vælg en af dine egne medarbejdere").click().run()
    assert widget(at.selectbox, "Medarbejder").value == "anna"
    assert "Det er ikke din medarbejder." not in texts(at)


def test_a_deep_link_to_an_own_employee_opens_their_conversation(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = conversation_page(employee="bent")
    assert widget(at.selectbox, "Medarbejder").value == "bent"
    assert widget(at.selectbox, "Runde").value == round_id
    assert record(app_db, app_org, 1, round_id) is not None
    assert rounds.get(app_db, round_id).k == settings.load(app_db).k  # frozen now
    assert f"?employee=bent&round={round_id}" in texts(at)  # for the calendar invitation

    at.query_params["employee"] = "anna"  # the next invitation's link, in the same tab
    at.run()
    assert widget(at.selectbox, "Medarbejder").value == "anna"


def test_without_an_open_round_the_page_says_where_to_open_one(app_org: Org) -> None:
    at = conversation_page()
    assert "Medarbejderens team har ingen åben runde." in texts(at)
    assert not at.get("iframe")


def test_framing_is_ready_to_read_out(app_db: Cursor, app_org: Org, round_id: int) -> None:
    settings.store(app_db, "organisation_name", "Acme Kommune")
    page = texts(conversation_page())
    assert GUIDE.framing_advice in page
    assert GUIDE.purpose_statement.format(organisation="Acme Kommune") in page
    assert GUIDE.dialogue_intro in page
    assert GUIDE.confidentiality_note in page


def test_flags_and_shared_items_show_as_plain_text_and_flags_are_preselected(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    anna = app_org.employees[0]
    now = time.time()
    preparation.save_note(app_db, anna, round_id, "factors_1", "**Deadlines** <b>x</b>", now)
    preparation.share(app_db, anna, round_id, "factors_1", now)
    preparation.save_note(app_db, anna, round_id, "zone_1", "Privat: kun min", now)
    preparation.set_flag(app_db, anna, round_id, "factors_3", True, now)
    preparation.set_ready(app_db, anna, round_id, True, now)

    at = conversation_page(employee="anna")
    assert "**Deadlines** <b>x</b>" in [t.value for t in at.text]
    assert "Privat: kun min" not in texts(at)
    assert "Medarbejderen har markeret sig som klar." in texts(at)
    checked = [c.label for c in at.checkbox if c.value]
    assert checked == [GUIDE.question("factors_3").text]
    assert not at.get("html")


def test_picked_questions_are_stored_and_offered_next_time(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = conversation_page(employee="anna")
    assert not [c for c in at.checkbox if c.value]
    widget(at.checkbox, GUIDE.question("zone_2").text).check().run()
    widget(at.checkbox, GUIDE.question("factors_4").text).check().run()
    assert record(app_db, app_org, 0, round_id).conversation.selected_questions == (
        "zone_2",
        "factors_4",
    )

    at.selectbox[0].set_value("bent").run()  # bent flagged nothing: the default is offered
    assert [c.label for c in at.checkbox if c.value] == [
        GUIDE.question("zone_2").text,
        GUIDE.question("factors_4").text,
    ]


def test_a_question_picked_after_a_logout_in_another_tab_is_not_stored(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = conversation_page(employee="anna")
    other_tab = log_in(new_app(), "mona")
    widget(other_tab.sidebar.button, "Log ud").click().run()
    widget(at.checkbox, GUIDE.question("zone_2").text).check().run()
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    stored = record(app_db, app_org, 0, round_id)
    assert stored is None or stored.conversation.selected_questions == ()


def test_the_conversation_view_shows_only_the_picked_questions_in_large_text(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = conversation_page(employee="anna")
    widget(at.checkbox, GUIDE.question("factors_1").text).check().run()
    widget(at.checkbox, GUIDE.question("zone_1").text).check().run()
    widget(at.toggle, "Samtalevisning").set_value(True).run()
    headers = [h.value for h in at.header]
    assert headers == [GUIDE.question("zone_1").text, GUIDE.question("factors_1").text]
    followups = [s.value for s in at.subheader]
    assert GUIDE.question("factors_1").followups[0].text in followups
    assert GUIDE.question("zone_2").text not in texts(at)
    assert GUIDE.framing_advice not in texts(at)


def test_the_timer_starts_pauses_and_resets_from_its_buttons(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = conversation_page(employee="anna")
    assert '"running": false' in timer_html(at)
    assert "Mål 10 min · grænse 12 min" in texts(at)
    widget(at.button, "Start").click().run()
    assert record(app_db, app_org, 0, round_id).conversation.timer.running
    assert '"running": true' in timer_html(at)
    widget(at.button, "Pause").click().run()
    paused = record(app_db, app_org, 0, round_id).conversation.timer
    assert not paused.running and paused.accumulated_s > 0
    assert [b.label for b in at.button if b.label in ("Fortsæt", "Nulstil")] == [
        "Fortsæt",
        "Nulstil",
    ]
    widget(at.button, "Nulstil").click().run()
    assert record(app_db, app_org, 0, round_id).conversation.timer.accumulated_s == 0


def test_the_timer_display_holds_no_user_text(app_db: Cursor, app_org: Org, round_id: int) -> None:
    app_db.run("UPDATE users SET name = '<script>x</script>' WHERE username = 'anna'")
    html = timer_html(conversation_page(employee="anna"))
    assert "<script>x" not in html
    assert "Over grænsen" in html and "Kører" in html


def test_themes_and_agreements_are_recorded_and_shown_as_plain_text(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = conversation_page(employee="anna")
    widget(at.selectbox, "Tema").set_value("workload_time_pressure")
    widget(at.radio, "Virkning").set_value("straining")
    widget(at.button, "Tilføj tema").click().run()
    widget(at.text_area, "Aftale").input("Vi *prioriterer* opgaverne hver mandag")
    widget(at.selectbox, "Ansvarlig").set_value("both")
    widget(at.button, "Tilføj aftale").click().run()
    assert not at.exception

    saved = record(app_db, app_org, 0, round_id)
    assert saved.themes == (conversations.RaisedTheme("workload_time_pressure", "straining"),)
    assert [(a.text, a.owner) for a in saved.agreements] == [
        ("Vi *prioriterer* opgaverne hver mandag", "both")
    ]
    page = texts(at)
    assert "Stor arbejdsmængde og tidspres · Udløsende" in page
    assert "Vi *prioriterer* opgaverne hver mandag" in [t.value for t in at.text]
    assert widget(at.text_area, "Aftale").value == ""  # emptied for the next one

    remove = f"conversation_remove_theme_{saved.conversation.id}_workload_time_pressure_straining"
    at.button(key=remove).click().run()
    assert record(app_db, app_org, 0, round_id).themes == ()


def test_marking_held_records_the_time_and_later_changes_are_corrections(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = conversation_page(employee="anna")
    widget(at.button, "Start").click().run()
    widget(at.button, "Marker samtalen som holdt").click().run()
    held = record(app_db, app_org, 0, round_id).conversation
    assert held.held and held.duration_s is not None
    page = texts(at)
    assert "Samtalen blev holdt den" in page
    assert "Ændringer af temaer og aftaler registreres som rettelser i loggen." in page
    assert not [b for b in at.button if b.label in ("Start", "Pause", "Marker samtalen som holdt")]

    widget(at.radio, "Virkning").set_value("protective")
    widget(at.button, "Tilføj tema").click().run()
    actions = [e.action for e in audit.entries_about(app_db, app_org.employees[0].id)]
    assert conversations.CORRECTED in actions


def test_a_too_long_agreement_is_refused_and_the_text_stays(
    app_db: Cursor, app_org: Org, round_id: int
) -> None:
    at = conversation_page(employee="anna")
    widget(at.text_area, "Aftale").input("   ")
    widget(at.button, "Tilføj aftale").click().run()
    assert "Aftalen skal være 1-1000 tegn." in texts(at)
    assert record(app_db, app_org, 0, round_id).agreements == ()


def test_a_closed_round_is_read_only(app_db: Cursor, app_org: Org, round_id: int) -> None:
    anna_conversation = conversations.open_conversation(
        app_db, app_org.manager, app_org.employees[0].id, round_id
    )
    conversations.add_theme(
        app_db, app_org.manager, anna_conversation.id, "meaning", "protective", 0
    )
    rounds.advance(app_db, app_org.manager, round_id, rounds.CLOSED)
    at = conversation_page(employee="anna")
    assert "Runden er lukket. Samtalen kan læses, men ikke ændres." in texts(at)
    assert "Mening i arbejdet · Beskyttende" in texts(at)
    assert not [b for b in at.button if b.label in ("Start", "Tilføj tema", "Tilføj aftale")]
    assert all(c.disabled for c in at.checkbox)

    at.selectbox[0].set_value("bent").run()
    assert "der blev ikke registreret en samtale med medarbejderen" in texts(at)
    assert record(app_db, app_org, 1, round_id) is None


def test_an_employee_has_no_conversation_page(app_org: Org) -> None:
    at = log_in(new_app(), "anna")
    with pytest.raises(ValueError, match="Known pages"):
        at.switch_page(PAGE)


def test_the_page_in_english(app_db: Cursor, app_org: Org, round_id: int) -> None:
    at = new_app().run()
    at.sidebar.segmented_control[0].set_value("en").run()
    log_in(at, "mona")
    at.query_params["employee"] = "anna"
    at.switch_page(PAGE).run()
    page = texts(at)
    assert "The talk about wellbeing and stress" in page
    assert content.load().get("en").guide.framing_advice in page
    assert widget(at.button, "Start")
