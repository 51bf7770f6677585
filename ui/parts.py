"""Parts of a page that rerun on their own when a widget inside them is used.

A part is a Streamlit fragment: ticking a question, saving a note or recording a theme
reruns only the part it sits in, not the page, its menu and the login gate in app.py.
Per click that is a handful of elements and statements instead of the whole page's
(docs/performance.md). Two rules make that safe:

* app.py's login gate does not run for a part's own rerun, so `part` runs its check
  first: a session logged out elsewhere, reset or deactivated reruns the whole app,
  whose gate then shows the login form.
* A part's arguments are the ones of the page run that drew it. What it shows from the
  database must be read again on its own rerun (`own_rerun()`), or the saved change
  would not show; or, right after a write in its callback, taken from the write's own
  answer (`hand_over`, `handed_over`).

Anything a part's change would alter outside the part (a mark in a label elsewhere, a
count at the top) belongs in the part, or its callback must leave the part to rerun the
page (`st.rerun()` from the part's body).
"""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import auth, resources

P = ParamSpec("P")
R = TypeVar("R")


def own_rerun() -> bool:
    """Whether this run reruns parts only (a widget inside a part was used).

    Streamlit 1.67 has no public call for it; its run context lists the fragments a run
    reruns (empty for a run of the whole app). tests/ui/test_parts.py fails if that
    changes."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def hand_over(key: str, about: object, answer: object) -> None:
    """Keep a write's answer (read in its transaction) for the part's own rerun that
    follows the callback, which then needs to read nothing again. Every callback of the
    page drops what was kept before it writes (`st.session_state.pop(key, None)`), so an
    answer never outlives the click that made it."""
    st.session_state[key] = (about, answer)


def handed_over(key: str, about: object) -> object | None:
    """The answer kept for `about` by this click's write, on the part's own rerun; else
    None. Taken once: any later run reads the database again."""
    kept = st.session_state.pop(key, None)
    if own_rerun() and kept is not None and kept[0] == about:
        return kept[1]
    return None


def part(draw: Callable[P, R]) -> Callable[P, R | None]:
    """Decorate a function that draws a part of a page (see the module's docstring)."""

    @functools.wraps(draw)
    def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
        if own_rerun() and auth.signed_in(resources.cursor()) is None:
            st.rerun()  # the whole app: its gate logs the session out
        return draw(*args, **kwargs)

    return st.fragment(run)
