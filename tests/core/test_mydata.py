""" "My data": an export of exactly my things, and deleting my private notes and zones."""

import dataclasses
import inspect
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from core import audit, content, conversations, exports, mydata, people, preparation, rounds
from core.admin import deactivate
from core.db import Cursor
from core.errors import NotAllowed
from tests.conftest import Org, OrgPeople, open_round

NOW = 1_780_000_000.0  # an injected clock: 2026-05-28 20:26:40 UTC
LATER = NOW + 86_400
Q1, Q2, Q3 = content.QUESTION_IDS[:3]
PREP = content.PREPARATION_ITEM
THEME = "workload_time_pressure"
DA, EN = content.load().get("da"), content.load().get("en")


@dataclass(frozen=True)
class Setting(OrgPeople):
    """Round 1 (closed, anna's talk held) and round 2 (open) of team A."""

    org: Org
    first: int
    second: int


@pytest.fixture
def s(cur: Cursor, seeded_org: Org) -> Setting:
    org = seeded_org
    anna, bent, mona = org.employees[0], org.employees[1], org.manager
    first = open_round(cur, mona, org.team_id, "MUS 2025")
    preparation.save_note(cur, anna, first, Q1, "ANNA held shared æøå", NOW)
    preparation.share(cur, anna, first, Q1, NOW)
    preparation.save_note(cur, anna, first, Q2, "ANNA private in round one", NOW)
    preparation.set_flag(cur, anna, first, Q2, True, NOW)
    preparation.set_zone(cur, anna, first, "risk", NOW)
    preparation.set_ready(cur, anna, first, True, NOW)
    preparation.save_note(cur, bent, first, Q1, "BENT colleague note", NOW)
    preparation.share(cur, bent, first, Q1, NOW)
    preparation.set_zone(cur, bent, first, "danger", NOW)
    talk = conversations.open_conversation(cur, mona, anna.id, first)
    conversations.add_theme(cur, mona, talk.id, THEME, conversations.STRAINING, NOW)
    conversations.add_agreement(
        cur, mona, talk.id, "ANNA agreement: faste pauser", conversations.OWNER_BOTH, None, NOW
    )
    conversations.mark_held(cur, mona, talk.id, NOW)
    bents_talk = conversations.open_conversation(cur, mona, bent.id, first)
    conversations.add_agreement(
        cur, mona, bents_talk.id, "BENT agreement", conversations.OWNER_MANAGER, None, NOW
    )
    preparation.shared_view(cur, mona, anna.id, first, now=NOW)  # logged: mona read anna's
    preparation.shared_view(cur, mona, bent.id, first, now=NOW)
    rounds.advance(cur, mona, first, rounds.CLOSED)

    second = open_round(cur, mona, org.team_id, "MUS 2026")
    preparation.save_note(cur, anna, second, PREP, "ANNA shared, talk not held", NOW)
    preparation.share(cur, anna, second, PREP, NOW)
    preparation.save_note(cur, anna, second, Q3, "ANNA private in round two", NOW)
    preparation.set_zone(cur, anna, second, "thriving", NOW)
    return Setting(org, first, second)


def everything(cur: Cursor, user: people.User) -> str:
    return mydata.to_json(mydata.export(cur, user, NOW))


# --- the export --------------------------------------------------------------------------


def test_the_export_holds_my_account(cur: Cursor, s: Setting) -> None:
    account = mydata.export(cur, s.anna, NOW).account
    assert (account.username, account.name, account.email) == ("anna", "Anna", "anna@example.org")
    assert (account.roles, account.team, account.manager) == (("employee",), "Team A", "Mona")
    assert account.language is None and isinstance(account.created_at, datetime)


def test_the_export_holds_my_notes_decrypted_with_flags_sharing_zone_and_ready(
    cur: Cursor, s: Setting
) -> None:
    data = mydata.export(cur, s.anna, NOW)
    first, second = data.preparations
    assert (first.round, first.team, first.round_state) == ("MUS 2025", "Team A", "closed")
    assert (first.zone, first.ready) == ("risk", True)
    notes = {note.item_id: note for note in first.notes}
    assert notes[Q1] == mydata.Note(
        Q1, "ANNA held shared æøå", False, True, datetime.fromtimestamp(NOW, UTC)
    )
    assert (notes[Q2].text, notes[Q2].flagged, notes[Q2].shared) == (
        "ANNA private in round one",
        True,
        False,
    )
    assert [n.item_id for n in second.notes] == [PREP, Q3]  # guide order
    assert (second.zone, second.ready, second.round_state) == ("thriving", False, "open")
    assert data.exported_at == datetime.fromtimestamp(NOW, UTC)


