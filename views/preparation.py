"""Forberedelse: the employee's private preparation before their MUS.

Every change is saved at once by a widget callback (no save button). A note's text area
keeps what the person typed even when saving fails (too long, changed in another tab),
and the last saved version is shown next to it.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

import streamlit as st

from core import actions, content, conversations, people, preparation, rounds
from core.db import Cursor
from core.errors import TrivselError
from ui import resources, state
from ui.auth import current_user, may_act, report
from ui.i18n import lang, t
from ui.parts import hand_over, handed_over, own_rerun, part
from ui.render import MARKDOWN, PDF, download, escape_markdown, fill, fold, followup_lines, plain

ZONE_NOT_SET = ""  # the radio option for "no placement"


def _key(prefix: str, round_id: int, item_id: str = "") -> str:
    return f"{prefix}_{round_id}_{item_id}" if item_id else f"{prefix}_{round_id}"


def _problems() -> dict[str, tuple[str, dict]]:
    """Per widget group, the error of its last failed write: (ui key, params)."""
    return st.session_state.setdefault(state.PREPARATION_PROBLEMS, {})


def _act(user: people.User, problem_key: str, write: Callable[[], object]) -> object | None:
    """Run one core write; keep its error for the widget it belongs to."""
    st.session_state.pop(state.PREPARATION_JUST_SAVED, None)
    if not may_act(user):
        return None  # logged out elsewhere: the run that follows shows the login form
    try:
        result = write()
    except TrivselError as exc:
        _problems()[problem_key] = (exc.key, exc.params)
        return None
    _problems().pop(problem_key, None)
    return result


# --- callbacks (they run before the script reruns) ---------------------------------------


def _save_note(user: people.User, round_id: int, item_id: str, force: bool = False) -> None:
    note = st.session_state[_key(state.PREPARATION_NOTE, round_id, item_id)]
    stored_key = _key(state.PREPARATION_STORED, round_id, item_id)
    expected = None if force else st.session_state.get(stored_key)
    item = _act(
        user,
        item_id,
        lambda: preparation.save_note(
            resources.cursor(), user, round_id, item_id, note, resources.now(), expected=expected
        ),
    )
    if item is not None:
        st.session_state[stored_key] = item.note
        hand_over(state.PREPARATION_JUST_SAVED, (round_id, item_id), item)  # for _shown


def _set_flag(user: people.User, round_id: int, item_id: str) -> None:
    flagged = st.session_state[_key(state.PREPARATION_FLAG, round_id, item_id)]
    _act(
        user,
        _sharing_problem(item_id),
        lambda: preparation.set_flag(
            resources.cursor(), user, round_id, item_id, flagged, resources.now()
        ),
    )


def _set_shared(user: people.User, round_id: int, item_id: str) -> None:
    wanted = st.session_state[_key(state.PREPARATION_SHARE, round_id, item_id)]
    write = preparation.share if wanted else preparation.unshare
    _act(
        user,
        _sharing_problem(item_id),
        lambda: write(resources.cursor(), user, round_id, item_id, resources.now()),
    )


def _set_zone(user: people.User, round_id: int) -> None:
    zone = st.session_state[_key(state.PREPARATION_ZONE, round_id)] or None
    _act(
        user,
        "zone",
        lambda: preparation.set_zone(resources.cursor(), user, round_id, zone, resources.now()),
    )


def _set_ready(user: people.User, round_id: int) -> None:
    ready = st.session_state[_key(state.PREPARATION_READY, round_id)]
    _act(
        user,
        "ready",
        lambda: preparation.set_ready(resources.cursor(), user, round_id, ready, resources.now()),
    )


# --- pieces of the page -----------------------------------------------------------------


def _sharing_problem(item_id: str) -> str:
    return f"{item_id}:sharing"


def _show_problem(problem_key: str, once: bool = False) -> tuple[str, dict] | None:
    """Show the error of the last failed write here; `once`: then forget it."""
    problem = _problems().pop(problem_key, None) if once else _problems().get(problem_key)
    if problem is not None:
        key, params = problem
        st.error(t(key, **params), icon=":material/error:")
    return problem


def _saved_caption(updated_at: datetime) -> str:
    local = updated_at.astimezone()  # the server's time zone: the organisation's clock
    time = local.strftime("%H:%M")
    if local.date() == datetime.fromtimestamp(resources.now()).astimezone().date():
        return t("preparation.saved_at", time=time)
    return t("preparation.saved_on", date=local.strftime("%d-%m-%Y"), time=time)


def _text_box(text: str) -> None:
    """User text exactly as the manager gets it: plain text in a frame."""
    with st.container(border=True):
        plain(text)


def _note_area(user: people.User, item: preparation.Item, round_id: int, locked: bool) -> None:
    """The note's text area, saved on change; typed text survives a failed save."""
    note_key = _key(state.PREPARATION_NOTE, round_id, item.item_id)
    stored_key = _key(state.PREPARATION_STORED, round_id, item.item_id)
    typed = st.session_state.get(note_key)
    if typed is None or typed == st.session_state.get(stored_key):
        # Nothing unsaved in this tab: show the stored text, which another tab may have
        # changed meanwhile.
        st.session_state[note_key] = item.note
    st.session_state[stored_key] = item.note
    unsaved = st.session_state[note_key] != item.note
    st.text_area(
        t("preparation.note_label"),
        key=note_key,
        placeholder=t("preparation.note_placeholder"),
        on_change=_save_note,
        args=(user, round_id, item.item_id),
        # Streamlit drops the value of a disabled widget: text typed just before the
        # round closed would vanish. Such a field stays open, with the error below it.
        disabled=locked and not unsaved,
    )
    if st.session_state[note_key] == item.note:
        _problems().pop(item.item_id, None)  # settled since: an old error no longer applies
        if item.updated_at is not None:
            st.caption(_saved_caption(item.updated_at))
        return
    problem = _show_problem(item.item_id)
    if item.note:
        st.caption(t("preparation.stored_version"))
        _text_box(item.note)
    else:
        st.caption(t("preparation.nothing_stored"))
    if problem and problem[0] == "errors.note_changed_elsewhere":
        st.button(
            t("preparation.save_mine"),
            key=f"{note_key}_force",
            on_click=_save_note,
            args=(user, round_id, item.item_id, True),
        )


