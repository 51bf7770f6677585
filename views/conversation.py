"""Conversation (manager): the 10-12 minute talk about wellbeing and stress with one employee.

Deep link: ?employee=<username>[&round=<id>], e.g. from a calendar invitation.
"""

from urllib.parse import urlencode

import streamlit as st

from core import content, conversations, preparation, rounds, timer
from core.errors import TrivselError
from ui import resources, state
from ui import timer as ui_timer
from ui.auth import current_user, may_act, report
from ui.i18n import error_text, lang, t
from ui.parts import hand_over, handed_over, own_rerun, part
from ui.render import fill, followup_lines, plain

NOW = object()  # stands for "the clock at the click" in a callback's arguments
SECONDS_PER_MINUTE = 60


# --- actions (widget callbacks: they run before the page is drawn again) ------------------


# Changes that return the conversation's themes, for the themes part to show (_raised).
_THEME_CHANGES = (conversations.add_theme, conversations.remove_theme)


def _act(user, action, *args) -> bool:
    """Run one core change; a refusal is shown once, at the top of the next drawing."""
    st.session_state.pop(state.CONVERSATION_THEMES_SAVED, None)  # see _raised
    if not may_act(user):
        return False  # logged out elsewhere: the run that follows shows the login form
    values = [resources.now() if value is NOW else value for value in args]
    try:
        result = action(resources.cursor(), user, *values)
    except TrivselError as exc:
        st.session_state[state.CONVERSATION_FLASH] = error_text(exc)
        return False
    if action in _THEME_CHANGES:
        hand_over(state.CONVERSATION_THEMES_SAVED, args[0], result)
    return True


def _from_widget(user, action, conversation_id, key) -> None:
    _act(user, action, conversation_id, st.session_state.get(key))


def _store_questions(user, conversation_id, keys: dict[str, str]) -> None:
    picked = [question_id for question_id, key in keys.items() if st.session_state.get(key)]
    _act(user, conversations.select_questions, conversation_id, picked)


def _add_theme(user, conversation_id, theme_key, polarity_key) -> None:
    theme_id, polarity = st.session_state.get(theme_key), st.session_state.get(polarity_key)
    _act(user, conversations.add_theme, conversation_id, theme_id, polarity, NOW)


def _add_agreement(user, conversation_id, text_key, owner_key, due_key) -> None:
    values = (st.session_state.get(key) for key in (text_key, owner_key, due_key))
    if _act(user, conversations.add_agreement, conversation_id, *values, NOW):
        st.session_state[text_key] = ""  # saved: empty the form; a refused text stays
        st.session_state[due_key] = None


def _follow_link(key: str, param: str, drop: tuple[str, ...] = ()) -> None:
    """Keep the address in step with the choice, so it can be copied into an invitation."""
    st.query_params[param] = str(st.session_state[key])
    for name in drop:
        st.query_params.pop(name, None)


def _forget_link() -> None:
    st.query_params.clear()


# --- parts of the page that rerun alone (ui/parts.py) -------------------------------------


def _refused_here() -> None:
    """A refused change is shown at the top of the page, so a part rerunning alone after
    one draws the whole page again instead (with whatever changed meanwhile)."""
    if own_rerun() and st.session_state.get(state.CONVERSATION_FLASH):
        st.rerun()


def _fresh(user, drawn):
    """The record as the page run read it, or read again on a part's own rerun."""
    _refused_here()
    if not own_rerun():
        return drawn
    talk = drawn.conversation
    record = conversations.record_for(resources.cursor(), user, talk.employee_id, talk.round_id)
    if record is None:
        st.rerun()
    return record


def _raised(user, drawn) -> tuple[conversations.RaisedTheme, ...]:
    """The conversation's themes: on the themes part's rerun after a theme was added or
    removed, as that change returned them (no need to read the record again)."""
    themes = handed_over(state.CONVERSATION_THEMES_SAVED, drawn.conversation.id)
    if themes is not None:
        _refused_here()
        return themes
    return _fresh(user, drawn).themes


# --- choosing the employee and the round ----------------------------------------------------


