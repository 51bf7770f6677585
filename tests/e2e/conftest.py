"""Browser tests: a real server on 127.0.0.1 with a fresh data directory, driven by
Playwright in Debian's Chromium. Each server is stopped by the test that started it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.conftest import REPO, chromium_path

ARTIFACTS = REPO / "test-artifacts"
START_TIMEOUT_S = 60
PORT_ATTEMPTS = 3
COOKIE_NAME = "trivselssnak_auth"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the machine has no network beyond loopback
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "TRIVSEL_DATA_DIR": str(self.data_dir),
            "TRIVSEL_LOGIN_SLEEP_TIME": "0",
        }

    def cli(self, *args: str, stdin: str = "") -> str:
        """Run `python -m core.cli` on this server's data (only while it is stopped)."""
        assert self.process is None, "DuckDB allows one writer: stop the server first"
        done = subprocess.run(
            [sys.executable, "-m", "core.cli", *args],
            cwd=REPO,
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> "Server":
        for _ in range(PORT_ATTEMPTS):
            if self._launch():
                return self
            self.port = free_port()  # another process took the port before the server did
        raise RuntimeError(f"no free port after {PORT_ATTEMPTS} attempts: {self.log()}")

    def _launch(self) -> bool:
        """Start the server; False if its port was taken meanwhile.

        The health check counts only once this server's own log shows it listening on
        the port: while it starts, another test's server (a suite running in parallel)
        may have taken the port and would answer the check in its place.
        """
        self.log_path = self.data_dir.parent / "server.log"
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.address=127.0.0.1",
                f"--server.port={self.port}",
                "--server.headless=true",
            ],
            cwd=REPO,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                if f"Port {self.port} is not available" in self.log():
                    return False
                raise RuntimeError(f"server exited: {self.log()}")
            if f"127.0.0.1:{self.port}" not in self.log():
                time.sleep(0.2)
                continue
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return True
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not answer /_stcore/health: {self.log()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path and self.log_path.exists() else ""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A stopped server with a fresh data directory; call .start() after any CLI set-up."""
    srv = Server(tmp_path / "data")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    path = chromium_path()
    assert Path(path).exists(), f"{path} is missing: install Debian's chromium (see .ci/run)"
    browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


# On a loaded machine Streamlit's websocket now and then drops and reconnects mid-test
# (the page shows CONNECTING and the session starts over). A browser test gets two more
# runs for that; a real failure fails all three and fails the suite.
E2E_RERUNS = 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.flaky(reruns=E2E_RERUNS))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.test_failed = report.failed


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context; on failure its screenshot and text are kept."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    if getattr(request.node, "test_failed", False):
        save_diagnosis(page, request.node.name)
    context.close()


def save_diagnosis(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.txt").write_text(page.inner_text("body"))
    except Exception as exc:  # noqa: BLE001 - diagnosis must never hide the real failure
        (ARTIFACTS / f"{name}.txt").write_text(f"could not capture the page: {exc}")


# --- What a user does ------------------------------------------------------------------


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def log_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(url)
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    wait_idle(page)
    # The login cookie is written by a component in the browser; a reload before that
    # would meet the login form again, exactly as it would for a person.
    page.wait_for_function(f"() => document.cookie.includes('{COOKIE_NAME}')")
