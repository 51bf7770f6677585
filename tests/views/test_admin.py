from streamlit.testing.v1 import AppTest

from core import auth, people, settings
from core.db import Cursor
from tests.conftest import Org, log_in, new_app, new_user, texts, widget

NOW = 1_800_000_000.0
HEADER = "username,name,email,roles,manager,team\n"


def admin_page(username: str = "admin") -> AppTest:
    at = log_in(new_app(), username)
    assert not at.exception
    return at


def go(at: AppTest, section: str) -> AppTest:
    widget(at.segmented_control, "Område").set_value(section).run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    return widget(at.button, label)


def table(at: AppTest, index: int = 0) -> list[dict]:
    return at.dataframe[index].value.to_dict("records")


def test_an_admin_lands_on_the_admin_page_and_others_never_see_it(app_org: Org) -> None:
    at = admin_page()
    assert at.title[0].value == "Administration"
    assert "Noter, delte punkter, aftaler og samtaleoptegnelser kan du ikke se" in texts(at)
    for username in ("mona", "anna"):
        page = texts(admin_page(username))
        assert "Administration" not in page


def test_the_people_list_can_be_searched(app_org: Org) -> None:
    at = admin_page()
    assert "Viser 9 af 9 personer" in texts(at)
    widget(at.text_input, "Søg efter navn, brugernavn eller e-mail").input("ann").run()
    assert "Viser 1 af 1 personer" in texts(at)
    assert table(at) == [
        {
            "Brugernavn": "anna",
            "Navn": "Anna",
            "E-mail": "anna@example.org",
            "Roller": "Medarbejder",
            "Team": "Team A",
            "Leder": "Mona",
            "Status": "Aktiv",
        }
    ]
    assert "Anna \\(anna\\)" in texts(at)  # the chosen person's editor


def choose(at: AppTest, username: str) -> AppTest:
    widget(at.text_input, "Søg efter navn, brugernavn eller e-mail").input(username).run()
    assert widget(at.selectbox, "Vælg person").value is not None
    return at


def test_an_admin_creates_a_person_and_sees_the_first_password_once(
    app_db: Cursor, app_org: Org
) -> None:
    at = go(admin_page(), "new_person")
    widget(at.text_input, "Brugernavn").input("Pia")
    widget(at.text_input, "Navn").input("Pia Hansen")
    widget(at.multiselect, "Roller").set_value(["employee"])
    widget(at.selectbox, "Leder").set_value(app_org.manager.id)
    widget(at.selectbox, "Team").set_value(app_org.team_id)
    button(at, "Opret person").click().run()
    assert "pia er oprettet" in texts(at)
    password = at.code[0].value
    pia = people.by_username(app_db, "pia")
    assert (pia.name, pia.manager_id, pia.team_id) == (
        "Pia Hansen",
        app_org.manager.id,
        app_org.team_id,
    )
    assert pia.must_change_password
    assert auth.check_login(app_db, "pia", password, NOW) is auth.LoginOutcome.OK
    at.run()
    assert password not in texts(at)  # shown once


def test_a_taken_username_is_reported_and_nothing_created(app_db: Cursor, app_org: Org) -> None:
    at = go(admin_page(), "new_person")
    widget(at.text_input, "Brugernavn").input("anna")
    widget(at.text_input, "Navn").input("Another Anna")
    button(at, "Opret person").click().run()
    assert [e.value for e in at.error] == ["Brugernavnet anna er allerede i brug."]
    assert people.count(app_db) == 9


def test_an_admin_edits_a_person(app_db: Cursor, app_org: Org) -> None:
    at = choose(admin_page(), "bent")
    bent = app_org.employees[1]
    widget(at.text_input, "Navn").input("Bent Hansen")
    widget(at.multiselect, "Roller").set_value(["employee", "manager"])
    button(at, "Gem ændringer").click().run()
    assert "Ændringerne for bent er gemt" in texts(at)
    edited = people.get(app_db, bent.id)
    assert edited.name == "Bent Hansen" and edited.roles == {people.EMPLOYEE, people.MANAGER}
    assert table(at)[0]["Roller"] == "Medarbejder, Leder"


