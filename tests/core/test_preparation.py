"""An employee's private preparation: who may read and write what, and when."""

from datetime import UTC, date, datetime

import pytest

from core import audit, content, people, preparation, rounds
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed
from tests.conftest import Org, OrgRound, hold, open_round

NOW = 1_780_000_000.0  # an injected clock: 2026-05-28 20:26:40 UTC
QUESTION = content.QUESTION_IDS[0]
PREP = content.PREPARATION_ITEM


@pytest.fixture
def s(cur: Cursor, seeded_org: Org) -> OrgRound:
    """Team A's open round."""
    return OrgRound(seeded_org, open_round(cur, seeded_org.manager, seeded_org.team_id))


def others(s: OrgRound) -> dict[str, people.User]:
    """Everyone who is not the author or the author's manager."""
    return {
        "other manager": s.org.other_manager,
        "admin": s.org.admin,
        "colleague": s.bent,
        "other team's employee": s.org.other_employee,
    }


# --- the author -------------------------------------------------------------------------


def test_an_empty_preparation_has_every_item(cur: Cursor, s: OrgRound) -> None:
    prep = preparation.load(cur, s.anna, s.round_id)
    assert tuple(prep.items) == (PREP, *content.QUESTION_IDS)
    assert all(i.note == "" and not i.flagged and not i.shared for i in prep.items.values())
    assert all(i.updated_at is None for i in prep.items.values())
    assert (prep.zone, prep.ready) == (None, False)


def test_the_author_writes_and_reads_back_everything(cur: Cursor, s: OrgRound) -> None:
    saved = preparation.save_note(cur, s.anna, s.round_id, QUESTION, "Søvn og ro, æøå", NOW)
    assert saved.note == "Søvn og ro, æøå"
    assert saved.updated_at == datetime.fromtimestamp(NOW, UTC)
    preparation.set_flag(cur, s.anna, s.round_id, QUESTION, True, NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    preparation.save_note(cur, s.anna, s.round_id, PREP, "Faste pauser", NOW)
    preparation.set_zone(cur, s.anna, s.round_id, "risk", NOW)
    preparation.set_ready(cur, s.anna, s.round_id, True, NOW)

    prep = preparation.load(cur, s.anna, s.round_id)
    item = prep.items[QUESTION]
    assert (item.note, item.flagged, item.shared) == ("Søvn og ro, æøå", True, True)
    assert prep.items[PREP].note == "Faste pauser" and not prep.items[PREP].shared
    assert (prep.zone, prep.ready) == ("risk", True)
    preparation.set_zone(cur, s.anna, s.round_id, None, NOW)
    assert preparation.load(cur, s.anna, s.round_id).zone is None


def test_notes_are_stored_encrypted(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "hemmelig markør", NOW)
    stored = cur.value("SELECT note_enc FROM preparation_items")
    assert "hemmelig" not in stored


def test_a_note_over_the_limit_keeps_the_earlier_text(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "the saved text", NOW)
    too_long = "x" * (preparation.MAX_NOTE_CHARS + 1)
    with pytest.raises(InvalidInput) as refused:
        preparation.save_note(cur, s.anna, s.round_id, QUESTION, too_long, NOW + 60)
    assert refused.value.key == "errors.note_too_long"
    assert refused.value.params["limit"] == preparation.MAX_NOTE_CHARS
    item = preparation.load(cur, s.anna, s.round_id).items[QUESTION]
    assert item.note == "the saved text"
    assert item.updated_at == datetime.fromtimestamp(NOW, UTC)


def test_a_note_of_exactly_the_limit_is_saved(cur: Cursor, s: OrgRound) -> None:
    note = "æ" * preparation.MAX_NOTE_CHARS
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, note, NOW)
    assert preparation.load(cur, s.anna, s.round_id).items[QUESTION].note == note