def test_the_export_holds_what_was_recorded_in_my_conversation(cur: Cursor, s: Setting) -> None:
    (talk,) = mydata.export(cur, s.anna, NOW).conversations
    assert (talk.round, talk.manager) == ("MUS 2025", "Mona")
    assert talk.themes == (mydata.Theme(THEME, conversations.STRAINING),)
    assert talk.agreements == (
        mydata.Agreement("ANNA agreement: faste pauser", conversations.OWNER_BOTH, None),
    )
    assert talk.held_at is not None and talk.duration_s == 0


def test_the_export_holds_the_log_about_me_with_who_read_my_things(cur: Cursor, s: Setting) -> None:
    log = mydata.export(cur, s.anna, NOW, file_format=mydata.PDF).log
    actions = [entry.action for entry in log]
    assert actions[0] == mydata.EXPORT and log[0].detail == mydata.PDF  # this export, newest
    assert {
        preparation.ITEM_SHARED,
        conversations.HELD,
        audit.READ_SHARED,
        audit.USER_CREATED,
    } <= set(actions)
    read = next(entry for entry in log if entry.action == audit.READ_SHARED)
    assert (read.actor, read.about_me) == ("Mona", True)
    assert mydata.reads(cur, s.anna) == (read,)


def test_the_export_holds_nothing_of_a_colleague(cur: Cursor, s: Setting) -> None:
    mine = everything(cur, s.anna)
    assert "ANNA held shared æøå" in mine and "ANNA agreement" in mine
    assert "BENT" not in mine and "danger" not in mine
    bents = everything(cur, s.bent)
    assert "BENT colleague note" in bents and "BENT agreement" in bents
    assert "ANNA" not in bents
    assert '"zone": "danger"' in bents


def test_a_managers_export_holds_no_employee_text(cur: Cursor, s: Setting) -> None:
    monas = mydata.export(cur, s.mona, NOW)
    text = mydata.to_json(monas)
    assert "ANNA" not in text and "BENT" not in text
    assert monas.preparations == () and monas.conversations == ()
    assert audit.READ_SHARED in [entry.action for entry in monas.log]  # what mona did
    assert not [e for e in monas.log if e.action == audit.READ_SHARED and e.about_me]
    assert mydata.reads(cur, s.mona) == ()


def test_nobody_can_ask_for_someone_elses_data() -> None:
    for function in (mydata.export, mydata.reads, mydata.delete_private):
        parameters = inspect.signature(function).parameters
        assert "actor" in parameters
        assert not [name for name in parameters if name.endswith("id")]


def test_a_deactivated_account_gets_nothing(cur: Cursor, s: Setting) -> None:
    deactivate(cur, s.org.admin, s.anna.id, NOW)
    for attempt in (
        lambda: mydata.export(cur, s.anna, NOW),
        lambda: mydata.reads(cur, s.anna),
        lambda: mydata.delete_private(cur, s.anna, NOW),
    ):
        with pytest.raises(NotAllowed):
            attempt()


def test_every_export_is_logged_with_its_format_and_no_content(cur: Cursor, s: Setting) -> None:
    for file_format in mydata.FORMATS:
        mydata.export(cur, s.anna, NOW, file_format=file_format)
    rows = cur.all(
        "SELECT actor_id, subject_id, detail FROM audit_log WHERE action = ? ORDER BY id",
        [mydata.EXPORT],
    )
    assert rows == [(s.anna.id, s.anna.id, f) for f in mydata.FORMATS]
    with pytest.raises(ValueError, match="unknown export format"):
        mydata.export(cur, s.anna, NOW, file_format="xlsx")


