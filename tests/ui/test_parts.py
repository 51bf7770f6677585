"""Parts of a page that rerun alone (ui/parts.py), as the browser reruns them.

A part skips app.py and its login gate, so it checks the session itself: a tab logged
out elsewhere gets the login form at its next click inside a part, and nothing of the
page. A refused change inside a part is shown where the page shows refusals.

Driven over Streamlit's own websocket protocol (bench/ws_client.py), which reruns a
fragment exactly as the browser does; one server on 127.0.0.1, stopped by its PID.
"""

from bench import scenarios, seed, ws_client
from core import content, conversations
from tests.conftest import run_async

TIMEOUT_S = 60
DA = content.load().get("da")


async def _on_page(url: str, scenario: str, login: scenarios.Login, password: str):
    session = await ws_client.Session(url, timeout=TIMEOUT_S).connect()
    await scenarios.onto_page(session, scenarios.by_key(scenario), login, password)
    return session


async def _on_preparation(url: str, username: str, password: str) -> ws_client.Session:
    return await _on_page(url, "prep_note", scenarios.Login(username, scenarios.EMPLOYEE), password)


async def _log_out_elsewhere_then_save(url: str, username: str, password: str):
    tab = await _on_preparation(url, username, password)
    other = await _on_preparation(url, username, password)
    try:
        before = await scenarios.save_note(tab, 1)
        assert before.ok and DA.t("preparation.title") in tab.texts()
        logout = other.widget("button", DA.t("nav.logout"))
        await other.set_values({}, triggers=[logout.id])
        after = await scenarios.save_note(tab, 2)
        return after, tab.texts(), [w.label for w in tab.widgets("text_input")]
    finally:
        await tab.close()
        await other.close()


def test_a_part_rerun_after_a_logout_elsewhere_shows_the_login_form_only(protocol_app) -> None:
    server, manifest = protocol_app
    username = manifest.employee_usernames[0]
    after, texts, inputs = run_async(
        _log_out_elsewhere_then_save(server.url, username, manifest.password), TIMEOUT_S
    )
    assert after.ok
    assert inputs == [DA.t("login.username"), DA.t("login.password")]
    assert DA.t("preparation.title") not in texts
    assert DA.t("preparation.note_label") not in texts


async def _add_an_empty_agreement(url: str, manifest: seed.Manifest):
    login = scenarios.Logins(manifest).next(scenarios.MANAGER)
    tab = await _on_page(url, "conv_theme", login, manifest.password)
    try:
        add = tab.widget("button", DA.t("conversation.add_agreement"))
        refused = await tab.set_values({}, triggers=[add.id])
        return refused, tab.texts()
    finally:
        await tab.close()


def test_a_refusal_inside_a_part_is_shown_at_the_top_of_the_page(protocol_app) -> None:
    server, manifest = protocol_app
    refused, texts = run_async(_add_an_empty_agreement(server.url, manifest), TIMEOUT_S)
    assert refused.ok
    assert refused.runs == 2  # the part's own run, then the page's with the message
    message = DA.t("errors.agreement_text", limit=conversations.MAX_AGREEMENT_CHARS)
    assert texts.count(message) == 1
    assert texts.index(message) < texts.index(DA.t("conversation.timer_title"))


async def _save_then_share(url: str, username: str, password: str):
    tab = await _on_preparation(url, username, password)
    try:
        saved = await scenarios.save_note(tab, 7)
        after_save = tab.texts()
        share = tab.widget("checkbox", DA.t("preparation.share"))
        shared = await tab.set_values({share.id: ws_client.flag(True)})
        return saved, after_save, shared, tab.texts()
    finally:
        await tab.close()


def test_a_saved_note_shows_as_saved_and_can_be_shared_at_once(protocol_app) -> None:
    """The part redrawn after a save shows what the save stored (its time, the sharing
    that an empty note did not allow); the next click reads it all again."""
    server, manifest = protocol_app
    username = manifest.employee_usernames[2]
    saved, after_save, shared, after_share = run_async(
        _save_then_share(server.url, username, manifest.password), TIMEOUT_S
    )
    assert saved.ok and shared.ok
    saved_at = DA.t("preparation.saved_at", time="").strip()
    assert any(text.startswith(saved_at) for text in after_save)
    assert DA.t("preparation.manager_would_see") in after_save
    assert DA.t("preparation.manager_sees") in after_share
    assert "Bench note number 7." in after_share  # exactly what the manager reads


def _default_theme_line() -> str:
    """The line the themes part shows for the form's default theme and polarity."""
    theme, polarity = DA.themes[0], conversations.POLARITIES[0]
    return f"{theme.label} · {DA.t(f'conversation.{polarity}')}"


async def _record_a_theme_in_two_tabs(url: str, manifest: seed.Manifest):
    login = scenarios.Logins(manifest).next(scenarios.MANAGER)
    first = await _on_page(url, "conv_theme", login, manifest.password)
    second = await _on_page(url, "conv_theme", login, manifest.password)
    add, remove = DA.t("conversation.add_theme"), DA.t("conversation.remove")
    try:
        shown = {"before": first.texts()}
        added = await first.set_values({}, triggers=[first.widget("button", add).id])
        shown["added"] = first.texts()
        # The second tab still shows the page as it was; its add finds the theme stored.
        again = await second.set_values({}, triggers=[second.widget("button", add).id])
        shown["added again elsewhere"] = second.texts()
        removed = await first.set_values({}, triggers=[first.widget("button", remove).id])
        shown["removed"] = first.texts()
        return [added, again, removed], shown
    finally:
        await first.close()
        await second.close()


def test_a_recorded_theme_shows_once_as_stored_in_every_tab(protocol_app) -> None:
    """The themes part redrawn after a change shows the themes as the change left them
    in the database, also when another tab of the same manager changed them first."""
    server, manifest = protocol_app
    runs, shown = run_async(_record_a_theme_in_two_tabs(server.url, manifest), TIMEOUT_S)
    assert all(run.ok and run.runs == 1 for run in runs)  # the part alone each time
    line, none = _default_theme_line(), DA.t("conversation.no_themes")
    assert line not in shown["before"] and none in shown["before"]
    assert shown["added"].count(line) == 1 and none not in shown["added"]
    assert shown["added again elsewhere"].count(line) == 1
    assert line not in shown["removed"] and none in shown["removed"]
