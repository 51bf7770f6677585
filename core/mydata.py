""" "My data": everything the app holds about the acting user, to take along or delete.

Every function works on the actor's own data only; none takes another user's id, so
there is nothing to tamper with. What an export holds: the account, every preparation
(notes decrypted, with their flags and sharing, the zone placement and the ready mark),
every conversation recorded about the actor, and the audit entries about or by them,
including who read their shared items and records (audit.READS).

Deleting keeps what belongs to the manager's record of a held conversation: the themes
and agreements, and the notes that were shared for it (core/preparation.py: a shared
note cannot change once the conversation is held). Flags and ready marks stay too, as
retention keeps them.
"""

import dataclasses
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

from core import audit, content, exports, people, preparation
from core.db import Cursor
from core.errors import NotAllowed

EXPORT = "export"
DELETE_PRIVATE = "delete_private"
JSON, PDF, MARKDOWN = "json", "pdf", "markdown"
FORMATS = (JSON, PDF, MARKDOWN)
# Years of daily logins fit; a longer history is an outlier the admin's log still holds.
MAX_LOG_ENTRIES = 10_000
MAX_SHOWN_READS = 200  # the page lists the newest reads; the export holds them all
DATE_FORMAT = "%d-%m-%Y"
TIME_FORMAT = "%d-%m-%Y %H:%M"


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    email: str
    roles: tuple[str, ...]
    team: str | None
    manager: str | None  # the manager's full name
    language: str | None  # None: the organisation's default
    created_at: datetime


@dataclass(frozen=True)
class Note:
    item_id: str  # content.PREPARATION_ITEM or one of content.QUESTION_IDS
    text: str
    flagged: bool  # "I would like to talk about this"
    shared: bool  # the manager can read the text
    updated_at: datetime | None  # UTC


@dataclass(frozen=True)
class Preparation:
    round_id: int
    round: str
    team: str
    round_state: str
    zone: str | None  # private self-placement, never shown to anyone else
    ready: bool
    notes: tuple[Note, ...]  # items ever saved, in guide order


@dataclass(frozen=True)
class Theme:
    theme_id: str
    polarity: str  # conversations.POLARITIES


@dataclass(frozen=True)
class Agreement:
    text: str
    owner: str  # conversations.OWNERS
    due_on: date | None


@dataclass(frozen=True)
class Conversation:
    round_id: int
    round: str
    manager: str  # full name
    scheduled_on: date | None
    questions: tuple[str, ...]  # the guide questions the manager picked
    held_at: datetime | None
    duration_s: float | None
    themes: tuple[Theme, ...]
    agreements: tuple[Agreement, ...]


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    actor: str  # full name of who did it
    action: str
    about_me: bool  # False: something the actor did that concerns someone or something else
    detail: str  # never content: ids, counts, outcomes


@dataclass(frozen=True)
class MyData:
    exported_at: datetime  # UTC
    account: Account
    preparations: tuple[Preparation, ...]
    conversations: tuple[Conversation, ...]
    log: tuple[LogEntry, ...]  # newest first


@dataclass(frozen=True)
class Deleted:
    notes: int  # notes whose text was (or would be) deleted
    zones: int  # zone placements deleted
    kept: int  # shared notes of held conversations: part of the manager's record, kept


# --- access ------------------------------------------------------------------------------


def _me(cur: Cursor, actor: people.User) -> people.User:
    """The actor as stored now; a deactivated account has no data rights in the app."""
    me = people.get(cur, actor.id)
    if not me.active:
        raise NotAllowed()
    return me


# --- gathering ---------------------------------------------------------------------------


def _stamp(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC)


def _account(cur: Cursor, me: people.User) -> Account:
    team, manager, created_at = cur.one(
        "SELECT t.name, m.name, u.created_at FROM users u"
        " LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id"
        " WHERE u.id = ?",
        [me.id],
    )
    return Account(
        me.username,
        me.name,
        me.email,
        tuple(r for r in people.ROLES if r in me.roles),
        team,
        manager,
        me.language,
        created_at,
    )


