"""What is measured on each page: one row per page and role, with its main interaction.

To measure a new page, add one Scenario to SCENARIOS: the role that logs in, the page's
script name in views/, what the interaction is called and a small async function that
performs it on a Session (find the widget by its label from content/, set its value or
click it). The baseline row, BARE, is the bare page: type into its text input and
click its button. FLOOR does the same on the floor page, whose click also stores the
text in DuckDB (bench/floor_app.py).

`load_weight` says how many of the load test's sessions do this row (relative weights;
0: not in the load test). The mix is MUS season: mostly employees preparing, managers
holding conversations, a few people looking at themes.
"""

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench import ws_client
from bench.seed import Manifest
from core import content
from ui import navigation

EMPLOYEE, MANAGER, ADMIN, NOBODY = "employee", "manager", "admin", ""
LANGUAGE = content.DEFAULT_LANGUAGE  # benchmark users have no language of their own


class Unavailable(Exception):
    """The page or one of its labels does not exist (yet) in this tree."""


_content = content.load().get(LANGUAGE)


def label(key: str) -> str:
    """A UI string as the page shows it (the bench users see the default language)."""
    try:
        return _content.t(key)
    except KeyError:
        raise Unavailable(f"no UI string {key!r}") from None


def login_labels() -> dict[str, str]:
    return {
        "username": label("login.username"),
        "password": label("login.password"),
        "submit": label("login.submit"),
    }


def page_title(script: str) -> str:
    spec = next((s for s in navigation.PAGES if s.script == script), None)
    if spec is None:
        raise Unavailable(f"no page {script!r} in ui/navigation.py")
    return label(spec.title_key)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    query: str = ""  # query string of the page's link (the conversation's ?employee=)


Interaction = Callable[[ws_client.Session, int], Awaitable[ws_client.Run]]


@dataclass(frozen=True)
class Scenario:
    key: str
    role: str
    page: str  # script name in views/ ("" for the bare page)
    interaction: str  # what the user does, in words
    act: Interaction
    load_weight: int = 0

    @property
    def title(self) -> str:
        return f"{self.role or self.key} · {self.page or self.key + ' page'} · {self.interaction}"


# --- interactions ----------------------------------------------------------------------


async def reopen(session: ws_client.Session, i: int) -> ws_client.Run:
    """Open the page again from the menu (a full script run of the page)."""
    page = session.current_page()
    return await session.go(page.url_path, page.name)


async def save_note(session: ws_client.Session, i: int) -> ws_client.Run:
    """Type a note on the preparation question and leave the field: saved at once."""
    box = session.widget("text_area", label("preparation.note_label"))
    return await session.set_values({box.id: ws_client.text(f"Bench note number {i}.")})


async def pick_question(session: ws_client.Session, i: int) -> ws_client.Run:
    """Tick (or untick) the guide's first question in the conversation's picker."""
    first = _content.guide.questions()[0].text
    box = session.widget("checkbox", first)
    return await session.set_values({box.id: ws_client.flag(not session.checked(box))})


async def record_theme(session: ws_client.Session, i: int) -> ws_client.Run:
    """Record a theme with the form's defaults, or remove it again when it is there."""
    removes = session.widgets("button", label("conversation.remove"))
    if removes:
        return await session.set_values({}, triggers=[removes[0].id])
    add = session.widget("button", label("conversation.add_theme"))
    return await session.set_values({}, triggers=[add.id])


async def tick_checklist(session: ws_client.Session, i: int) -> ws_client.Run:
    """Tick (or untick) "the team is informed" in the team page's checklist."""
    box = session.widget("checkbox", label("team.checklist_inform"))
    return await session.set_values({box.id: ws_client.flag(not session.checked(box))})


async def search_people(session: ws_client.Session, i: int) -> ws_client.Run:
    """Search the people list (the admin's most frequent action)."""
    box = session.widget("text_input", label("admin.search"))
    return await session.set_values({box.id: ws_client.text(f"emp00{i % 10}")})


async def page_audit_log(session: ws_client.Session, i: int) -> ws_client.Run:
    """Go to the next page of the audit log (50 entries), from the admin's people list
    to the audit section first."""
    pages = session.widgets("number_input", label("admin.audit_page"))
    if not pages:
        section = session.widget("button_group", label("admin.section"))
        return await session.set_values(
            {section.id: ws_client.choice(label("admin.section_audit"))}
        )
    return await session.set_values({pages[0].id: ws_client.number(i % 5 + 1)})


async def choose_team(session: ws_client.Session, i: int) -> ws_client.Run:
    """Choose another team to edit (its rename, manager and move-people forms), from the
    admin's people list to the teams section first."""
    boxes = session.widgets("selectbox", label("admin.choose_team"))
    if not boxes:
        section = session.widget("button_group", label("admin.section"))
        return await session.set_values(
            {section.id: ws_client.choice(label("admin.section_teams"))}
        )
    options = boxes[0].options
    return await session.set_values({boxes[0].id: ws_client.text(options[(i + 1) % len(options)])})


