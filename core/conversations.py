"""The wellbeing talk of one employee in one round: the questions the manager picked,
the timer, the themes raised, the individual agreements and the held mark.

Only the employee's own manager (users.manager_id) writes a conversation; the employee
reads it; nobody else, admins included, reaches it. Once held, the record can still be
corrected by the same functions, and every correction goes into the audit log (without
any of its content: the log is read by administrators).
"""

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from core import audit, content, people, rounds, settings, timer
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound

STRAINING, PROTECTIVE = "straining", "protective"  # udløsende, beskyttende
POLARITIES = (STRAINING, PROTECTIVE)
OWNER_EMPLOYEE, OWNER_MANAGER, OWNER_BOTH = "employee", "manager", "both"
OWNERS = (OWNER_EMPLOYEE, OWNER_MANAGER, OWNER_BOTH)  # who carries an agreement out
MAX_AGREEMENT_CHARS = 1_000  # a few sentences; a longer agreement is really a document
MAX_AGREEMENTS = 20  # "a short list" per talk; more is a sign of a pasted list or a bug
HELD = "conversation_held"
CORRECTED = "conversation_corrected"
_COLUMNS = (
    "id, round_id, team_id, employee_id, manager_id, scheduled_on, selected_questions,"
    " timer_started_at, timer_accumulated_s, duration_s, held_at"
)


@dataclass(frozen=True)
class RaisedTheme:
    theme_id: str
    polarity: str  # "straining" | "protective"


@dataclass(frozen=True)
class Agreement:
    id: int
    text: str
    owner: str  # one of OWNERS
    due_on: date | None


@dataclass(frozen=True)
class Conversation:
    id: int
    round_id: int
    team_id: int
    employee_id: int
    manager_id: int
    scheduled_on: date | None
    selected_questions: tuple[str, ...]
    timer: timer.Timer
    duration_s: float | None
    held_at: datetime | None
    questions_picked: bool = True  # False until the manager first picks (then: suggestions)

    @property
    def held(self) -> bool:
        return self.held_at is not None


@dataclass(frozen=True)
class Record:
    conversation: Conversation
    themes: tuple[RaisedTheme, ...]
    agreements: tuple[Agreement, ...]


@dataclass(frozen=True)
class RosterEntry:
    employee: people.User
    held: bool
    scheduled_on: date | None


@functools.cache
def theme_ids() -> frozenset[str]:
    """The themes vocabulary: the same ids in every language (content checks that)."""
    return frozenset(t.id for t in content.load().get(content.DEFAULT_LANGUAGE).themes)


# --- who may reach whom ------------------------------------------------------------------


def my_employees(cur: Cursor, actor: people.User) -> list[people.User]:
    """The manager's active direct reports, by name."""
    if not actor.has(people.MANAGER):
        return []
    return people.direct_reports(cur, actor.id)


def employee_by_username(cur: Cursor, actor: people.User, username: str) -> people.User:
    """One of the manager's employees by username (e.g. from a link in a calendar invite)."""
    employee = people.by_username(cur, username)
    if employee is None or not people.manages(actor, employee.manager_id):
        raise NotAllowed("errors.not_your_employee")
    return employee


def rounds_for(cur: Cursor, actor: people.User, employee_id: int) -> list[rounds.Round]:
    """The rounds of the employee's team that have started (open or closed), newest first."""
    team_id = people.own_employee_team(cur, actor, employee_id)
    if team_id is None:
        return []
    rows = cur.all(
        f"SELECT {rounds.ROUND_COLUMNS} FROM rounds WHERE team_id = ? AND state <> ?"
        " ORDER BY state = 'open' DESC, created_at DESC, id DESC",
        [team_id, rounds.PLANNED],
    )
    return [rounds.Round(*row) for row in rows]


# --- reading -----------------------------------------------------------------------------


def _conversation(row: tuple) -> Conversation:
    (id_, round_id, team_id, employee_id, manager_id, scheduled_on, selected) = row[:7]
    started_at, accumulated_s, duration_s, held_at = row[7:]
    picked = json.loads(selected)  # null: the manager has not picked yet; []: picked none
    return Conversation(
        id=id_,
        round_id=round_id,
        team_id=team_id,
        employee_id=employee_id,
        manager_id=manager_id,
        scheduled_on=scheduled_on,
        selected_questions=tuple(picked or ()),
        timer=timer.Timer(started_at, accumulated_s),
        duration_s=duration_s,
        held_at=held_at,
        questions_picked=picked is not None,
    )