def test_the_last_admin_is_told_why_the_role_stays(app_db: Cursor, app_org: Org) -> None:
    at = choose(admin_page(), "admin")
    widget(at.multiselect, "Roller").set_value(["employee"])
    button(at, "Gem ændringer").click().run()
    assert "Du er den sidste aktive administrator" in at.error[0].value
    assert people.get(app_db, app_org.admin.id).has(people.ADMIN)


def test_an_admin_deactivates_and_reactivates_a_person(app_db: Cursor, app_org: Org) -> None:
    at = choose(admin_page(), "carl")
    button(at, "Deaktivér").click().run()
    assert "carl er deaktiveret og kan ikke længere logge ind" in texts(at)
    assert table(at)[0]["Status"] == "Deaktiveret"
    assert not people.get(app_db, app_org.employees[2].id).active
    assert "Personen er deaktiveret" in texts(at)
    button(at, "Genaktivér").click().run()
    assert people.get(app_db, app_org.employees[2].id).active


def test_a_password_reset_shows_the_temporary_password(app_db: Cursor, app_org: Org) -> None:
    at = choose(admin_page(), "dina")
    button(at, "Nulstil adgangskode").click().run()
    assert "Adgangskoden for dina er nulstillet" in texts(at)
    temporary = at.code[0].value
    assert auth.check_login(app_db, "dina", temporary, NOW) is auth.LoginOutcome.OK
    assert people.by_username(app_db, "dina").must_change_password

    at = log_in(new_app(), "dina", temporary)
    assert "Din adgangskode blev nulstillet af en administrator den" in texts(at)


def test_a_setting_outside_its_range_gets_a_message_and_is_not_saved(
    app_db: Cursor, app_org: Org
) -> None:
    at = go(admin_page(), "settings")
    widget(at.number_input, "k: mindste antal personer bag et tema").set_value(11)
    button(at, "Gem indstillinger").click().run()
    assert [e.value for e in at.error] == [
        "k: mindste antal personer bag et tema: Værdien skal være et helt tal fra 3 til 10."
    ]
    assert settings.load(app_db).k == 3

    widget(at.number_input, "k: mindste antal personer bag et tema").set_value(3)
    widget(at.number_input, "Timer: grænse i minutter").set_value(9)
    button(at, "Gem indstillinger").click().run()
    assert "Grænsen skal være større end målet (10 minutter)" in at.error[0].value


def test_settings_are_saved(app_db: Cursor, app_org: Org) -> None:
    at = go(admin_page(), "settings")
    widget(at.text_input, "Organisationens navn").input("Acme Kommune")
    widget(at.number_input, "k: mindste antal personer bag et tema").set_value(4)
    button(at, "Gem indstillinger").click().run()
    assert "Indstillingerne er gemt (2 ændret)" in texts(at)
    assert (settings.load(app_db).organisation_name, settings.load(app_db).k) == (
        "Acme Kommune",
        4,
    )


def test_a_frozen_k_is_shown_and_a_change_refused(app_db: Cursor, app_org: Org) -> None:
    app_db.run(
        "INSERT INTO rounds (team_id, name, state, k) VALUES (?, 'MUS 2026', 'open', 3)",
        [app_org.team_id],
    )
    at = go(admin_page(), "settings")
    assert "Team A: MUS 2026 (k = 3)" in texts(at)
    widget(at.number_input, "k: mindste antal personer bag et tema").set_value(5)
    button(at, "Gem indstillinger").click().run()
    assert "k kan ikke ændres nu" in at.error[0].value
    assert settings.load(app_db).k == 3


