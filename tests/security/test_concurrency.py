"""Many people saving at once: no acknowledged save is lost, no error escapes as a traceback.

DuckDB refuses a write to a row another open transaction has changed ("Conflict on
update") instead of waiting. core/db.py lets the transactions of one process take turns,
retries a lone statement that meets a conflict, and turns a conflict that still ends a
transaction into Conflict("errors.busy_try_again"), which every page shows as a message.
"""

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from core import content, db, people, preparation
from core.crypto import cipher
from core.errors import Conflict, TrivselError
from tests.conftest import Org, log_in, new_app, open_round, team_in_closed_file, texts
from ui import state

THREADS = 50
SECONDS = 5.0  # bounded: long enough for thousands of overlapping saves
EMPLOYEES = 30
ITEMS = preparation.ITEM_IDS


@dataclass(frozen=True)
class Ack:
    value: str
    started: float  # monotonic clock around the call that returned it
    ended: float


@dataclass
class Tally:
    acks: dict[tuple[int, str], list[Ack]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # ui keys of TrivselErrors
    escaped: list[BaseException] = field(default_factory=list)  # anything else: a bug
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def crowd(tmp_path: Path) -> tuple[Path, bytes, list[people.User], int]:
    """A team of EMPLOYEES people in an open round, in a closed database file."""
    return team_in_closed_file(tmp_path / "crowd.duckdb", (f"e{i:02d}" for i in range(EMPLOYEES)))


def targets(thread: int, staff: list[people.User]) -> list[tuple[people.User, str]]:
    """Even threads write notes nobody else writes; odd threads all fight over the notes
    of the first three employees (the same person typing in many tabs at once)."""
    if thread % 2 == 0:
        return [(staff[3 + thread // 2 % (EMPLOYEES - 3)], ITEMS[thread % len(ITEMS)])]
    return [(staff[i], item) for i in range(3) for item in ITEMS[:2]]


def writer(database: db.Database, thread: int, staff, round_id: int, tally: Tally, until: float):
    cur = database.cursor()  # each thread its own cursor, as each script run has
    mine = targets(thread, staff)
    count = 0
    while time.monotonic() < until:
        employee, item_id = mine[count % len(mine)]
        count += 1
        value = f"thread {thread} save {count}"
        started = time.monotonic()
        try:
            preparation.save_note(cur, employee, round_id, item_id, value, time.time())
        except TrivselError as exc:
            with tally.lock:
                tally.refused.append(exc.key)
            continue
        except BaseException as exc:  # noqa: BLE001 - the test's point is that none comes
            with tally.lock:
                tally.escaped.append(exc)
            return
        ended = time.monotonic()
        # save_note returns the item as read after its commit: under this load that can
        # already be a later save from another thread, so only the return counts here.
        with tally.lock:
            tally.acks.setdefault((employee.id, item_id), []).append(Ack(value, started, ended))


def test_fifty_writers_lose_no_acknowledged_save(crowd) -> None:
    path, key, staff, round_id = crowd
    database = db.connect(path, cipher(key))
    tally = Tally()
    until = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=writer, args=(database, n, staff, round_id, tally, until))
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)
    assert not any(thread.is_alive() for thread in threads)
    database.close()

    assert not tally.escaped, tally.escaped[:3]
    assert not tally.refused, f"saves turned away: {set(tally.refused)}"
    contested = {(staff[i].id, item) for i in range(3) for item in ITEMS[:2]}
    assert contested <= set(tally.acks)  # the fights happened...
    assert len(tally.acks) >= THREADS // 2  # ...and so did the solitary writers
    assert sum(len(acks) for acks in tally.acks.values()) > 2 * THREADS

    reopened = db.connect(path, cipher(key))  # as after a restart
    cur = reopened.cursor()
    for (employee_id, item_id), acks in tally.acks.items():
        employee = people.get(cur, employee_id)
        stored = preparation.load(cur, employee, round_id).items[item_id].note
        by_value = {ack.value: ack for ack in acks}
        assert stored in by_value, f"{stored!r} was never acknowledged"
        if (employee_id, item_id) not in contested:
            assert stored == acks[-1].value  # one writer: its last save is what is stored
        # Whatever won, no save acknowledged entirely after it can have been overwritten.
        later = [ack for ack in acks if ack.started > by_value[stored].ended]
        assert not later, f"{later[0].value!r} was acknowledged but {stored!r} is stored"
    reopened.close()


# --- the rules in core/db.py, one at a time ----------------------------------------------


@pytest.fixture
def two_cursors(tmp_path: Path):
    database = db.connect(tmp_path / "two.duckdb", cipher(Fernet.generate_key()))
    first, second = database.cursor(), database.cursor()
    first.run("CREATE TABLE box (id INTEGER PRIMARY KEY, value VARCHAR)")
    first.run("INSERT INTO box VALUES (1, 'start')")
    yield first, second
    database.close()


def box(cur: db.Cursor) -> str:
    return cur.value("SELECT value FROM box WHERE id = 1")


def test_a_conflict_that_ends_a_transaction_is_reported_and_stores_nothing(two_cursors) -> None:
    first, second = two_cursors
    with pytest.raises(Conflict) as refused, first.transaction():
        assert box(first) == "start"
        second.run("UPDATE box SET value = 'other tab' WHERE id = 1")  # commits at once
        first.run("INSERT INTO box VALUES (2, 'part of the refused change')")
        first.run("UPDATE box SET value = 'mine' WHERE id = 1")
    assert refused.value.key == db.BUSY
    assert box(first) == "other tab"
    assert first.value("SELECT count(*) FROM box") == 1  # nothing of the refused change
    with first.transaction():  # and the cursor works on
        first.run("UPDATE box SET value = 'mine, again' WHERE id = 1")
    assert box(second) == "mine, again"


def test_a_lone_statement_meeting_a_conflict_is_tried_again(
    two_cursors, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two_cursors
    first.raw.execute("BEGIN TRANSACTION")
    first.raw.execute("UPDATE box SET value = 'first' WHERE id = 1")  # not committed yet
    pauses = []

    def pause(attempt: int) -> None:  # the other writer finishes while we wait
        pauses.append(attempt)
        first.raw.execute("COMMIT")

    monkeypatch.setattr(db, "_pause", pause)
    second.run("UPDATE box SET value = 'second' WHERE id = 1")
    assert pauses == [1]
    assert box(first) == "second"


def test_a_lone_statement_gives_up_with_a_message_after_a_few_tries(
    two_cursors, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two_cursors
    first.raw.execute("BEGIN TRANSACTION")
    first.raw.execute("UPDATE box SET value = 'first' WHERE id = 1")
    pauses = []
    monkeypatch.setattr(db, "_pause", pauses.append)
    with pytest.raises(Conflict) as refused:
        second.run("UPDATE box SET value = 'second' WHERE id = 1")
    assert refused.value.key == db.BUSY
    assert pauses == list(range(1, db.STATEMENT_ATTEMPTS))  # bounded
    first.raw.execute("ROLLBACK")
    assert box(second) == "start"


def test_the_busy_message_exists_in_every_language() -> None:
    both = content.load()
    assert "Prøv igen" in both.get("da").t(db.BUSY)
    assert "Try again" in both.get("en").t(db.BUSY)


def test_the_employee_page_shows_busy_and_keeps_the_typed_text(
    app_db: db.Cursor, app_org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_id = open_round(app_db, app_org.manager, app_org.team_id)
    real_save = preparation.save_note

    def busy(*args, **kwargs):
        raise Conflict(db.BUSY)

    at = log_in(new_app(), "anna")
    note_key = f"{state.PREPARATION_NOTE}_{round_id}_{content.PREPARATION_ITEM}"
    monkeypatch.setattr(preparation, "save_note", busy)
    at.text_area(key=note_key).input("Det jeg lige skrev").run()
    assert not at.exception
    assert content.load().get("da").t(db.BUSY) in texts(at)
    assert at.text_area(key=note_key).value == "Det jeg lige skrev"  # nothing typed is lost

    monkeypatch.setattr(preparation, "save_note", real_save)
    at.text_area(key=note_key).input("Det jeg lige skrev.").run()  # the next change saves
    anna = app_org.employees[0]
    stored = preparation.load(app_db, anna, round_id).items[content.PREPARATION_ITEM].note
    assert stored == "Det jeg lige skrev."