def _find(cur: Cursor, employee_id: int, round_id: int) -> Conversation | None:
    row = cur.one(
        f"SELECT {_COLUMNS} FROM conversations WHERE employee_id = ? AND round_id = ?",
        [employee_id, round_id],
    )
    return _conversation(row) if row else None


def _get(cur: Cursor, conversation_id: int) -> Conversation:
    row = cur.one(f"SELECT {_COLUMNS} FROM conversations WHERE id = ?", [conversation_id])
    if row is None:
        raise NotFound()
    return _conversation(row)


def _themes(cur: Cursor, conversation_id: int) -> tuple[RaisedTheme, ...]:
    rows = cur.all(
        "SELECT theme_id, polarity FROM conversation_themes WHERE conversation_id = ?"
        " ORDER BY polarity DESC, theme_id",
        [conversation_id],
    )
    return tuple(RaisedTheme(*row) for row in rows)


def _agreements(cur: Cursor, conversation_id: int) -> tuple[Agreement, ...]:
    rows = cur.all(
        "SELECT id, text_enc, owner, due_on FROM agreements WHERE conversation_id = ? ORDER BY id",
        [conversation_id],
    )
    return tuple(
        Agreement(id_, cur.cipher.decrypt(text), owner, due_on) for id_, text, owner, due_on in rows
    )


def record_for(
    cur: Cursor, actor: people.User, employee_id: int, round_id: int, *, now: float | None = None
) -> Record | None:
    """What was recorded about the employee in the round: for the employee and their manager.

    The manager's read is logged for the employee to see (audit.READ_RECORD; `now`,
    default the current time, drives the log's de-duplication).
    """
    if actor.id != employee_id:
        people.own_employee_team(cur, actor, employee_id)
    elif not actor.active:
        raise NotAllowed()  # a deactivated account reads nothing, its own record included
    conversation = _find(cur, employee_id, round_id)
    if conversation is None:
        return None
    if actor.id != employee_id:
        audit.record_read(
            cur, actor, employee_id, audit.READ_RECORD, now, detail=f"round {round_id}"
        )
    return Record(conversation, _themes(cur, conversation.id), _agreements(cur, conversation.id))


def default_questions(cur: Cursor, actor: people.User) -> tuple[str, ...]:
    """The manager's last question selection, offered for the next talk."""
    stored = cur.value(
        "SELECT default_questions FROM manager_preferences WHERE manager_id = ?", [actor.id]
    )
    return tuple(json.loads(stored)) if stored else ()


def preselected_questions(
    cur: Cursor, actor: people.User, conversation: Conversation, flagged: tuple[str, ...]
) -> tuple[str, ...]:
    """The questions to show as picked: the manager's pick for this talk once made; before
    that the questions the employee flagged, or else the manager's remembered default."""
    if conversation.questions_picked:
        return conversation.selected_questions
    wanted = set(flagged) or set(default_questions(cur, actor))
    return tuple(q for q in content.QUESTION_IDS if q in wanted)


def held_count(cur: Cursor, team_id: int, round_id: int) -> int:
    """How many conversations of the team's round are held (a count, no names)."""
    return int(
        cur.value(
            "SELECT count(*) FROM conversations"
            " WHERE team_id = ? AND round_id = ? AND held_at IS NOT NULL",
            [team_id, round_id],
        )
    )


def roster(cur: Cursor, actor: people.User, team_id: int, round_id: int) -> list[RosterEntry]:
    """The manager's employees in the team, each with only: held or not, and the date."""
    found = rounds.get(cur, round_id)
    if found.team_id != team_id or not rounds.manages_team(cur, actor, team_id):
        raise NotAllowed("errors.not_your_team")
    held = {
        employee_id: (held_at is not None, scheduled_on)
        for employee_id, held_at, scheduled_on in cur.all(
            "SELECT employee_id, held_at, scheduled_on FROM conversations WHERE round_id = ?",
            [round_id],
        )
    }
    return [
        RosterEntry(employee, *held.get(employee.id, (False, None)))
        for employee in my_employees(cur, actor)
        if employee.team_id == team_id
    ]


# --- opening -----------------------------------------------------------------------------