def _notes(cur: Cursor, user_id: int, round_id: int) -> tuple[Note, ...]:
    rows = cur.all(
        "SELECT item_id, note_enc, flagged, shared, updated_at FROM preparation_items"
        " WHERE user_id = ? AND round_id = ?",
        [user_id, round_id],
    )
    order = {item_id: i for i, item_id in enumerate(preparation.ITEM_IDS)}
    rows.sort(key=lambda row: (order.get(row[0], len(order)), row[0]))
    return tuple(
        Note(
            item_id,
            cur.cipher.decrypt(note_enc),
            bool(flagged),
            bool(shared),
            updated_at.replace(tzinfo=UTC) if updated_at else None,
        )
        for item_id, note_enc, flagged, shared, updated_at in rows
    )


def _preparations(cur: Cursor, user_id: int) -> tuple[Preparation, ...]:
    rows = cur.all(
        "SELECT r.id, r.name, coalesce(t.name, ''), r.state, p.zone, coalesce(p.ready, FALSE)"
        " FROM rounds r LEFT JOIN teams t ON t.id = r.team_id"
        " LEFT JOIN preparations p ON p.round_id = r.id AND p.user_id = ?"
        " WHERE r.id IN (SELECT round_id FROM preparations WHERE user_id = ?"
        "  UNION SELECT round_id FROM preparation_items WHERE user_id = ?)"
        " ORDER BY r.created_at, r.id",
        [user_id, user_id, user_id],
    )
    return tuple(
        Preparation(round_id, name, team, state, zone, bool(ready), _notes(cur, user_id, round_id))
        for round_id, name, team, state, zone, ready in rows
    )


def _conversations(cur: Cursor, user_id: int) -> tuple[Conversation, ...]:
    rows = cur.all(
        "SELECT c.id, c.round_id, coalesce(r.name, ''), coalesce(m.name, ''), c.scheduled_on,"
        " c.selected_questions, c.held_at, c.duration_s FROM conversations c"
        " LEFT JOIN rounds r ON r.id = c.round_id LEFT JOIN users m ON m.id = c.manager_id"
        " WHERE c.employee_id = ? ORDER BY c.created_at, c.id",
        [user_id],
    )
    found = []
    for conversation_id, round_id, round_name, manager, scheduled_on, picked, held_at, dur in rows:
        themes = cur.all(
            "SELECT theme_id, polarity FROM conversation_themes WHERE conversation_id = ?"
            " ORDER BY polarity DESC, theme_id",
            [conversation_id],
        )
        agreements = cur.all(
            "SELECT text_enc, owner, due_on FROM agreements WHERE conversation_id = ? ORDER BY id",
            [conversation_id],
        )
        found.append(
            Conversation(
                round_id,
                round_name,
                manager,
                scheduled_on,
                tuple(json.loads(picked) or ()),
                held_at,
                dur,
                tuple(Theme(*row) for row in themes),
                tuple(Agreement(cur.cipher.decrypt(t), o, d) for t, o, d in agreements),
            )
        )
    return tuple(found)


def _entry(entry: audit.Entry, user_id: int) -> LogEntry:
    return LogEntry(
        entry.at,
        entry.actor_name or entry.actor,
        entry.action,
        entry.subject_id == user_id,
        entry.detail,
    )


def export(
    cur: Cursor, actor: people.User, now: float | None = None, *, file_format: str = JSON
) -> MyData:
    """Everything the app holds about the actor. The export itself is logged (format only)."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    me = _me(cur, actor)
    now = time.time() if now is None else now
    with cur.transaction():  # one consistent snapshot, and no log entry for a failed export
        audit.record(cur, me.id, me.username, EXPORT, me.id, file_format)
        return MyData(
            _stamp(now),
            _account(cur, me),
            _preparations(cur, me.id),
            _conversations(cur, me.id),
            tuple(_entry(e, me.id) for e in audit.entries_about(cur, me.id, MAX_LOG_ENTRIES)),
        )


def reads(cur: Cursor, actor: people.User, limit: int = MAX_SHOWN_READS) -> tuple[LogEntry, ...]:
    """Who read the actor's shared items or conversation records and when, newest first."""
    me = _me(cur, actor)
    return tuple(_entry(e, me.id) for e in audit.reads_about(cur, me.id, limit))


