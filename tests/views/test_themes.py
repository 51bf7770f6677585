"""The themes page as manager, employee and admin, and presentation mode."""

import json
from datetime import datetime

import pyarrow as pa
import pytest

from core import actions, rounds, themes
from core.db import Cursor
from tests.conftest import Org, hold, log_in, new_app, open_round, texts, widget

S, P = themes.STRAINING, themes.PROTECTIVE


@pytest.fixture
def held_round(app_db: Cursor, app_org: Org) -> int:
    """Team A's open round: workload raised by 3 (published), meetings by 2 (hidden)."""
    round_id = open_round(app_db, app_org.manager, app_org.team_id, "MUS 2026")
    anna, bent, carl, dina, emil = app_org.employees
    hold(app_db, round_id, anna, ("workload_time_pressure", S), ("meeting_structures", S))
    hold(app_db, round_id, bent, ("workload_time_pressure", S), ("meeting_structures", S))
    hold(app_db, round_id, carl, ("workload_time_pressure", S))
    return round_id


def test_the_manager_sees_only_themes_raised_by_k(held_round: int) -> None:
    at = log_in(new_app(), "mona")
    at.switch_page("views/themes.py").run()
    page = texts(at)
    assert "Stor arbejdsmængde og tidspres (udløsende): 3 personer" in page
    assert "Mødestrukturer" not in page
    assert "Et tema vises kun, når mindst 3 har nævnt det." in page
    assert not at.exception


def test_before_k_conversations_the_page_says_why_nothing_shows(
    app_db: Cursor, app_org: Org
) -> None:
    round_id = open_round(app_db, app_org.manager, app_org.team_id)
    for employee in app_org.employees[:2]:
        hold(app_db, round_id, employee, ("workload_time_pressure", S))
    at = log_in(new_app(), "mona")
    at.switch_page("views/themes.py").run()
    assert "2 samtaler er holdt i runden" in texts(at)
    assert "Stor arbejdsmængde" not in texts(at)


def test_an_employee_sees_the_published_themes_and_actions_read_only(
    app_db: Cursor, app_org: Org, held_round: int
) -> None:
    actions.add(app_db, app_org.manager, held_round, "Mødefri fredage", "Mona")
    at = log_in(new_app(), "dina")
    at.switch_page("views/themes.py").run()
    page = texts(at)
    assert "Stor arbejdsmængde og tidspres (udløsende): 3 personer" in page
    assert "Mødefri fredage" in page
    assert "Status" not in [s.label for s in at.selectbox]
    assert "Ny fælles handling eller aftale" not in page
    assert "Præsentér på fællesmødet" not in [b.label for b in at.button]


def test_the_manager_records_a_group_action(app_db: Cursor, held_round: int) -> None:
    at = log_in(new_app(), "mona")
    at.switch_page("views/themes.py").run()
    widget(at.text_area, "Hvad aftaler vi?").input("Tjek-ind hver mandag")
    widget(at.text_input, "Ansvarlig").input("Mona")
    widget(at.button, "Gem handling").click().run()
    assert "Handlingen er gemt." in texts(at)
    assert "Tjek-ind hver mandag" in texts(at)


def test_presentation_mode_shows_themes_followup_and_confidentiality_only(
    held_round: int,
) -> None:
    at = log_in(new_app(), "mona")
    at.switch_page("views/themes.py").run()
    widget(at.button, "Præsentér på fællesmødet").click().run()
    page = texts(at)
    assert "Generelle temaer fra trivselssnakkene – MUS 2026" in page
    assert "Stor arbejdsmængde og tidspres (udløsende): 3 personer" in page
    assert "Følg evt. op på et fælles møde" in page
    assert "Obs: Alt hvad der bliver talt om i MUS samtalerne er fortroligt" in page
    assert not at.sidebar.button  # no logout, no navigation: the page alone
    assert not at.sidebar.segmented_control
    widget(at.button, "Afslut præsentationen").click().run()
    assert "Log ud" in [b.label for b in at.sidebar.button]


def test_the_admin_sees_the_organisation_view_of_closed_rounds(
    app_db: Cursor, app_org: Org, held_round: int
) -> None:
    rounds.advance(app_db, app_org.manager, held_round, rounds.CLOSED)
    at = log_in(new_app(), "admin")
    at.switch_page("views/themes.py").run()
    assert "Hele organisationen" in texts(at)
    (table,) = at.dataframe
    frame = table.value
    assert list(frame["Tema"]) == ["Stor arbejdsmængde og tidspres"]
    assert list(frame["Team A"]) == [3]
    assert str(datetime.now().year) in [str(o) for o in at.selectbox[0].options]


def test_the_handout_is_offered_next_to_the_presentation(held_round: int) -> None:
    at = log_in(new_app(), "mona")
    at.switch_page("views/themes.py").run()
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Hent som PDF", "Hent som Markdown"]
    assert buttons[1].proto.help.startswith("Det samme som præsentationen")
    assert "Præsentér på fællesmødet" in [b.label for b in at.button]
    assert not at.exception


def test_an_employee_can_take_the_handout_along_too(held_round: int) -> None:
    at = log_in(new_app(), "dina")
    at.switch_page("views/themes.py").run()
    assert [b.label for b in at.get("download_button")] == ["Hent som PDF", "Hent som Markdown"]
    assert "Præsentér på fællesmødet" not in [b.label for b in at.button]


def chart_rows(chart) -> list[dict]:
    """What a drawn chart plots: its rows as the browser gets them (Arrow, unnamed or in
    the one dataset that the spec names)."""
    data = chart.proto.data.data
    if chart.proto.datasets:
        (dataset,) = chart.proto.datasets
        assert json.loads(chart.proto.spec)["data"] == {"name": dataset.name}
        data = dataset.data.data
    return pa.ipc.open_stream(data).read_all().to_pylist()


def test_the_charts_plot_the_published_themes_and_the_closed_rounds_only(
    app_db: Cursor, app_org: Org, held_round: int
) -> None:
    rounds.advance(app_db, app_org.manager, held_round, rounds.CLOSED)
    later = open_round(app_db, app_org.manager, app_org.team_id, "MUS 2027")
    for employee in app_org.employees[:3]:
        hold(app_db, later, employee, ("collaboration", P))
    at = log_in(new_app(), "dina")
    at.switch_page("views/themes.py").run()
    bars, trend = at.get("vega_lite_chart")
    assert chart_rows(bars) == [{"theme": "Samarbejde", "polarity": "beskyttende", "count": 3}]
    assert chart_rows(trend) == [
        {"round": "MUS 2026", "theme": "Stor arbejdsmængde og tidspres", "count": 3}
    ]
    assert not at.exception
