"""The conversation timer in a real browser: it survives a reload and never eats typing."""

import re

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from tests.e2e.conftest import Server, log_in, wait_idle

pytestmark = pytest.mark.e2e
AT_LEAST_3_S = re.compile(r"^(00:0[3-9]|00:[1-5]\d|\d\d:\d\d)$")


def timer_frame(page: Page) -> FrameLocator:
    return page.frame_locator("iframe[title='Tid til punktet']")


def seconds(text: str) -> int:
    minutes, secs = text.split(":")
    return int(minutes) * 60 + int(secs)


def open_conversation(page: Page, server: Server, password: str) -> None:
    log_in(page, server.url, "mette", password)
    page.goto(f"{server.url}/conversation?employee=frederik")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Samtalen om trivsel og stress")).to_be_visible()


def test_the_timer_keeps_running_through_a_reload(server: Server, page: Page) -> None:
    password = server.demo()["mette"]  # frederik is the one demo employee not talked to yet
    server.start()
    open_conversation(page, server, password)
    clock = timer_frame(page).locator("#trivsel-timer-clock")
    expect(clock).to_have_text("00:00")
    expect(timer_frame(page).get_by_text("Ikke startet")).to_be_visible()

    page.get_by_role("button", name="Start").click()
    wait_idle(page)
    expect(clock).to_have_text(AT_LEAST_3_S, timeout=15_000)  # it ticks in the browser
    before = seconds(clock.inner_text())

    page.reload()
    wait_idle(page)
    clock = timer_frame(page).locator("#trivsel-timer-clock")
    expect(timer_frame(page).get_by_text("Kører")).to_be_visible()
    after = seconds(clock.inner_text())
    assert after >= before, f"the reload lost time: {after} s after, {before} s before"
    expect(clock).not_to_have_text(clock.inner_text(), timeout=5_000)  # and it still runs
    expect(page.get_by_role("button", name="Pause")).to_be_visible()


def test_typing_while_the_timer_runs_is_not_lost(server: Server, page: Page) -> None:
    password = server.demo()["mette"]
    server.start()
    open_conversation(page, server, password)
    page.get_by_role("button", name="Start").click()
    wait_idle(page)
    clock = timer_frame(page).locator("#trivsel-timer-clock")

    field = page.get_by_label("Aftale")
    field.click()
    typed = "Vi mødes hver anden fredag og ser på opgaverne"
    field.press_sequentially(typed[:20], delay=40)
    expect(clock).to_have_text(AT_LEAST_3_S, timeout=15_000)  # the clock ticked meanwhile
    field.press_sequentially(typed[20:], delay=40)
    expect(field).to_have_value(typed)
    expect(field).to_be_focused()

    page.get_by_role("button", name="Tilføj aftale").click()
    wait_idle(page)
    expect(page.get_by_text(typed, exact=True)).to_be_visible()
    expect(page.get_by_label("Aftale")).to_have_value("")
