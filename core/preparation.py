"""An employee's private preparation for their MUS: notes, flags, sharing, zone, ready.

Who sees what (DESIGN.md, "Roles and what each may see"):
- the author reads and writes everything of their own preparation;
- their own manager reads the "talk about this" flags, the ready mark and the text of
  items the author explicitly shared, nothing else (shared_view, readiness);
- nobody else, administrators included, gets anything. The zone self-placement is never
  returned to anyone but its author and never counted.

Writes need the round to be open. A shared item stays shared once the conversation is
held: from then on it can neither be unshared nor edited, since the manager has talked
with the employee about exactly that text.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import MappingProxyType

from core import audit, content, exports, people, rounds
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed

MAX_NOTE_CHARS = 10_000  # a page of text; more is a paste accident
ITEM_IDS = (content.PREPARATION_ITEM, *content.QUESTION_IDS)  # in guide order
ITEM_SHARED = "item_shared"
ITEM_UNSHARED = "item_unshared"


@dataclass(frozen=True)
class Item:
    item_id: str
    note: str
    flagged: bool
    shared: bool
    updated_at: datetime | None  # UTC; None while nothing was ever saved


@dataclass(frozen=True)
class Preparation:
    user_id: int
    round_id: int
    items: Mapping[str, Item]  # every id of ITEM_IDS, empty ones too
    zone: str | None  # private to the author, always
    ready: bool


@dataclass(frozen=True)
class SharedView:
    """What the employee's manager may see: flags, ready, and shared text only."""

    employee_id: int
    round_id: int
    flagged: tuple[str, ...]  # item ids in guide order
    shared: tuple[tuple[str, str], ...]  # (item id, note text) in guide order
    ready: bool


# --- access -----------------------------------------------------------------------------


def _own_round(cur: Cursor, actor: people.User, round_id: int) -> rounds.Round:
    """The round, if the actor is an employee of its team (it is their preparation)."""
    round_ = rounds.get(cur, round_id)
    if not (actor.active and actor.has(people.EMPLOYEE) and actor.team_id == round_.team_id):
        raise NotAllowed("errors.not_your_round")
    return round_


def _open_round(cur: Cursor, actor: people.User, round_id: int) -> rounds.Round:
    round_ = _own_round(cur, actor, round_id)
    if round_.state != rounds.OPEN:
        raise Conflict("errors.preparation_not_open")
    return round_


def _known_item(item_id: str) -> str:
    if item_id not in ITEM_IDS:
        raise InvalidInput("errors.unknown_item")
    return item_id


def _held(cur: Cursor, employee_id: int, round_id: int) -> bool:
    return bool(
        cur.value(
            "SELECT count(*) FROM conversations"
            " WHERE round_id = ? AND employee_id = ? AND held_at IS NOT NULL",
            [round_id, employee_id],
        )
    )


# --- reading ----------------------------------------------------------------------------


def _stamp(now: float) -> datetime:
    """Epoch seconds as the naive UTC timestamp the table stores."""
    return datetime.fromtimestamp(now, UTC).replace(tzinfo=None)


def _item(cur: Cursor, user_id: int, round_id: int, item_id: str) -> Item:
    row = cur.one(
        "SELECT note_enc, flagged, shared, updated_at FROM preparation_items"
        " WHERE user_id = ? AND round_id = ? AND item_id = ?",
        [user_id, round_id, item_id],
    )
    if row is None:
        return Item(item_id, "", False, False, None)
    note_enc, flagged, shared, updated_at = row
    return Item(item_id, cur.cipher.decrypt(note_enc), flagged, shared, _utc(updated_at))


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


def _stored_items(cur: Cursor, user_id: int, round_id: int) -> dict[str, tuple]:
    rows = cur.all(
        "SELECT item_id, note_enc, flagged, shared, updated_at FROM preparation_items"
        " WHERE user_id = ? AND round_id = ?",
        [user_id, round_id],
    )
    return {row[0]: row[1:] for row in rows}


def load(cur: Cursor, actor: people.User, round_id: int) -> Preparation:
    """The actor's own preparation for a round of their team."""
    _own_round(cur, actor, round_id)
    return _load(cur, actor, round_id)


