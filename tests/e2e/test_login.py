"""Logging in through a real browser and deep links (sessions: test_session.py)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN_PASSWORD, Server, log_in, wait_idle

pytestmark = pytest.mark.e2e
CSV = (
    "username,name,email,roles,manager,team\n"
    "mia,Mia Leder,,manager,,\n"
    "nils,Nils,,employee,mia,Lager\n"
)


def prepared(server: Server, tmp_path) -> dict[str, str]:
    """An admin from the CLI and an imported team; returns the imported first passwords."""
    server.create_admin()
    people = tmp_path / "people.csv"
    people.write_text(CSV)
    logins = server.cli("import-users", str(people))
    return {line.split()[1]: line.split()[2] for line in logins.splitlines()}


def test_the_first_request_to_a_deep_link_meets_the_login_form(
    server: Server, page: Page, tmp_path
) -> None:
    prepared(server, tmp_path)
    server.start()
    page.goto(f"{server.url}/account")  # the very first request this server sees
    wait_idle(page)
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    expect(page.get_by_text("Skift adgangskode")).to_have_count(0)


def test_an_admin_logs_in_and_sees_the_pages_of_the_role(
    server: Server, page: Page, tmp_path
) -> None:
    prepared(server, tmp_path)
    server.start()
    log_in(page, server.url, "boss", ADMIN_PASSWORD)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Velkommen")).to_be_visible()
    expect(nav.get_by_role("link", name="Min konto")).to_be_visible()
    expect(nav.get_by_role("link", name="Administration")).to_be_visible()
    expect(nav.get_by_role("link", name="Forberedelse")).to_have_count(0)  # an employee's page
    # Typing the employee page's address serves the admin's own landing page instead.
    page.goto(f"{server.url}/preparation")
    wait_idle(page)
    expect(page.get_by_text("Forberedelse til din MUS")).to_have_count(0)
    expect(page.get_by_role("heading", name="Administration").first).to_be_visible()


def test_a_page_outside_the_users_list_cannot_be_opened_by_url(
    server: Server, page: Page, tmp_path
) -> None:
    first_passwords = prepared(server, tmp_path)
    server.start()
    # An imported user must replace the first password: only "Min konto" is theirs.
    log_in(page, server.url, "nils", first_passwords["nils"])
    expect(page.get_by_text("Vælg din egen adgangskode").first).to_be_visible()
    page.goto(f"{server.url}/welcome")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Min konto")).to_be_visible()
    expect(page.get_by_role("heading", name="Trivsel og stress i MUS")).to_have_count(0)


# A cookie copied before logout: tests/e2e/test_session.py, with the other session checks.
