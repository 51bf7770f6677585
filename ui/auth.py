"""The login gate: streamlit-authenticator draws the form and writes the cookie; every
decision (password, throttling, revoked sessions, deactivated users) is core.auth's.

The Authenticate object is built only in runs that log in or out, and never cached,
because it holds per-user state.
"""

import sys
import types

import extra_streamlit_components as stx
import streamlit as st
from extra_streamlit_components.CookieManager import _component_func as cookie_component

from core import auth, people
from core.db import Cursor
from core.errors import TrivselError
from ui import resources, state
from ui.authlib import LoginError, cookie_model, stauth
from ui.i18n import error_text, set_language, t

SECONDS_PER_DAY = 86_400


class _CookieWriter:
    """The library's cookie manager, drawing a component only to write or delete a cookie.

    extra_streamlit_components' CookieManager draws a component as soon as it is made, to
    read every cookie in the browser; streamlit-authenticator makes one with every
    Authenticate object, yet reads its cookie from st.context.cookies (the request's
    headers). Drawn on the login page it cost every first visit the import of pandas,
    numpy and pyarrow (Streamlit checks component arguments for data frames) and a second
    script run when it answered (docs/performance.md). Drawn first in the run that logs
    in, its answer started a new run that could remove the component writing the cookie
    before it had written it. So the manager is made without that reading component.
    """

    def __init__(self) -> None:
        self._made: stx.CookieManager | None = None

    def _manager(self) -> stx.CookieManager:
        if self._made is None:
            made = stx.CookieManager.__new__(stx.CookieManager)  # not __init__: no reading
            made.cookie_manager = cookie_component
            made.cookies = {}
            self._made = made
        return self._made

    def set(self, cookie: str, val: str, **options) -> None:
        self._manager().set(cookie, val, **options)

    def delete(self, cookie: str, key: str = "delete") -> None:
        manager = self._manager()
        # It never read the cookies: without the name in its dict it deletes the cookie
        # in the browser and then raises a KeyError the library prints.
        manager.cookies.setdefault(cookie, None)
        manager.delete(cookie, key=key)


cookie_model.stx = types.SimpleNamespace(CookieManager=_CookieWriter)


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
            set_language(user.language)

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


def _end_session(cur: Cursor, authenticator: stauth.Authenticate, logout: bool) -> None:
    """Log this session out: server-side first (every cookie of the user stops working
    when they asked for it), then the library's state and the cookie in the browser."""
    username = st.session_state.get("username") or ""
    user = people.by_username(cur, username) if logout else None
    if user is not None:
        auth.logout(cur, user.id, user.username, resources.now())
    authenticator.logout(location="unrendered")
    st.session_state.pop(state.LOGIN_AT, None)


def _signed_in(cur: Cursor) -> people.User | None:
    """The user this session is logged in as, checked on every run: None when it is not
    logged in, or was logged out elsewhere, reset or deactivated since."""
    if not st.session_state.get("authentication_status"):
        return None
    username = st.session_state.get("username") or ""
    return auth.session_user(cur, username, st.session_state.get(state.LOGIN_AT, 0.0))


def signed_in(cur: Cursor) -> people.User | None:
    """The gate's check, on every run (and by a part of a page rerunning alone, which
    skips app.py: ui/parts.py): the user, read again, or None when this session asked to
    log out or may no longer act. Remembered for the pages as this run's user."""
    user = None if st.session_state.get(state.LOGOUT_REQUESTED) else _signed_in(cur)
    if user is None:
        st.session_state.pop(state.RUN_USER, None)
    else:
        st.session_state[state.RUN_USER] = user
    return user


def may_act(user: people.User) -> bool:
    """For a widget's callback: whether this session may still change things as `user`.

    Streamlit runs callbacks before the script, so before app.py's gate and a part's own
    check: a tab logged out elsewhere (or reset, or deactivated) would otherwise store
    its next change before that run shows the login form. The same check as the gate's,
    answered from the read cache unless something about the user changed."""
    current = signed_in(resources.cursor())
    return current is not None and current.id == user.id


def _login_message() -> None:
    outcome = st.session_state.get(state.LOGIN_OUTCOME)
    if st.session_state.get("authentication_status") is False and outcome:
        key = {"locked": "login.locked", "too_long": "login.too_long"}.get(outcome, "login.wrong")
        st.error(
            t(key, minutes=auth.LOCK_SECONDS // 60, limit=auth.MAX_PASSWORD_BYTES),
            icon=":material/error:",
        )


def require_login(cur: Cursor) -> people.User:
    """Return the logged-in user, or draw the login form and stop the run.

    A logged-in session costs one read per run and never builds the authenticator: its
    cookie component alone took a few milliseconds of every click (docs/performance.md).
    The authenticator is built only to log in (the form, or the cookie of a new tab) and
    to log out.
    """
    user = signed_in(cur)
    logout = st.session_state.pop(state.LOGOUT_REQUESTED, False)
    if user is not None:
        return user
    if people.count(cur) == 0:
        _show_first_admin_setup(cur)
    authenticator = _authenticator(cur)
    if st.session_state.get("authentication_status"):
        _end_session(cur, authenticator, logout)  # asked for, or revoked: logout, a reset
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
    if st.session_state.get("authentication_status"):
        user = people.by_username(cur, st.session_state.get("username") or "")
    if user is None or not user.active:
        _login_message()
        st.caption(t("login.help"))
        st.stop()
    st.session_state[state.RUN_USER] = user
    return user


def current_user(cur: Cursor) -> people.User:
    """The logged-in user, for pages: the one the gate in app.py checked in this run."""
    username = people.normalise_username(st.session_state.get("username") or "")
    user = st.session_state.get(state.RUN_USER)
    if user is None or user.username != username:
        user = people.by_username(cur, username)
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