def _load(cur: Cursor, actor: people.User, round_id: int) -> Preparation:
    stored = _stored_items(cur, actor.id, round_id)
    items = {}
    for item_id in ITEM_IDS:
        if item_id in stored:
            note_enc, flagged, shared, updated_at = stored[item_id]
            note = cur.cipher.decrypt(note_enc)
            items[item_id] = Item(item_id, note, flagged, shared, _utc(updated_at))
        else:
            items[item_id] = Item(item_id, "", False, False, None)
    row = cur.one(
        "SELECT zone, ready FROM preparations WHERE user_id = ? AND round_id = ?",
        [actor.id, round_id],
    )
    zone, ready = row if row else (None, False)
    return Preparation(actor.id, round_id, MappingProxyType(items), zone, ready)


@dataclass(frozen=True)
class Overview:
    """The employee's current round as their preparation page shows it."""

    round: rounds.Round
    preparation: Preparation
    conversation_on: date | None  # the planned day of their conversation, if set
    held: bool  # their conversation in the round is marked held


def overview(cur: Cursor, actor: people.User) -> Overview | None:
    """The actor's current round with their own preparation and their conversation's day
    and state; None without a team or a round. Four reads: the page's every click."""
    round_ = rounds.current_for_member(cur, actor)
    if round_ is None:
        return None
    if not actor.has(people.EMPLOYEE):
        raise NotAllowed("errors.not_your_round")
    row = cur.one(
        "SELECT scheduled_on, held_at IS NOT NULL FROM conversations"
        " WHERE round_id = ? AND employee_id = ?",
        [round_.id, actor.id],
    )
    conversation_on, held = row if row else (None, False)
    return Overview(round_, _load(cur, actor, round_.id), conversation_on, held)


# --- writing ----------------------------------------------------------------------------


def _store_item(
    cur: Cursor, actor: people.User, round_id: int, item: Item, now: float, *, replacing: Item
) -> None:
    """Write the item's row over `replacing`, the item as read in the caller's transaction.

    An UPDATE of the known row, not an INSERT ... ON CONFLICT: DuckDB takes three times
    as long for that, and this is the write of the app's most frequent click."""
    values = [cur.cipher.encrypt(item.note), item.flagged, item.shared, _stamp(now)]
    if replacing.updated_at is not None:  # it was saved before: its row exists
        cur.run(
            "UPDATE preparation_items SET note_enc = ?, flagged = ?, shared = ?, updated_at = ?"
            " WHERE user_id = ? AND round_id = ? AND item_id = ?",
            [*values, actor.id, round_id, item.item_id],
        )
    else:
        cur.run(
            "INSERT INTO preparation_items"
            " (note_enc, flagged, shared, updated_at, user_id, round_id, item_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [*values, actor.id, round_id, item.item_id],
        )


def _audit_sharing(cur: Cursor, actor: people.User, round_id: int, item_id: str, shared: bool):
    action = ITEM_SHARED if shared else ITEM_UNSHARED
    audit.record(cur, actor.id, actor.username, action, actor.id, f"{round_id}:{item_id}")


def save_note(
    cur: Cursor,
    actor: people.User,
    round_id: int,
    item_id: str,
    note: str,
    now: float,
    *,
    expected: str | None = None,
) -> Item:
    """Store the actor's note on one item and return the item as stored.

    Over MAX_NOTE_CHARS nothing changes and the earlier text stays. With `expected` (the
    text the caller last saw stored), a note changed meanwhile elsewhere, e.g. in a second
    tab, is not overwritten: Conflict("errors.note_changed_elsewhere"). A shared note
    emptied before the conversation is held stops being shared; once the conversation is
    held a shared note cannot change.
    """
    _known_item(item_id)
    _open_round(cur, actor, round_id)
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("errors.note_too_long", limit=MAX_NOTE_CHARS, length=len(note))
    with cur.transaction():
        current = _item(cur, actor.id, round_id, item_id)
        if note == current.note:
            return current
        if expected is not None and current.note != expected:
            raise Conflict("errors.note_changed_elsewhere")
        if current.shared and _held(cur, actor.id, round_id):
            raise Conflict("errors.shared_after_held")
        shared = current.shared and bool(note.strip())
        _store_item(
            cur,
            actor,
            round_id,
            Item(item_id, note, current.flagged, shared, None),
            now,
            replacing=current,
        )
        if current.shared and not shared:
            _audit_sharing(cur, actor, round_id, item_id, shared=False)
    return Item(item_id, note, current.flagged, shared, _utc(_stamp(now)))


