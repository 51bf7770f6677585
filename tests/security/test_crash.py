"""A process killed mid-stream (power cut, OOM killer, kill -9) loses no acknowledged save.

A child process saves notes through core.preparation.save_note and prints one line per
save that returned (flushed). The test kills it with SIGKILL while it writes, then opens
the database as the next start of the app would: it opens cleanly and holds every save
that was acknowledged. DuckDB checkpoints after every 64 KB of log here, so the kill also
lands in the middle of checkpoints, not only of transactions.
"""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core import db, people, preparation
from core.crypto import cipher
from tests.conftest import REPO, team_in_closed_file

ACKS_BEFORE_KILL = 150  # per child: enough that the kill comes in the middle of the stream
KILLS = 3
ITEMS = ("preparation", "zone_1", "factors_2")

CHILD = textwrap.dedent(
    """
    import os, sys, time
    from core import db, people, preparation
    from core.crypto import cipher

    path, round_id, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    employee_ids = [int(i) for i in sys.argv[4].split(",")]
    items = sys.argv[5].split(",")
    database = db.connect(path, cipher(os.environ["CRASH_TEST_KEY"].encode()))
    cur = database.cursor()
    cur.run("SET checkpoint_threshold = '64KB'")
    employees = [people.get(cur, i) for i in employee_ids]
    n = start
    while True:
        n += 1
        employee, item = employees[n % len(employees)], items[n % len(items)]
        note = f"save {n} " + "x" * (n % 500)
        preparation.save_note(cur, employee, round_id, item, note, time.time())
        print(f"ack {employee.id} {item} {n}", flush=True)
    """
)


@pytest.fixture
def installation(tmp_path: Path) -> tuple[Path, bytes, list[people.User], int]:
    return team_in_closed_file(tmp_path / "crash.duckdb", ("anna", "bent"))


def run_and_kill(path: Path, key: bytes, staff, round_id: int, start: int) -> dict:
    """Start a writer, kill it with SIGKILL mid-stream; return the last acknowledged save
    number per (employee id, item)."""
    script = path.parent / "writer.py"
    script.write_text(CHILD)
    child = subprocess.Popen(
        [
            sys.executable,
            str(script),
            str(path),
            str(round_id),
            str(start),
            ",".join(str(e.id) for e in staff),
            ",".join(ITEMS),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "CRASH_TEST_KEY": key.decode()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acked: dict[tuple[int, str], int] = {}
    lines = 0
    for line in child.stdout:
        _, employee_id, item, n = line.split()
        acked[(int(employee_id), item)] = int(n)
        lines += 1
        if lines == ACKS_BEFORE_KILL:
            child.send_signal(signal.SIGKILL)
            break
    rest, errors = child.communicate(timeout=30)
    for line in rest.splitlines():  # printed after the last line read, before the kill
        _, employee_id, item, n = line.split()
        acked[(int(employee_id), item)] = int(n)
    assert child.returncode == -signal.SIGKILL, errors
    assert lines == ACKS_BEFORE_KILL, errors
    return acked


def test_every_acknowledged_save_survives_a_kill(installation) -> None:
    path, key, staff, round_id = installation
    start = 0
    for _ in range(KILLS):
        acked = run_and_kill(path, key, staff, round_id, start)
        database = db.connect(path, cipher(key))  # the next start: opens and migrates
        cur = database.cursor()
        for (employee_id, item), last in acked.items():
            stored = preparation.load(cur, people.get(cur, employee_id), round_id).items[item]
            number = int(stored.note.split()[1])
            # The acknowledged save, or one that committed just before the kill but was
            # not yet printed; never an older one.
            assert number >= last, (
                f"{item} of {employee_id}: save {last} acknowledged, {number} stored"
            )
        cur.run("CHECKPOINT")  # the file is whole: DuckDB can fold its log into it
        start = max(acked.values()) + 1000
        database.close()