def open_conversation(
    cur: Cursor, actor: people.User, employee_id: int, round_id: int
) -> Conversation:
    """The employee's conversation of the round, created on first use while the round is open.

    The round's k is frozen when it gets its first conversation, so the threshold for its
    themes cannot be lowered once there is something to count.
    """
    team_id = people.own_employee_team(cur, actor, employee_id)
    found = rounds.get(cur, round_id)
    if found.team_id != team_id:
        raise NotAllowed("errors.not_your_employee")
    existing = _find(cur, employee_id, round_id)
    if existing is not None:
        return existing
    if found.state == rounds.PLANNED:
        raise Conflict("errors.round_not_open")
    if found.state == rounds.CLOSED:
        raise Conflict("errors.round_closed")
    try:
        with cur.transaction():
            cur.run(
                "INSERT INTO conversations"
                " (round_id, team_id, employee_id, manager_id, selected_questions)"
                " VALUES (?, ?, ?, ?, 'null')",
                [round_id, found.team_id, employee_id, actor.id],
            )
            cur.run(
                "UPDATE rounds SET k = ? WHERE id = ? AND k IS NULL",
                [settings.load(cur).k, round_id],
            )
    except (duckdb.ConstraintException, duckdb.TransactionException):
        pass  # opened at the same moment in another tab: use that one
    conversation = _find(cur, employee_id, round_id)
    if conversation is None:
        raise Conflict()
    return conversation


# --- changing ----------------------------------------------------------------------------


def _writable(cur: Cursor, actor: people.User, conversation_id: int) -> Conversation:
    """The conversation, if the actor is the employee's manager and its round is not closed."""
    try:
        conversation = _get(cur, conversation_id)
    except NotFound:
        raise NotAllowed("errors.not_your_employee") from None
    people.own_employee_team(cur, actor, conversation.employee_id)
    if rounds.get(cur, conversation.round_id).state == rounds.CLOSED:
        raise Conflict("errors.round_closed")
    return conversation


def _log_correction(cur: Cursor, actor: people.User, conversation: Conversation, what: str) -> None:
    """After the held mark every change is a correction, logged without its content."""
    if conversation.held:
        audit.record(
            cur,
            actor.id,
            actor.username,
            CORRECTED,
            conversation.employee_id,
            f"conversation {conversation.id}: {what}",
        )


def schedule(cur: Cursor, actor: people.User, conversation_id: int, on: date | None) -> None:
    _writable(cur, actor, conversation_id)
    cur.run("UPDATE conversations SET scheduled_on = ? WHERE id = ?", [on, conversation_id])


def select_questions(
    cur: Cursor, actor: people.User, conversation_id: int, question_ids
) -> tuple[str, ...]:
    """Store the picked questions (in reading order) and remember them as the default."""
    _writable(cur, actor, conversation_id)
    wanted = set(question_ids)
    if not wanted <= set(content.QUESTION_IDS):
        raise InvalidInput("errors.question_unknown")
    picked = tuple(q for q in content.QUESTION_IDS if q in wanted)
    stored = json.dumps(list(picked))
    with cur.transaction():
        cur.run(
            "UPDATE conversations SET selected_questions = ? WHERE id = ?",
            [stored, conversation_id],
        )
        cur.put(
            "UPDATE manager_preferences SET default_questions = ? WHERE manager_id = ?",
            "INSERT INTO manager_preferences (default_questions, manager_id) VALUES (?, ?)",
            [stored, actor.id],
        )
    return picked


def _set_timer(cur: Cursor, actor: people.User, conversation_id: int, change) -> Conversation:
    conversation = _writable(cur, actor, conversation_id)
    if conversation.held:
        raise Conflict("errors.conversation_held")  # the held duration stays as recorded
    new = change(conversation.timer)
    cur.run(
        "UPDATE conversations SET timer_started_at = ?, timer_accumulated_s = ? WHERE id = ?",
        [new.started_at, new.accumulated_s, conversation_id],
    )
    return _get(cur, conversation_id)


def timer_start(cur: Cursor, actor: people.User, conversation_id: int, now: float) -> Conversation:
    """Start, or resume after a pause."""
    return _set_timer(cur, actor, conversation_id, lambda t: timer.start(t, now))


def timer_pause(cur: Cursor, actor: people.User, conversation_id: int, now: float) -> Conversation:
    return _set_timer(cur, actor, conversation_id, lambda t: timer.pause(t, now))


def timer_reset(cur: Cursor, actor: people.User, conversation_id: int, now: float) -> Conversation:
    return _set_timer(cur, actor, conversation_id, lambda t: timer.reset())


