"""Which pages each role gets. A page left out here cannot be opened by URL either.

The page scripts live in views/, not pages/: Streamlit treats a folder named pages/
beside the entry script as its older multipage mode, and until the first st.navigation
call of a server process (and in every AppTest rerun) it runs a requested page file
directly, without app.py's login gate, and serves every file in that folder by URL.
"""

from dataclasses import dataclass

import streamlit as st

from core import people
from ui.i18n import t

VIEWS_DIR = "views"
ALL_ROLES = frozenset(people.ROLES)


@dataclass(frozen=True)
class PageSpec:
    script: str  # file name in views/ without .py; also the URL path
    title_key: str
    icon: str
    roles: frozenset[str]  # a user with any of these roles gets the page
    section_key: str = ""


WELCOME = PageSpec("welcome", "nav.welcome", ":material/home:", ALL_ROLES)
ACCOUNT = PageSpec("account", "nav.account", ":material/person:", ALL_ROLES, "nav.section_you")
THEMES = PageSpec("themes", "themes.nav_title", ":material/bar_chart:", ALL_ROLES)
GUIDE = PageSpec("guide", "guide.nav_title", ":material/help:", ALL_ROLES)
PREPARATION = PageSpec(
    "preparation", "preparation.nav_title", ":material/edit_note:", frozenset({people.EMPLOYEE})
)
ADMIN = PageSpec(
    "admin",
    "admin.nav_title",
    ":material/admin_panel_settings:",
    frozenset({people.ADMIN}),
    "admin.nav_section",
)
TEAM = PageSpec(
    "team", "team.nav_title", ":material/groups:", frozenset({people.MANAGER}), "team.nav_section"
)
CONVERSATION = PageSpec(
    "conversation",
    "conversation.nav_title",
    ":material/forum:",
    frozenset({people.MANAGER}),
    "team.nav_section",
)
PAGES = (PREPARATION, TEAM, CONVERSATION, ADMIN, THEMES, GUIDE, WELCOME, ACCOUNT)


def page_specs(user: people.User) -> list[PageSpec]:
    """The pages of one user, in menu order; the first is where they land."""
    if user.must_change_password:
        return [ACCOUNT]  # nothing else until the administrator's password is replaced
    return [spec for spec in PAGES if spec.roles & user.roles]


def pages_for(user: people.User) -> dict[str, list[st.Page]]:
    """The st.navigation sections of one user, built anew on every run."""
    sections: dict[str, list[st.Page]] = {}
    for index, spec in enumerate(page_specs(user)):
        page = st.Page(
            f"{VIEWS_DIR}/{spec.script}.py",
            title=t(spec.title_key),
            icon=spec.icon,
            url_path=spec.script,
            default=index == 0,
        )
        sections.setdefault(t(spec.section_key) if spec.section_key else "", []).append(page)
    return sections
