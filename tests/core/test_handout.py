"""The handout of the joint meeting: published themes, group actions, never below k."""

import pytest

from core import actions, content, exports, handout, themes
from core.db import Cursor
from core.errors import NotAllowed
from tests.conftest import Org, hold, open_round

S, P = themes.STRAINING, themes.PROTECTIVE
DA = content.load().get("da")
EN = content.load().get("en")


@pytest.fixture
def held_round(cur: Cursor, seeded_org: Org) -> int:
    """Workload raised by 3 of 4 held conversations (shown), meetings by 2 (hidden)."""
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id, "MUS 2026")
    anna, bent, carl, dina, _ = seeded_org.employees
    hold(cur, round_id, anna, ("workload_time_pressure", S), ("meeting_structures", S))
    hold(cur, round_id, bent, ("workload_time_pressure", S), ("meeting_structures", S))
    hold(cur, round_id, carl, ("workload_time_pressure", S), ("collaboration", P))
    hold(cur, round_id, dina, ("collaboration", P))
    return round_id


def markdown(cur: Cursor, actor, round_id: int, language=DA) -> str:
    return exports.to_markdown(handout.document(cur, actor, round_id, language))


def test_only_themes_raised_by_k_people_are_in_the_handout(
    cur: Cursor, seeded_org: Org, held_round: int
) -> None:
    text = markdown(cur, seeded_org.manager, held_round)
    assert "Stor arbejdsmængde og tidspres (udløsende): 3 personer" in text
    assert DA.theme("meeting_structures").label not in text  # raised by 2
    assert DA.theme("collaboration").label not in text  # raised by 2
    assert "Et tema vises kun, når mindst 3 har nævnt det." in text


def test_the_handout_holds_the_followup_text_actions_and_confidentiality(
    cur: Cursor, seeded_org: Org, held_round: int
) -> None:
    actions.add(cur, seeded_org.manager, held_round, "Mødefri fredage", "Mona")
    document = handout.document(cur, seeded_org.manager, held_round, DA)
    assert document.title == "Tilbagemelding fra trivselssnakkene"
    assert [s.heading for s in document.sections] == [
        "Generelle temaer",
        "Efter samtalen",
        "Fælles handlinger og aftaler",
        "Fortrolighed",
    ]
    text = exports.to_markdown(document)
    assert "Team A · MUS 2026" in text
    assert "Mødefri fredage" in text and "Ansvarlig: Mona" in text
    assert "Følg evt. op på et fælles møde" in text
    assert "Obs: Alt hvad der bliver talt om i MUS samtalerne er fortroligt" in text


def test_before_k_conversations_are_held_the_handout_shows_no_theme(
    cur: Cursor, seeded_org: Org
) -> None:
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    for employee in seeded_org.employees[:2]:
        hold(cur, round_id, employee, ("workload_time_pressure", S))
    text = markdown(cur, seeded_org.manager, round_id)
    assert "2 samtaler er holdt i runden" in text
    assert DA.theme("workload_time_pressure").label not in text


def test_an_employee_of_the_team_gets_the_same_handout_as_the_manager(
    cur: Cursor, seeded_org: Org, held_round: int
) -> None:
    employee = seeded_org.employees[4]
    assert markdown(cur, employee, held_round) == markdown(cur, seeded_org.manager, held_round)


@pytest.mark.parametrize("who", ["other_manager", "other_employee", "admin"])
def test_nobody_outside_the_team_gets_an_open_rounds_handout(
    cur: Cursor, seeded_org: Org, held_round: int, who: str
) -> None:
    with pytest.raises(NotAllowed):
        handout.document(cur, getattr(seeded_org, who), held_round, DA)


def test_the_handout_is_in_the_readers_language(
    cur: Cursor, seeded_org: Org, held_round: int
) -> None:
    text = markdown(cur, seeded_org.manager, held_round, EN)
    assert "Feedback from the wellbeing talks" in text
    assert EN.theme("workload_time_pressure").label in text
    assert DA.theme("workload_time_pressure").label not in text


def test_action_text_cannot_add_markup_and_the_pdf_is_a_pdf(
    cur: Cursor, seeded_org: Org, held_round: int
) -> None:
    actions.add(cur, seeded_org.manager, held_round, "# Overskrift [link](https://x.example)")
    text = markdown(cur, seeded_org.manager, held_round)
    assert "\\# Overskrift \\[link\\]" in text
    assert "\n# Overskrift" not in text
    pdf = exports.to_pdf(handout.document(cur, seeded_org.manager, held_round, DA))
    assert pdf.startswith(b"%PDF")
