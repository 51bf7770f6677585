"""Hostile input: whatever people type or upload, core stores it exactly or refuses it clearly.

Property tests (hypothesis) feed every text input of core with SQL fragments, HTML and
JavaScript, Markdown links, control characters, right-to-left text, emoji and 1 MB
strings. Nothing may crash: the only exceptions allowed are TrivselErrors whose ui key
has a text in every language. What is accepted comes back exactly as typed (names and
one-line texts without their surrounding spaces, as the forms trim them).

Then a sample through the real pages (AppTest): a note full of markup is shown as
literal text to its author and to the manager it was shared with, never as HTML or
Markdown. And the exports: CSV cells never start a formula, Markdown escapes every
markup character, a PDF carries no script, link or launch action.
"""

import csv
import io
import re
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import (
    actions,
    admin,
    auth,
    content,
    conversations,
    exports,
    imports,
    people,
    preparation,
    rounds,
    teams,
)
from core import settings as org_settings
from core.db import Cursor
from core.errors import TrivselError
from tests.conftest import Org, log_in, new_app, open_round, texts
from ui.render import escape_markdown

TEXTS = content.load()
NOW = 1_790_000_000.0
MEGABYTE = 1_000_000
SCRIPT = "<script>alert(1)</script>"
LINK = "[x](javascript:alert(1))"
IMAGE = "<img src=x onerror=alert(1)>"
PAYLOADS = (
    "'; DROP TABLE users; --",
    "Robert'); DELETE FROM preparation_items WHERE (1=1",
    '" OR 1=1 --',
    "?",
    "$1 %s {name} {0}",
    SCRIPT,
    IMAGE,
    LINK,
    "![pixel](https://evil.example/p.png)",
    "<a href='https://evil.example'>klik</a>",
    "**fed** _kursiv_ `kode` ~~streg~~ $x^2$",
    "# Overskrift\n> citat\n- punkt\n1. tal\n---",
    ":material/warning: :red[rød]",
    '=HYPERLINK("https://evil.example","klik")',
    "+41 22",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTAB",
    "\x00nul\x00",
    "\x1b[31mrød\x1b[0m",
    "\r\nny linje\r",
    "\u202egnp.exe",  # right-to-left override
    "שלום עולם",
    "مرحبا بالعالم",
    "😀🔥👩‍👩‍👧‍👦🏳️‍🌈",
    "\u200b\u200d\ufeff",  # zero-width characters
    "Ærø Åse Øster",
    " ",
    "",
)