def _employee(cur, user):
    employees = {e.username: e for e in conversations.my_employees(cur, user)}
    wanted = st.query_params.get("employee")
    if wanted is not None:
        if wanted not in employees:  # not one of those listed: someone else's, or inactive
            try:
                linked = conversations.employee_by_username(cur, user, wanted)
            except TrivselError as exc:
                report(exc)  # someone else's or an unknown employee: no data at all
                if employees:
                    st.button(t("conversation.choose_other"), on_click=_forget_link)
                st.stop()
            employees.setdefault(linked.username, linked)
            wanted = linked.username
        st.session_state[state.CONVERSATION_EMPLOYEE] = wanted
    if not employees:
        st.info(t("conversation.no_employees"), icon=":material/info:")
        st.stop()
    if st.session_state.get(state.CONVERSATION_EMPLOYEE) not in employees:
        st.session_state[state.CONVERSATION_EMPLOYEE] = next(iter(employees))
    username = st.selectbox(
        t("conversation.employee"),
        list(employees),
        format_func=lambda name: employees[name].name,
        key=state.CONVERSATION_EMPLOYEE,
        on_change=_follow_link,
        args=(state.CONVERSATION_EMPLOYEE, "employee", ("round",)),
    )
    st.query_params["employee"] = username
    return employees[username]


def _round(cur, user, employee) -> rounds.Round:
    available = {r.id: r for r in conversations.rounds_for(cur, user, employee.id)}
    if not available:
        st.info(t("conversation.no_round"), icon=":material/info:")
        st.page_link("views/team.py", label=t("conversation.to_team"), icon=":material/groups:")
        st.stop()
    linked = st.query_params.get("round")
    if linked is not None:
        if linked.isdigit() and int(linked) in available:
            st.session_state[state.CONVERSATION_ROUND] = int(linked)
        else:
            st.warning(t("conversation.round_in_link_unknown"))
            st.query_params.pop("round", None)
    if st.session_state.get(state.CONVERSATION_ROUND) not in available:
        st.session_state[state.CONVERSATION_ROUND] = next(iter(available))
    labels = {  # worked out now: a format_func runs later, outside this run, in tests
        i: t("conversation.round_option", name=r.name, state=t(f"conversation.state_{r.state}"))
        for i, r in available.items()
    }
    round_id = st.selectbox(
        t("conversation.round"),
        list(available),
        format_func=labels.__getitem__,
        key=state.CONVERSATION_ROUND,
        on_change=_follow_link,
        args=(state.CONVERSATION_ROUND, "round"),
    )
    st.query_params["round"] = str(round_id)
    return available[round_id]


def _calendar_link(username: str, round_id: int) -> str:
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode({'employee': username, 'round': round_id})}"


# --- the sections of the page ------------------------------------------------------------


def _status(user, conversation, closed: bool, employee) -> None:
    if conversation.held:
        duration = ui_timer.clock(conversation.duration_s or 0)
        held_on = conversation.held_at.strftime("%d-%m-%Y")
        st.success(t("conversation.held", date=held_on, duration=duration), icon=":material/done:")
        if not closed:
            st.info(t("conversation.held_corrections"), icon=":material/edit_note:")
    if closed:
        st.info(t("conversation.round_closed_note"), icon=":material/lock:")
    key = f"{state.CONVERSATION_DATE}_{conversation.id}"
    st.session_state.setdefault(key, conversation.scheduled_on)
    st.date_input(
        t("conversation.scheduled_on"),
        key=key,
        format="DD-MM-YYYY",
        disabled=closed,
        on_change=_from_widget,
        args=(user, conversations.schedule, conversation.id, key),
    )
    with st.expander(t("conversation.calendar_link")):
        st.code(_calendar_link(employee.username, conversation.round_id), language=None)


@part
def _timer(user, drawn, org, closed: bool) -> None:
    conversation = _fresh(user, drawn).conversation
    st.subheader(t("conversation.timer_title"))
    target, limit = org.timer_target_minutes, org.timer_limit_minutes
    st.caption(t("conversation.timer_target", target=target, limit=limit))
    labels = {name: t(f"conversation.timer_{name}") for name in timer.STATES}
    clock = conversation.timer
    ui_timer.render(
        clock,
        resources.now(),
        target * SECONDS_PER_MINUTE,
        limit * SECONDS_PER_MINUTE,
        labels,
        t("conversation.timer_title"),
    )
    if conversation.held or closed:
        return
    buttons = st.container(horizontal=True)
    if clock.running:
        buttons.button(
            t("conversation.timer_pause"),
            icon=":material/pause:",
            on_click=_act,
            args=(user, conversations.timer_pause, conversation.id, NOW),
        )
    else:
        buttons.button(
            t("conversation.timer_resume" if clock.accumulated_s else "conversation.timer_start"),
            icon=":material/play_arrow:",
            type="primary",
            on_click=_act,
            args=(user, conversations.timer_start, conversation.id, NOW),
        )
    if clock.running or clock.accumulated_s:
        buttons.button(
            t("conversation.timer_reset"),
            icon=":material/restart_alt:",
            on_click=_act,
            args=(user, conversations.timer_reset, conversation.id, NOW),
        )


