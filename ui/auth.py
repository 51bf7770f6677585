"""The login gate: streamlit-authenticator draws the form and writes the cookie; every
decision (password, throttling, revoked sessions, deactivated users) is core.auth's.

The Authenticate object is built once per script run and never cached, because it
holds per-user state.
"""

import sys

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from core import auth, people
from core.db import Cursor
from core.errors import TrivselError
from ui import resources, state
from ui.i18n import error_text, t

SECONDS_PER_DAY = 86_400


def _credential(user: people.User) -> dict:
    """The library's view of one user. The password hash stays in the database."""
    return {"name": user.name, "email": user.email, "roles": sorted(user.roles), "password": "-"}


def _authenticator(cur: Cursor) -> stauth.Authenticate:
    cfg = resources.app_config()
    authenticator = stauth.Authenticate(
        {"usernames": {}},
        cookie_name=cfg.cookie_name,
        cookie_key=cfg.cookie_key,
        cookie_expiry_days=cfg.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=cfg.login_sleep_time,
    )
    model = authenticator.authentication_controller.authentication_model
    cookies = authenticator.cookie_controller
    read_cookie = cookies.get_cookie

    def admit(username: str, since: float) -> None:
        user = people.by_username(cur, username)
        model.credentials["usernames"][user.username] = _credential(user)
        st.session_state[state.LOGIN_AT] = since
        if user.language:
            st.session_state[state.LANGUAGE] = user.language

    def check_credentials(username: str, password: str | None) -> bool:
        now = resources.now()
        outcome = auth.check_login(cur, username, password or "", now)
        st.session_state[state.LOGIN_OUTCOME] = outcome.value
        if outcome is auth.LoginOutcome.OK:
            admit(username, now)
        return outcome is auth.LoginOutcome.OK

    def valid_cookie() -> dict | None:
        token = read_cookie()
        if not token:
            return None
        issued_at = token["exp_date"] - cfg.cookie_expiry_days * SECONDS_PER_DAY
        if not auth.session_valid(cur, token["username"], issued_at):
            return None  # logged out, reset or deactivated since the cookie was written
        admit(token["username"], issued_at)
        return token

    model.check_credentials = check_credentials
    cookies.get_cookie = valid_cookie
    return authenticator


def _show_first_admin_setup(cur: Cursor) -> None:
    from ui import first_admin  # only needed on a fresh install

    first_admin.render(cur)
    st.stop()


def _end_session(authenticator: stauth.Authenticate) -> None:
    authenticator.logout(location="unrendered")
    st.session_state.pop(state.LOGIN_AT, None)


def _handle_logout(cur: Cursor, authenticator: stauth.Authenticate) -> None:
    requested = st.session_state.pop(state.LOGOUT_REQUESTED, False)
    if not st.session_state.get("authentication_status"):
        return
    username = st.session_state.get("username") or ""
    since = st.session_state.get(state.LOGIN_AT, 0.0)
    if requested:
        user = people.by_username(cur, username)
        if user is not None:
            auth.logout(cur, user.id, user.username, resources.now())
        _end_session(authenticator)
    elif not auth.session_valid(cur, username, since):
        _end_session(authenticator)  # revoked elsewhere: logout in another tab, a reset


def _login_message() -> None:
    outcome = st.session_state.get(state.LOGIN_OUTCOME)
    if st.session_state.get("authentication_status") is False and outcome:
        key = {"locked": "login.locked", "too_long": "login.too_long"}.get(outcome, "login.wrong")
        st.error(
            t(key, minutes=auth.LOCK_SECONDS // 60, limit=auth.MAX_PASSWORD_BYTES),
            icon=":material/error:",
        )


def require_login(cur: Cursor) -> people.User:
    """Return the logged-in user, or draw the login form and stop the run."""
    if people.count(cur) == 0:
        _show_first_admin_setup(cur)
    authenticator = _authenticator(cur)
    _handle_logout(cur, authenticator)
    try:
        authenticator.login(
            location="main",
            key="login_form",
            fields={
                "Form name": t("login.title"),
                "Username": t("login.username"),
                "Password": t("login.password"),
                "Login": t("login.submit"),
            },
        )
    except LoginError:
        st.error(t("login.wrong"))
    user = None
    if st.session_state.get("authentication_status"):
        user = people.by_username(cur, st.session_state.get("username") or "")
    if user is None or not user.active:
        _login_message()
        st.caption(t("login.help"))
        st.stop()
    return user


def current_user(cur: Cursor) -> people.User:
    """The logged-in user, for pages (the gate in app.py ran before them)."""
    user = people.by_username(cur, st.session_state.get("username") or "")
    if user is None:
        st.stop()
    return user


def request_logout() -> None:
    st.session_state[state.LOGOUT_REQUESTED] = True


def logout_button() -> None:
    st.sidebar.button(t("nav.logout"), key="nav_logout", on_click=request_logout)


def report(error: TrivselError) -> None:
    st.error(error_text(error), icon=":material/error:")


def log(message: str) -> None:
    """A line in the server log (what the operator sees in the terminal or journal)."""
    print(message, file=sys.stderr, flush=True)
