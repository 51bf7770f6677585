"""The conversation record: who reaches it, what it holds, and corrections after held."""

from datetime import date

import pytest

from core import audit, content, conversations, preparation, rounds, settings, timer
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed
from tests.conftest import Org, open_round

T0 = 1_750_000_000.0  # the injected clock


@pytest.fixture
def round_id(cur: Cursor, seeded_org: Org) -> int:
    """An open round of mona's team A."""
    return open_round(cur, seeded_org.manager, seeded_org.team_id)


def opened(cur: Cursor, org: Org, round_id: int, index: int = 0) -> conversations.Conversation:
    return conversations.open_conversation(cur, org.manager, org.employees[index].id, round_id)


# --- access ------------------------------------------------------------------------------


def test_the_own_manager_opens_and_reads_the_conversation(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    anna = seeded_org.employees[0]
    conversation = opened(cur, seeded_org, round_id)
    assert (conversation.employee_id, conversation.manager_id) == (anna.id, seeded_org.manager.id)
    assert conversation.team_id == seeded_org.team_id
    assert opened(cur, seeded_org, round_id) == conversation  # get or create: one per round
    record = conversations.record_for(cur, seeded_org.manager, anna.id, round_id)
    assert record.conversation == conversation


def test_the_employee_reads_their_own_record(cur: Cursor, seeded_org: Org, round_id: int) -> None:
    anna = seeded_org.employees[0]
    conversation = opened(cur, seeded_org, round_id)
    conversations.add_theme(cur, seeded_org.manager, conversation.id, "leadership", "straining", T0)
    record = conversations.record_for(cur, anna, anna.id, round_id)
    assert record.themes == (conversations.RaisedTheme("leadership", "straining"),)


@pytest.mark.parametrize("outsider", ["other_manager", "admin", "other_employee", "colleague"])
def test_nobody_else_reaches_an_employees_conversation(
    cur: Cursor, seeded_org: Org, round_id: int, outsider: str
) -> None:
    anna = seeded_org.employees[0]
    actor = seeded_org.employees[1] if outsider == "colleague" else getattr(seeded_org, outsider)
    conversation = opened(cur, seeded_org, round_id)
    calls = [
        lambda: conversations.open_conversation(cur, actor, anna.id, round_id),
        lambda: conversations.record_for(cur, actor, anna.id, round_id),
        lambda: conversations.rounds_for(cur, actor, anna.id),
        lambda: conversations.employee_by_username(cur, actor, "anna"),
        lambda: conversations.schedule(cur, actor, conversation.id, date(2026, 5, 1)),
        lambda: conversations.select_questions(cur, actor, conversation.id, ["zone_1"]),
        lambda: conversations.timer_start(cur, actor, conversation.id, T0),
        lambda: conversations.add_theme(cur, actor, conversation.id, "leadership", "straining", T0),
        lambda: conversations.add_agreement(cur, actor, conversation.id, "x", "employee", None, T0),
        lambda: conversations.mark_held(cur, actor, conversation.id, T0),
    ]
    for call in calls:
        with pytest.raises(NotAllowed) as refused:
            call()
        assert refused.value.key == "errors.not_your_employee"
    record = conversations.record_for(cur, seeded_org.manager, anna.id, round_id)
    assert record.themes == () and record.agreements == ()
    assert record.conversation == conversation


def test_an_unknown_employee_looks_like_someone_elses(cur: Cursor, seeded_org: Org) -> None:
    mona = seeded_org.manager
    for username in ("olga", "nobody"):
        with pytest.raises(NotAllowed) as refused:
            conversations.employee_by_username(cur, mona, username)
        assert refused.value.key == "errors.not_your_employee"
    with pytest.raises(NotAllowed):
        conversations.record_for(cur, mona, 999_999, 1)


def test_a_manager_has_only_their_direct_reports(cur: Cursor, seeded_org: Org) -> None:
    names = [u.username for u in conversations.my_employees(cur, seeded_org.manager)]
    assert names == ["anna", "bent", "carl", "dina", "emil"]
    assert [u.username for u in conversations.my_employees(cur, seeded_org.other_manager)] == [
        "olga"
    ]
    assert conversations.my_employees(cur, seeded_org.admin) == []
    mona = seeded_org.manager
    assert conversations.employee_by_username(cur, mona, "Anna").id == seeded_org.employees[0].id


# --- rounds ------------------------------------------------------------------------------


def test_no_conversation_on_a_planned_round(cur: Cursor, seeded_org: Org) -> None:
    planned = rounds.create(cur, seeded_org.manager, seeded_org.team_id, "Senere")
    with pytest.raises(Conflict) as refused:
        opened(cur, seeded_org, planned)
    assert refused.value.key == "errors.round_not_open"
    assert (
        conversations.record_for(cur, seeded_org.manager, seeded_org.employees[0].id, planned)
        is None
    )
    assert conversations.rounds_for(cur, seeded_org.manager, seeded_org.employees[0].id) == []


def test_a_closed_round_keeps_its_conversations_readable_and_takes_no_new_ones(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona, anna, bent = seeded_org.manager, seeded_org.employees[0], seeded_org.employees[1]
    conversation = opened(cur, seeded_org, round_id)
    rounds.advance(cur, mona, round_id, rounds.CLOSED)
    assert conversations.open_conversation(cur, mona, anna.id, round_id) == conversation
    with pytest.raises(Conflict) as refused:
        conversations.open_conversation(cur, mona, bent.id, round_id)
    assert refused.value.key == "errors.round_closed"
    with pytest.raises(Conflict):
        conversations.add_theme(cur, mona, conversation.id, "leadership", "straining", T0)
    assert [r.id for r in conversations.rounds_for(cur, mona, anna.id)] == [round_id]


def test_k_is_frozen_when_the_round_gets_its_first_conversation(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    settings.store(cur, "k", "4")
    assert rounds.get(cur, round_id).k is None
    opened(cur, seeded_org, round_id)
    assert rounds.get(cur, round_id).k == 4
    settings.store(cur, "k", "7")
    opened(cur, seeded_org, round_id, index=1)
    assert rounds.get(cur, round_id).k == 4


def test_a_round_of_another_team_is_refused(cur: Cursor, seeded_org: Org) -> None:
    otto = seeded_org.other_manager
    other_round = open_round(cur, otto, seeded_org.other_team_id, "B")
    with pytest.raises(NotAllowed):
        opened(cur, seeded_org, other_round)


# --- the timer ---------------------------------------------------------------------------


def test_the_timer_is_stored_with_the_conversation(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona, anna = seeded_org.manager, seeded_org.employees[0]
    conversation = opened(cur, seeded_org, round_id)
    conversations.timer_start(cur, mona, conversation.id, T0)
    conversations.timer_pause(cur, mona, conversation.id, T0 + 100)
    conversations.timer_start(cur, mona, conversation.id, T0 + 400)
    reloaded = conversations.record_for(cur, mona, anna.id, round_id).conversation
    assert reloaded.timer.running
    assert timer.elapsed(reloaded.timer, T0 + 450) == 150
    reset = conversations.timer_reset(cur, mona, conversation.id, T0 + 460)
    assert reset.timer == timer.Timer(None, 0.0)


def test_marking_held_records_the_duration_and_stops_the_timer(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona = seeded_org.manager
    conversation = opened(cur, seeded_org, round_id)
    conversations.timer_start(cur, mona, conversation.id, T0)
    held = conversations.mark_held(cur, mona, conversation.id, T0 + 11 * 60)
    assert held.held and held.duration_s == 660
    assert not held.timer.running
    with pytest.raises(Conflict) as refused:
        conversations.timer_start(cur, mona, conversation.id, T0 + 700)
    assert refused.value.key == "errors.conversation_held"
    with pytest.raises(Conflict) as again:
        conversations.mark_held(cur, mona, conversation.id, T0 + 800)
    assert again.value.key == "errors.already_held"
    assert conversations.held_count(cur, seeded_org.team_id, round_id) == 1
    assert preparation.overview(cur, seeded_org.employees[0]).held
    assert not preparation.overview(cur, seeded_org.employees[1]).held


# --- what is recorded --------------------------------------------------------------------


def test_themes_come_from_the_vocabulary_with_a_polarity(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona, anna = seeded_org.manager, seeded_org.employees[0]
    conversation = opened(cur, seeded_org, round_id)
    conversations.add_theme(cur, mona, conversation.id, "workload_time_pressure", "straining", T0)
    conversations.add_theme(cur, mona, conversation.id, "workload_time_pressure", "straining", T0)
    conversations.add_theme(cur, mona, conversation.id, "recognition", "protective", T0)
    for theme_id, polarity, key in (
        ("made_up", "straining", "errors.theme_unknown"),
        ("recognition", "neutral", "errors.polarity_unknown"),
    ):
        with pytest.raises(InvalidInput) as refused:
            conversations.add_theme(cur, mona, conversation.id, theme_id, polarity, T0)
        assert refused.value.key == key
    record = conversations.record_for(cur, mona, anna.id, round_id)
    assert set(record.themes) == {
        conversations.RaisedTheme("workload_time_pressure", "straining"),
        conversations.RaisedTheme("recognition", "protective"),
    }
    conversations.remove_theme(cur, mona, conversation.id, "recognition", "protective", T0)
    record = conversations.record_for(cur, mona, anna.id, round_id)
    assert record.themes == (conversations.RaisedTheme("workload_time_pressure", "straining"),)


def test_every_theme_of_the_content_can_be_recorded(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    conversation = opened(cur, seeded_org, round_id)
    for theme in content.load().get("en").themes:
        conversations.add_theme(
            cur, seeded_org.manager, conversation.id, theme.id, "protective", T0
        )


def test_agreements_are_stored_encrypted_and_read_back(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona, anna = seeded_org.manager, seeded_org.employees[0]
    conversation = opened(cur, seeded_org, round_id)
    added = conversations.add_agreement(
        cur, mona, conversation.id, "  Færre møder om fredagen  ", "manager", date(2026, 6, 1), T0
    )
    assert added.text == "Færre møder om fredagen"
    stored = cur.value("SELECT text_enc FROM agreements WHERE id = ?", [added.id])
    assert "møder" not in stored
    record = conversations.record_for(cur, anna, anna.id, round_id)
    assert record.agreements == (added,)
    conversations.remove_agreement(cur, mona, conversation.id, added.id, T0)
    assert conversations.record_for(cur, anna, anna.id, round_id).agreements == ()


@pytest.mark.parametrize(
    ("text", "owner", "key"),
    [
        ("", "employee", "errors.agreement_text"),
        ("   ", "employee", "errors.agreement_text"),
        ("x" * (conversations.MAX_AGREEMENT_CHARS + 1), "employee", "errors.agreement_text"),
        ("Gå en tur", "the cat", "errors.agreement_owner"),
    ],
)
def test_bad_agreements_are_refused(
    cur: Cursor, seeded_org: Org, round_id: int, text: str, owner: str, key: str
) -> None:
    conversation = opened(cur, seeded_org, round_id)
    with pytest.raises(InvalidInput) as refused:
        conversations.add_agreement(cur, seeded_org.manager, conversation.id, text, owner, None, T0)
    assert refused.value.key == key
    assert cur.value("SELECT count(*) FROM agreements") == 0


def test_the_list_of_agreements_stays_short(cur: Cursor, seeded_org: Org, round_id: int) -> None:
    conversation = opened(cur, seeded_org, round_id)
    for number in range(conversations.MAX_AGREEMENTS):
        conversations.add_agreement(
            cur, seeded_org.manager, conversation.id, f"Aftale {number}", "both", None, T0
        )
    with pytest.raises(Conflict):
        conversations.add_agreement(
            cur, seeded_org.manager, conversation.id, "En til", "both", None, T0
        )


def test_picked_questions_are_kept_in_reading_order_and_become_the_default(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona, anna = seeded_org.manager, seeded_org.employees[0]
    assert conversations.default_questions(cur, mona) == ()
    conversation = opened(cur, seeded_org, round_id)
    picked = conversations.select_questions(cur, mona, conversation.id, ["factors_4", "zone_1"])
    assert picked == ("zone_1", "factors_4")
    assert conversations.record_for(
        cur, mona, anna.id, round_id
    ).conversation.selected_questions == (
        "zone_1",
        "factors_4",
    )
    assert conversations.default_questions(cur, mona) == ("zone_1", "factors_4")
    assert conversations.default_questions(cur, seeded_org.other_manager) == ()
    conversations.select_questions(cur, mona, conversation.id, ["zone_2"])
    assert conversations.default_questions(cur, mona) == ("zone_2",)  # the latest pick
    with pytest.raises(InvalidInput):
        conversations.select_questions(cur, mona, conversation.id, ["zone_9"])


def test_the_date_of_the_talk_can_be_set_and_cleared(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona, anna = seeded_org.manager, seeded_org.employees[0]
    conversation = opened(cur, seeded_org, round_id)
    conversations.schedule(cur, mona, conversation.id, date(2026, 5, 4))
    record = conversations.record_for(cur, anna, anna.id, round_id)
    assert record.conversation.scheduled_on == date(2026, 5, 4)
    conversations.schedule(cur, mona, conversation.id, None)
    assert conversations.record_for(cur, anna, anna.id, round_id).conversation.scheduled_on is None


# --- corrections after held --------------------------------------------------------------


def corrections(cur: Cursor) -> list[audit.Entry]:
    rows = cur.all(
        "SELECT occurred_at, actor, action, subject_id, detail FROM audit_log"
        " WHERE action = ? ORDER BY id",
        [conversations.CORRECTED],
    )
    return [audit.Entry(*row) for row in rows]


def test_changes_before_held_are_not_corrections(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    conversation = opened(cur, seeded_org, round_id)
    conversations.add_theme(cur, seeded_org.manager, conversation.id, "meaning", "protective", T0)
    conversations.add_agreement(
        cur, seeded_org.manager, conversation.id, "Hemmelig aftale", "both", None, T0
    )
    assert corrections(cur) == []


def test_changes_after_held_are_logged_as_corrections_without_content(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona, anna = seeded_org.manager, seeded_org.employees[0]
    conversation = opened(cur, seeded_org, round_id)
    conversations.mark_held(cur, mona, conversation.id, T0)
    conversations.add_theme(cur, mona, conversation.id, "offensive_behaviour", "straining", T0)
    added = conversations.add_agreement(
        cur, mona, conversation.id, "Hemmelig aftale", "employee", None, T0
    )
    conversations.remove_agreement(cur, mona, conversation.id, added.id, T0)
    conversations.remove_theme(cur, mona, conversation.id, "offensive_behaviour", "straining", T0)
    logged = corrections(cur)
    assert len(logged) == 4
    assert {(e.actor, e.subject_id) for e in logged} == {("mona", anna.id)}
    everything = " ".join(e.detail for e in logged)
    assert "Hemmelig" not in everything and "offensive" not in everything
    assert "straining" not in everything


def test_before_the_first_pick_the_flags_or_else_the_default_are_offered(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona = seeded_org.manager
    anna = opened(cur, seeded_org, round_id)
    assert not anna.questions_picked
    assert conversations.preselected_questions(cur, mona, anna, ()) == ()
    conversations.select_questions(cur, mona, anna.id, ["zone_2", "factors_1"])
    bent = opened(cur, seeded_org, round_id, index=1)
    assert conversations.preselected_questions(cur, mona, bent, ()) == ("zone_2", "factors_1")
    flagged = ("factors_4", "zone_1")
    assert conversations.preselected_questions(cur, mona, bent, flagged) == ("zone_1", "factors_4")

    conversations.select_questions(cur, mona, bent.id, [])  # picking none is a choice too
    bent = opened(cur, seeded_org, round_id, index=1)
    assert bent.questions_picked
    assert conversations.preselected_questions(cur, mona, bent, flagged) == ()


def test_a_theme_change_returns_the_themes_as_stored(
    cur: Cursor, seeded_org: Org, round_id: int
) -> None:
    mona, anna = seeded_org.manager, seeded_org.employees[0]
    conversation = opened(cur, seeded_org, round_id)
    workload = ("workload_time_pressure", "straining")
    recognition = ("recognition", "protective")
    shown = conversations.add_theme(cur, mona, conversation.id, *workload, T0)
    assert shown == (conversations.RaisedTheme(*workload),)
    both = conversations.add_theme(cur, mona, conversation.id, *recognition, T0)
    assert both == conversations.record_for(cur, mona, anna.id, round_id).themes
    assert len(both) == 2
    assert conversations.add_theme(cur, mona, conversation.id, *recognition, T0) == both
    left = conversations.remove_theme(cur, mona, conversation.id, *workload, T0)
    assert left == (conversations.RaisedTheme(*recognition),)