def _framing(guide, organisation: str) -> None:
    with st.expander(t("conversation.framing_title"), expanded=True):
        st.write(guide.framing_advice)
        st.caption(t("conversation.purpose_intro"))
        st.markdown("> " + fill(guide.purpose_statement, organisation=organisation))
        st.write(guide.dialogue_intro)
        st.warning(guide.confidentiality_note, icon=":material/lock:")


def _item_title(guide, item_id: str) -> str:
    if item_id == content.PREPARATION_ITEM:
        return guide.preparation_question
    return guide.question(item_id).text


def _preparation(shared, guide) -> None:
    st.subheader(t("conversation.preparation_title"))
    st.caption(t("conversation.ready_yes" if shared.ready else "conversation.ready_no"))
    st.markdown(f"**{t('conversation.flags_title')}**")
    if not shared.flagged:
        st.caption(t("conversation.no_flags"))
    for item_id in shared.flagged:
        st.markdown(f":material/flag: {_item_title(guide, item_id)}")
    st.markdown(f"**{t('conversation.shared_title')}**")
    if not shared.shared:
        st.caption(t("conversation.no_shared"))
    for item_id, note in shared.shared:
        st.caption(_item_title(guide, item_id))
        plain(note)  # the employee's own words: plain text, never markdown or HTML


@part
def _picker(user, conversation, guide, picked, flagged, closed: bool) -> None:
    _refused_here()
    st.subheader(t("conversation.questions_title"))
    st.caption(t("conversation.questions_help"))
    keys = {
        q.id: f"{state.CONVERSATION_QUESTION}_{conversation.id}_{q.id}" for q in guide.questions()
    }
    for group in guide.question_groups:
        st.markdown(f"**{group.title}**")
        for question in group.questions:
            st.session_state.setdefault(keys[question.id], question.id in picked)
            st.checkbox(
                question.text,
                key=keys[question.id],
                disabled=closed,
                on_change=_store_questions,
                args=(user, conversation.id, keys),
            )
            if question.id in flagged:
                st.caption(f":material/flag: {t('conversation.flagged')}")
            if question.followups:
                st.caption("\n".join(followup_lines(question)))


def _compact(guide, picked) -> None:
    if not picked:
        st.info(t("conversation.compact_empty"))
    for question in (q for q in guide.questions() if q.id in picked):
        st.header(question.text, divider="gray")
        for followup in question.followups:
            st.subheader(followup.text)
            for sub in followup.followups:
                st.markdown(f"##### {sub}")


@part
def _themes(user, drawn, language, closed: bool) -> None:
    themes, conversation = _raised(user, drawn), drawn.conversation
    st.markdown(f"**{t('conversation.themes_title')}**")
    if not themes:
        st.caption(t("conversation.no_themes"))
    for raised in themes:
        label, remove = st.columns([4, 1], vertical_alignment="center")
        label.write(
            f"{language.theme(raised.theme_id).label} · {t(f'conversation.{raised.polarity}')}"
        )
        remove.button(
            t("conversation.remove"),
            key=f"conversation_remove_theme_{conversation.id}_{raised.theme_id}_{raised.polarity}",
            disabled=closed,
            on_click=_act,
            args=(
                user,
                conversations.remove_theme,
                conversation.id,
                raised.theme_id,
                raised.polarity,
                NOW,
            ),
        )
    if closed:
        return
    theme_key = f"{state.CONVERSATION_THEME}_{conversation.id}"
    polarity_key = f"{state.CONVERSATION_POLARITY}_{conversation.id}"
    with st.form(f"conversation_theme_form_{conversation.id}", border=False):
        choice, effect = st.columns([3, 2])
        choice.selectbox(
            t("conversation.theme"),
            [theme.id for theme in language.themes],
            format_func=lambda i: language.theme(i).label,
            key=theme_key,
        )
        effect.radio(
            t("conversation.polarity"),
            conversations.POLARITIES,
            format_func={p: t(f"conversation.{p}") for p in conversations.POLARITIES}.get,
            horizontal=True,
            key=polarity_key,
        )
        st.form_submit_button(
            t("conversation.add_theme"),
            icon=":material/add:",
            on_click=_add_theme,
            args=(user, conversation.id, theme_key, polarity_key),
        )


