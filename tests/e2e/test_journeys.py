"""Whole journeys through the MUS practice in a real browser, as the people who live them.

Each journey starts its own server on a fresh data directory. What a journey is about
happens in the browser; what it merely needs (a team, a round, other people's held
conversations) is put in place through core/ before the server starts, because DuckDB
lets only one process hold the file. Key screens are saved as screenshots in
test-artifacts/screenshots/; with TRIVSEL_UPDATE_SCREENSHOTS=1 they replace the README's
pictures in docs/screenshots/.
"""

import os
import re
import signal
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import FrameLocator, Locator, Page, expect

from core import (
    auth,
    config,
    content,
    conversations,
    db,
    people,
    preparation,
    rounds,
    settings,
    teams,
)
from tests.conftest import REPO
from tests.e2e.conftest import ADMIN_PASSWORD, ARTIFACTS, Server, log_in, settle

pytestmark = pytest.mark.e2e
README_SCREENSHOTS = REPO / "docs" / "screenshots"
UPDATE_SCREENSHOTS = "TRIVSEL_UPDATE_SCREENSHOTS"  # =1: shot() writes README_SCREENSHOTS
PASSWORD = "a long journey secret"  # every seeded person's password
_HASH = auth.hash_password(PASSWORD, rounds=4)  # cheap: these are test accounts
DA = content.load().get("da")
EN = content.load().get("en")
S, P = conversations.STRAINING, conversations.PROTECTIVE
T = TypeVar("T")
ACTION_TIMEOUT_MS = 45_000
EXPECT_TIMEOUT_MS = 20_000
LOCAL_URLS = ("data:", "blob:", "about:")  # made in the browser itself
PLAYWRIGHT_EXPECT_TIMEOUT_MS = 5_000  # Playwright's own default, for the other tests


