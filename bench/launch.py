"""`python -m bench.launch run SCRIPT [options]`: Streamlit's own command line, with the
benchmark's optional hooks installed first (chosen by environment variables).

TRIVSEL_BENCH_PROFILE=PATH  cProfile every script run of the server into PATH (one run
                            at a time; neither py-spy nor pyinstrument is installed).
TRIVSEL_BENCH_NODELAY=1     set TCP_NODELAY on the server's listening socket, so every
                            accepted connection has it: what Streamlit 1.67's own socket
                            lacks (docs/performance.md, "40 ms"). Measures the effect of
                            a fix in Streamlit; the app itself does not do this.
TRIVSEL_BENCH_REVERT=a,b    undo the performance fixes named (i18n, freeze, yaml; "all")
                            in the server process, to measure before and after in one
                            run: the code as it was before docs/performance.md's fixes.
"""

import os
import socket
import sys
import threading

PROFILE_ENV = "TRIVSEL_BENCH_PROFILE"
NODELAY_ENV = "TRIVSEL_BENCH_NODELAY"
REVERT_ENV = "TRIVSEL_BENCH_REVERT"
FIXES = ("i18n", "freeze", "yaml")


def install_profile(path: str) -> None:
    import cProfile

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    profiler = cProfile.Profile()
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


def install_nodelay() -> None:
    from streamlit.web.server.starlette import starlette_server

    original = starlette_server._bind_socket

    def bind_with_nodelay(*args, **kwargs):
        sock = original(*args, **kwargs)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
        return sock

    starlette_server._bind_socket = bind_with_nodelay


def revert(fixes: set[str]) -> None:
    """Put back the code of before each named fix (the app's modules re-read these
    module attributes on every script run, so replacing them here is enough)."""
    if "i18n" in fixes:  # every t() read the settings table and the cached content
        import streamlit as st

        from core import content
        from ui import i18n, resources, state

        def language_code() -> str:
            code = st.session_state.get(state.LANGUAGE)
            if code in content.LANGUAGES:
                return code
            return resources.org_settings(resources.cursor()).default_language

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


def main() -> None:
    if os.environ.get(PROFILE_ENV):
        install_profile(os.environ[PROFILE_ENV])
    if os.environ.get(NODELAY_ENV):
        install_nodelay()
    if os.environ.get(REVERT_ENV):
        wanted = set(os.environ[REVERT_ENV].split(","))
        revert(set(FIXES) if "all" in wanted else wanted)
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
