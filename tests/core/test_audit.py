"""The audit of reads: who read an employee's shared items or conversation record, and when."""

import pytest

from core import audit, content, conversations, people, preparation
from core.db import Cursor
from tests.conftest import Org, OrgRound, open_round

NOW = 1_780_000_000.0  # an injected clock: 2026-05-28 20:26:40 UTC
QUESTION = content.QUESTION_IDS[0]
NOTE = "MARKER-shared-note-text"
AGREEMENT = "MARKER-agreement-text"


@pytest.fixture
def s(cur: Cursor, seeded_org: Org) -> OrgRound:
    """Team A's open round; anna shared a note and mona recorded an agreement with her."""
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    setting = OrgRound(seeded_org, round_id)
    preparation.save_note(cur, setting.anna, round_id, QUESTION, NOTE, NOW)
    preparation.share(cur, setting.anna, round_id, QUESTION, NOW)
    conversation = conversations.open_conversation(cur, setting.mona, setting.anna.id, round_id)
    conversations.add_agreement(
        cur, setting.mona, conversation.id, AGREEMENT, conversations.OWNER_BOTH, None, NOW
    )
    return setting


def reads(cur: Cursor, user: people.User) -> list[tuple[str, str, str]]:
    """The read entries about `user`, oldest first: (reader, action, detail)."""
    return [(e.actor, e.action, e.detail) for e in reversed(audit.reads_about(cur, user.id))]


def test_a_managers_read_of_shared_items_is_logged_once_per_hour(cur: Cursor, s: OrgRound) -> None:
    for minute in range(0, 60, 5):  # the page reruns again and again within the hour
        view = preparation.shared_view(cur, s.mona, s.anna.id, s.round_id, now=NOW + minute * 60)
        assert view.shared == ((QUESTION, NOTE),)
    assert reads(cur, s.anna) == [("mona", audit.READ_SHARED, f"round {s.round_id}")]

    later = NOW + audit.READ_DEDUPE_SECONDS + 1
    preparation.shared_view(cur, s.mona, s.anna.id, s.round_id, now=later)
    assert len(reads(cur, s.anna)) == 2


def test_a_managers_read_of_the_record_is_logged_once_per_hour(cur: Cursor, s: OrgRound) -> None:
    for second in (0, 1, 600, audit.READ_DEDUPE_SECONDS - 1):
        record = conversations.record_for(cur, s.mona, s.anna.id, s.round_id, now=NOW + second)
        assert record.agreements[0].text == AGREEMENT
    assert reads(cur, s.anna) == [("mona", audit.READ_RECORD, f"round {s.round_id}")]

    conversations.record_for(
        cur, s.mona, s.anna.id, s.round_id, now=NOW + audit.READ_DEDUPE_SECONDS + 1
    )
    assert [action for _, action, _ in reads(cur, s.anna)] == [audit.READ_RECORD] * 2


def test_each_kind_and_each_employee_has_its_own_window(cur: Cursor, s: OrgRound) -> None:
    bent = s.org.employees[1]
    preparation.save_note(cur, bent, s.round_id, QUESTION, "bent's note", NOW)
    preparation.share(cur, bent, s.round_id, QUESTION, NOW)
    preparation.shared_view(cur, s.mona, s.anna.id, s.round_id, now=NOW)
    conversations.record_for(cur, s.mona, s.anna.id, s.round_id, now=NOW)
    preparation.shared_view(cur, s.mona, bent.id, s.round_id, now=NOW)
    assert {action for _, action, _ in reads(cur, s.anna)} == {audit.READ_SHARED, audit.READ_RECORD}
    assert reads(cur, bent) == [("mona", audit.READ_SHARED, f"round {s.round_id}")]


def test_the_employees_own_reads_are_not_logged(cur: Cursor, s: OrgRound) -> None:
    conversations.record_for(cur, s.anna, s.anna.id, s.round_id, now=NOW)
    preparation.load(cur, s.anna, s.round_id)
    assert reads(cur, s.anna) == []
    assert audit.record_read(cur, s.anna, s.anna.id, audit.READ_SHARED, NOW) is False


def test_nothing_read_is_nothing_logged(cur: Cursor, s: OrgRound) -> None:
    bent = s.org.employees[1]  # shared nothing, has no conversation
    assert preparation.shared_view(cur, s.mona, bent.id, s.round_id, now=NOW).shared == ()
    assert conversations.record_for(cur, s.mona, bent.id, s.round_id, now=NOW) is None
    assert reads(cur, bent) == []


def test_the_log_never_holds_the_text_that_was_read(cur: Cursor, s: OrgRound) -> None:
    preparation.shared_view(cur, s.mona, s.anna.id, s.round_id, now=NOW)
    conversations.record_for(cur, s.mona, s.anna.id, s.round_id, now=NOW)
    log = repr(cur.all("SELECT * FROM audit_log"))
    assert "MARKER" not in log
    assert len(reads(cur, s.anna)) == 2


def test_without_a_clock_the_current_time_is_used(cur: Cursor, s: OrgRound) -> None:
    preparation.shared_view(cur, s.mona, s.anna.id, s.round_id)
    preparation.shared_view(cur, s.mona, s.anna.id, s.round_id)
    assert len(reads(cur, s.anna)) == 1


def test_a_read_entry_names_the_reader(cur: Cursor, s: OrgRound) -> None:
    preparation.shared_view(cur, s.mona, s.anna.id, s.round_id, now=NOW)
    entry = audit.reads_about(cur, s.anna.id)[0]
    assert (entry.actor, entry.actor_name, entry.subject_id) == ("mona", "Mona", s.anna.id)
    assert entry in audit.entries_about(cur, s.anna.id)
    assert audit.reads_about(cur, s.mona.id) == []  # about anna, not about the reader


def test_only_read_actions_are_recorded_as_reads(cur: Cursor, s: OrgRound) -> None:
    with pytest.raises(ValueError, match="not a read action"):
        audit.record_read(cur, s.mona, s.anna.id, audit.LOGIN, NOW)
