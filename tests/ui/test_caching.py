"""Caches never serve one user's private data to another.

Every cache in the code (st.cache_data, st.cache_resource, functools caches) is either
one of the named process-wide caches of things that belong to no user (configuration,
the database connection, the content, fonts), or its key includes the user: a parameter
naming the user. What the performance work keeps per script run (ui.i18n.begin_run) lives
in the session's own state. And two people in one server process see only their own
notes and their own language.
"""

import ast
import time

import pytest

from core import preparation, settings
from core.db import Cursor
from tests.conftest import REPO, Org, log_in, new_app, open_round, texts
from ui import state

# Process-wide caches of data that belongs to no user; file: function names.
PROCESS_WIDE = {
    "ui/resources.py": {"_config", "_database", "app_content"},  # per data directory
    "ui/first_admin.py": {"_announce_setup_token"},  # once per database, no user yet
    "core/conversations.py": {"theme_ids"},  # the themes vocabulary from content/
    "core/exports.py": {"_glyphs"},  # what the bundled fonts can print
    "core/readcache.py": {"read_tables", "written"},  # what an SQL text reads or writes
    "core/auth.py": {"_dummy_hash"},  # a hash of a fixed non-password, for unknown names
    "ui/sockets.py": {"ensure_nodelay"},  # a socket option, set once per process
}
USER_PARAMETERS = {"user", "user_id", "username", "actor", "actor_id"}
CACHE_DECORATORS = {"cache_data", "cache_resource", "cache", "lru_cache"}


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def cached_functions() -> list[tuple[str, ast.FunctionDef]]:
    files = [REPO / "app.py", *sorted((REPO / "ui").glob("*.py"))]
    files += sorted((REPO / "views").glob("*.py")) + sorted((REPO / "core").glob("*.py"))
    found = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _decorator_name(d) in CACHE_DECORATORS for d in node.decorator_list
            ):
                found.append((path.relative_to(REPO).as_posix(), node))
    return found


def test_the_scan_finds_the_caches_there_are() -> None:
    names = {(file, node.name) for file, node in cached_functions()}
    assert ("ui/resources.py", "app_content") in names
    assert ("ui/resources.py", "_database") in names


@pytest.mark.parametrize(
    ("file", "function"),
    [(file, node) for file, node in cached_functions()],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_every_cache_is_process_wide_by_design_or_keyed_by_the_user(
    file: str, function: ast.FunctionDef
) -> None:
    if function.name in PROCESS_WIDE.get(file, set()):
        return
    parameters = {a.arg for a in function.args.args + function.args.kwonlyargs}
    assert parameters & USER_PARAMETERS, (
        f"{file}: {function.name} is cached but its key does not include the user; add"
        " a user parameter, or name it in PROCESS_WIDE if it holds nobody's data"
    )


def test_the_language_of_a_run_is_kept_in_the_sessions_own_state(app_org: Org) -> None:
    english = new_app().run()
    english.sidebar.segmented_control[0].set_value("en").run()
    log_in(english, "anna")
    danish = log_in(new_app(), "bent")  # same process, same caches, no choice of his own
    assert "Wellbeing and stress in the MUS" in texts(english.switch_page("views/welcome.py").run())
    assert "Trivsel og stress i MUS" in texts(danish.switch_page("views/welcome.py").run())
    assert state.I18N_RUN in danish.session_state


def test_a_new_default_language_shows_at_the_next_click(app_db: Cursor, app_org: Org) -> None:
    at = log_in(new_app(), "bent").switch_page("views/welcome.py").run()
    assert "Trivsel og stress i MUS" in texts(at)
    settings.store(app_db, "default_language", "en")  # an administrator changes it
    assert "Wellbeing and stress in the MUS" in texts(at.run())


def test_a_note_reaches_only_its_writer_in_a_shared_process(app_db: Cursor, app_org: Org) -> None:
    anna = app_org.employees[0]
    round_id = open_round(app_db, app_org.manager, app_org.team_id)
    secret = "Anna's private note about her sleep"
    preparation.save_note(app_db, anna, round_id, "preparation", secret, time.time())

    def seen_by(username: str) -> str:
        at = log_in(new_app(), username).run()
        assert not at.exception
        return texts(at) + "\n".join(str(box.value) for box in at.text_area)

    assert secret in seen_by(anna.username)
    assert secret not in seen_by("bent")  # a teammate, right after, in the same process
    assert secret in seen_by(anna.username)