def _sharing(
    user: people.User, item: preparation.Item, round_id: int, editable: bool, held: bool
) -> None:
    """The flag, the share toggle and exactly what the manager sees (or would see)."""
    flag_key = _key(state.PREPARATION_FLAG, round_id, item.item_id)
    share_key = _key(state.PREPARATION_SHARE, round_id, item.item_id)
    st.session_state[flag_key] = item.flagged  # the stored state, also after a failed write
    st.session_state[share_key] = item.shared
    has_text = bool(item.note.strip())
    st.checkbox(
        t("preparation.flag"),
        key=flag_key,
        help=t("preparation.flag_help"),
        on_change=_set_flag,
        args=(user, round_id, item.item_id),
        disabled=not editable,
    )
    st.toggle(
        t("preparation.share"),
        key=share_key,
        on_change=_set_shared,
        args=(user, round_id, item.item_id),
        disabled=not editable or (item.shared and held) or (not item.shared and not has_text),
    )
    _show_problem(_sharing_problem(item.item_id), once=True)
    if item.shared:
        if held:
            st.caption(t("preparation.held"))
        st.caption(t("preparation.manager_sees"))
        _text_box(item.note)
    elif has_text:
        st.caption(t("preparation.private"))
        st.caption(t("preparation.manager_would_see"))
        _text_box(item.note)
    else:
        st.caption(t("preparation.share_needs_text"))


def _item(
    user: people.User, item: preparation.Item, round_id: int, editable: bool, held: bool
) -> None:
    _note_area(user, item, round_id, locked=not editable or (item.shared and held))
    _sharing(user, item, round_id, editable, held)


def _prompts(question: content.Question) -> None:
    lines = followup_lines(question)
    if lines:
        st.markdown("\n".join(lines))


