"""The chosen language and `t()`, the one way pages get their text."""

from collections.abc import Callable

import streamlit as st

from core import content, people
from core.db import Cursor
from ui import resources, state

_PICKER = "ui_language_picker"


def begin_run(cur: Cursor) -> None:
    """Look up the language shown in this script run, once.

    app.py calls this first thing. t() runs a hundred times in one run; before, every
    call read the settings table (a cursor and a query) and the cached content, which
    was about half of a page's server time (docs/performance.md).
    """
    code = st.session_state.get(state.LANGUAGE)
    if code not in content.LANGUAGES:
        code = resources.org_settings(cur).default_language
    st.session_state[state.I18N_RUN] = resources.app_content().get(code)


def set_language(code: str) -> None:
    """Show `code` from now on in this session (a choice, or a user's stored language)."""
    st.session_state[state.LANGUAGE] = code
    if code in content.LANGUAGES:
        st.session_state[state.I18N_RUN] = resources.app_content().get(code)


def lang() -> content.Language:
    """The language of this run (begin_run), or, before app.py has run, looked up now."""
    this_run = st.session_state.get(state.I18N_RUN)
    if this_run is None:
        begin_run(resources.cursor())
        this_run = st.session_state[state.I18N_RUN]
    return this_run


def language_code() -> str:
    return lang().code


def t(key: str, **values: object) -> str:
    return lang().t(key, **values)


def error_text(error: Exception) -> str:
    """A core error as a sentence in the user's language."""
    return t(getattr(error, "key", "errors.generic"), **getattr(error, "params", {}))


def _choose(widget_key: str, cur_factory: Callable[[], Cursor]) -> None:
    chosen = st.session_state[widget_key]
    if chosen not in content.LANGUAGES:
        return  # the segmented control was clicked off: keep the language as it is
    set_language(chosen)
    from ui.auth import signed_in  # the gate's check; ui.auth imports this module

    cur = cur_factory()
    # A callback runs before the gate: a session logged out elsewhere stores nothing.
    user = signed_in(cur)
    if user is not None:
        people.set_language(cur, user.id, chosen)  # remembered for the next login


def language_picker(*, sidebar: bool = True, key: str = _PICKER, help: str | None = None) -> None:
    """Dansk / English; a logged-in user's choice is remembered.

    app.py puts one in the sidebar; the account page shows another (its own widget key)
    that sets the very same session language and stored preference.
    """
    current = language_code()
    if st.session_state.get(key) != current:
        st.session_state[key] = current
    (st.sidebar if sidebar else st).segmented_control(
        t("nav.language"),
        content.LANGUAGES,
        format_func=lambda code: resources.app_content().get(code).t("language.name"),
        key=key,
        help=help,
        on_change=_choose,
        args=(key, resources.cursor),
    )
