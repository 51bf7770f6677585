"""A private note reaches the manager only when the employee shares it, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from core import db, people
from tests.e2e.conftest import Server, settle
from tests.e2e.test_journeys import (
    enter,
    heading,
    log_out,
    make_team,
    open_page,
    open_round,
    page_text,
    patient,  # noqa: F401 (autouse fixtures: here too)
    question_expander,
    seed,
    server_log_on_failure,  # noqa: F401
    write_note,
)
from ui import navigation

pytestmark = pytest.mark.e2e
MARKER = "Min nabo i kontorlandskabet larmer hele dagen (note 5T1V)."  # in no content file
MANAGER_PAGES = [
    spec.script for spec in navigation.PAGES if people.MANAGER in spec.roles and spec.script
]


def team_with_open_round(cur: db.Cursor) -> None:
    open_round(cur, make_team(cur))


def assert_nowhere(page: Page, server: Server) -> None:
    """The marker is on none of the manager's pages, not even in the HTML sent to them."""
    paths = [*MANAGER_PAGES, "conversation?employee=nina", "conversation?employee=ole"]
    for path in paths:
        open_page(page, server, path)
        expect(page.locator("h1").first).to_be_visible()
        if path == "conversation?employee=nina":
            expect(page.get_by_text("Medarbejderen har ikke delt noget.")).to_be_visible()
        text = page_text(page)
        assert MARKER not in text and MARKER not in page.content(), path


def test_a_note_reaches_the_manager_only_once_it_is_shared(server: Server, page: Page) -> None:
    seed(server, team_with_open_round)
    server.start()
    assert {"team", "conversation", "themes"} <= set(MANAGER_PAGES)

    enter(page, server, "nina")
    factors = question_expander(page, "factors_1")
    factors.locator("summary").click()
    write_note(factors.get_by_label("Mine noter"), MARKER, page)
    expect(factors.get_by_text("Privat: kun du kan se noten.")).to_be_visible()
    log_out(page)

    enter(page, server, "mia")
    assert_nowhere(page, server)
    log_out(page)

    enter(page, server, "nina")
    factors = question_expander(page, "factors_1")
    factors.locator("summary").click()
    factors.get_by_text("Del noten med min leder").click()
    settle(page)
    expect(factors.get_by_text("Delt. Din leder kan se præcis dette:")).to_be_visible()
    log_out(page)

    enter(page, server, "mia")
    open_page(page, server, "conversation?employee=nina")
    expect(heading(page, "Samtalen om trivsel og stress")).to_be_visible()
    expect(page.get_by_text(MARKER, exact=True)).to_be_visible()
    open_page(page, server, "team")  # the roster shows who is ready, never notes
    expect(heading(page, "Mit team")).to_be_visible()
    assert MARKER not in page.content()