def _stress_tool(organisation: str, pamphlet_url: str, expanded: bool) -> None:
    tool = lang().stress_tool
    with fold(
        tool.title, state.PREPARATION_STRESS_TOOL, expanded=expanded, icon=":material/spa:"
    ) as unfolded:
        if not unfolded:
            return
        st.markdown(tool.intro)
        st.markdown(f"**{t('preparation.stress_tool_zones')}**")
        for zone in tool.zones:
            st.markdown(f"**{zone.name}**: {zone.description}")
            st.markdown("\n".join(f"- {sign}" for sign in zone.signs))
        st.markdown(f"**{t('preparation.stress_tool_signs')}**")
        st.markdown(tool.signs_intro)
        for group in tool.sign_groups:
            st.markdown(f"*{group.title}*")
            st.markdown("\n".join(f"- {sign}" for sign in group.signs))
        st.markdown(f"**{t('preparation.stress_tool_help')}**")
        st.markdown(tool.what_helps)
        if pamphlet_url:
            st.markdown(fill(tool.pamphlet, organisation=organisation, pamphlet_url=pamphlet_url))
            st.link_button(t("preparation.open_pamphlet"), pamphlet_url, icon=":material/link:")
        else:
            st.markdown(fill(tool.no_pamphlet, organisation=organisation))


def _round_info(round_: rounds.Round, conversation_on: date | None) -> None:
    st.markdown(
        fill(
            t("preparation.round_line"),
            name=round_.name,
            state=t(f"preparation.state_{round_.state}"),
        )
    )
    if conversation_on is not None:
        st.markdown(t("preparation.conversation_on", date=conversation_on.strftime("%d-%m-%Y")))
    else:
        st.caption(t("preparation.no_date"))
    if round_.state == rounds.PLANNED:
        st.info(t("preparation.planned"), icon=":material/schedule:")
    elif round_.state == rounds.CLOSED:
        st.info(t("preparation.closed"), icon=":material/lock:")


def _fresh(user: people.User, drawn: preparation.Overview) -> preparation.Overview:
    """What a part shows: the page run's overview, read again on the part's own rerun."""
    if not own_rerun():
        return drawn
    current = preparation.overview(resources.cursor(), user)
    if current is None or current.round.id != drawn.round.id:
        st.rerun()  # another round now: the whole page changes
    return current


@part
def _zone(user: people.User, drawn: preparation.Overview) -> None:
    overview = _fresh(user, drawn)
    prep, editable = overview.preparation, overview.round.state == rounds.OPEN
    names = {zone.id: zone.name for zone in lang().stress_tool.zones}
    names[ZONE_NOT_SET] = t("preparation.zone_none")
    zone_key = _key(state.PREPARATION_ZONE, prep.round_id)
    st.session_state[zone_key] = prep.zone or ZONE_NOT_SET  # stored, also after a failure
    st.subheader(t("preparation.zone_title"))
    st.caption(t("preparation.zone_private"))
    st.radio(
        t("preparation.zone_label"),
        [ZONE_NOT_SET, *content.ZONE_IDS],
        key=zone_key,
        format_func=names.__getitem__,
        on_change=_set_zone,
        args=(user, prep.round_id),
        disabled=not editable,
    )
    _show_problem("zone", once=True)


def _shown(
    user: people.User, drawn: preparation.Overview, question_id: str
) -> tuple[rounds.Round, bool, preparation.Item]:
    """The round, whether the conversation is held, and the item, for a question's part.

    Right after its note was saved (most clicks on the page) the save's own answer is
    all the part needs, read in the save's transaction: the round was open then and, for
    a shared note, the conversation not held, or the save would have been refused.
    Otherwise the overview, read again on the part's own rerun (_fresh)."""
    item = handed_over(state.PREPARATION_JUST_SAVED, (drawn.round.id, question_id))
    if item is not None:
        held = drawn.held and not item.shared  # matters only for a shared note
        return replace(drawn.round, state=rounds.OPEN), held, item
    overview = _fresh(user, drawn)
    return overview.round, overview.held, overview.preparation.items[question_id]


@part
def _question(user: people.User, drawn: preparation.Overview, question_id: str) -> None:
    """One question's note, flag and sharing; a guide question folded, its label marked."""
    round_, held, item = _shown(user, drawn, question_id)
    editable = round_.state == rounds.OPEN
    if question_id == content.PREPARATION_ITEM:
        _item(user, item, round_.id, editable, held)
        return
    question = lang().guide.question(question_id)
    marks = " :material/flag:" if item.flagged else ""
    marks += " :material/visibility:" if item.shared else ""
    with fold(
        f"{question.number}. {question.text}{marks}",
        key=_key(state.PREPARATION_FOLD, round_.id, question.id),
    ) as unfolded:
        if unfolded:
            _prompts(question)
            _item(user, item, round_.id, editable, held)


