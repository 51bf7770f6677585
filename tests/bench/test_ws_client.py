"""The benchmark's websocket client speaks Streamlit's protocol to a real server.

One app server (tests/e2e's Server, on 127.0.0.1, with a tiny seeded organisation) and
one bare-page server for the whole module; both are stopped by their PID at the end.
"""

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from bench import load, login_storm, scenarios, ws_client
from bench.server import BARE_APP, FLOOR_APP, StreamlitServer
from core import content
from tests.conftest import run_async

TIMEOUT_S = 60
DA = content.load().get("da")


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    server = StreamlitServer(BARE_APP, log_path=tmp_path_factory.mktemp("bare") / "log")
    try:
        yield server.start()
    finally:
        server.stop()


def run(coroutine):
    return run_async(coroutine, TIMEOUT_S)


async def _session(url: str, steps) -> object:
    session = ws_client.Session(url, timeout=TIMEOUT_S)
    await session.connect()
    try:
        return await steps(session)
    finally:
        await session.close()


async def _onto_page(session: ws_client.Session, scenario: scenarios.Scenario, manifest):
    login = scenarios.Logins(manifest).next(scenario.role)
    return await scenarios.onto_page(session, scenario, login, manifest.password)


def test_the_first_page_is_the_login_form(protocol_app) -> None:
    server, _ = protocol_app

    async def steps(session: ws_client.Session):
        first = await session.open()
        labels = [w.label for w in session.widgets("text_input")]
        return first, labels, session.pages

    first, labels, pages = run(_session(server.url, steps))
    assert first.ok and first.runs == 1
    assert labels == [DA.t("login.username"), DA.t("login.password")]
    assert pages == []  # nothing but the login form before logging in


def test_it_logs_in_and_gets_a_page_rendered(protocol_app) -> None:
    server, manifest = protocol_app

    async def steps(session: ws_client.Session):
        await session.open()
        login = await ws_client.log_in(
            session, manifest.employee_usernames[0], manifest.password, scenarios.login_labels()
        )
        welcome = await session.go("welcome")
        return login, welcome, session.texts(), [p.url_path for p in session.pages]

    login, welcome, texts, paths = run(_session(server.url, steps))
    assert login.ok and welcome.ok
    assert {"welcome", "account"} <= set(paths)
    assert DA.guide.title in texts
    assert DA.guide.confidentiality_note in texts


def test_a_wrong_password_leaves_the_login_form(protocol_app) -> None:
    server, manifest = protocol_app

    async def steps(session: ws_client.Session):
        await session.open()
        run_ = await ws_client.log_in(
            session, manifest.employee_usernames[1], "not the password", scenarios.login_labels()
        )
        return run_, session.texts(), session.pages

    run_, texts, pages = run(_session(server.url, steps))
    assert run_.ok
    assert DA.t("login.wrong") in texts
    assert pages == []


def test_a_scenario_reaches_its_page_and_performs_its_interaction(protocol_app) -> None:
    server, manifest = protocol_app
    scenario = scenarios.by_key("emp_themes")

    async def steps(session: ws_client.Session):
        found = await _onto_page(session, scenario, manifest)
        again = await scenario.act(session, 1)
        return found, again, session.current_page()

    found, again, page = run(_session(server.url, steps))
    assert set(found) == {"first_load", "login", "page_open"}
    assert all(step.ok for step in found.values())
    assert again.ok
    assert page.url_path == "themes"


def test_a_note_saved_in_a_part_of_the_page_reruns_only_that_part(protocol_app) -> None:
    """The preparation question is a fragment: saving its note redraws it alone, and
    the saved note is there when the page is opened again."""
    server, manifest = protocol_app
    scenario = scenarios.by_key("prep_note")

    async def steps(session: ws_client.Session):
        found = await _onto_page(session, scenario, manifest)
        saved = await scenario.act(session, 41)
        after_save = session.texts()
        reopened = await scenarios.reopen(session, 0)
        note = session.widget("text_area", DA.t("preparation.note_label"))
        return found["page_open"], saved, after_save, reopened, note.value

    page, saved, after_save, reopened, note = run(_session(server.url, steps))
    assert saved.ok and reopened.ok
    assert 0 < saved.drawn < page.drawn / 4  # the part, not the page
    assert DA.t("preparation.title") in after_save  # the rest of the page stays
    assert DA.guide.confidentiality_note in after_save
    assert note == "Bench note number 41."


def test_a_download_gives_the_file_made_at_the_click(protocol_app) -> None:
    """The preparation's files are made when their button is clicked: the Markdown holds
    the note a part of the page saved after the button was drawn."""
    server, manifest = protocol_app
    note_scenario = scenarios.by_key("prep_note")

    async def steps(session: ws_client.Session):
        await _onto_page(session, note_scenario, manifest)
        await note_scenario.act(session, 52)
        markdown = session.widget("download_button", DA.t("preparation.download_markdown"))
        return await session.download(markdown), await scenarios.by_key("prep_pdf").act(session, 0)

    markdown, pdf = run(_session(server.url, steps))
    assert markdown.ok and pdf.ok
    assert "Bench note number 52." in markdown.file.decode()
    assert pdf.file.startswith(b"%PDF-")
    assert (markdown.runs, pdf.runs) == (0, 0)  # made beside the page, not by a rerun