def _json_value(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(data: MyData) -> str:
    """The export as JSON: the dataclass tree with dates and times in ISO 8601."""
    return json.dumps(dataclasses.asdict(data), ensure_ascii=False, indent=2, default=_json_value)


# --- deleting ----------------------------------------------------------------------------

_HELD_ROUNDS = "SELECT round_id FROM conversations WHERE employee_id = ? AND held_at IS NOT NULL"
# A note whose text goes: every non-empty one except those shared for a held talk.
_DELETABLE_NOTES = (
    f"user_id = ? AND note_enc <> '' AND NOT (shared AND round_id IN ({_HELD_ROUNDS}))"
)


def delete_private(
    cur: Cursor, actor: people.User, now: float, *, dry_run: bool = False
) -> Deleted:
    """Delete the text of the actor's notes and their zone placements, in every round.

    A note shared for a conversation that is held stays, as the manager's record; a note
    shared for a talk not yet held is deleted (and so no longer shared), just as the
    author could empty it. With dry_run only count. Logged without content.
    """
    me = _me(cur, actor)
    with cur.transaction():
        notes = int(
            cur.value(
                f"SELECT count(*) FROM preparation_items WHERE {_DELETABLE_NOTES}", [me.id, me.id]
            )
        )
        zones = int(
            cur.value(
                "SELECT count(*) FROM preparations WHERE user_id = ? AND zone IS NOT NULL", [me.id]
            )
        )
        kept = int(
            cur.value(
                "SELECT count(*) FROM preparation_items WHERE user_id = ? AND shared"
                f" AND note_enc <> '' AND round_id IN ({_HELD_ROUNDS})",
                [me.id, me.id],
            )
        )
        if dry_run:
            return Deleted(notes, zones, kept)
        stamp = _stamp(now).replace(tzinfo=None)  # the tables store naive UTC
        cur.run(
            f"UPDATE preparation_items SET note_enc = '', shared = FALSE, updated_at = ?"
            f" WHERE {_DELETABLE_NOTES}",
            [stamp, me.id, me.id],
        )
        cur.run(
            "UPDATE preparations SET zone = NULL, updated_at = ?"
            " WHERE user_id = ? AND zone IS NOT NULL",
            [stamp, me.id],
        )
        audit.record(cur, me.id, me.username, DELETE_PRIVATE, me.id, f"notes={notes} zones={zones}")
    return Deleted(notes, zones, kept)


# --- the readable document ---------------------------------------------------------------


def _when(value: datetime | date | None, pattern: str = TIME_FORMAT) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone()  # the server's clock, as the rest of the app shows it
    return value.strftime(pattern)


def action_name(action: str, language: content.Language) -> str:
    """An audit action in words; an action without a text shows its name."""
    key = f"mydata.action_{action}"
    return language.t(key) if key in language.ui else action


def describe(entry: LogEntry, language: content.Language) -> str:
    """One log entry as a line: a sentence for reads of my things, else when · who · what."""
    when = _when(entry.at)
    if entry.about_me and entry.action in audit.READS:
        return language.t(f"mydata.read_{entry.action}", who=entry.actor, when=when)
    line = language.t(
        "mydata.log_line", when=when, who=entry.actor, what=action_name(entry.action, language)
    )
    return f"{line} ({entry.detail})" if entry.detail else line


def _item_label(item_id: str, language: content.Language) -> str:
    if item_id == content.PREPARATION_ITEM:
        return language.guide.preparation_question
    try:
        question = language.guide.question(item_id)
    except KeyError:
        return item_id
    return question.text


def _theme_label(theme_id: str, language: content.Language) -> str:
    try:
        return language.theme(theme_id).label
    except KeyError:
        return theme_id


def _account_section(account: Account, language: content.Language) -> exports.Section:
    t = language.t
    roles = ", ".join(t(f"admin.role_{role}") for role in account.roles)
    chosen = account.language if account.language in content.LANGUAGES else "default"
    fields = (
        ("field_username", account.username),
        ("field_name", account.name),
        ("field_email", account.email),
        ("field_roles", roles),
        ("field_team", account.team),
        ("field_manager", account.manager),
        ("field_language", t(f"mydata.language_{chosen}")),
        ("field_created", _when(account.created_at, DATE_FORMAT)),
    )
    lines = tuple(f"{t(f'mydata.{key}')}: {value or t('mydata.none')}" for key, value in fields)
    return exports.Section(t("mydata.doc_account"), (exports.Bullets(lines),))


def _note_blocks(note: Note, language: content.Language) -> tuple[exports.Block, ...]:
    t = language.t
    status = [t("mydata.note_shared") if note.shared else t("mydata.note_private")]
    if note.flagged:
        status.append(t("mydata.note_flagged"))
    if note.updated_at is not None:
        status.append(t("mydata.note_saved", date=_when(note.updated_at)))
    return (
        exports.Heading(_item_label(note.item_id, language)),
        exports.Paragraph(note.text if note.text.strip() else t("mydata.note_empty")),
        exports.Paragraph(" · ".join(status), muted=True),
    )


def _preparation_section(prep: Preparation, language: content.Language) -> exports.Section:
    t = language.t
    zones = {zone.id: zone.name for zone in language.stress_tool.zones}
    blocks: list[exports.Block] = [
        exports.Paragraph(t("mydata.round_state", state=t(f"preparation.state_{prep.round_state}")))
    ]
    for note in prep.notes:
        blocks += _note_blocks(note, language)
    zone = zones.get(prep.zone or "", t("mydata.zone_none"))
    blocks.append(exports.Heading(t("mydata.zone_title")))
    blocks.append(exports.Paragraph(zone))
    blocks.append(exports.Paragraph(t("mydata.ready_yes" if prep.ready else "mydata.ready_no")))
    heading = t("mydata.doc_preparation", round=prep.round, team=prep.team)
    return exports.Section(heading, tuple(blocks))


def _conversation_section(conv: Conversation, language: content.Language) -> exports.Section:
    t = language.t
    facts = [t("mydata.conv_manager", name=conv.manager)]
    if conv.scheduled_on:
        facts.append(t("mydata.conv_scheduled", date=_when(conv.scheduled_on, DATE_FORMAT)))
    if conv.held_at:
        whole = int(conv.duration_s or 0)
        duration = f"{whole // 60:02d}:{whole % 60:02d}"
        facts.append(t("mydata.conv_held", date=_when(conv.held_at), duration=duration))
    else:
        facts.append(t("mydata.conv_not_held"))
    blocks: list[exports.Block] = [exports.Bullets(tuple(facts))]
    if conv.questions:
        blocks.append(exports.Heading(t("mydata.conv_questions")))
        blocks.append(exports.Bullets(tuple(_item_label(q, language) for q in conv.questions)))
    blocks.append(exports.Heading(t("mydata.conv_themes")))
    themes = tuple(
        f"{_theme_label(th.theme_id, language)} ({t(f'themes.polarity_{th.polarity}')})"
        for th in conv.themes
    )
    blocks.append(exports.Bullets(themes) if themes else exports.Paragraph(t("mydata.conv_none")))
    blocks.append(exports.Heading(t("mydata.conv_agreements")))
    for agreement in conv.agreements:
        details = [t(f"conversation.owner_{agreement.owner}")]
        if agreement.due_on:
            details.append(t("mydata.conv_due", date=_when(agreement.due_on, DATE_FORMAT)))
        blocks.append(exports.Paragraph(agreement.text))
        blocks.append(exports.Paragraph(" · ".join(details), muted=True))
    if not conv.agreements:
        blocks.append(exports.Paragraph(t("mydata.conv_none")))
    blocks.append(exports.Paragraph(t("mydata.record_stays"), muted=True))
    return exports.Section(t("mydata.doc_conversation", round=conv.round), tuple(blocks))


def document(data: MyData, language: content.Language) -> exports.Document:
    """The export as a readable document (for exports.to_pdf / to_markdown)."""
    t = language.t
    sections = [_account_section(data.account, language)]
    sections += [_preparation_section(p, language) for p in data.preparations]
    if not data.preparations:
        none = (exports.Paragraph(t("mydata.no_preparations")),)
        sections.append(exports.Section(t("mydata.doc_preparations"), none))
    sections += [_conversation_section(c, language) for c in data.conversations]
    if not data.conversations:
        none = (exports.Paragraph(t("mydata.no_conversations")),)
        sections.append(exports.Section(t("mydata.doc_conversations"), none))
    log: list[exports.Block] = [exports.Paragraph(t("mydata.log_intro"), muted=True)]
    log.append(
        exports.Bullets(tuple(describe(e, language) for e in data.log))
        if data.log
        else exports.Paragraph(t("mydata.none"))
    )
    sections.append(exports.Section(t("mydata.doc_log"), tuple(log)))
    intro = t("mydata.doc_intro", date=_when(data.exported_at))
    return exports.Document(
        t("mydata.doc_title"), tuple(sections), intro=(exports.Paragraph(intro, muted=True),)
    )