def set_flag(
    cur: Cursor, actor: people.User, round_id: int, item_id: str, flagged: bool, now: float
) -> None:
    """Mark or unmark an item as "I would like to talk about this"."""
    _known_item(item_id)
    _open_round(cur, actor, round_id)
    with cur.transaction():
        current = _item(cur, actor.id, round_id, item_id)
        if current.flagged != flagged:
            item = Item(item_id, current.note, flagged, current.shared, None)
            _store_item(cur, actor, round_id, item, now, replacing=current)


def share(cur: Cursor, actor: people.User, round_id: int, item_id: str, now: float) -> None:
    """Let the actor's manager read this note from now on. An empty note cannot be shared."""
    _known_item(item_id)
    _open_round(cur, actor, round_id)
    with cur.transaction():
        current = _item(cur, actor.id, round_id, item_id)
        if current.shared:
            return
        if not current.note.strip():
            raise InvalidInput("errors.share_empty")
        item = Item(item_id, current.note, current.flagged, True, None)
        _store_item(cur, actor, round_id, item, now, replacing=current)
        _audit_sharing(cur, actor, round_id, item_id, shared=True)


def unshare(cur: Cursor, actor: people.User, round_id: int, item_id: str, now: float) -> None:
    """Make a shared note private again; refused once the conversation is held."""
    _known_item(item_id)
    _open_round(cur, actor, round_id)
    with cur.transaction():
        current = _item(cur, actor.id, round_id, item_id)
        if not current.shared:
            return
        if _held(cur, actor.id, round_id):
            raise Conflict("errors.already_held")
        item = Item(item_id, current.note, current.flagged, False, None)
        _store_item(cur, actor, round_id, item, now, replacing=current)
        _audit_sharing(cur, actor, round_id, item_id, shared=False)


def _set_preparation(
    cur: Cursor, actor: people.User, round_id: int, column: str, value: object, now: float
) -> None:
    """Set one column of the actor's preparation row, making the row on first use."""
    cur.put(
        f"UPDATE preparations SET {column} = ?, updated_at = ? WHERE user_id = ? AND round_id = ?",
        f"INSERT INTO preparations ({column}, updated_at, user_id, round_id) VALUES (?, ?, ?, ?)",
        [value, _stamp(now), actor.id, round_id],
    )


def set_zone(cur: Cursor, actor: people.User, round_id: int, zone: str | None, now: float) -> None:
    """The actor's private self-placement in the zone model; None clears it."""
    if zone is not None and zone not in content.ZONE_IDS:
        raise InvalidInput("errors.unknown_zone")
    _open_round(cur, actor, round_id)
    _set_preparation(cur, actor, round_id, "zone", zone, now)


def set_ready(cur: Cursor, actor: people.User, round_id: int, ready: bool, now: float) -> None:
    """Tell the manager the actor has prepared (a flag only, no content)."""
    _open_round(cur, actor, round_id)
    _set_preparation(cur, actor, round_id, "ready", bool(ready), now)


# --- what the manager sees --------------------------------------------------------------