@part
def _agreements(user, drawn, closed: bool) -> None:
    record = _fresh(user, drawn)
    conversation = record.conversation
    st.markdown(f"**{t('conversation.agreements_title')}**")
    if not record.agreements:
        st.caption(t("conversation.no_agreements"))
    for agreement in record.agreements:
        text, remove = st.columns([4, 1], vertical_alignment="center")
        with text:
            plain(agreement.text)
            details = [t(f"conversation.owner_{agreement.owner}")]
            if agreement.due_on:
                details.append(t("conversation.due", date=agreement.due_on.strftime("%d-%m-%Y")))
            st.caption(" · ".join(details))
        remove.button(
            t("conversation.remove"),
            key=f"conversation_remove_agreement_{agreement.id}",
            disabled=closed,
            on_click=_act,
            args=(user, conversations.remove_agreement, conversation.id, agreement.id, NOW),
        )
    if closed:
        return
    keys = [
        f"{prefix}_{conversation.id}"
        for prefix in (
            state.CONVERSATION_AGREEMENT,
            state.CONVERSATION_OWNER,
            state.CONVERSATION_DUE,
        )
    ]
    with st.form(f"conversation_agreement_form_{conversation.id}", border=False):
        st.text_area(
            t("conversation.agreement_text"),
            key=keys[0],
            max_chars=conversations.MAX_AGREEMENT_CHARS,
            height=80,
        )
        owner, due = st.columns(2)
        owner.selectbox(
            t("conversation.owner"),
            conversations.OWNERS,
            format_func={o: t(f"conversation.owner_{o}") for o in conversations.OWNERS}.get,
            key=keys[1],
        )
        due.date_input(t("conversation.due_on"), value=None, format="DD-MM-YYYY", key=keys[2])
        st.form_submit_button(
            t("conversation.add_agreement"),
            icon=":material/add:",
            on_click=_add_agreement,
            args=(user, conversation.id, *keys),
        )


# --- the page ------------------------------------------------------------------------------

cur = resources.cursor()
user = current_user(cur)
language = lang()
guide = language.guide
org = resources.org_settings(cur)
organisation = org.organisation_name or t("welcome.your_organisation")

st.title(t("conversation.title"))
chosen, which = st.columns(2)
with chosen:
    employee = _employee(cur, user)
with which:
    round_ = _round(cur, user, employee)

closed = round_.state == rounds.CLOSED
try:
    record = conversations.record_for(cur, user, employee.id, round_.id)
    if record is None and not closed:
        conversations.open_conversation(cur, user, employee.id, round_.id)
        record = conversations.record_for(cur, user, employee.id, round_.id)
    shared = preparation.shared_view(cur, user, employee.id, round_.id)
except TrivselError as exc:
    report(exc)
    st.stop()
if record is None:
    st.info(t("conversation.closed_no_record"), icon=":material/info:")
    st.stop()
conversation = record.conversation

flash = st.session_state.pop(state.CONVERSATION_FLASH, None)
if flash:
    st.error(flash, icon=":material/error:")

_status(user, conversation, closed, employee)
_timer(user, record, org, closed)

flagged = tuple(i for i in shared.flagged if i in content.QUESTION_IDS)
picked = conversations.preselected_questions(cur, user, conversation, flagged)
st.divider()
if st.toggle(
    t("conversation.compact"), key=state.CONVERSATION_COMPACT, help=t("conversation.compact_help")
):
    _compact(guide, picked)
else:
    _framing(guide, organisation)
    _preparation(shared, guide)
    _picker(user, conversation, guide, picked, flagged, closed)

st.divider()
st.subheader(t("conversation.record_title"))
st.caption(t("conversation.record_help"))
_themes(user, record, language, closed)
_agreements(user, record, closed)

if not conversation.held and not closed:
    st.divider()
    st.subheader(t("conversation.held_title"))
    st.caption(t("conversation.mark_held_help"))
    st.button(
        t("conversation.mark_held"),
        icon=":material/task_alt:",
        type="primary",
        on_click=_act,
        args=(user, conversations.mark_held, conversation.id, NOW),
    )
