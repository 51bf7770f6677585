"""An administrator runs the organisation from the browser: import, reset, first login."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN_PASSWORD, Server, log_in, settle

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "a brand new long secret"
HEADER = "username,name,email,roles,manager,team\n"
BAD_CSV = HEADER + "mia,Mia Leder,,manager,,\nnils,Nils Ansat,,employee,nobody,Lager\n"
GOOD_CSV = HEADER + "mia,Mia Leder,,manager,,\nnils,Nils Ansat,,employee,mia,Lager\n"
TEMPORARY_PASSWORD = re.compile(r"^\s*[A-Za-z0-9_-]{16}\s*$")


def admin_logged_in(server: Server, page: Page) -> None:
    """An admin made with the CLI, logged in on the started server."""
    server.create_admin()
    server.start()
    log_in(page, server.url, "boss", ADMIN_PASSWORD)
    page.reload()  # a fresh load on the cookie: no late login rerun in the middle
    settle(page)


def open_section(page: Page, name: str) -> None:
    sections = page.get_by_role("radiogroup", name="Område")
    sections.get_by_role("radio", name=name, exact=True).click()
    settle(page)


def upload(page: Page, text: str) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    settle(page)


def search_people(page: Page, text: str, found: int) -> None:
    field = page.get_by_label("Søg efter navn, brugernavn eller e-mail")
    field.fill(text)
    field.press("Enter")
    expect(page.get_by_text(f"Viser {found} af {found} personer")).to_be_visible()
    settle(page)


def test_an_admin_imports_people_and_resets_a_password_that_then_works(
    server: Server, page: Page
) -> None:
    admin_logged_in(server, page)
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()

    # A file with one bad line: the line is reported and nobody is imported.
    open_section(page, "Import")
    upload(page, BAD_CSV)
    expect(page.get_by_text("Filen har 1 fejl. Intet er importeret.")).to_be_visible()
    expect(
        page.get_by_text("Linje 3: Lederen nobody findes hverken i filen eller blandt brugerne.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Importér")).to_have_count(0)
    open_section(page, "Personer")
    search_people(page, "nils", found=0)

    # The fixed file imports everyone, and the first passwords are shown once.
    open_section(page, "Import")
    upload(page, GOOD_CSV)
    expect(page.get_by_text("Alle 2 linjer er i orden.")).to_be_visible()
    page.get_by_role("button", name="Importér 2 personer").click()
    expect(page.get_by_text("2 personer er importeret.")).to_be_visible()
    settle(page)
    first_logins = page.get_by_test_id("stCode").filter(has_text="nils ")
    expect(first_logins).to_contain_text("mia ")

    # Mia joins her team: the teams section finds her by a search, not in a list of all.
    open_section(page, "Teams")
    field = page.get_by_label("Find personer at flytte til Lager")
    field.fill("mia")
    field.press("Enter")
    settle(page)
    page.get_by_role("combobox", name="Flyt personer til Lager").click()
    page.keyboard.type("Mia")  # the list opens as a person types
    page.get_by_role("option", name="Mia Leder (mia)").click()
    page.keyboard.press("Escape")  # close the list over the button
    page.get_by_role("button", name="Flyt", exact=True).click()
    expect(page.get_by_text("1 personer er flyttet til Lager.")).to_be_visible()
    settle(page)

    # The admin resets Nils's password and reads the temporary one off the page.
    open_section(page, "Personer")
    search_people(page, "nils", found=1)
    expect(page.get_by_role("heading", name="Nils Ansat (nils)")).to_be_visible()
    page.get_by_role("button", name="Nulstil adgangskode").click()
    expect(page.get_by_text("Adgangskoden for nils er nulstillet")).to_be_visible()
    settle(page)
    shown = page.get_by_test_id("stCode").last
    expect(shown).to_have_text(TEMPORARY_PASSWORD)
    temporary = shown.inner_text().strip()
    page.get_by_role("button", name="Log ud").click()
    settle(page)
    page.context.clear_cookies()  # so log_in below waits for Nils's own cookie

    # Nils logs in with it and must choose his own password first.
    log_in(page, server.url, "nils", temporary)
    page.reload()
    settle(page)
    expect(
        page.get_by_text("Din adgangskode blev nulstillet af en administrator den")
    ).to_be_visible()
    page.get_by_label("Nuværende adgangskode").fill(temporary)
    page.get_by_label("Ny adgangskode", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Gentag den nye adgangskode").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Skift adgangskode").click()
    expect(page.get_by_test_id("stSidebarNav").get_by_text("Velkommen")).to_be_visible()


def test_a_backup_downloaded_in_the_browser_restores_from_the_command_line(
    server: Server, page: Page, tmp_path: Path
) -> None:
    admin_logged_in(server, page)
    open_section(page, "Backup og sletning")
    expect(page.get_by_text("uden data.key kan noterne i backuppen ikke læses")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Hent backup").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("trivselssnak-") and saved.suffix == ".zip"

    server.stop()  # a restore needs the app stopped
    out = server.cli("restore", str(saved))
    assert "Restored the backup" in out and ".bak" in out
    server.start()
    page.goto(server.url)  # the session cookie from before the backup still holds
    settle(page)
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
