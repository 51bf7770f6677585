"""The chosen language and `t()`, the one way pages get their text."""

from collections.abc import Callable

import streamlit as st

from core import content, people
from core.db import Cursor
from ui import resources, state

_PICKER = "ui_language_picker"


def language_code() -> str:
    code = st.session_state.get(state.LANGUAGE)
    if code in content.LANGUAGES:
        return code
    return resources.org_settings(resources.cursor()).default_language


def lang() -> content.Language:
    return resources.app_content().get(language_code())


def t(key: str, **values: object) -> str:
    return lang().t(key, **values)


def error_text(error: Exception) -> str:
    """A core error as a sentence in the user's language."""
    return t(getattr(error, "key", "errors.generic"), **getattr(error, "params", {}))


def _choose(cur_factory: Callable[[], Cursor]) -> None:
    chosen = st.session_state[_PICKER]
    st.session_state[state.LANGUAGE] = chosen
    username = st.session_state.get("username")
    if username and st.session_state.get("authentication_status"):
        cur = cur_factory()
        user = people.by_username(cur, username)
        if user is not None:
            people.set_language(cur, user.id, chosen)  # remembered for the next login


def language_picker() -> None:
    """Dansk / English in the sidebar; a logged-in user's choice is remembered."""
    current = language_code()
    if st.session_state.get(_PICKER) != current:
        st.session_state[_PICKER] = current
    st.sidebar.segmented_control(
        t("nav.language"),
        content.LANGUAGES,
        format_func=lambda code: resources.app_content().get(code).t("language.name"),
        key=_PICKER,
        on_change=_choose,
        args=(resources.cursor,),
    )