def add_theme(
    cur: Cursor,
    actor: people.User,
    conversation_id: int,
    theme_id: str,
    polarity: str,
    now: float,
) -> tuple[RaisedTheme, ...]:
    """Record a theme from the vocabulary as straining or protective (once per polarity).
    Returns the conversation's themes as stored after the change."""
    conversation = _writable(cur, actor, conversation_id)
    if theme_id not in theme_ids():
        raise InvalidInput("errors.theme_unknown")
    if polarity not in POLARITIES:
        raise InvalidInput("errors.polarity_unknown")
    return _write_theme(
        cur,
        actor,
        conversation,
        # Not ON CONFLICT DO NOTHING: DuckDB takes half as long again for that.
        "INSERT INTO conversation_themes (conversation_id, theme_id, polarity)"
        " SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM conversation_themes"
        " WHERE conversation_id = $1 AND theme_id = $2 AND polarity = $3)",
        theme_id,
        polarity,
        "theme added",
    )


def remove_theme(
    cur: Cursor,
    actor: people.User,
    conversation_id: int,
    theme_id: str,
    polarity: str,
    now: float,
) -> tuple[RaisedTheme, ...]:
    """Take a theme back; returns the conversation's themes as stored after the change."""
    return _write_theme(
        cur,
        actor,
        _writable(cur, actor, conversation_id),
        "DELETE FROM conversation_themes"
        " WHERE conversation_id = ? AND theme_id = ? AND polarity = ?",
        theme_id,
        polarity,
        "theme removed",
    )


def _write_theme(
    cur: Cursor,
    actor: people.User,
    conversation: Conversation,
    sql: str,
    theme_id: str,
    polarity: str,
    what: str,
) -> tuple[RaisedTheme, ...]:
    """One statement on the conversation's (theme, polarity) row, logged as a correction
    once the conversation is held. `sql` takes conversation id, theme id and polarity.
    Returns the themes as the transaction leaves them."""
    with cur.transaction():
        cur.run(sql, [conversation.id, theme_id, polarity])
        _log_correction(cur, actor, conversation, what)
        return _themes(cur, conversation.id)


def add_agreement(
    cur: Cursor,
    actor: people.User,
    conversation_id: int,
    text: str,
    owner: str,
    due_on: date | None,
    now: float,
) -> Agreement:
    """Record an individual agreement: what, who carries it out, and by when (optional)."""
    conversation = _writable(cur, actor, conversation_id)
    text = text.strip()
    if not text or len(text) > MAX_AGREEMENT_CHARS:
        raise InvalidInput("errors.agreement_text", limit=MAX_AGREEMENT_CHARS)
    if owner not in OWNERS:
        raise InvalidInput("errors.agreement_owner")
    count = cur.value(
        "SELECT count(*) FROM agreements WHERE conversation_id = ?", [conversation_id]
    )
    if count >= MAX_AGREEMENTS:
        raise Conflict("errors.too_many_agreements", limit=MAX_AGREEMENTS)
    with cur.transaction():
        agreement_id = cur.value(
            "INSERT INTO agreements (conversation_id, text_enc, owner, due_on)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            [conversation_id, cur.cipher.encrypt(text), owner, due_on],
        )
        _log_correction(cur, actor, conversation, "agreement added")
    return Agreement(int(agreement_id), text, owner, due_on)


def remove_agreement(
    cur: Cursor, actor: people.User, conversation_id: int, agreement_id: int, now: float
) -> None:
    conversation = _writable(cur, actor, conversation_id)
    with cur.transaction():
        cur.run(
            "DELETE FROM agreements WHERE id = ? AND conversation_id = ?",
            [agreement_id, conversation_id],
        )
        _log_correction(cur, actor, conversation, "agreement removed")


def mark_held(cur: Cursor, actor: people.User, conversation_id: int, now: float) -> Conversation:
    """The talk took place: record its duration from the timer and stop the timer."""
    conversation = _writable(cur, actor, conversation_id)
    if conversation.held:
        raise Conflict("errors.already_held")
    stopped = timer.pause(conversation.timer, now)
    with cur.transaction():
        cur.run(
            "UPDATE conversations SET held_at = to_timestamp(?)::TIMESTAMP, duration_s = ?,"
            " timer_started_at = NULL, timer_accumulated_s = ? WHERE id = ?",
            [now, stopped.accumulated_s, stopped.accumulated_s, conversation_id],
        )
        audit.record(
            cur,
            actor.id,
            actor.username,
            HELD,
            conversation.employee_id,
            f"conversation {conversation_id}",
        )
    return _get(cur, conversation_id)
