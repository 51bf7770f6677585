"""bench/launch.py's hooks reach the server they are meant for.

Each test starts a Streamlit server of its own on 127.0.0.1 and stops it by its PID.
"""

from pathlib import Path

import pytest

from bench import launch, ws_client
from bench.server import StreamlitServer
from tests.conftest import run_async

TIMEOUT_S = 60
# A page that shows the pause Streamlit's server takes after each round of sending.
SHOW_FLUSH = """
import streamlit as st
from streamlit.runtime import runtime

st.text(f"flush {runtime.MESSAGE_FLUSH_INTERVAL_SECS}")
"""


def _shown(tmp_path: Path) -> list[str]:
    script = tmp_path / "show_flush.py"
    script.write_text(SHOW_FLUSH)
    server = StreamlitServer(script, log_path=tmp_path / "log")

    async def texts() -> list[str]:
        session = ws_client.Session(server.url, timeout=TIMEOUT_S)
        await session.connect()
        try:
            await session.open()
            return session.texts()
        finally:
            await session.close()

    try:
        server.start()
        return run_async(texts(), TIMEOUT_S)
    finally:
        server.stop()


def test_the_flush_setting_in_the_benchmarks_environment_reaches_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(launch.FLUSH_ENV, "0.0005")
    assert _shown(tmp_path) == ["flush 0.0005"]


def test_without_it_the_server_keeps_streamlits_own_pause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(launch.FLUSH_ENV, raising=False)
    assert _shown(tmp_path) == ["flush 0.005"]
