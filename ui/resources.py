"""Process-wide resources: configuration, the database connection and the content.

Cached per data directory, so a test (or a second app in one process) pointing
TRIVSEL_DATA_DIR elsewhere never gets another directory's database.
"""

import gc
import os
import sys
import time

import streamlit as st

from core import config, content, db, settings
from ui import state


@st.cache_resource(show_spinner=False)
def _config(data_dir: str) -> config.Config:
    return config.load(data_dir or None)


@st.cache_resource(show_spinner=False)
def _database(data_dir: str) -> db.Database:
    return db.open_database(_config(data_dir))


def _data_dir() -> str:
    return os.environ.get("TRIVSEL_DATA_DIR", "")


def app_config() -> config.Config:
    return _config(_data_dir())


# What _database() returned, per data directory. A click asks for the database three or
# four times (the session check, the write, the part's reread), and st.cache_resource's
# lookup costs about a tenth of a millisecond each time; its lock still makes sure the
# file is opened once.
_opened: dict[str, db.Database] = {}


def database() -> db.Database:
    """One DuckDB connection per process; use cursor() for each script run."""
    data_dir = _data_dir()
    found = _opened.get(data_dir)
    if found is None:
        found = _opened.setdefault(data_dir, _database(data_dir))
    return found


@st.cache_resource(show_spinner=False)
def app_content() -> content.Content:
    return content.load()


def cursor() -> db.Cursor:
    """A cursor for this script run (DuckDB connections are not shared across threads)."""
    return database().cursor()


def begin_run(cur: db.Cursor) -> None:
    """Read the organisation's settings once per script run (app.py, first thing).

    Kept in the session's own state, so a change shows at everybody's next click. Core
    reads the settings it enforces (k, limits) itself; this is what pages display.
    """
    st.session_state[state.RUN_SETTINGS] = settings.load(cur)


def org_settings(cur: db.Cursor) -> settings.Settings:
    """The settings as read at the start of this run."""
    found = st.session_state.get(state.RUN_SETTINGS)
    return found if found is not None else settings.load(cur)


def now() -> float:
    return time.time()


_modules_frozen = 0  # len(sys.modules) at the last gc.freeze()


def freeze_imported_modules() -> None:
    """Move what the imports created out of reach of the garbage collector's scans.

    Streamlit runs a full gc.collect() after every script run. Its cost grows with every
    object the process holds, and once altair is imported (the themes page) that was
    about 100 ms of CPU per click, holding the GIL. Modules, classes and their constant
    data live as long as the process, so whenever a run has imported new modules, the
    next run freezes the heap as it is (gc.freeze): later collections scan only what
    was made since. Called at the start of every run; a no-op unless modules were added.
    """
    global _modules_frozen
    if len(sys.modules) != _modules_frozen:
        _modules_frozen = len(sys.modules)
        gc.freeze()
