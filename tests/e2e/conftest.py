"""Browser tests: a real server on 127.0.0.1 with a fresh data directory, driven by
Playwright in Debian's Chromium. Each server is stopped by the test that started it."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from bench.server import APP, StreamlitServer
from tests.conftest import REPO, chromium_path, run_cli

ARTIFACTS = REPO / "test-artifacts"
COOKIE_NAME = "trivselssnak_auth"
ADMIN_PASSWORD = "a long admin secret"  # the password of the admin create_admin() makes
STALE = '[data-stale="true"]'  # an element the current run has not drawn (yet)
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the machine has no network beyond loopback
    "--disable-component-update",
    "--disable-sync",
]


class Server(StreamlitServer):
    """The app on 127.0.0.1 (bench/server.py's launcher) with a fresh data directory and
    its log beside that directory.

    start() counts the server as started only once its own log shows its port (another
    test's server may have taken the port meanwhile; then it tries a new one), and the
    fixture below stops it by its PID.
    """

    def __init__(self, data_dir: Path) -> None:
        super().__init__(APP, data_dir, data_dir.parent / "server.log", own_log=True)

    def log(self) -> str:
        """The whole log: tests search it and keep it beside a failure's screenshot."""
        return self.log_text()

    def cli(self, *args: str, stdin: str = "") -> str:
        """Run `python -m core.cli` on this server's data (only while it is stopped)."""
        assert self.process is None, "DuckDB allows one writer: stop the server first"
        done = run_cli(*args, env=self.env(), stdin=stdin)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def create_admin(self, username: str = "boss", password: str = ADMIN_PASSWORD) -> None:
        self.cli(
            "create-admin",
            f"--username={username}",
            f"--name={username.capitalize()}",
            "--password-stdin",
            stdin=password + "\n",
        )

    def demo(self) -> dict[str, str]:
        """The demo organisation (on an empty database): each username's password."""
        lines = self.cli("demo").splitlines()
        return {line.split()[1]: line.split()[2] for line in lines if len(line.split()) == 3}


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


def settle(page: Page) -> None:
    """Wait until the run is over and no element of the previous run is left.

    A quick run never shows the status widget, and while it streams, the previous run's
    elements are still on the page: a click on one of those would be lost.
    """
    wait_idle(page)
    try:
        page.wait_for_function(f"() => !document.querySelector('{STALE}')")
    except PlaywrightError:
        left = page.locator(STALE).evaluate_all(
            "found => found.map(e => e.outerHTML.slice(0, 300))"
        )
        raise AssertionError(f"elements of an earlier run stayed on the page: {left}") from None


def log_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(url)
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    wait_idle(page)
    # The login cookie is written by a component in the browser; a reload before that
    # would meet the login form again, exactly as it would for a person.
    page.wait_for_function(f"() => document.cookie.includes('{COOKIE_NAME}')")