def shared_view(
    cur: Cursor, actor: people.User, employee_id: int, round_id: int, *, now: float | None = None
) -> SharedView:
    """For the employee's own manager only: flags, ready mark and shared notes.

    When there is shared text, the read is logged for the employee to see (audit.READ_SHARED;
    `now`, default the current time, drives the log's de-duplication).
    """
    team_id = people.own_employee_team(cur, actor, employee_id)
    round_ = rounds.get(cur, round_id)
    if round_.team_id != team_id:
        raise NotAllowed("errors.not_your_employee")
    stored = _stored_items(cur, employee_id, round_id)
    flagged = tuple(i for i in ITEM_IDS if i in stored and stored[i][1])
    shared = []
    for item_id in ITEM_IDS:
        if item_id in stored and stored[item_id][2]:
            note = cur.cipher.decrypt(stored[item_id][0])
            if note.strip():
                shared.append((item_id, note))
    ready = cur.value(
        "SELECT ready FROM preparations WHERE user_id = ? AND round_id = ?",
        [employee_id, round_id],
    )
    if shared:
        audit.record_read(
            cur, actor, employee_id, audit.READ_SHARED, now, detail=f"round {round_id}"
        )
    return SharedView(employee_id, round_id, flagged, tuple(shared), bool(ready))


def readiness(cur: Cursor, actor: people.User, team_id: int, round_id: int) -> dict[int, bool]:
    """For the team's manager: each active employee of the team → marked ready or not."""
    if not rounds.manages_team(cur, actor, team_id):
        raise NotAllowed("errors.not_your_team")
    if rounds.get(cur, round_id).team_id != team_id:
        raise NotAllowed("errors.not_your_team")
    rows = cur.all(
        "SELECT u.id, coalesce(p.ready, FALSE) FROM users u"
        " JOIN user_roles r ON r.user_id = u.id AND r.role = ?"
        " LEFT JOIN preparations p ON p.user_id = u.id AND p.round_id = ?"
        " WHERE u.team_id = ? AND u.active ORDER BY u.name, u.id",
        [people.EMPLOYEE, round_id, team_id],
    )
    return {int(user_id): bool(ready) for user_id, ready in rows}


# --- take it along ----------------------------------------------------------------------


def _item_blocks(item: Item, language: content.Language) -> tuple[exports.Block, ...]:
    t = language.t
    status = [t("preparation.export_shared") if item.shared else t("preparation.export_private")]
    if item.flagged:
        status.append(t("preparation.export_flagged"))
    note = item.note if item.note.strip() else t("preparation.export_no_note")
    return (exports.Paragraph(note), exports.Paragraph(" · ".join(status), muted=True))


def _prompts(question: content.Question) -> tuple[exports.Block, ...]:
    prompts = []
    for followup in question.followups:
        prompts.append(followup.text)
        prompts += [f"\u2013 {sub}" for sub in followup.followups]
    return (exports.Bullets(tuple(prompts)),) if prompts else ()


def document(prep: Preparation, language: content.Language) -> exports.Document:
    """The author's whole preparation as a document, for their own download."""
    t, guide = language.t, language.guide
    zones = {zone.id: zone.name for zone in language.stress_tool.zones}
    sections = [
        exports.Section(
            t("preparation.question_title"),
            (
                exports.Heading(guide.preparation_question),
                *_item_blocks(prep.items[content.PREPARATION_ITEM], language),
            ),
        )
    ]
    for group in guide.question_groups:
        blocks: list[exports.Block] = []
        for question in group.questions:
            blocks.append(exports.Heading(f"{question.number}. {question.text}"))
            blocks += _prompts(question)
            blocks += _item_blocks(prep.items[question.id], language)
        sections.append(exports.Section(group.title, tuple(blocks)))
    zone = zones.get(prep.zone, t("preparation.zone_none"))
    ready = t("preparation.export_ready") if prep.ready else t("preparation.export_not_ready")
    sections.append(
        exports.Section(
            t("preparation.zone_title"),
            (exports.Paragraph(zone), exports.Paragraph(t("preparation.zone_private"), True)),
        )
    )
    sections.append(exports.Section(t("preparation.ready_title"), (exports.Paragraph(ready),)))
    return exports.Document(
        t("preparation.export_title"),
        tuple(sections),
        intro=(exports.Paragraph(t("preparation.export_intro"), muted=True),),
    )


def export_markdown(prep: Preparation, language: content.Language) -> str:
    return exports.to_markdown(document(prep, language))


def export_pdf(prep: Preparation, language: content.Language) -> bytes:
    return exports.to_pdf(document(prep, language))