def upload(at: AppTest, text: str) -> AppTest:
    at.file_uploader[0].set_value(("people.csv", text.encode(), "text/csv")).run()
    assert not at.exception
    return at


def test_a_csv_with_a_bad_line_is_previewed_with_the_problem_and_not_imported(
    app_db: Cursor, app_org: Org
) -> None:
    at = upload(
        go(admin_page(), "import"),
        HEADER + "pia,Pia,,employee,mona,Team A\nper,Per,,employee,nobody,Team A\n",
    )
    assert [row["Brugernavn"] for row in table(at)] == ["pia", "per"]
    assert "Filen har 2 fejl. Intet er importeret." in at.error[0].value
    assert "Linje 3: Lederen nobody findes hverken i filen eller blandt brugerne." in texts(at)
    assert not [b for b in at.button if b.label.startswith("Importér")]
    assert people.by_username(app_db, "pia") is None


def test_a_clean_csv_is_imported_and_the_first_passwords_shown_once(
    app_db: Cursor, app_org: Org
) -> None:
    at = upload(
        go(admin_page(), "import"),
        HEADER + "pia,Pia,,employee,mona,Team A\nper,Per,,employee,mona,Team A\n",
    )
    assert "Alle 2 linjer er i orden." in texts(at)
    button(at, "Importér 2 personer").click().run()
    assert "2 personer er importeret." in texts(at)
    lines = dict(line.split() for line in at.code[-1].value.splitlines())
    assert set(lines) == {"pia", "per"}
    assert auth.check_login(app_db, "per", lines["per"], NOW) is auth.LoginOutcome.OK
    assert people.by_username(app_db, "pia").manager_id == app_org.manager.id
    assert not at.file_uploader[0].value  # the upload is emptied: no second import
    at.run()
    assert lines["pia"] not in texts(at)


def test_teams_are_listed_and_created(app_db: Cursor, app_org: Org) -> None:
    at = go(admin_page(), "teams")
    assert [(r["Team"], r["Leder"], r["Aktive medlemmer"]) for r in table(at)] == [
        ("Team A", "Mona", 5),
        ("Team B", "Otto", 1),
    ]
    widget(at.text_input, "Teamets navn").input("*Lager*")
    button(at, "Opret team").click().run()
    assert r"Teamet \*Lager\* er oprettet." in texts(at)  # typed text stays literal
    assert [r["Team"] for r in table(at)] == ["*Lager*", "Team A", "Team B"]


def test_a_team_is_renamed_and_people_moved_into_it(app_db: Cursor, app_org: Org) -> None:
    at = go(admin_page(), "teams")
    widget(at.selectbox, "Vælg team").set_value(app_org.other_team_id).run()
    widget(at.text_input, "Nyt navn").input("Team Syd")
    button(at, "Omdøb").click().run()
    assert "Teamet Team Syd er gemt." in texts(at)
    anna = app_org.employees[0]
    widget(at.selectbox, "Vælg team").set_value(app_org.other_team_id).run()
    widget(at.text_input, "Find personer at flytte til Team Syd").input("ANN").run()
    widget(at.multiselect, "Flyt personer til Team Syd").set_value([anna.id])
    button(at, "Flyt").click().run()
    assert "1 personer er flyttet til Team Syd." in texts(at)
    moved = people.get(app_db, anna.id)
    assert (moved.team_id, moved.manager_id) == (app_org.other_team_id, app_org.other_manager.id)
    assert [(r["Team"], r["Aktive medlemmer"]) for r in table(at)] == [
        ("Team A", 4),
        ("Team Syd", 2),
    ]