@pytest.fixture(autouse=True)
def server_log_on_failure(
    server: Server, page: Page, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Keep the server's log beside the page's screenshot and text when a journey fails."""
    monkeypatch.setenv("PYTHONFAULTHANDLER", "1")  # SIGABRT prints every thread's stack
    events: list[str] = []
    page.on("console", lambda m: events.append(f"{time.time():.1f} console {m.type}: {m.text}"))
    page.on(
        "websocket",
        lambda ws: (
            events.append(f"{time.time():.1f} ws open {ws.url}"),
            ws.on("close", lambda w: events.append(f"{time.time():.1f} ws close {w.url}")),
            ws.on("socketerror", lambda e: events.append(f"{time.time():.1f} ws error {e}")),
        ),
    )
    page.on(
        "requestfailed", lambda r: events.append(f"{time.time():.1f} failed {r.url} {r.failure}")
    )
    outside: list[str] = []  # the app sends nothing anywhere: not even a favicon request
    page.on(
        "request",
        lambda r: None if r.url.startswith((server.url, *LOCAL_URLS)) else outside.append(r.url),
    )
    yield
    assert not outside, f"the browser fetched from outside the server: {sorted(set(outside))}"
    if getattr(request.node, "test_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{request.node.name}.events.txt").write_text("\n".join(events))
    if getattr(request.node, "test_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        note = ""
        if server.process is not None and server.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=5) as r:  # noqa: S310
                    note = f"health: {r.status}\n"
            except OSError as exc:
                note = f"health: {exc}\n"
            server.process.send_signal(signal.SIGABRT)
            server.process.wait(timeout=15)
            server.process = None
        (ARTIFACTS / f"{request.node.name}.server.log").write_text(note + server.log())


@pytest.fixture(autouse=True)
def patient(page: Page) -> Iterator[None]:
    """Room for a busy 2-core machine (other suites with their own Chromium and servers
    may run at the same time): a login or a run can take several times its usual time."""
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    yield
    expect.set_options(timeout=PLAYWRIGHT_EXPECT_TIMEOUT_MS)


# --- Before the server starts: the data a journey needs but is not about -------------------


def seed(server: Server, build: Callable[[db.Cursor], T]) -> T:
    """Run core functions on the server's data directory while the server is stopped."""
    assert server.process is None, "DuckDB allows one process: seed before start()"
    database = db.open_database(config.load(server.data_dir))
    try:
        cur = database.cursor()
        with cur.transaction():
            return build(cur)
    finally:
        database.close()


@dataclass(frozen=True)
class Team:
    team_id: int
    manager: people.User
    employees: dict[str, people.User]  # by username


ORGANISATION = "Nordby Kommune"
EMPLOYEES = (
    ("nina", "Nina Holm"),
    ("ole", "Ole Berg"),
    ("pia", "Pia Kjær"),
    ("rasmus", "Rasmus Dahl"),
    ("sara", "Sara Vang"),
)


def make_team(cur: db.Cursor, name: str = "Lager") -> Team:
    """Mia Lund manages five employees in one team of the organisation; every password is
    PASSWORD."""

    def add(username: str, full_name: str, role: str, **links: int) -> people.User:
        user = people.NewUser(username, full_name, roles=frozenset({role}), **links)
        return people.get(cur, people.create(cur, user, _HASH, actor="test"))

    settings.store(cur, "organisation_name", ORGANISATION)
    manager = add("mia", "Mia Lund", people.MANAGER)
    team_id = teams.create(cur, name, manager.id)
    employees = {
        username: add(username, full_name, people.EMPLOYEE, manager_id=manager.id, team_id=team_id)
        for username, full_name in EMPLOYEES
    }
    return Team(team_id, manager, employees)


def open_round(cur: db.Cursor, team: Team, name: str = "MUS 2026") -> int:
    round_id = rounds.create(cur, team.manager, team.team_id, name)
    rounds.advance(cur, team.manager, round_id, rounds.OPEN)
    return round_id


def team_with_planned_round(cur: db.Cursor) -> None:
    """The team and a round its manager has created but not opened yet."""
    team = make_team(cur)
    rounds.create(cur, team.manager, team.team_id, "MUS 2026")


def held_talk(
    cur: db.Cursor, team: Team, round_id: int, username: str, *raised: tuple[str, str]
) -> None:
    """A conversation the manager held and recorded, as the conversation page does it."""
    now = time.time()
    talk = conversations.open_conversation(cur, team.manager, team.employees[username].id, round_id)
    conversations.timer_start(cur, team.manager, talk.id, now - 11 * 60)
    for theme_id, polarity in raised:
        conversations.add_theme(cur, team.manager, talk.id, theme_id, polarity, now)
    conversations.mark_held(cur, team.manager, talk.id, now)


# --- What people do in the browser --------------------------------------------------------


def enter(page: Page, server: Server, username: str, password: str = PASSWORD) -> None:
    """Log in as someone else than before and wait for their landing page."""
    page.context.clear_cookies()  # so log_in waits for this person's own cookie
    log_in(page, server.url, username, password)
    page.reload()  # a fresh load on the cookie: no late login rerun in the middle
    settle(page)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("button", name="Log ind")).to_be_visible()
    settle(page)


def open_page(page: Page, server: Server, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    settle(page)


def screenshots() -> Path:
    """Where shot() writes: test-artifacts/screenshots/, so that a test run leaves the
    committed pictures alone; docs/screenshots/ when the README's are to be renewed."""
    if os.environ.get(UPDATE_SCREENSHOTS) == "1":
        return README_SCREENSHOTS
    return ARTIFACTS / "screenshots"


def shot(page: Page, name: str, top: Locator | None = None) -> None:
    """A screenshot for the README (the window, with `top` at its top if given).

    The file names stay the same from run to run, so the README keeps pointing at them.
    """
    folder = screenshots()
    folder.mkdir(parents=True, exist_ok=True)
    settle(page)
    # Widgets load lazily and show a grey placeholder until then.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && document.fonts.status === 'loaded'"
    )
    if top is not None:
        top.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.mouse.move(0, 0)  # no hover effects in the picture
    page.screenshot(path=str(folder / f"{name}.png"))


