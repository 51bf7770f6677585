from pathlib import Path

import pytest

from core import cli, config, db, people, retention, settings
from core.db import Cursor
from core.errors import NotAllowed
from tests.conftest import Org, hold, new_user

DAY = 86_400
NOW = 1_800_000_000.0


def round_closed(cur: Cursor, team_id: int, name: str, days_ago: float | None) -> int:
    """A round closed `days_ago` days before NOW (None: still open)."""
    state = "open" if days_ago is None else "closed"
    round_id = cur.value(
        "INSERT INTO rounds (team_id, name, state) VALUES (?, ?, ?) RETURNING id",
        [team_id, name, state],
    )
    if days_ago is not None:
        cur.run(
            "UPDATE rounds SET closed_at = to_timestamp(?)::TIMESTAMP WHERE id = ?",
            [NOW - days_ago * DAY, round_id],
        )
    return int(round_id)


def prepare(cur: Cursor, user_id: int, round_id: int, note: str, zone: str | None) -> None:
    """What an employee's preparation leaves in the tables: notes, a flag, sharing, a zone."""
    cur.run(
        "INSERT INTO preparation_items (user_id, round_id, item_id, note_enc, flagged, shared)"
        " VALUES (?, ?, 'zone_1', ?, TRUE, TRUE), (?, ?, 'factors_1', ?, FALSE, FALSE),"
        " (?, ?, 'factors_2', '', TRUE, FALSE)",
        [
            user_id,
            round_id,
            cur.cipher.encrypt(f"{note} shared"),
            user_id,
            round_id,
            cur.cipher.encrypt(f"{note} private"),
            user_id,
            round_id,
        ],
    )
    cur.run(
        "INSERT INTO preparations (user_id, round_id, zone, ready) VALUES (?, ?, ?, TRUE)",
        [user_id, round_id, zone],
    )


def held_conversation(cur: Cursor, round_id: int, employee: people.User) -> None:
    """A held conversation with a theme and an agreement: the manager's record."""
    conversation_id = hold(cur, round_id, employee, ("workload_time_pressure", "straining"))
    cur.run(
        "INSERT INTO agreements (conversation_id, text_enc) VALUES (?, ?)",
        [conversation_id, cur.cipher.encrypt("Fewer meetings")],
    )


def notes(cur: Cursor, round_id: int) -> list[tuple]:
    rows = cur.all(
        "SELECT item_id, note_enc, flagged, shared FROM preparation_items"
        " WHERE round_id = ? ORDER BY user_id, item_id",
        [round_id],
    )
    return [(i, cur.cipher.decrypt(n), f, s) for i, n, f, s in rows]


@pytest.fixture
def history(cur: Cursor, seeded_org: Org) -> dict[str, int]:
    """Three rounds of team A: long closed, recently closed, open; each prepared by two."""
    settings.store(cur, "retention_days", "365")
    rounds = {
        "old": round_closed(cur, seeded_org.team_id, "MUS 2024", 400),
        "recent": round_closed(cur, seeded_org.team_id, "MUS 2025", 100),
        "open": round_closed(cur, seeded_org.team_id, "MUS 2026", None),
    }
    anna, bent = seeded_org.employees[:2]
    for name, round_id in rounds.items():
        prepare(cur, anna.id, round_id, f"anna {name}", "risk")
        prepare(cur, bent.id, round_id, f"bent {name}", None)
    held_conversation(cur, rounds["old"], anna)
    return rounds


def test_a_dry_run_says_what_would_go_and_deletes_nothing(
    cur: Cursor, seeded_org: Org, history: dict[str, int]
) -> None:
    before = notes(cur, history["old"])
    summary = retention.purge(cur, seeded_org.admin, NOW, dry_run=True)
    assert summary.dry_run and summary.retention_days == 365
    assert [(r.round, r.team, r.notes, r.zones) for r in summary.rounds] == [
        ("MUS 2024", "Team A", 4, 1)
    ]
    assert (summary.notes, summary.zones) == (4, 1)
    assert notes(cur, history["old"]) == before
    assert "purge" not in [r[0] for r in cur.all("SELECT action FROM audit_log")]


