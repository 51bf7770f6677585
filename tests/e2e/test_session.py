"""The login session in a real browser: revocation, throttling and the cookies' flags.

What docs/security.md promises about sessions, checked where only a browser can: a login
cookie copied before logout does not log in afterwards; wrong passwords lock a username
for 15 minutes, with the same messages for a name that does not exist; and the cookies
the app leaves in the browser carry exactly the flags the threat model documents.
"""

import base64
import json
import time

import pytest
from playwright.sync_api import Browser, Page, expect

from core import config, db
from tests.e2e.conftest import ADMIN_PASSWORD, COOKIE_NAME, Server, log_in, settle, wait_idle

pytestmark = pytest.mark.e2e
XSRF_COOKIE = "_streamlit_xsrf"
WRONG = "Brugernavn eller adgangskode er forkert."
LOCKED = "For mange forkerte forsøg. Prøv igen om 15 minutter."
SECONDS_PER_DAY = 86_400
COOKIE_LOGIN_MS = 8_000  # a good cookie logs in well within this on a loaded machine


def opens_as_someone(browser: Browser, url: str, cookies: list[dict]) -> bool:
    """Whether a fresh browser holding only `cookies` gets past the login form.

    The login cookie is read by a component after the page's first run, so a browser
    with a good cookie meets the form for a moment before it is let in: wait for "Log ud"
    as long as a good cookie needs (the calls that expect True show it is enough).
    """
    thief = browser.new_context()
    thief.add_cookies(cookies)
    page = thief.new_page()
    page.goto(url)
    wait_idle(page)
    try:
        expect(page.get_by_role("button", name="Log ud")).to_be_visible(timeout=COOKIE_LOGIN_MS)
        admitted = True
    except AssertionError:
        expect(page.get_by_label("Brugernavn")).to_be_visible()
        admitted = False
    thief.close()
    return admitted


def test_a_cookie_copied_before_logout_no_longer_logs_in(
    server: Server, page: Page, browser: Browser
) -> None:
    server.create_admin()
    server.start()
    log_in(page, server.url, "boss", ADMIN_PASSWORD)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    stolen = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    assert stolen, "the login cookie was not written"
    assert opens_as_someone(browser, server.url, stolen)  # it works while the session lives

    page.get_by_role("button", name="Log ud").click()
    wait_idle(page)
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    assert not opens_as_someone(browser, server.url, stolen)  # ...not after the logout

    page.context.clear_cookies()  # the user comes back and logs in again
    log_in(page, server.url, "boss", ADMIN_PASSWORD)
    fresh = [c for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    assert fresh != stolen
    assert not opens_as_someone(browser, server.url, stolen)  # the old copy stays dead
    assert opens_as_someone(browser, server.url, fresh)


def attempt(page: Page, url: str, username: str, password: str) -> str:
    """One login attempt from a freshly loaded page, as a new visitor would make it; the
    message it leaves ("" when logged in). A fresh page shows no message before the
    attempt, so the one that appears is this attempt's."""
    page.goto(url)
    # The cookie component reports to the server once it has loaded, which reruns the
    # page; a click in the middle of that rerun can be lost. Start when all is loaded.
    page.wait_for_load_state("networkidle")
    settle(page)
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    alert = page.get_by_test_id("stAlertContentError")
    logged_in = page.get_by_role("button", name="Log ud")
    expect(alert.or_(logged_in).first).to_be_visible()
    settle(page)
    if not alert.count():
        return ""
    return alert.first.get_by_test_id("stMarkdownContainer").inner_text().strip()  # no icon


def shift_login_attempts(server: Server, seconds: float) -> None:
    """Let `seconds` pass for the lock: every recorded attempt moves that far back."""
    server.stop()
    database = db.open_database(config.load(server.data_dir))
    database.cursor().run("UPDATE login_attempts SET attempted_at = attempted_at - ?", [seconds])
    database.close()
    server.start()


def test_six_wrong_passwords_lock_the_username_for_15_minutes_unknown_names_alike(
    server: Server, page: Page, browser: Browser
) -> None:
    server.create_admin()
    server.start()
    said: dict[str, list[str]] = {}
    for username in ("boss", "nobody"):
        context = browser.new_context()
        tab = context.new_page()
        said[username] = [attempt(tab, server.url, username, f"guess {n}") for n in range(6)]
        said[username].append(attempt(tab, server.url, username, ADMIN_PASSWORD))  # right one
        context.close()
    # The fifth wrong password in a row locks the name; from then on even the right
    # password gets the lock message. An unknown name reads exactly the same.
    assert said["boss"] == [WRONG] * 4 + [LOCKED] * 3
    assert said["nobody"] == said["boss"]

    shift_login_attempts(server, 14 * 60)  # 14 minutes later: still locked
    assert attempt(page, server.url, "boss", ADMIN_PASSWORD) == LOCKED

    shift_login_attempts(server, 61)  # past 15 minutes: the lock ends by itself
    assert attempt(page, server.url, "boss", ADMIN_PASSWORD) == ""
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()


def test_the_cookies_carry_the_documented_flags(server: Server, page: Page) -> None:
    server.create_admin()
    server.start()
    logged_in_at = time.time()
    log_in(page, server.url, "boss", ADMIN_PASSWORD)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert set(cookies) == {COOKIE_NAME, XSRF_COOKIE}  # Streamlit's session has no cookie

    auth = cookies[COOKIE_NAME]
    assert auth["path"] == "/"
    assert auth["sameSite"] == "Strict"  # extra_streamlit_components' CookieManager default
    assert auth["httpOnly"] is False  # written by JavaScript: why user text is never HTML
    assert auth["secure"] is False  # the component never sets Secure; TLS is the proxy's
    expected_expiry = logged_in_at + config.Config.cookie_expiry_days * SECONDS_PER_DAY
    assert abs(auth["expires"] - expected_expiry) < 10 * 60
    assert COOKIE_NAME in page.evaluate("document.cookie")  # readable by the page's scripts
    payload = auth["value"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(claims) == {"username", "exp_date"}  # no password, no roles: only a name

    xsrf = cookies[XSRF_COOKIE]
    assert xsrf["path"] == "/"
    assert xsrf["sameSite"] == "Lax"  # Streamlit's server.xsrfCookieSameSite default
    assert xsrf["httpOnly"] is False  # double-submit: the page's script must read it
    assert xsrf["secure"] is False  # set only when Streamlit itself serves TLS
    assert xsrf["expires"] == -1  # a session cookie: gone when the browser closes
