"""The manager's team page: round lifecycle, "Før samtalen", invitation and roster."""

import time
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from core import content, conversations, preparation, rounds, settings
from core.db import Cursor
from tests.conftest import Org, log_in, new_app, new_user, open_round, texts, widget

GUIDE = content.load().get("da").guide


def team_page(username: str = "mona") -> AppTest:
    at = log_in(new_app(), username)  # a manager lands on the team page
    assert not at.exception, at.exception
    assert "Mit team" in texts(at)
    return at


def test_a_manager_creates_opens_and_closes_a_round(app_db: Cursor, app_org: Org) -> None:
    at = team_page()
    assert "Teamet har ingen runder endnu." in texts(at)
    widget(at.text_input, "Navn på runden").input("MUS 2026")
    widget(at.button, "Opret runde").click().run()
    assert "Runden er oprettet som planlagt." in texts(at)
    (created,) = rounds.for_team(app_db, app_org.manager, app_org.team_id)
    assert created.state == rounds.PLANNED
    assert widget(at.selectbox, "Runde").value == created.id

    widget(at.button, "Åbn runden").click().run()
    assert "Runden er åben. Medarbejderne kan nu forberede sig." in texts(at)
    assert rounds.get(app_db, created.id).state == rounds.OPEN

    assert widget(at.button, "Luk runden").disabled  # not before the confirmation
    widget(at.checkbox, "Jeg forstår, at en lukket runde ikke kan åbnes igen.").check().run()
    widget(at.button, "Luk runden").click().run()
    assert "Runden er lukket." in texts(at)
    assert rounds.get(app_db, created.id).state == rounds.CLOSED
    assert not [b for b in at.button if b.label in ("Åbn runden", "Luk runden")]
    assert "en lukket runde kan ikke åbnes igen" in texts(at)


def test_a_round_is_not_opened_after_a_logout_in_another_tab(app_db: Cursor, app_org: Org) -> None:
    planned = rounds.create(app_db, app_org.manager, app_org.team_id, "MUS 2026")
    at = team_page()
    other_tab = log_in(new_app(), "mona")
    widget(other_tab.sidebar.button, "Log ud").click().run()
    widget(at.button, "Åbn runden").click().run()
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]
    assert rounds.get(app_db, planned).state == rounds.PLANNED


def test_a_refused_transition_gets_a_clear_message(app_db: Cursor, app_org: Org) -> None:
    open_round(app_db, app_org.manager, app_org.team_id, "Forår")
    later = rounds.create(app_db, app_org.manager, app_org.team_id, "Efterår")
    at = team_page()
    widget(at.selectbox, "Runde").set_value(later).run()
    widget(at.button, "Åbn runden").click().run()
    assert "Teamet har allerede en åben runde. Luk den først." in texts(at)
    assert rounds.get(app_db, later).state == rounds.PLANNED


def test_bad_round_details_are_explained_and_nothing_is_created(
    app_db: Cursor, app_org: Org
) -> None:
    at = team_page()
    widget(at.button, "Opret runde").click().run()
    assert "Rundens navn skal være 1-80 tegn." in texts(at)
    assert rounds.for_team(app_db, app_org.manager, app_org.team_id) == []


def test_before_the_conversation_the_invitation_is_ready_to_copy(
    app_db: Cursor, app_org: Org
) -> None:
    settings.store(app_db, "organisation_name", "Acme Kommune")
    settings.store(app_db, "pamphlet_url", "https://acme.example/stress.pdf")
    at = team_page()
    assert "Før samtalen" in texts(at)
    assert GUIDE.step("before").text.format(organisation="Acme Kommune") in texts(at)
    assert [c.label for c in at.checkbox][:3] == [
        "Orienter medarbejderne om, at I har særligt fokus på trivsel og stressforebyggelse.",
        "Uddel stressværktøjet (linket står i invitationen).",
        "Bed hver medarbejder læse stresspjecen og reflektere over forberedelsesspørgsmålet.",
    ]
    (invitation,) = [c.value for c in at.code]
    assert "På Acme Kommune har vi" in invitation
    assert GUIDE.preparation_question in invitation
    assert "/preparation" in invitation
    assert "https://acme.example/stress.pdf" in invitation
    assert "ca. 10-12 minutter" in invitation
    assert invitation.rstrip().endswith("Stresspjecen: https://acme.example/stress.pdf")


def test_the_roster_shows_only_ready_and_held(app_db: Cursor, app_org: Org) -> None:
    round_id = open_round(app_db, app_org.manager, app_org.team_id)
    anna, bent = app_org.employees[0], app_org.employees[1]
    now = time.time()
    preparation.save_note(app_db, anna, round_id, "zone_1", "Annas private tanker", now)
    preparation.save_note(app_db, anna, round_id, "zone_2", "Annas delte note", now)
    preparation.share(app_db, anna, round_id, "zone_2", now)
    preparation.set_ready(app_db, anna, round_id, True, now)
    bents = conversations.open_conversation(app_db, app_org.manager, bent.id, round_id)
    conversations.add_agreement(app_db, app_org.manager, bents.id, "Bents aftale", "both", None, 0)
    conversations.mark_held(app_db, app_org.manager, bents.id, now)

    at = team_page()
    rows = [t.value for t in at.text]
    assert rows[rows.index("Anna") + 1] == "Klar: ja · Holdt: nej"
    assert rows[rows.index("Bent") + 1] == "Klar: nej · Holdt: ja"
    page = texts(at)
    for private in ("Annas private tanker", "Annas delte note", "Bents aftale", "Olga"):
        assert private not in page


def test_each_employee_has_a_link_to_their_conversation(app_db: Cursor, app_org: Org) -> None:
    round_id = open_round(app_db, app_org.manager, app_org.team_id)
    at = team_page()
    links = [e.proto for e in at.get("page_link")]
    assert [link.label for link in links] == ["Åbn samtalen"] * 5
    targets = [parse_qs(link.query_string) for link in links]
    assert targets[0] == {"employee": ["anna"], "round": [str(round_id)]}
    assert {t["employee"][0] for t in targets} == {"anna", "bent", "carl", "dina", "emil"}


def test_a_planned_round_has_no_roster_yet(app_db: Cursor, app_org: Org) -> None:
    rounds.create(app_db, app_org.manager, app_org.team_id, "MUS 2026")
    at = team_page()
    assert "Når runden er åben, ses her, hvem der har forberedt sig." in texts(at)
    assert not at.get("page_link")


def test_a_manager_without_a_team_is_told_so(app_db: Cursor, app_org: Org) -> None:
    new_user(app_db, "nina", "manager")
    at = team_page("nina")
    assert "Du er ikke leder for et team endnu." in texts(at)


@pytest.mark.parametrize("username", ["anna", "admin"])
def test_the_team_page_is_for_managers_only(app_org: Org, username: str) -> None:
    at = log_in(new_app(), username)
    with pytest.raises(ValueError, match="Known pages"):
        at.switch_page("views/team.py")


def test_the_page_in_english(app_db: Cursor, app_org: Org) -> None:
    open_round(app_db, app_org.manager, app_org.team_id)
    at = new_app().run()
    at.sidebar.segmented_control[0].set_value("en").run()
    log_in(at, "mona")
    page = texts(at)
    assert "My team" in page and "Who is ready" in page
    (invitation,) = [c.value for c in at.code]
    assert content.load().get("en").guide.preparation_question in invitation