def test_a_purge_deletes_old_notes_and_zones_and_keeps_the_rest(
    cur: Cursor, seeded_org: Org, history: dict[str, int]
) -> None:
    recent_before = notes(cur, history["recent"])
    open_before = notes(cur, history["open"])

    summary = retention.purge(cur, seeded_org.admin, NOW, dry_run=False)

    assert (summary.notes, summary.zones, len(summary.rounds)) == (4, 1, 1)
    # Old round: no note text, nothing shared any more, no zone; flags and ready marks stay.
    assert (
        notes(cur, history["old"])
        == [
            ("factors_1", "", False, False),
            ("factors_2", "", True, False),
            ("zone_1", "", True, False),
        ]
        * 2
    )
    zones = cur.all("SELECT zone, ready FROM preparations WHERE round_id = ?", [history["old"]])
    assert zones == [(None, True), (None, True)]
    # Newer rounds are untouched.
    assert notes(cur, history["recent"]) == recent_before
    assert notes(cur, history["open"]) == open_before
    # The held conversation's record is the manager's record and stays.
    assert cur.value("SELECT count(*) FROM conversation_themes") == 1
    agreement = cur.value("SELECT text_enc FROM agreements")
    assert cur.cipher.decrypt(agreement) == "Fewer meetings"
    entry = cur.one("SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 1")
    assert entry == ("admin", "purge", "rounds=1 notes=4 zones=1")
    assert "anna" not in entry[2]  # counts only, never text


def test_a_second_purge_finds_nothing(
    cur: Cursor, seeded_org: Org, history: dict[str, int]
) -> None:
    retention.purge(cur, seeded_org.admin, NOW, dry_run=False)
    again = retention.purge(cur, seeded_org.admin, NOW, dry_run=True)
    assert again.rounds == () and again.notes == 0


def test_a_shorter_retention_period_reaches_more_rounds(
    cur: Cursor, seeded_org: Org, history: dict[str, int]
) -> None:
    settings.store(cur, "retention_days", "30")
    summary = retention.purge(cur, seeded_org.admin, NOW, dry_run=True)
    assert [r.round for r in summary.rounds] == ["MUS 2024", "MUS 2025"]


def test_only_an_admin_or_the_command_line_purges(
    cur: Cursor, seeded_org: Org, history: dict[str, int]
) -> None:
    for actor in (seeded_org.manager, seeded_org.employees[0]):
        with pytest.raises(NotAllowed):
            retention.purge(cur, actor, NOW, dry_run=True)
    summary = retention.purge(cur, None, NOW, dry_run=False)
    assert summary.notes == 4
    assert cur.value("SELECT actor FROM audit_log WHERE action = 'purge'") == "cli"


def test_purge_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TRIVSEL_DATA_KEY", raising=False)
    monkeypatch.delenv("TRIVSEL_COOKIE_KEY", raising=False)
    data_dir = tmp_path / "data"
    database = db.open_database(config.load(data_dir))
    cur = database.cursor()
    anna = new_user(cur, "anna")
    team_id = cur.value("INSERT INTO teams (name) VALUES ('Team A') RETURNING id")
    round_id = cur.value(
        "INSERT INTO rounds (team_id, name, state, closed_at)"
        " VALUES (?, 'MUS 2020', 'closed', TIMESTAMP '2020-06-01') RETURNING id",
        [team_id],
    )
    prepare(cur, anna.id, round_id, "anna", "danger")
    database.close()

    assert cli.main(["--data-dir", str(data_dir), "purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would delete 2 preparation notes and 1 zone placements in 1 rounds" in out
    assert "Team A: MUS 2020 (closed 2020-06-01): 2 notes, 1 zones" in out

    assert cli.main(["--data-dir", str(data_dir), "purge"]) == 0
    assert "Deleted 2 preparation notes" in capsys.readouterr().out
    assert cli.main(["--data-dir", str(data_dir), "purge", "--dry-run"]) == 0
    assert "Would delete 0 preparation notes" in capsys.readouterr().out