async def change_password_form(session: ws_client.Session, i: int) -> ws_client.Run:
    """Submit the password form with a wrong current password (refused, nothing stored)."""
    current = session.widget("text_input", label("account.current_password"))
    submit = session.widget("button", label("account.change_password"))
    return await session.set_values(
        {current.id: ws_client.text("not the password")}, triggers=[submit.id]
    )


def download(key: str) -> Interaction:
    """Click the download button labelled `key` and fetch its file: the server makes the
    file at the click (ui.render.download), so this times making it, not a script run."""

    async def click(session: ws_client.Session, i: int) -> ws_client.Run:
        return await session.download(session.widget("download_button", label(key)))

    return click


async def bare_click(session: ws_client.Session, i: int) -> ws_client.Run:
    box = session.widget("text_input", "Text")
    button = session.widget("button", "Send")
    return await session.set_values({box.id: ws_client.text(f"hello {i}")}, triggers=[button.id])


BARE = Scenario("bare", NOBODY, "", "type and click", bare_click, load_weight=1)
# The floor (bench/floor_app.py) has the bare page's widgets; its click also writes DuckDB.
FLOOR = Scenario("floor", NOBODY, "", "type, click and store in DuckDB", bare_click)

SCENARIOS = (
    Scenario("prep_note", EMPLOYEE, "preparation", "save a note", save_note, load_weight=12),
    Scenario("emp_themes", EMPLOYEE, "themes", "open themes", reopen, load_weight=2),
    Scenario("emp_welcome", EMPLOYEE, "welcome", "open the guide", reopen, load_weight=1),
    Scenario("account", EMPLOYEE, "account", "refused password change", change_password_form),
    Scenario("conv_pick", MANAGER, "conversation", "pick a question", pick_question, 4),
    Scenario("conv_theme", MANAGER, "conversation", "record/remove a theme", record_theme),
    Scenario("team_check", MANAGER, "team", "tick the checklist", tick_checklist, load_weight=1),
    Scenario("mgr_themes", MANAGER, "themes", "open themes", reopen, load_weight=1),
    Scenario("admin_themes", ADMIN, "themes", "open organisation themes", reopen),
    Scenario("admin_search", ADMIN, "admin", "search people", search_people),
    Scenario("admin_audit", ADMIN, "admin", "page through the audit log", page_audit_log),
    Scenario("admin_teams", ADMIN, "admin", "choose a team to edit", choose_team),
    # Files made at the click, in a server thread beside everybody's script runs.
    Scenario(
        "prep_pdf",
        EMPLOYEE,
        "preparation",
        "download the preparation as PDF",
        download("preparation.download_pdf"),
    ),
    Scenario(
        "mydata_pdf",
        EMPLOYEE,
        "account",
        "download all my data as PDF",
        download("mydata.download_pdf"),
    ),
    Scenario(
        "handout_pdf",
        MANAGER,
        "themes",
        "download the meeting's handout as PDF",
        download("themes.handout_pdf"),
    ),
)


def by_key(key: str) -> Scenario:
    for scenario in (BARE, FLOOR, *SCENARIOS):
        if scenario.key == key:
            return scenario
    raise KeyError(key)


# --- who logs in -----------------------------------------------------------------------


class Logins:
    """Hands out distinct benchmark users per role, from the seed's manifest."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self._employees = itertools.cycle(manifest.employee_usernames)
        self._conversations = itertools.cycle(manifest.conversations)

    def next(self, role: str) -> Login:
        if role == EMPLOYEE:
            return Login(next(self._employees), role)
        if role == MANAGER:
            manager, employee = next(self._conversations)
            return Login(manager, role, f"employee={employee}")
        if role == ADMIN:
            return Login(self.manifest.admin, role)
        raise ValueError(role)


def mix() -> list[Scenario]:
    """The load test's scenarios, each repeated by its weight (one cycle of the mix)."""
    return [s for s in SCENARIOS for _ in range(s.load_weight)]


# --- getting a session onto its page ----------------------------------------------------


async def onto_page(
    session: ws_client.Session, scenario: Scenario, login: Login | None, password: str
) -> dict[str, ws_client.Run]:
    """Open the app, log in and open the scenario's page; the runs by step name.

    Raises Unavailable when the page is not in the user's navigation (not built yet)."""
    steps: dict[str, ws_client.Run] = {}
    steps["first_load"] = await session.open()
    if scenario is BARE or login is None:
        return steps
    steps["login"] = await ws_client.log_in(session, login.username, password, login_labels())
    if not session.pages:  # the login gate stops before st.navigation
        raise ws_client.ProtocolError(f"login of {login.username} refused")
    target = session.page(scenario.page, page_title(scenario.page))
    if target is None:
        raise Unavailable(f"page {scenario.page!r} is not in the {login.role}'s navigation")
    steps["page_open"] = await session.go(target.url_path, target.name, login.query)
    return steps