def hostile(max_size: int = 200) -> st.SearchStrategy[str]:
    """Known attacks, their combinations, any Unicode text, and 1 MB strings."""
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.lists(st.sampled_from(PAYLOADS), min_size=2, max_size=5).map("".join),
        st.text(max_size=max_size),
        st.sampled_from(("x" * MEGABYTE, SCRIPT * (MEGABYTE // len(SCRIPT)), "æ" * MEGABYTE)),
    )


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def refused_clearly(exc: TrivselError) -> None:
    """A refusal the pages can show: its key has a text in every language, and it fills."""
    for code in content.LANGUAGES:
        language = TEXTS.get(code)
        assert exc.key in language.ui, f"{exc.key} has no text in {code}"
        language.t(exc.key, **exc.params)


def attempt(call):
    """The call's result, or None after a clear refusal. Anything else fails the test."""
    try:
        return call()
    except TrivselError as exc:
        refused_clearly(exc)
        return None


@pytest.fixture
def world(cur: Cursor, seeded_org: Org) -> tuple[Cursor, Org, int, int]:
    """Team A's open round and anna's conversation in it."""
    round_id = open_round(cur, seeded_org.manager, seeded_org.team_id)
    anna = seeded_org.employees[0]
    talk = conversations.open_conversation(cur, seeded_org.manager, anna.id, round_id)
    return cur, seeded_org, round_id, talk.id


# --- the employee's notes ---------------------------------------------------------------


@PROPERTY
@given(note=hostile())
def test_a_note_is_stored_exactly_or_refused(world, note: str) -> None:
    cur, org, round_id, _ = world
    anna, mona = org.employees[0], org.manager
    before = preparation.load(cur, anna, round_id).items["zone_1"].note
    saved = attempt(lambda: preparation.save_note(cur, anna, round_id, "zone_1", note, NOW))
    stored = preparation.load(cur, anna, round_id).items["zone_1"].note
    if saved is None:
        assert len(note) > preparation.MAX_NOTE_CHARS
        assert stored == before  # the earlier text stays
        return
    assert stored == note
    if note.strip():
        preparation.share(cur, anna, round_id, "zone_1", NOW)
        shown = dict(preparation.shared_view(cur, mona, anna.id, round_id).shared)
        assert shown["zone_1"] == note  # the manager reads exactly what was written
        preparation.unshare(cur, anna, round_id, "zone_1", NOW)


@PROPERTY
@given(item_id=hostile(40), zone=hostile(40))
def test_unknown_item_and_zone_ids_are_refused(world, item_id: str, zone: str) -> None:
    cur, org, round_id, _ = world
    anna = org.employees[0]
    if item_id not in preparation.ITEM_IDS:
        assert (
            attempt(lambda: preparation.save_note(cur, anna, round_id, item_id, "x", NOW)) is None
        )
        assert attempt(lambda: preparation.share(cur, anna, round_id, item_id, NOW)) is None
    if zone not in content.ZONE_IDS:
        assert attempt(lambda: preparation.set_zone(cur, anna, round_id, zone, NOW)) is None
        assert preparation.load(cur, anna, round_id).zone is None


# --- people, teams, rounds, settings ------------------------------------------------------


@PROPERTY
@given(username=hostile(50), name=hostile(), email=hostile(60))
def test_a_person_is_stored_as_typed_or_refused(world, username, name, email) -> None:
    cur, org, _, _ = world
    created = attempt(
        lambda: admin.create_person(cur, org.admin, people.NewUser(username, name, email))
    )
    if created is not None:
        person = admin.person(cur, org.admin, created[0])
        assert person.username == people.normalise_username(username)
        assert (person.name, person.email) == (name.strip(), email.strip())
    anna = org.employees[0]
    updated = attempt(
        lambda: admin.update_person(
            cur,
            org.admin,
            anna.id,
            name=name,
            email=email,
            roles=anna.roles,
            manager_id=anna.manager_id,
            team_id=anna.team_id,
        )
    )
    if updated is not None:
        assert (updated.name, updated.email) == (name.strip(), email.strip())


@PROPERTY
@given(name=hostile(120))
def test_team_and_round_names_are_stored_as_typed_or_refused(world, name: str) -> None:
    cur, org, _, _ = world
    team_id = attempt(lambda: admin.create_team(cur, org.admin, name))
    if team_id is not None:
        assert teams.get(cur, team_id).name == name.strip()
    before = teams.get(cur, org.other_team_id).name
    try:
        admin.rename_team(cur, org.admin, org.other_team_id, name)
    except TrivselError as exc:
        refused_clearly(exc)
        assert teams.get(cur, org.other_team_id).name == before
    else:
        assert teams.get(cur, org.other_team_id).name == name.strip()
    round_id = attempt(lambda: rounds.create(cur, org.manager, org.team_id, name))
    if round_id is not None:
        assert rounds.get(cur, round_id).name == name.strip()


@PROPERTY
@given(key=st.one_of(st.sampled_from(sorted(org_settings.SETTINGS)), hostile(30)), value=hostile())
def test_settings_are_stored_as_typed_or_refused(world, key: str, value: str) -> None:
    cur, org, _, _ = world
    changed = attempt(lambda: admin.save_settings(cur, org.admin, {key: value}))
    current = org_settings.load(cur)  # whatever happened, the settings still load
    if changed:
        stored = getattr(current, key)
        assert str(stored) == (str(int(value)) if isinstance(stored, int) else value.strip())


@PROPERTY
@given(cells=st.lists(hostile(80), min_size=6, max_size=6), raw=hostile())
def test_a_csv_import_is_checked_never_crashes(world, cells: list[str], raw: str) -> None:
    cur, org, _, _ = world
    for text in (_csv(["username", "name", "email", "roles", "manager", "team"], cells), raw):
        preview = attempt(lambda text=text: admin.preview_import(cur, org.admin, text))
        assert preview is not None  # problems are reported per line, never raised
        for problem in preview.problems:
            refused_clearly(TrivselError(problem.key, **problem.params))
        if preview.ok:
            rows = {row.username: row for row in preview.rows}
            for login in admin.import_people(cur, org.admin, text):
                stored = people.by_username(cur, login.username)
                assert stored.name == rows[login.username].name  # as in the file, trimmed


def _csv(header: list[str], cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([header, cells])
    return out.getvalue()


# --- what the manager records ------------------------------------------------------------


@PROPERTY
@given(text=hostile(), owner=hostile(40), theme_id=st.one_of(st.none(), hostile(30)))
def test_a_group_action_is_stored_as_typed_or_refused(world, text, owner, theme_id) -> None:
    cur, org, round_id, _ = world
    added = attempt(lambda: actions.add(cur, org.manager, round_id, text, owner, theme_id))
    if added is not None:
        stored = actions.get(cur, org.employees[0], added.id)  # as the team reads it
        assert (stored.text, stored.owner, stored.theme_id) == (
            text.strip(),
            owner.strip(),
            theme_id,
        )
        changed = attempt(
            lambda: actions.update(
                cur,
                org.manager,
                added.id,
                text=owner or "x",
                owner=text[:50],
                theme_id=None,
                due_on=date(2026, 6, 1),
                status=actions.DONE,
            )
        )
        if changed is not None:
            assert changed.text == (owner or "x").strip()


@PROPERTY
@given(text=hostile(), owner=st.one_of(st.sampled_from(conversations.OWNERS), hostile(20)))
def test_an_agreement_is_stored_as_typed_or_refused(world, text: str, owner: str) -> None:
    cur, org, round_id, talk = world
    anna = org.employees[0]
    added = attempt(
        lambda: conversations.add_agreement(cur, org.manager, talk, text, owner, None, NOW)
    )
    record = conversations.record_for(cur, anna, anna.id, round_id)
    if added is not None:
        assert (text.strip(), owner) in [(a.text, a.owner) for a in record.agreements]
        conversations.remove_agreement(cur, org.manager, talk, added.id, NOW)
    else:
        assert owner not in conversations.OWNERS or not text.strip() or len(text.strip()) > 1000


@PROPERTY
@given(
    theme_id=st.one_of(st.sampled_from(sorted(conversations.theme_ids())), hostile(40)),
    polarity=st.one_of(st.sampled_from(conversations.POLARITIES), hostile(20)),
)
def test_only_vocabulary_themes_are_recorded(world, theme_id: str, polarity: str) -> None:
    cur, org, round_id, talk = world
    anna = org.employees[0]
    attempt(lambda: conversations.add_theme(cur, org.manager, talk, theme_id, polarity, NOW))
    recorded = conversations.record_for(cur, anna, anna.id, round_id).themes
    for raised in recorded:
        assert raised.theme_id in conversations.theme_ids()
        assert raised.polarity in conversations.POLARITIES
    labels = TEXTS.get("da")
    assert all(labels.theme(raised.theme_id).label for raised in recorded)


# --- logging in, looking up ---------------------------------------------------------------


@PROPERTY
@given(username=hostile(60), password=hostile(100), search=hostile())
def test_logins_and_lookups_never_crash(world, username, password, search) -> None:
    cur, org, _, _ = world
    outcome = auth.check_login(cur, username, password, NOW)
    assert outcome is not auth.LoginOutcome.OK  # nobody has such a password
    longest = people.MAX_USERNAME_CHARS + 1  # a megabyte name is not stored in full
    assert cur.value("SELECT max(length(username)) FROM login_attempts") <= longest
    assert cur.value("SELECT max(length(actor)) FROM audit_log") <= longest
    assert isinstance(admin.list_people(cur, org.admin, search).total, int)
    found = attempt(lambda: conversations.employee_by_username(cur, org.manager, username))
    assert found is None or found.manager_id == org.manager.id
    attempt(lambda: auth.check_new_password(password, username))


# --- exports: CSV, Markdown, PDF --------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@settings(max_examples=300, deadline=None)
@given(value=hostile())
def test_a_csv_cell_never_starts_a_formula(value: str) -> None:
    cell = exports.csv_cell(value)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (value, "'" + value)  # nothing else changes


def test_the_apps_csv_export_is_the_first_passwords_file_and_it_uses_csv_cell() -> None:
    """The only CSV the app writes (views/admin.py, after an import) is built by
    imports.logins_csv; a generated password never needs the quote that would break it."""
    callers = [
        path.name
        for folder in ("views", "ui", "core")
        for path in (content.CONTENT_DIR.parent / folder).glob("*.py")
        if "csv.writer(" in path.read_text(encoding="utf-8")
    ]
    assert callers == ["imports.py"]
    passwords = [auth.generate_password() for _ in range(2000)]
    logins = [auth.CreatedLogin("employee", "kim", password) for password in passwords]
    rows = list(csv.reader(io.StringIO(imports.logins_csv(logins))))
    assert rows[0] == ["username", "password", "roles"]
    assert [row[1] for row in rows[1:]] == passwords  # exactly as printed
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    hostile_row = imports.logins_csv([auth.CreatedLogin("@x", "-1+1", "=cmd|' /C calc'!A0")])
    assert list(csv.reader(io.StringIO(hostile_row)))[1] == ["'-1+1", "'=cmd|' /C calc'!A0", "'@x"]


_UNESCAPED = re.compile(r"(?<!\\)(?:\\\\)*[<>\[\]`*_|~$&]")


def unescaped_markup(markdown: str) -> list[str]:
    """Markup characters in `markdown` not preceded by an (unescaped) backslash."""
    return _UNESCAPED.findall(markdown.replace("\\\\", ""))


@settings(max_examples=300, deadline=None)
@given(text=hostile())
def test_markdown_escaping_leaves_no_markup(text: str) -> None:
    for escaped in (exports.escape_markdown_line(text), escape_markdown(text)):
        assert not unescaped_markup(escaped), escaped[:200]
    line = exports.escape_markdown_line(text)
    assert not re.match(r"\s{0,3}(#|>|[-+*=]|\d+[.)])", line), line[:200]  # no block markup


# What save_note accepts: a note is never longer than MAX_NOTE_CHARS.
NOTES = hostile(300).map(lambda text: text[: preparation.MAX_NOTE_CHARS])


@settings(max_examples=15, deadline=None)
@given(notes=st.lists(NOTES, min_size=1, max_size=len(preparation.ITEM_IDS)))
def test_a_preparation_export_carries_no_markup_or_active_content(notes: list[str]) -> None:
    items = {
        item_id: preparation.Item(item_id, note, True, False, None)
        for item_id, note in zip(preparation.ITEM_IDS, notes, strict=False)
    }
    for item_id in preparation.ITEM_IDS:
        items.setdefault(item_id, preparation.Item(item_id, "", False, False, None))
    prep = preparation.Preparation(1, 1, items, "risk", True)
    language = TEXTS.get("da")
    markdown = preparation.export_markdown(prep, language)
    assert not re.findall(r"(?<!\\)(?:\\\\)*[<\[]", markdown)  # no HTML tag, no link
    pdf = preparation.export_pdf(prep, language)
    assert pdf.startswith(b"%PDF")
    for action in (b"/JavaScript", b"/JS", b"/Launch", b"/URI", b"/SubmitForm", b"/AA"):
        assert action not in pdf  # fpdf2's /OpenAction is only the zoom to open at


# --- the pages show hostile text as text (AppTest) ------------------------------------------

NASTY = f"{SCRIPT} {LINK} {IMAGE}"


def assert_only_literal(at, what: str) -> None:
    """`what` shows as plain text; no HTML or Markdown element carries it unescaped."""
    assert not at.exception
    assert what in [element.value for element in at.text]  # st.text: shown exactly, inert
    assert not at.get("html")
    for element in at.markdown:
        value = element.value
        for piece in (SCRIPT, LINK, IMAGE, "<script", "<img", "](javascript"):
            assert piece not in value, value
        assert not element.proto.allow_html or what not in value
    assert what in texts(at) + "\n".join(e.value for e in at.text_area)


def test_a_hostile_note_is_literal_text_for_its_author_and_the_manager(
    app_db: Cursor, app_org: Org
) -> None:
    mona, anna = app_org.manager, app_org.employees[0]
    round_id = open_round(app_db, mona, app_org.team_id)
    preparation.save_note(app_db, anna, round_id, "zone_1", NASTY, time.time())
    preparation.share(app_db, anna, round_id, "zone_1", time.time())
    talk = conversations.open_conversation(app_db, mona, anna.id, round_id)
    conversations.add_agreement(app_db, mona, talk.id, NASTY, "both", None, time.time())
    actions.add(app_db, mona, round_id, NASTY)

    employee_page = log_in(new_app(), "anna")
    assert_only_literal(employee_page, NASTY)

    manager = log_in(new_app(), "mona")
    manager.query_params["employee"] = "anna"
    manager.switch_page("views/conversation.py").run()
    assert_only_literal(manager, NASTY)
    assert [e.value for e in manager.text].count(NASTY) >= 2  # the shared note, the agreement