def heading(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", name=text).first


def expander(page: Page, title: str) -> Locator:
    return page.get_by_test_id("stExpander").filter(has_text=title).first


def question_expander(page: Page, question_id: str) -> Locator:
    question = DA.guide.question(question_id)
    return expander(page, f"{question.number}. {question.text}")


def change_first_password(page: Page, first: str, new: str) -> None:
    expect(page.get_by_text("Du er logget ind med en midlertidig adgangskode")).to_be_visible()
    page.get_by_label("Nuværende adgangskode").fill(first)
    page.get_by_label("Ny adgangskode", exact=True).fill(new)
    page.get_by_label("Gentag den nye adgangskode").fill(new)
    page.get_by_role("button", name="Skift adgangskode").click()
    settle(page)


def timer_frame(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[title='Tid til punktet']")


# --- 1. First run -------------------------------------------------------------------------

SETUP_TOKEN = re.compile(r"one-time setup token: (\S+)")
TEAM_CSV = (
    "username,name,email,roles,manager,team\n"
    "mia,Mia Lund,mia@example.org,manager,,\n"
    "nina,Nina Holm,,employee,mia,Lager\n"
    "ole,Ole Berg,,employee,mia,Lager\n"
)


def setup_token(server: Server) -> str:
    """The one-time token the server printed in its log, as the README says."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = SETUP_TOKEN.search(server.log())
        if found:
            return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no setup token in the server log:\n{server.log()}")


def test_first_run_admin_imports_a_team_and_its_people_log_in(server: Server, page: Page) -> None:
    server.start()  # an empty data directory
    page.goto(server.url)
    settle(page)
    expect(heading(page, "Opret den første administrator")).to_be_visible()
    shot(page, "first-run")

    page.get_by_label("Engangskode fra serverens log").fill(setup_token(server))
    page.get_by_label("Brugernavn", exact=True).fill("hr")
    page.get_by_label("Fulde navn", exact=True).fill("Hanne Rasmussen")
    page.get_by_label("Adgangskode", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_label("Gentag adgangskoden").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Opret administrator").click()
    settle(page)
    expect(page.get_by_text("Administratoren hr er oprettet.")).to_be_visible()
    page.get_by_role("button", name="Til login").click()
    expect(page.get_by_role("button", name="Log ind")).to_be_visible()
    settle(page)

    enter(page, server, "hr", ADMIN_PASSWORD)
    expect(heading(page, "Administration")).to_be_visible()
    page.get_by_role("radiogroup", name="Område").get_by_role("radio", name="Import").click()
    settle(page)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "lager.csv", "mimeType": "text/csv", "buffer": TEAM_CSV.encode()}]
    )
    settle(page)
    expect(page.get_by_text("Alle 3 linjer er i orden.")).to_be_visible()
    page.get_by_role("button", name="Importér 3 personer").click()
    expect(page.get_by_text("3 personer er importeret.")).to_be_visible()
    settle(page)
    shown = page.get_by_test_id("stCode").filter(has_text="nina ").inner_text()
    first = dict(line.split() for line in shown.strip().splitlines())
    assert set(first) == {"mia", "nina", "ole"}
    page.get_by_role("radiogroup", name="Område").get_by_role("radio", name="Personer").click()
    settle(page)
    expect(page.get_by_text("Viser 4 af 4 personer")).to_be_visible()
    shot(page, "admin")
    log_out(page)

    # The manager and an employee log in with their first passwords and choose their own.
    enter(page, server, "mia", first["mia"])
    change_first_password(page, first["mia"], "my own long secret M")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Team")).to_be_visible()
    expect(nav.get_by_role("link", name="Samtale")).to_be_visible()
    log_out(page)

    enter(page, server, "nina", first["nina"])
    change_first_password(page, first["nina"], "my own long secret N")
    expect(nav.get_by_role("link", name="Forberedelse")).to_be_visible()
    expect(nav.get_by_role("link", name="Team")).to_have_count(0)
    log_out(page)
    enter(page, server, "nina", "my own long secret N")  # the new password holds
    expect(heading(page, "Forberedelse til din MUS")).to_be_visible()


# --- 2. Before the conversation -------------------------------------------------------------

# Unique sentences: none of them is in content/, so finding one means a note leaked.
PRIVATE_MARKER = "Jeg sover dårligt i perioder med mange deadlines (privat 7Q4Z)."
PRIVATE_MARKER_2 = "Jeg er nok i risikozonen lige nu (privat 9K2W)."
SHARED_MARKER = "Faste fokustimer om formiddagen ville hjælpe mig (delt 3X8P)."


def write_note(area: Locator, text: str, page: Page) -> None:
    """Type a note and leave the field: it saves itself then."""
    area.fill(text)
    area.press("Tab")
    settle(page)


def test_before_the_manager_opens_a_round_and_an_employee_prepares(
    server: Server, page: Page
) -> None:
    seed(server, team_with_planned_round)
    server.start()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)

    # The manager opens the round and copies the invitation for the team.
    enter(page, server, "mia")
    expect(heading(page, "Mit team")).to_be_visible()
    expect(page.get_by_text("Runden er planlagt.")).to_be_visible()
    page.get_by_role("button", name="Åbn runden").click()
    expect(page.get_by_text("Runden er åben. Medarbejderne kan nu forberede sig.")).to_be_visible()
    settle(page)
    shot(page, "manager-team", top=heading(page, "Invitation til teamet"))
    invitation = page.get_by_test_id("stCode").filter(has_text="Kære alle")
    expect(invitation).to_contain_text(DA.guide.preparation_question)
    expect(invitation).to_contain_text(f"{server.url}/preparation")
    expect(invitation).to_contain_text("Venlig hilsen\nMia Lund")
    invitation.hover()
    invitation.get_by_role("button").first.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("Kære alle") and f"{server.url}/preparation" in copied
    expect(page.get_by_text("Klar: nej · Holdt: nej")).to_have_count(len(EMPLOYEES))
    log_out(page)

    # An employee reads the stress tool and prepares.
    enter(page, server, "nina")
    expect(heading(page, "Forberedelse til din MUS")).to_be_visible()
    expect(page.get_by_text("MUS 2026 · åben")).to_be_visible()
    expander(page, DA.stress_tool.title).get_by_text(DA.stress_tool.title).click()
    for zone in DA.stress_tool.zones:
        expect(page.get_by_text(zone.name, exact=True).first).to_be_visible()

    write_note(page.get_by_label("Mine noter").first, PRIVATE_MARKER, page)
    expect(page.get_by_text(re.compile(r"^Gemt kl\. \d\d:\d\d$")).first).to_be_visible()

    zone_1 = question_expander(page, "zone_1")
    zone_1.locator("summary").click()
    write_note(zone_1.get_by_label("Mine noter"), PRIVATE_MARKER_2, page)
    zone_1.get_by_text("Det vil jeg gerne tale om").click()
    settle(page)

    factors_1 = question_expander(page, "factors_1")
    factors_1.locator("summary").click()
    write_note(factors_1.get_by_label("Mine noter"), SHARED_MARKER, page)
    factors_1.get_by_text("Det vil jeg gerne tale om").click()
    settle(page)
    factors_1.get_by_text("Del noten med min leder").click()
    settle(page)
    expect(factors_1.get_by_text("Delt. Din leder kan se præcis dette:")).to_be_visible()

    page.get_by_text("Jeg har forberedt mig").click()
    settle(page)

    # Each note was saved by its own part of the page rerunning alone: the file holds
    # them all, the page's other parts were never drawn again.
    prepared = download(page, DA.t("preparation.download_markdown")).decode()
    for marker in (PRIVATE_MARKER, PRIVATE_MARKER_2, SHARED_MARKER):
        assert marker in prepared

    # Everything is stored: a reload shows the same.
    page.reload()
    settle(page)
    expect(page.get_by_label("Mine noter").first).to_have_value(PRIVATE_MARKER)
    zone_1, factors_1 = question_expander(page, "zone_1"), question_expander(page, "factors_1")
    zone_1.locator("summary").click()
    factors_1.locator("summary").click()
    expect(zone_1.get_by_label("Mine noter")).to_have_value(PRIVATE_MARKER_2)
    expect(zone_1.get_by_role("checkbox", name="Det vil jeg gerne tale om")).to_be_checked()
    expect(factors_1.get_by_role("checkbox", name="Det vil jeg gerne tale om")).to_be_checked()
    expect(factors_1.get_by_role("switch", name="Del noten med min leder")).to_be_checked()
    expect(zone_1.get_by_role("switch", name="Del noten med min leder")).not_to_be_checked()
    expect(page.get_by_role("switch", name="Jeg har forberedt mig")).to_be_checked()
    shot(page, "employee-preparation", top=factors_1)
    log_out(page)

    # The manager sees that she is ready, and nothing of what she wrote.
    enter(page, server, "mia")
    expect(page.get_by_text("Klar: ja · Holdt: nej")).to_have_count(1)
    for marker in (PRIVATE_MARKER, PRIVATE_MARKER_2, SHARED_MARKER):
        assert marker not in page.content()


# --- 3. During the conversation -------------------------------------------------------------

TARGET_MINUTES = 5  # the shortest target core/settings.py allows
RUN_BEFORE_S = TARGET_MINUTES * 60 - 3  # the talk had run 4:57 when it was paused
AGREEMENT = "Vi aftaler faste fokustimer tirsdag og torsdag formiddag og ser på det igen i juni."


def prepared_talk(cur: db.Cursor) -> None:
    """Ole prepared (through core, as journey 2 does in the browser), and his talk with Mia
    began and was paused at 4:57, so the timer passes the 5-minute target seconds after
    the manager resumes it."""
    settings.store(cur, "timer_target_minutes", str(TARGET_MINUTES))
    settings.store(cur, "timer_limit_minutes", str(TARGET_MINUTES + 1))
    team = make_team(cur)
    round_id = open_round(cur, team)
    ole, now = team.employees["ole"], time.time()
    preparation.save_note(cur, ole, round_id, content.PREPARATION_ITEM, PRIVATE_MARKER, now)
    preparation.save_note(cur, ole, round_id, "zone_2", PRIVATE_MARKER_2, now)
    preparation.save_note(cur, ole, round_id, "factors_1", SHARED_MARKER, now)
    preparation.share(cur, ole, round_id, "factors_1", now)
    for flagged in ("zone_1", "factors_1"):
        preparation.set_flag(cur, ole, round_id, flagged, True, now)
    preparation.set_ready(cur, ole, round_id, True, now)
    talk = conversations.open_conversation(cur, team.manager, ole.id, round_id)
    conversations.timer_start(cur, team.manager, talk.id, now - RUN_BEFORE_S)
    conversations.timer_pause(cur, team.manager, talk.id, now)


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a selectbox, as a person does: open it and click the option."""
    page.get_by_role("combobox", name=label).click()
    page.keyboard.type(option)  # the list is long and only partly drawn: narrow it first
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_role("listbox")).to_have_count(0)  # closed: the next click counts
    expect(page.get_by_role("combobox", name=label)).to_have_value(option)


def section(text: str, start: str, end: str) -> str:
    """The part of a page's text between two headings."""
    return text[text.index(start) : text.index(end, text.index(start))]


def test_during_the_manager_holds_the_talk_and_the_employee_sees_the_record(
    server: Server, page: Page
) -> None:
    seed(server, prepared_talk)
    server.start()
    zone_1, zone_2, factors_1, factors_3 = (
        DA.guide.question(q).text for q in ("zone_1", "zone_2", "factors_1", "factors_3")
    )

    # From the roster to the conversation page.
    enter(page, server, "mia")
    expect(page.get_by_text("Klar: ja · Holdt: nej")).to_have_count(1)
    page.locator("a[href*='employee=ole']").click()
    settle(page)
    expect(heading(page, "Samtalen om trivsel og stress")).to_be_visible()
    expect(page.get_by_text("Medarbejderen har markeret sig som klar.")).to_be_visible()

    # The flags and the shared note, and nothing private.
    expect(page.get_by_text(SHARED_MARKER, exact=True)).to_be_visible()
    prepared = section(page.inner_text("body"), "Vil gerne tale om", "Delt med dig")
    assert zone_1 in prepared and factors_1 in prepared and zone_2 not in prepared
    html = page.content()
    assert PRIVATE_MARKER not in html and PRIVATE_MARKER_2 not in html

    # The flagged questions are picked in advance; the manager adds one.
    expect(page.get_by_role("checkbox", name=zone_1, exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name=factors_1, exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name=zone_2, exact=True)).not_to_be_checked()
    page.get_by_text(factors_3, exact=True).click()
    settle(page)
    page.reload()  # the pick is stored with the conversation, not only in this tab
    settle(page)
    expect(page.get_by_role("checkbox", name=factors_3, exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name=zone_2, exact=True)).not_to_be_checked()

    # The timer resumes at 4:57 and runs past the 5-minute target. The first 4:57 were
    # seeded: what this shows is that the resumed timer keeps counting in the browser and
    # says so when it passes the target, not that ten real minutes went by.
    clock = timer_frame(page).locator("#trivsel-timer-clock")
    expect(clock).to_have_text("04:57")
    expect(timer_frame(page).get_by_text("På pause")).to_be_visible()
    page.get_by_role("button", name="Fortsæt").click()
    settle(page)
    expect(timer_frame(page).get_by_text("Over målet")).to_be_visible()
    expect(clock).to_have_text(re.compile(r"^05:\d\d$"))

    # Themes and an agreement are recorded, for the employee to read.
    choose(page, "Tema", DA.theme("workload_time_pressure").label)
    page.get_by_role("button", name="Tilføj tema").click()
    settle(page)
    choose(page, "Tema", DA.theme("collaboration").label)
    page.get_by_text("Beskyttende", exact=True).click()
    page.get_by_role("button", name="Tilføj tema").click()
    settle(page)
    expect(page.get_by_text("Stor arbejdsmængde og tidspres · Udløsende")).to_be_visible()
    expect(page.get_by_text("Samarbejde · Beskyttende")).to_be_visible()
    page.get_by_label("Aftale", exact=True).fill(AGREEMENT)
    page.get_by_role("button", name="Tilføj aftale").click()
    settle(page)
    expect(page.get_by_text(AGREEMENT, exact=True)).to_be_visible()
    framing = expander(page, "Rammesætning")
    framing.locator("summary").click()  # read aloud already
    expect(framing.get_by_text("Læs formålet op:")).to_be_hidden()
    shot(page, "manager-conversation", top=heading(page, "Tid til punktet"))

    page.get_by_role("button", name="Marker samtalen som holdt").click()
    settle(page)
    expect(
        page.get_by_text(re.compile(r"Samtalen blev holdt den .* og varede 05:\d\d\."))
    ).to_be_visible()
    log_out(page)

    # The employee reads what was recorded about him.
    enter(page, server, "ole")
    expect(page.get_by_text(AGREEMENT, exact=True)).to_be_visible()
    record = section(page.inner_text("body"), "Temaer fra din samtale", "Fælles handlinger")
    assert "Stor arbejdsmængde og tidspres (udløsende)" in record
    assert "Samarbejde (beskyttende)" in record
    assert AGREEMENT in record


# --- 4. After the conversations -------------------------------------------------------------

RAISED = {  # who raised what: workload and collaboration by 3 (shown), meetings by 2 (not)
    "nina": (("workload_time_pressure", S), ("meeting_structures", S)),
    "ole": (("workload_time_pressure", S), ("meeting_structures", S)),
    "pia": (("workload_time_pressure", S), ("collaboration", P)),
    "rasmus": (("collaboration", P),),
    "sara": (("collaboration", P),),
}
SHOWN = {
    (DA.theme("workload_time_pressure").label, "udløsende", 3),
    (DA.theme("collaboration").label, "beskyttende", 3),
}
HIDDEN = DA.theme("meeting_structures").label
GROUP_ACTIONS = (
    ("Mødefri formiddage tirsdag og torsdag, så der er ro til fordybelse.", "Mia"),
    ("Vi tager opgavelisten op på hvert teammøde og prioriterer sammen.", "Hele teamet"),
)
THEME_LINE = re.compile(r"^(.+) \((udløsende|beskyttende)\): (\d+) personer$", re.MULTILINE)


def held_round(cur: db.Cursor) -> None:
    """Every talk of the team's round is held and recorded (journey 3 shows one of them)."""
    team = make_team(cur)
    round_id = open_round(cur, team)
    for username, raised in RAISED.items():
        held_talk(cur, team, round_id, username, *raised)


def theme_lines(page: Page) -> set[tuple[str, str, int]]:
    return {(theme, way, int(n)) for theme, way, n in THEME_LINE.findall(page.inner_text("body"))}


BARS = '[data-testid="stVegaLiteChart"] .mark-rect path'


def chart_bars(page: Page, count: int) -> set[tuple[str, str, int]]:
    """The `count` bars the browser drew, from Vega's description of each one."""
    expect(page.locator(BARS)).to_have_count(count)  # Vega draws after the text is shown
    labels = page.eval_on_selector_all(BARS, "bars => bars.map(b => b.getAttribute('aria-label'))")
    fields = [dict(part.split(": ", 1) for part in label.split("; ")) for label in labels]
    return {(f["theme"], f["polarity"], int(f["count"])) for f in fields}


def download(page: Page, button: str) -> bytes:
    with page.expect_download() as started:
        page.get_by_role("button", name=button).click()
    return Path(started.value.path()).read_bytes()


def test_after_the_team_sees_only_themes_raised_by_k_and_its_group_actions(
    server: Server, page: Page
) -> None:
    seed(server, held_round)
    server.start()

    enter(page, server, "mia")
    open_page(page, server, "themes")
    expect(heading(page, "Temaer fra samtalerne")).to_be_visible()
    expect(page.get_by_text("Et tema vises kun, når mindst 3 har nævnt det.")).to_be_visible()
    assert theme_lines(page) == SHOWN
    assert chart_bars(page, len(SHOWN)) == SHOWN
    assert HIDDEN not in page.inner_text("body")
    shot(page, "themes")

    # The joint meeting: the themes alone on the screen.
    page.get_by_role("button", name="Præsentér på fællesmødet").click()
    settle(page)
    expect(heading(page, "Generelle temaer fra trivselssnakkene – MUS 2026")).to_be_visible()
    expect(page.get_by_text(DA.guide.confidentiality_note)).to_be_visible()
    expect(page.get_by_role("button", name="Log ud")).to_have_count(0)
    assert theme_lines(page) == SHOWN
    assert HIDDEN not in page.inner_text("body")
    shot(page, "themes-presentation")
    page.get_by_role("button", name="Afslut præsentationen").click()
    settle(page)

    # Two actions for the whole group.
    for text, owner in GROUP_ACTIONS:
        page.get_by_label("Hvad aftaler vi?").fill(text)
        page.get_by_label("Ansvarlig", exact=True).fill(owner)
        page.get_by_role("button", name="Gem handling").click()
        expect(page.get_by_text("Handlingen er gemt.")).to_be_visible()
        settle(page)
        expect(page.get_by_text(text, exact=True)).to_be_visible()

    # The handout: what the presentation showed, with the actions; never the hidden theme.
    handout = download(page, "Hent som Markdown").decode()
    assert handout.startswith("# Tilbagemelding fra trivselssnakkene")
    for theme, way, n in SHOWN:
        assert f"{theme} ({way}): {n} personer" in handout
    assert HIDDEN not in handout
    for text, _ in GROUP_ACTIONS:
        assert text in handout
    assert download(page, "Hent som PDF").startswith(b"%PDF")
    log_out(page)

    # An employee sees the actions on the preparation page and the themes page.
    enter(page, server, "sara")
    for text, _ in GROUP_ACTIONS:
        expect(page.get_by_text(text, exact=True)).to_be_visible()
    open_page(page, server, "themes")
    expect(heading(page, "Temaer fra samtalerne")).to_be_visible()
    for text, _ in GROUP_ACTIONS:
        expect(page.get_by_text(text, exact=True)).to_be_visible()
    assert theme_lines(page) == SHOWN
    assert HIDDEN not in page.inner_text("body")


# --- 5. Language ------------------------------------------------------------------------------

MIN_CHARS = 12  # shorter strings ("Team", "Status") are the same word in both languages
MARKUP = re.compile(r"[*_`#\[\]>{}\\|\n]")  # rendered differently from how it is written
PAGES = {  # who opens which pages, and the string of each page's title
    None: {"": "login.title"},
    "hr": {"admin": "admin.title", "themes": "themes.title", "account": "account.title"},
    "mette": {
        "team": "team.title",
        "conversation?employee=anne": "conversation.title",
        "themes": "themes.title",
    },
    "anne": {"preparation": "preparation.title", "welcome": "", "guide": "guide.title"},
}


def content_texts(language: content.Language) -> list[str]:
    """The content strings of one language in a fixed order (the same in every language)."""
    guide, tool = language.guide, language.stress_tool
    texts = [language.ui[key] for key in sorted(language.ui)]
    texts += [step.title for step in guide.steps]
    texts += [guide.preparation_question, tool.title]
    for question in guide.questions():
        texts += [question.text, *(followup.text for followup in question.followups)]
    texts += [theme.label for theme in language.themes]
    texts += [zone.name for zone in tool.zones]
    return texts


def distinctive(language: content.Language, other: content.Language) -> set[str]:
    """Strings of `language` that can only come from it: differing from the other language's
    string in the same place, long enough, and shown exactly as written."""
    return {
        mine
        for mine, theirs in zip(content_texts(language), content_texts(other), strict=True)
        if mine != theirs and len(mine) >= MIN_CHARS and not MARKUP.search(mine)
    }


def page_text(page: Page) -> str:
    """All the text on the page, also inside frames (the timer)."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')")
    texts = []
    for frame in page.frames:
        try:
            texts.append(frame.locator("body").inner_text())
        except PlaywrightError:
            # The login cookie's component lives only in the run that reads the cookie:
            # its frame may go while it is read. The page itself never does.
            if frame is page.main_frame or not frame.is_detached():
                raise
    return "\n".join(texts)


def check_language(page: Page, language: content.Language, other: content.Language) -> None:
    settle(page)
    text = page_text(page)
    foreign = sorted(s for s in distinctive(other, language) if s in text)
    assert not foreign, f"{page.url} in {language.code} shows {other.code} strings: {foreign}"
    assert any(s in text for s in distinctive(language, other)), "the page shows no content"


def check_pages(page: Page, server: Server, who: str | None, language, other) -> None:
    for path, title_key in PAGES[who].items():
        if who is not None:
            open_page(page, server, path)
        title = language.t(title_key) if title_key else language.guide.title
        expect(heading(page, title)).to_be_visible()
        check_language(page, language, other)


def switch_language(page: Page, language: content.Language) -> None:
    picker = page.get_by_test_id("stSidebar").get_by_role("radiogroup")
    picker.get_by_role("radio", name=language.t("language.name")).click()
    settle(page)


def test_language_each_page_speaks_one_language_only(server: Server, page: Page) -> None:
    assert len(distinctive(DA, EN)) > 300 and len(distinctive(EN, DA)) > 300  # a real check
    passwords = server.demo()
    server.start()

    page.goto(server.url)
    check_pages(page, server, None, DA, EN)
    switch_language(page, EN)
    check_pages(page, server, None, EN, DA)

    for who in ("hr", "mette", "anne"):
        enter(page, server, who, passwords[who])  # Danish: the organisation's default
        check_pages(page, server, who, DA, EN)
        if who == "anne":
            shot(page, "guide")  # the last page in Danish
        switch_language(page, EN)  # remembered for the user from now on
        check_pages(page, server, who, EN, DA)