@pytest.mark.parametrize("key", ["mydata_pdf", "handout_pdf"])
def test_every_download_scenario_reaches_its_button_and_gets_a_pdf(protocol_app, key) -> None:
    server, manifest = protocol_app
    scenario = scenarios.by_key(key)

    async def steps(session: ws_client.Session):
        await _onto_page(session, scenario, manifest)
        return await scenario.act(session, 0)

    downloaded = run(_session(server.url, steps))
    assert downloaded.ok
    assert downloaded.file.startswith(b"%PDF-")


def test_a_file_the_server_cannot_make_is_an_error_not_a_time(protocol_app) -> None:
    server, manifest = protocol_app

    async def steps(session: ws_client.Session):
        await _onto_page(session, scenarios.by_key("prep_pdf"), manifest)
        button = session.widget("download_button", DA.t("preparation.download_pdf"))
        unknown = type(button)()
        unknown.CopyFrom(button)
        unknown.deferred_file_id = "no-such-file"
        return await session.download(unknown)

    failed = run(_session(server.url, steps))
    assert not failed.ok
    assert failed.exceptions and failed.file == b""


def test_a_section_choice_reaches_the_script(protocol_app) -> None:
    """The audit log scenario picks the admin page's section, then pages through it (the
    tiny organisation's log has one page, so the page number stays at 1)."""
    server, manifest = protocol_app
    scenario = scenarios.by_key("admin_audit")

    async def steps(session: ws_client.Session):
        opened = await _onto_page(session, scenario, manifest)
        before = session.widgets("number_input", DA.t("admin.audit_page"))
        section = await scenario.act(session, 0)
        after = session.widgets("number_input", DA.t("admin.audit_page"))
        paged = await scenario.act(session, 1)
        return opened["page_open"], before, section, after, paged, session.texts()

    opened, before, section, after, paged, texts = run(_session(server.url, steps))
    assert opened.ok and section.ok and paged.ok
    assert (len(before), len(after)) == (0, 1)
    assert any(text.startswith("Side 1 af 1 (") for text in texts)


def test_the_login_storm_times_the_clicks_of_the_people_already_in(protocol_app) -> None:
    server, manifest = protocol_app
    result = run(login_storm.storm(server, manifest, 3, 2.0, clickers=4, think=0.3))
    assert (result["logged_in"], result["errors"]) == (3, 0)
    crowd = result["crowd"]
    assert (crowd["on_page"], crowd["errors"]) == (4, 0)
    assert crowd["clicks"]["n"] >= 4  # each clicked at least once while the storm ran


def test_one_session_of_the_load_test_clicks_often_enough_for_a_p95(bare: StreamlitServer) -> None:
    """One session at the load test's think time of 10 s would click 3 times in a phase:
    its p95 would be its slowest click. Every level gives at least MIN_CLICKS."""
    result = run(load.level(bare, 1, [scenarios.BARE], None, 1.0, load.DEFAULT_THINK_S))
    assert (result["ready"], result["errors"]) == (1, 0)
    assert result["interactions"]["n"] >= load.MIN_CLICKS
    assert result["think_s"] < load.DEFAULT_THINK_S  # and says it clicked faster


def test_typed_text_and_a_click_reach_the_script(bare: StreamlitServer) -> None:
    async def steps(session: ws_client.Session):
        await session.open()
        clicked = await scenarios.BARE.act(session, 7)
        after_click = session.texts()
        rerun = await session.rerun()  # the text stays, the click does not repeat
        return clicked, after_click, rerun, session.texts()

    clicked, after_click, rerun, after_rerun = run(_session(bare.url, steps))
    assert clicked.ok and rerun.ok
    assert "hello 7" in after_click
    assert "hello 7" not in after_rerun


def test_the_floor_page_stores_what_was_typed_when_clicked(tmp_path: Path) -> None:
    """The floor baseline really writes: a click that stored nothing would measure the
    bare page twice (docs/performance.md, "A floor beside the bare page")."""

    async def steps(session: ws_client.Session):
        await session.open()
        clicked = await scenarios.FLOOR.act(session, 3)
        shown = session.texts()
        rerun = await session.rerun()  # a rerun without a click stores nothing more
        return clicked, shown, rerun

    server = StreamlitServer(FLOOR_APP, data_dir=tmp_path, log_path=tmp_path / "log")
    try:
        clicked, shown, rerun = run(_session(server.start().url, steps))
    finally:
        server.stop()  # DuckDB gives its file to one process: read it once the server is gone
    assert clicked.ok and rerun.ok
    assert "hello 3" in shown
    (database_file,) = tmp_path.glob("*.duckdb")
    with duckdb.connect(str(database_file), read_only=True) as database:
        assert database.execute("SELECT text FROM notes").fetchall() == [("hello 3",)]