def test_a_note_changed_in_another_tab_is_not_overwritten(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "first", NOW)
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "second tab", NOW, expected="first")
    with pytest.raises(Conflict) as refused:
        preparation.save_note(cur, s.anna, s.round_id, QUESTION, "first tab", NOW, expected="first")
    assert refused.value.key == "errors.note_changed_elsewhere"
    assert preparation.load(cur, s.anna, s.round_id).items[QUESTION].note == "second tab"


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (preparation.save_note, ("nope", "text")),
        (preparation.set_flag, ("nope", True)),
        (preparation.share, ("nope",)),
        (preparation.set_zone, ("burnout",)),
    ],
)
def test_unknown_items_and_zones_are_refused(cur: Cursor, s: OrgRound, call, args) -> None:
    with pytest.raises(InvalidInput):
        call(cur, s.anna, s.round_id, *args, NOW)


# --- sharing ----------------------------------------------------------------------------


def test_sharing_and_unsharing_are_audited_without_the_text(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "secret marker", NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    preparation.unshare(cur, s.anna, s.round_id, QUESTION, NOW)
    entries = audit.entries_about(cur, s.anna.id)
    actions = [e.action for e in entries]
    assert actions[:2] == [preparation.ITEM_UNSHARED, preparation.ITEM_SHARED]
    assert entries[0].detail == f"{s.round_id}:{QUESTION}"
    log = cur.all("SELECT * FROM audit_log")
    assert "secret marker" not in repr(log)


def test_an_empty_note_cannot_be_shared(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "   \n", NOW)
    with pytest.raises(InvalidInput, match="errors.share_empty"):
        preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    assert not preparation.load(cur, s.anna, s.round_id).items[QUESTION].shared


def test_emptying_a_shared_note_withdraws_it(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "shared", NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "", NOW)
    assert not preparation.load(cur, s.anna, s.round_id).items[QUESTION].shared
    assert preparation.shared_view(cur, s.org.manager, s.anna.id, s.round_id).shared == ()


def test_unsharing_is_refused_once_the_conversation_is_held(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "talked about", NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    hold(cur, s.round_id, s.anna)
    assert preparation.overview(cur, s.anna).held
    with pytest.raises(Conflict) as refused:
        preparation.unshare(cur, s.anna, s.round_id, QUESTION, NOW)
    assert refused.value.key == "errors.already_held"
    with pytest.raises(Conflict, match="errors.shared_after_held"):
        preparation.save_note(cur, s.anna, s.round_id, QUESTION, "rewritten", NOW)
    view = preparation.shared_view(cur, s.org.manager, s.anna.id, s.round_id)
    assert view.shared == ((QUESTION, "talked about"),)
    # Private notes stay the author's to change, and more can still be shared.
    preparation.save_note(cur, s.anna, s.round_id, PREP, "afterwards", NOW)
    preparation.share(cur, s.anna, s.round_id, PREP, NOW)


def test_a_held_conversation_of_someone_else_does_not_block(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "mine", NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    hold(cur, s.round_id, s.bent)
    preparation.unshare(cur, s.anna, s.round_id, QUESTION, NOW)
    assert not preparation.load(cur, s.anna, s.round_id).items[QUESTION].shared


# --- the manager ------------------------------------------------------------------------


def test_the_own_manager_sees_flags_ready_and_shared_text_only(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, PREP, "private marker", NOW)
    preparation.save_note(cur, s.anna, s.round_id, "factors_2", "shared marker", NOW)
    preparation.share(cur, s.anna, s.round_id, "factors_2", NOW)
    preparation.set_flag(cur, s.anna, s.round_id, "factors_1", True, NOW)
    preparation.set_flag(cur, s.anna, s.round_id, QUESTION, True, NOW)
    preparation.set_zone(cur, s.anna, s.round_id, "danger", NOW)
    preparation.set_ready(cur, s.anna, s.round_id, True, NOW)

    view = preparation.shared_view(cur, s.org.manager, s.anna.id, s.round_id)
    assert view == preparation.SharedView(
        s.anna.id, s.round_id, (QUESTION, "factors_1"), (("factors_2", "shared marker"),), True
    )
    assert "private marker" not in repr(view) and "danger" not in repr(view)


def test_the_manager_sees_a_shared_item_only_while_it_is_shared(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "marker", NOW)
    view = lambda: preparation.shared_view(cur, s.org.manager, s.anna.id, s.round_id)  # noqa: E731
    assert view().shared == ()
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    assert view().shared == ((QUESTION, "marker"),)
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "edited", NOW)
    assert view().shared == ((QUESTION, "edited"),)
    preparation.unshare(cur, s.anna, s.round_id, QUESTION, NOW)
    assert view().shared == ()


def test_the_manager_gets_readiness_flags_only(cur: Cursor, s: OrgRound) -> None:
    preparation.set_ready(cur, s.anna, s.round_id, True, NOW)
    preparation.save_note(cur, s.bent, s.round_id, QUESTION, "not ready yet", NOW)
    ready = preparation.readiness(cur, s.org.manager, s.org.team_id, s.round_id)
    assert ready == {e.id: e.username == "anna" for e in s.org.employees}


@pytest.mark.parametrize("who", ["other manager", "admin", "colleague", "other team's employee"])
def test_nobody_else_gets_the_shared_view_or_readiness(cur: Cursor, s: OrgRound, who: str) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "marker", NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    actor = others(s)[who]
    with pytest.raises(NotAllowed) as refused:
        preparation.shared_view(cur, actor, s.anna.id, s.round_id)
    assert refused.value.key == "errors.not_your_employee"
    with pytest.raises(NotAllowed):
        preparation.readiness(cur, actor, s.org.team_id, s.round_id)


def test_the_own_manager_cannot_load_or_write_the_preparation(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "marker", NOW)
    preparation.set_zone(cur, s.anna, s.round_id, "danger", NOW)
    mona = s.org.manager
    with pytest.raises(NotAllowed, match="errors.not_your_round"):
        preparation.load(cur, mona, s.round_id)
    with pytest.raises(NotAllowed, match="errors.not_your_round"):
        preparation.save_note(cur, mona, s.round_id, QUESTION, "x", NOW)
    with pytest.raises(NotAllowed, match="errors.not_your_round"):
        preparation.set_zone(cur, mona, s.round_id, "risk", NOW)
    assert preparation.load(cur, s.anna, s.round_id).zone == "danger"


@pytest.mark.parametrize("who", ["other manager", "admin", "other team's employee"])
def test_nobody_outside_the_team_loads_or_writes(cur: Cursor, s: OrgRound, who: str) -> None:
    actor = others(s)[who]
    writes = [
        lambda: preparation.load(cur, actor, s.round_id),
        lambda: preparation.save_note(cur, actor, s.round_id, QUESTION, "x", NOW),
        lambda: preparation.set_flag(cur, actor, s.round_id, QUESTION, True, NOW),
        lambda: preparation.share(cur, actor, s.round_id, QUESTION, NOW),
        lambda: preparation.set_zone(cur, actor, s.round_id, "risk", NOW),
        lambda: preparation.set_ready(cur, actor, s.round_id, True, NOW),
    ]
    for call in writes:
        with pytest.raises(NotAllowed, match="errors.not_your_round"):
            call()


def test_a_colleague_only_ever_reaches_their_own_preparation(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "anna's marker", NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    preparation.set_zone(cur, s.anna, s.round_id, "danger", NOW)
    bents = preparation.load(cur, s.bent, s.round_id)
    assert bents.user_id == s.bent.id and bents.zone is None
    assert all(item.note == "" for item in bents.items.values())
    preparation.save_note(cur, s.bent, s.round_id, QUESTION, "bent's own", NOW)
    assert preparation.load(cur, s.anna, s.round_id).items[QUESTION].note == "anna's marker"


def test_a_former_manager_loses_the_shared_view(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "marker", NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    cur.run("UPDATE users SET manager_id = ? WHERE id = ?", [s.org.other_manager.id, s.anna.id])
    with pytest.raises(NotAllowed):
        preparation.shared_view(cur, s.org.manager, s.anna.id, s.round_id)


# --- the round's state ------------------------------------------------------------------


@pytest.mark.parametrize("states", [(), (rounds.OPEN, rounds.CLOSED)], ids=["planned", "closed"])
def test_writes_are_refused_unless_the_round_is_open(
    cur: Cursor, seeded_org: Org, states: tuple
) -> None:
    round_id = rounds.create(cur, seeded_org.manager, seeded_org.team_id, "MUS 2026")
    for state in states:
        rounds.advance(cur, seeded_org.manager, round_id, state)
    anna = seeded_org.employees[0]
    writes = [
        lambda: preparation.save_note(cur, anna, round_id, QUESTION, "x", NOW),
        lambda: preparation.set_flag(cur, anna, round_id, QUESTION, True, NOW),
        lambda: preparation.share(cur, anna, round_id, QUESTION, NOW),
        lambda: preparation.unshare(cur, anna, round_id, QUESTION, NOW),
        lambda: preparation.set_zone(cur, anna, round_id, "risk", NOW),
        lambda: preparation.set_ready(cur, anna, round_id, True, NOW),
    ]
    for write in writes:
        with pytest.raises(Conflict, match="errors.preparation_not_open"):
            write()
    assert not cur.value("SELECT count(*) FROM preparation_items")
    assert not cur.value("SELECT count(*) FROM preparations")
    assert preparation.load(cur, anna, round_id).items[QUESTION].note == ""  # still readable


def test_a_closed_round_keeps_what_was_written(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "kept", NOW)
    rounds.advance(cur, s.org.manager, s.round_id, rounds.CLOSED)
    with pytest.raises(Conflict):
        preparation.save_note(cur, s.anna, s.round_id, QUESTION, "changed", NOW)
    assert preparation.load(cur, s.anna, s.round_id).items[QUESTION].note == "kept"


def test_the_overview_is_the_authors_own_current_round(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "anna's own", NOW)
    seen = preparation.overview(cur, s.anna)
    assert seen.round.id == s.round_id
    assert seen.preparation.items[QUESTION].note == "anna's own"
    assert seen.conversation_on is None and not seen.held
    cur.run(
        "INSERT INTO conversations (round_id, team_id, employee_id, manager_id, scheduled_on)"
        " VALUES (?, ?, ?, ?, ?)",
        [s.round_id, s.org.team_id, s.anna.id, s.org.manager.id, date(2026, 6, 3)],
    )
    assert preparation.overview(cur, s.anna).conversation_on == date(2026, 6, 3)
    bents = preparation.overview(cur, s.bent)
    assert bents.conversation_on is None
    assert bents.preparation.items[QUESTION].note == ""  # his own, empty


@pytest.mark.parametrize("who", ["other manager", "admin"])
def test_people_outside_the_team_have_no_overview(cur: Cursor, s: OrgRound, who: str) -> None:
    assert preparation.overview(cur, others(s)[who]) is None  # no team of their own here


# --- export -----------------------------------------------------------------------------


def test_the_export_holds_every_note_and_the_guide(cur: Cursor, s: OrgRound) -> None:
    preparation.save_note(cur, s.anna, s.round_id, PREP, "Tid til *fordybelse* <b>", NOW)
    preparation.save_note(cur, s.anna, s.round_id, QUESTION, "Kaffe og kollegaer ☕", NOW)
    preparation.share(cur, s.anna, s.round_id, QUESTION, NOW)
    preparation.set_zone(cur, s.anna, s.round_id, "risk", NOW)
    prep = preparation.load(cur, s.anna, s.round_id)
    danish = content.load().get("da")

    markdown = preparation.export_markdown(prep, danish)
    assert markdown.startswith("# Min forberedelse til MUS\n")
    assert r"Tid til \*fordybelse\* \<b\>" in markdown
    assert "Kaffe og kollegaer ☕" in markdown
    assert "Delt med min leder" in markdown and "Risikozonen" in markdown
    for question in danish.guide.questions():
        assert f"{question.number}\\. {question.text}" in markdown
    pdf = preparation.export_pdf(prep, danish)
    assert pdf.startswith(b"%PDF")

    english = preparation.export_markdown(prep, content.load().get("en"))
    assert english.startswith("# My preparation for the MUS\n") and "The risk zone" in english