def _plain(value: object) -> object:
    """A dataclass tree as JSON gives it back: dates as ISO text, tuples as lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def test_the_json_round_trips(cur: Cursor, s: Setting) -> None:
    data = mydata.export(cur, s.anna, NOW)
    parsed = json.loads(mydata.to_json(data))
    assert parsed == _plain(dataclasses.asdict(data))
    assert parsed["preparations"][0]["notes"][0]["text"] == "ANNA held shared æøå"
    assert datetime.fromisoformat(parsed["exported_at"]) == data.exported_at
    assert "æøå" in mydata.to_json(data)  # readable, not \u-escaped


# --- the readable document ---------------------------------------------------------------


def test_the_document_reads_in_danish_and_english(cur: Cursor, s: Setting) -> None:
    data = mydata.export(cur, s.anna, NOW)
    danish = exports.to_markdown(mydata.document(data, DA))
    assert danish.startswith("# Mine data i Trivselssnak")
    for expected in (
        "Brugernavn: anna",
        "Leder: Mona",
        "## Forberedelse: MUS 2025 (Team A)",
        "ANNA held shared æøå",
        "Delt med din leder",
        "Det vil jeg gerne tale om",
        DA.guide.question(Q1).text,
        DA.guide.preparation_question,
        {zone.id: zone.name for zone in DA.stress_tool.zones}["risk"],
        "Markeret som klar til samtalen.",
        "## Samtale: MUS 2025",
        DA.theme(THEME).label,
        "udløsende",
        "ANNA agreement: faste pauser",
        "Mona læste dine delte noter den",
        "hentede sine data",
    ):
        assert expected in danish, expected
    english = exports.to_markdown(mydata.document(data, EN))
    assert english.startswith("# My data in Trivselssnak")
    assert "Mona read your shared items on" in english and "Shared with your manager" in english
    assert exports.to_pdf(mydata.document(data, EN)).startswith(b"%PDF")


def test_an_empty_account_still_makes_a_document(cur: Cursor, seeded_org: Org) -> None:
    data = mydata.export(cur, seeded_org.admin, NOW)
    text = exports.to_markdown(mydata.document(data, EN))
    assert "You have not written anything in a preparation." in text
    assert "No conversation has been recorded about you." in text
    assert "Roles: Administrator" in text


def test_user_text_stays_plain_text_in_the_document(cur: Cursor, s: Setting) -> None:
    hostile = "[click](https://evil.example) <script>alert(1)</script> # heading"
    preparation.save_note(cur, s.anna, s.second, Q2, hostile, NOW)
    text = exports.to_markdown(mydata.document(mydata.export(cur, s.anna, NOW), EN))
    assert "<script>" not in text and "](https://" not in text


# --- deleting ----------------------------------------------------------------------------


def stored(cur: Cursor, user: people.User) -> dict[tuple[int, str], tuple[str, bool, bool]]:
    rows = cur.all(
        "SELECT round_id, item_id, note_enc, flagged, shared FROM preparation_items"
        " WHERE user_id = ?",
        [user.id],
    )
    return {(r, i): (cur.cipher.decrypt(n), f, sh) for r, i, n, f, sh in rows}


def zones(cur: Cursor, user: people.User) -> dict[int, tuple[str | None, bool]]:
    rows = cur.all("SELECT round_id, zone, ready FROM preparations WHERE user_id = ?", [user.id])
    return {round_id: (zone, ready) for round_id, zone, ready in rows}


def test_a_dry_run_counts_and_deletes_nothing(cur: Cursor, s: Setting) -> None:
    before = stored(cur, s.anna), zones(cur, s.anna)
    assert mydata.delete_private(cur, s.anna, LATER, dry_run=True) == mydata.Deleted(3, 2, 1)
    assert (stored(cur, s.anna), zones(cur, s.anna)) == before
    assert mydata.DELETE_PRIVATE not in [e.action for e in audit.entries_about(cur, s.anna.id)]


def test_deleting_keeps_notes_shared_for_a_held_talk_and_the_record(
    cur: Cursor, s: Setting
) -> None:
    assert mydata.delete_private(cur, s.anna, LATER) == mydata.Deleted(3, 2, 1)
    notes = stored(cur, s.anna)
    assert notes[(s.first, Q1)] == ("ANNA held shared æøå", False, True)  # manager's record
    assert notes[(s.first, Q2)] == ("", True, False)  # text gone, the flag stays
    assert notes[(s.second, PREP)] == ("", False, False)  # talk not held: gone, unshared
    assert notes[(s.second, Q3)] == ("", False, False)
    assert zones(cur, s.anna) == {s.first: (None, True), s.second: (None, False)}

    record = conversations.record_for(cur, s.anna, s.anna.id, s.first)
    assert record.themes == (conversations.RaisedTheme(THEME, conversations.STRAINING),)
    assert [a.text for a in record.agreements] == ["ANNA agreement: faste pauser"]
    view = preparation.shared_view(cur, s.mona, s.anna.id, s.first, now=LATER)
    assert view.shared == ((Q1, "ANNA held shared æøå"),)
    assert preparation.shared_view(cur, s.mona, s.anna.id, s.second, now=LATER).shared == ()


def test_deleting_touches_nobody_else(cur: Cursor, s: Setting) -> None:
    bents = stored(cur, s.bent), zones(cur, s.bent)
    mydata.delete_private(cur, s.anna, LATER)
    assert (stored(cur, s.bent), zones(cur, s.bent)) == bents


def test_deleting_is_logged_without_content_and_can_be_repeated(cur: Cursor, s: Setting) -> None:
    mydata.delete_private(cur, s.anna, LATER)
    entry = audit.entries_about(cur, s.anna.id)[0]
    assert (entry.action, entry.actor, entry.detail) == (
        mydata.DELETE_PRIVATE,
        "anna",
        "notes=3 zones=2",
    )
    assert mydata.delete_private(cur, s.anna, LATER) == mydata.Deleted(0, 0, 1)
    assert "ANNA" not in repr(cur.all("SELECT * FROM audit_log"))


def test_after_deleting_the_export_shows_what_stays(cur: Cursor, s: Setting) -> None:
    mydata.delete_private(cur, s.anna, LATER)
    data = mydata.export(cur, s.anna, LATER)
    text = mydata.to_json(data)
    assert "ANNA held shared æøå" in text and "ANNA agreement" in text
    assert "private in round" not in text and "talk not held" not in text
    assert [p.zone for p in data.preparations] == [None, None]