@part
def _ready(user: people.User, drawn: preparation.Overview) -> None:
    overview = _fresh(user, drawn)
    prep, editable = overview.preparation, overview.round.state == rounds.OPEN
    ready_key = _key(state.PREPARATION_READY, prep.round_id)
    st.session_state[ready_key] = prep.ready
    st.subheader(t("preparation.ready_title"))
    st.toggle(
        t("preparation.ready_label"),
        key=ready_key,
        on_change=_set_ready,
        args=(user, prep.round_id),
        disabled=not editable,
    )
    st.caption(t("preparation.ready_help"))
    _show_problem("ready", once=True)


def _downloads(user: people.User, round_id: int) -> None:
    """The preparation as a file, read when the button is clicked: the notes may have been
    saved since this run by a part of the page rerunning alone."""
    language = lang()
    database = resources.database()

    def stored() -> preparation.Preparation:  # called on the server's thread, at the click
        return preparation.load(database.cursor(), user, round_id)

    def as_pdf() -> bytes:
        return preparation.export_pdf(stored(), language)

    def as_markdown() -> str:
        return preparation.export_markdown(stored(), language)

    stem = t("preparation.file_stem")
    st.subheader(t("preparation.download_title"))
    st.caption(t("preparation.download_intro"))
    left, right = st.columns(2)
    download(left, t("preparation.download_pdf"), PDF, as_pdf, stem)
    download(right, t("preparation.download_markdown"), MARKDOWN, as_markdown, stem)


def _preparation(user: people.User, overview: preparation.Overview) -> None:
    guide = lang().guide
    _zone(user, overview)

    st.subheader(t("preparation.question_title"))
    st.markdown(f"**{guide.preparation_question}**")
    _question(user, overview, content.PREPARATION_ITEM)

    st.subheader(t("preparation.questions_title"))
    st.caption(t("preparation.questions_intro"))
    for group in guide.question_groups:
        st.markdown(f"**{group.title}**")
        for question in group.questions:
            _question(user, overview, question.id)

    _ready(user, overview)
    _downloads(user, overview.round.id)


def _after(cur: Cursor, user: people.User, overview: preparation.Overview) -> None:
    """What was recorded about me in the conversation, and the team's group actions."""
    language = lang()
    round_ = overview.round
    st.subheader(language.guide.step("after").title)
    record = conversations.record_for(cur, user, user.id, round_.id) if overview.held else None
    if record is None:
        st.caption(t("preparation.after_not_held"))
    else:
        st.markdown(f"**{t('preparation.after_themes')}**")
        if not record.themes:
            st.caption(t("preparation.after_no_themes"))
        for raised in record.themes:
            label = escape_markdown(language.theme(raised.theme_id).label)
            st.markdown(f"- {label} ({t(f'themes.polarity_{raised.polarity}')})")
        st.markdown(f"**{t('preparation.after_agreements')}**")
        if not record.agreements:
            st.caption(t("preparation.after_no_agreements"))
        for agreement in record.agreements:
            with st.container(border=True):
                plain(agreement.text)
                details = [t(f"conversation.owner_{agreement.owner}")]
                if agreement.due_on:
                    details.append(t("themes.due_is", due=agreement.due_on.strftime("%d-%m-%Y")))
                st.caption(" · ".join(details))
    st.markdown(f"**{t('themes.actions')}**")
    team_actions = actions.for_round(cur, user, round_.id)
    if not team_actions:
        st.caption(t("themes.no_actions"))
    for action in team_actions:
        with st.container(border=True):
            plain(action.text)
            st.caption(t(f"themes.status_{action.status}"))


# --- the page ---------------------------------------------------------------------------

cur = resources.cursor()
user = current_user(cur)
guide = lang().guide
org = resources.org_settings(cur)
organisation = org.organisation_name or t("welcome.your_organisation")

st.caption(f"{guide.title} · {guide.step('before').title}")
st.title(t("preparation.title"))
st.write(t("preparation.intro"))

try:
    current = preparation.overview(cur, user)
except TrivselError as exc:
    report(exc)
    st.stop()
if current is None:
    st.info(t("preparation.no_team" if user.team_id is None else "preparation.no_round"))
else:
    _round_info(current.round, current.conversation_on)

_stress_tool(organisation, org.pamphlet_url, expanded=current is None)

if current is not None:
    try:
        _preparation(user, current)
        _after(cur, user, current)
    except TrivselError as exc:
        report(exc)

st.warning(guide.confidentiality_note, icon=":material/lock:")
