"""`python -m bench.launch run SCRIPT [options]`: Streamlit's own command line, with the
benchmark's optional hooks installed first (chosen by environment variables).

TRIVSEL_BENCH_PROFILE=PATH  cProfile every script run of the server into PATH (one run
                            at a time; neither py-spy nor pyinstrument is installed).
TRIVSEL_BENCH_QUERIES=PATH  count and time every statement the app sends to DuckDB, by
                            its SQL text, and write the totals to PATH (JSON) after each
                            script run: how many queries a click costs.
TRIVSEL_BENCH_NODELAY=1     set TCP_NODELAY on the server's listening socket, so every
                            accepted connection has it: what Streamlit 1.67's own socket
                            lacks (docs/performance.md, "40 ms"). The app sets it itself
                            at its first script run (ui/sockets.py); the bare page does
                            not, so this measures both servers' own time.
TRIVSEL_BENCH_FLUSH=SECONDS Streamlit's pause after each round of sending a session's
                            messages (MESSAGE_FLUSH_INTERVAL_SECS, 0.005 in 1.67), for
                            every server the benchmark starts: set in the benchmark's own
                            environment, it reaches the app, the bare page and the floor
                            alike, to see how much of a click's time the rounds are
                            (docs/performance.md, "A floor beside the bare page").
TRIVSEL_BENCH_REVERT=a,b    undo the performance fixes named (i18n, freeze, yaml,
                            nodelay; "all")
                            in the server process, to measure before and after in one
                            run: the code as it was before docs/performance.md's fixes.
"""

import os
import socket
import sys
import threading

PROFILE_ENV = "TRIVSEL_BENCH_PROFILE"
QUERIES_ENV = "TRIVSEL_BENCH_QUERIES"
NODELAY_ENV = "TRIVSEL_BENCH_NODELAY"
REVERT_ENV = "TRIVSEL_BENCH_REVERT"
FLUSH_ENV = "TRIVSEL_BENCH_FLUSH"
FIXES = ("i18n", "freeze", "yaml", "nodelay")


def install_profile(path: str) -> None:
    import cProfile
    import time

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    # CPU time of the profiled thread, not wall time: a script thread that waits for the
    # GIL (the event loop sending the run's messages) would otherwise charge the wait to
    # whatever it was doing, a DuckDB query above all.
    profiler = cProfile.Profile(time.thread_time)
    lock = threading.Lock()
    original = ScriptRunner._run_script

    def profiled(self, *args, **kwargs):
        if not lock.acquire(blocking=False):  # a profiler follows one thread at a time
            return original(self, *args, **kwargs)
        try:
            profiler.enable()
            try:
                return original(self, *args, **kwargs)
            finally:
                profiler.disable()
                profiler.dump_stats(path)
        finally:
            lock.release()

    ScriptRunner._run_script = profiled


def install_query_log(path: str) -> None:
    import json
    import time

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    from core import db

    totals: dict[str, list] = {}  # SQL text -> [statements, seconds]
    runs = [0]
    lock = threading.Lock()
    execute, run_script = db.Cursor._execute, ScriptRunner._run_script

    def timed(self, sql, params, fetch):
        started = time.perf_counter()
        try:
            return execute(self, sql, params, fetch)
        finally:
            with lock:
                entry = totals.setdefault(" ".join(sql.split()), [0, 0.0])
                entry[0] += 1
                entry[1] += time.perf_counter() - started

    def counted(self, *args, **kwargs):
        try:
            return run_script(self, *args, **kwargs)
        finally:
            with lock:
                runs[0] += 1
                text = json.dumps({"script_runs": runs[0], "statements": totals})
                partial = f"{path}.partial"  # renamed into place: a reader sees whole files
                with open(partial, "w", encoding="utf-8") as file:
                    file.write(text)
                os.replace(partial, path)

    db.Cursor._execute = timed
    ScriptRunner._run_script = counted


def install_nodelay() -> None:
    from streamlit.web.server.starlette import starlette_server

    original = starlette_server._bind_socket

    def bind_with_nodelay(*args, **kwargs):
        sock = original(*args, **kwargs)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
        return sock

    starlette_server._bind_socket = bind_with_nodelay


def flush_seconds() -> float | None:
    """The pause TRIVSEL_BENCH_FLUSH asks for, None for Streamlit's own."""
    value = os.environ.get(FLUSH_ENV)
    return float(value) if value else None


def install_flush(seconds: float) -> None:
    from streamlit.runtime import runtime

    # Runtime._loop_coroutine reads this module global each time it sleeps.
    runtime.MESSAGE_FLUSH_INTERVAL_SECS = seconds


def revert(fixes: set[str]) -> None:
    """Put back the code of before each named fix (the app's modules re-read these
    module attributes on every script run, so replacing them here is enough)."""
    if "i18n" in fixes:  # every t() read the settings table and the cached content
        import streamlit as st

        from core import content, settings
        from ui import i18n, resources, state

        def language_code() -> str:
            code = st.session_state.get(state.LANGUAGE)
            if code in content.LANGUAGES:
                return code
            return settings.load(resources.cursor()).default_language

        i18n.language_code = language_code
        i18n.lang = lambda: resources.app_content().get(language_code())
        i18n.begin_run = lambda cur: None
    if "freeze" in fixes:  # Streamlit's gc.collect() after each run scanned every object
        from ui import resources

        resources.freeze_imported_modules = lambda: None
    if "yaml" in fixes:  # the content was parsed by PyYAML's pure-Python parser
        import yaml

        from core import content

        content._parse = lambda text: yaml.load(text, Loader=content._Loader)  # noqa: S506
    if "nodelay" in fixes:  # Streamlit's sockets kept Nagle's algorithm on
        from ui import sockets

        sockets.ensure_nodelay = lambda: None


def main() -> None:
    if os.environ.get(PROFILE_ENV):
        install_profile(os.environ[PROFILE_ENV])
    if os.environ.get(QUERIES_ENV):
        install_query_log(os.environ[QUERIES_ENV])
    if os.environ.get(NODELAY_ENV):
        install_nodelay()
    if (seconds := flush_seconds()) is not None:
        install_flush(seconds)
    if os.environ.get(REVERT_ENV):
        wanted = set(os.environ[REVERT_ENV].split(","))
        revert(set(FIXES) if "all" in wanted else wanted)
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
