"""Fresh install: create the first administrator with a one-time token from the log."""

import streamlit as st

from core import auth, people
from core.db import Cursor
from core.errors import TrivselError
from ui import resources
from ui.i18n import error_text, t


@st.cache_resource(show_spinner=False)
def _announce_setup_token(db_path: str) -> bool:
    """Issue one setup token per server process and print it in the server log."""
    token = auth.issue_setup_token(resources.cursor(), resources.now())
    if token:
        from ui.auth import log

        log("=" * 72)
        log("Trivselssnak has no users yet. To create the first administrator, open the")
        log(f"app in a browser and enter this one-time setup token: {token}")
        log("(or stop the app and run: python -m core.cli create-admin ...)")
        log("=" * 72)
    return bool(token)


def render(cur: Cursor) -> None:
    _announce_setup_token(str(resources.database().path))
    st.title(t("setup.title"))
    st.write(t("setup.intro"))
    st.code("python -m core.cli create-admin --username USERNAME --name 'FULL NAME'", "bash")
    with st.form("setup_form"):
        token = st.text_input(t("setup.token"), type="password")
        username = st.text_input(t("setup.username"), help=t("setup.username_help"))
        name = st.text_input(t("setup.name"))
        email = st.text_input(t("setup.email"))
        password = st.text_input(t("setup.password"), type="password", help=t("password.rules"))
        repeat = st.text_input(t("setup.repeat"), type="password")
        submitted = st.form_submit_button(t("setup.submit"), type="primary")
    if not submitted:
        return
    if password != repeat:
        st.error(t("errors.passwords_differ"))
        return
    user = people.NewUser(people.normalise_username(username), name, email)
    try:
        auth.create_first_admin(cur, token, user, password, resources.now())
    except TrivselError as exc:
        st.error(error_text(exc))
        return
    st.success(t("setup.done", username=user.username))
    st.button(t("setup.to_login"))