def test_moving_people_starts_with_a_search_not_a_list_of_everybody(
    app_db: Cursor, app_org: Org
) -> None:
    for n in range(55):
        new_user(app_db, f"temp{n:03}")
    at = go(admin_page(), "teams")
    widget(at.selectbox, "Vælg team").set_value(app_org.other_team_id).run()
    assert not at.multiselect
    assert "Skriv en del af et navn eller brugernavn" in texts(at)
    search = widget(at.text_input, "Find personer at flytte til Team B")
    search.input("nobody like this").run()
    assert [i.value for i in at.info] == ["Ingen personer matcher søgningen."]
    assert not at.multiselect
    widget(at.text_input, "Find personer at flytte til Team B").input("temp").run()
    assert "Viser de første 50 af 55. Skriv mere for at indsnævre søgningen." in texts(at)
    assert len(widget(at.multiselect, "Flyt personer til Team B").options) == 50
    widget(at.text_input, "Find personer at flytte til Team B").input("anna").run()
    assert widget(at.multiselect, "Flyt personer til Team B").options == ["Anna (anna) · Team A"]
    assert not at.exception


def test_the_audit_log_filters_by_action(app_db: Cursor, app_org: Org) -> None:
    auth.reset_password(app_db, app_org.admin, app_org.employees[0].id, NOW)
    at = go(admin_page(), "audit")
    widget(at.selectbox, "Handling").set_value("password_reset").run()
    rows = table(at)
    assert [(r["Udført af"], r["Handling"], r["Om"]) for r in rows] == [
        ("admin", "password_reset", "anna")
    ]
    assert "Side 1 af 1 (1 hændelser, nyeste først)." in texts(at)


def test_the_audit_log_finds_a_person_by_typing_part_of_the_name(
    app_db: Cursor, app_org: Org
) -> None:
    auth.reset_password(app_db, app_org.admin, app_org.employees[0].id, NOW)
    auth.reset_password(app_db, app_org.admin, app_org.employees[1].id, NOW)
    at = go(admin_page(), "audit")
    assert not [s for s in at.selectbox if s.label == "Person"]  # no list of everybody
    widget(at.text_input, "Person").input("BEN").run()
    assert {r["Om"] for r in table(at)} == {"bent"}
    widget(at.text_input, "Person").input("nobody like this").run()
    assert "Side 1 af 1 (0 hændelser, nyeste først)." in texts(at)
    assert not at.exception


def test_the_backup_says_the_key_is_needed_and_purge_previews_first(
    app_db: Cursor, app_org: Org
) -> None:
    at = go(admin_page(), "backup")
    assert "uden data.key kan noterne i backuppen ikke læses" in texts(at)
    assert "Opbevar data.key et andet sted end backupfilerne" in texts(at)
    assert "python -m core.cli restore FILE.zip" in texts(at)
    button(at, "Vis hvad der vil blive slettet").click().run()
    assert "Intet at slette" in texts(at)
    assert not [b for b in at.button if b.label == "Slet nu"]


def test_purge_from_the_page_after_a_preview(app_db: Cursor, app_org: Org) -> None:
    anna = app_org.employees[0]
    round_id = app_db.value(
        "INSERT INTO rounds (team_id, name, state, closed_at)"
        " VALUES (?, 'MUS 2019', 'closed', TIMESTAMP '2019-06-01') RETURNING id",
        [app_org.team_id],
    )
    app_db.run(
        "INSERT INTO preparation_items (user_id, round_id, item_id, note_enc)"
        " VALUES (?, ?, 'zone_1', ?)",
        [anna.id, round_id, app_db.cipher.encrypt("old note")],
    )
    at = go(admin_page(), "backup")
    button(at, "Vis hvad der vil blive slettet").click().run()
    assert "1 noter og 0 zoneplaceringer i 1 runder" in texts(at)
    assert "Team A: MUS 2019: 1 noter, 0 zoneplaceringer" in texts(at)
    assert app_db.value("SELECT note_enc FROM preparation_items") != ""  # only a preview
    button(at, "Slet nu").click().run()
    assert "1 noter og 0 zoneplaceringer er slettet." in texts(at)
    assert app_db.value("SELECT note_enc FROM preparation_items") == ""
