"""Retention: private preparation is deleted once its round is long closed.

For rounds closed more than `retention_days` ago, the text of every preparation note
(shared or not) and every zone self-placement is removed. The "talk about this" flags,
the ready marks and what was recorded in a held conversation stay: the conversation
record is the manager's record of the talk, not the employee's preparation.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from core import audit, db, people, settings
from core.db import Cursor
from core.errors import NotAllowed

SECONDS_PER_DAY = 86_400
PURGE = "purge"
# Rounds closed before the cutoff; closed_at is compared in the database's own clock,
# the same one that wrote it.
_DUE_ROUNDS = (
    "SELECT r.id FROM rounds r WHERE r.state = 'closed' AND r.closed_at IS NOT NULL"
    " AND r.closed_at < to_timestamp(?)::TIMESTAMP"
)


@dataclass(frozen=True)
class PurgedRound:
    round_id: int
    round: str
    team: str
    closed_at: datetime
    notes: int
    zones: int


@dataclass(frozen=True)
class PurgeSummary:
    cutoff: datetime  # rounds closed before this moment (UTC) are purged
    retention_days: int
    rounds: tuple[PurgedRound, ...]  # only rounds that still held something to delete
    dry_run: bool

    @property
    def notes(self) -> int:
        return sum(r.notes for r in self.rounds)

    @property
    def zones(self) -> int:
        return sum(r.zones for r in self.rounds)


def _due(cur: Cursor, cutoff: float) -> list[PurgedRound]:
    rows = cur.all(
        "SELECT r.id, r.name, coalesce(t.name, ''), r.closed_at,"
        " (SELECT count(*) FROM preparation_items i"
        "  WHERE i.round_id = r.id AND (i.note_enc <> '' OR i.shared)),"
        " (SELECT count(*) FROM preparations p WHERE p.round_id = r.id AND p.zone IS NOT NULL)"
        f" FROM rounds r LEFT JOIN teams t ON t.id = r.team_id WHERE r.id IN ({_DUE_ROUNDS})"
        " ORDER BY r.closed_at, r.id",
        [cutoff],
    )
    return [PurgedRound(*row) for row in rows if row[4] or row[5]]


def purge(cur: Cursor, actor: people.User | None, now: float, dry_run: bool) -> PurgeSummary:
    """Delete (or, with dry_run, only count) what the retention period says must go.

    `actor` is the admin on the page, or None for the command line, which only an
    operator with access to the data directory can run.
    """
    if actor is not None and not (actor.active and actor.has(people.ADMIN)):
        raise NotAllowed("errors.admin_only")
    days = settings.load(cur).retention_days
    cutoff = now - days * SECONDS_PER_DAY
    summary = PurgeSummary(
        datetime.fromtimestamp(cutoff, UTC), days, tuple(_due(cur, cutoff)), dry_run
    )
    if dry_run or not summary.rounds:
        return summary
    ids = [r.round_id for r in summary.rounds]
    marks = db.marks(ids)
    with cur.transaction():
        cur.run(
            "UPDATE preparation_items SET note_enc = '', shared = FALSE,"
            f" updated_at = current_timestamp WHERE round_id IN ({marks})"
            " AND (note_enc <> '' OR shared)",
            ids,
        )
        cur.run(
            f"UPDATE preparations SET zone = NULL WHERE round_id IN ({marks}) AND zone IS NOT NULL",
            ids,
        )
        detail = f"rounds={len(ids)} notes={summary.notes} zones={summary.zones}"
        audit.record(
            cur,
            actor.id if actor else None,
            actor.username if actor else "cli",
            PURGE,
            None,
            detail,
        )
    return summary
