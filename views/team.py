"""Team (manager): the MUS round's life, the guide's "Før samtalen", and who is ready."""

from datetime import date
from urllib.parse import urlsplit

import streamlit as st

from core import conversations, preparation, rounds, teams
from core.errors import TrivselError
from ui import resources, state
from ui.auth import current_user, may_act, report
from ui.i18n import error_text, lang, t
from ui.parts import part
from ui.render import fill

PREPARATION_PATH = "preparation"  # the employee page's url path (ui/navigation.py)


# --- actions (widget callbacks: they run before the page is drawn again) ------------------


def _flash(kind: str, text: str) -> None:
    st.session_state[state.TEAM_FLASH] = (kind, text)


def _advance(user, round_id: int, to_state: str, done_key: str) -> None:
    if not may_act(user):
        return
    try:
        rounds.advance(resources.cursor(), user, round_id, to_state)
    except TrivselError as exc:
        _flash("error", error_text(exc))
    else:
        _flash("success", t(done_key))


def _create(user, team_id: int, keys: tuple[str, str, str]) -> None:
    if not may_act(user):
        return  # the form keeps what was typed
    name, starts_on, ends_on = (st.session_state.get(key) for key in keys)
    try:
        round_id = rounds.create(resources.cursor(), user, team_id, name or "", starts_on, ends_on)
    except TrivselError as exc:
        _flash("error", error_text(exc))
        return
    st.session_state[state.TEAM_ROUND] = round_id
    for key in keys:
        st.session_state.pop(key, None)
    _flash("success", t("team.created"))


# --- sections ------------------------------------------------------------------------------


def _date(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else t("team.no_date")


def _choose_team(cur, user) -> teams.Team:
    mine = {team.id: team for team in teams.managed_by(cur, user.id)}
    if not mine:
        st.info(t("team.no_team"), icon=":material/info:")
        st.stop()
    if st.session_state.get(state.TEAM_SELECTED) not in mine:
        st.session_state[state.TEAM_SELECTED] = next(iter(mine))
    if len(mine) == 1:
        return mine[st.session_state[state.TEAM_SELECTED]]
    team_id = st.selectbox(
        t("team.team"), list(mine), format_func=lambda i: mine[i].name, key=state.TEAM_SELECTED
    )
    return mine[team_id]


def _choose_round(found: list[rounds.Round]) -> rounds.Round | None:
    if not found:
        st.info(t("team.no_rounds"))
        return None
    by_id = {r.id: r for r in found}
    if st.session_state.get(state.TEAM_ROUND) not in by_id:
        current = next((r for r in found if r.state == rounds.OPEN), found[0])
        st.session_state[state.TEAM_ROUND] = current.id
    labels = {  # worked out now: a format_func runs later, outside this run, in tests
        i: t("team.round_option", name=r.name, state=t(f"team.state_{r.state}"))
        for i, r in by_id.items()
    }
    round_id = st.selectbox(
        t("team.round"),
        list(by_id),
        format_func=labels.__getitem__,
        key=state.TEAM_ROUND,
    )
    return by_id[round_id]


def _lifecycle(user, chosen: rounds.Round) -> None:
    if chosen.starts_on or chosen.ends_on:
        st.caption(t("team.dates", starts=_date(chosen.starts_on), ends=_date(chosen.ends_on)))
    if chosen.state == rounds.PLANNED:
        st.info(t("team.planned_note"), icon=":material/event:")
        st.button(
            t("team.open_round"),
            type="primary",
            icon=":material/play_arrow:",
            on_click=_advance,
            args=(user, chosen.id, rounds.OPEN, "team.opened"),
        )
    elif chosen.state == rounds.OPEN:
        st.success(t("team.open_note"), icon=":material/check_circle:")
        confirm_key = f"{state.TEAM_CLOSE_CONFIRM}_{chosen.id}"
        confirmed = st.checkbox(t("team.close_confirm"), key=confirm_key)
        st.button(
            t("team.close_round"),
            icon=":material/lock:",
            disabled=not confirmed,
            on_click=_advance,
            args=(user, chosen.id, rounds.CLOSED, "team.closed"),
        )
    else:
        st.info(t("team.closed_note"), icon=":material/lock:")


def _create_form(user, team_id: int, expanded: bool) -> None:
    keys = ("team_new_round_name", "team_new_round_starts", "team_new_round_ends")
    with (
        st.expander(t("team.create_title"), expanded=expanded),
        st.form("team_new_round", border=False),
    ):
        st.text_input(
            t("team.name"),
            key=keys[0],
            max_chars=rounds.MAX_ROUND_NAME_CHARS,
            placeholder=t("team.name_placeholder"),
        )
        starts, ends = st.columns(2)
        starts.date_input(t("team.starts_on"), value=None, format="DD-MM-YYYY", key=keys[1])
        ends.date_input(t("team.ends_on"), value=None, format="DD-MM-YYYY", key=keys[2])
        st.form_submit_button(
            t("team.create"), icon=":material/add:", on_click=_create, args=(user, team_id, keys)
        )


def _preparation_link() -> str:
    """The employee page's address as this browser reaches the app."""
    parts = urlsplit(st.context.url or "")
    base = st.get_option("server.baseUrlPath").strip("/")
    path = "/".join(part for part in (base, PREPARATION_PATH) if part)
    return f"{parts.scheme}://{parts.netloc}/{path}" if parts.netloc else f"/{path}"


@part
def _checklist(round_id: int | None) -> None:
    """The manager's own reminders, kept in this session only: ticking one changes nothing
    else, so it reruns only this part."""
    for item in ("inform", "tool", "prepare"):
        st.checkbox(t(f"team.checklist_{item}"), key=f"team_checklist_{round_id}_{item}")
    st.caption(t("team.checklist_note"))


def _before(user, org, guide, round_id: int | None) -> None:
    st.header(t("team.before_title"), divider="gray")
    organisation = org.organisation_name or t("welcome.your_organisation")
    st.markdown(fill(guide.step("before").text, organisation=organisation))
    _checklist(round_id)
    st.subheader(t("team.invitation_title"))
    st.caption(t("team.invitation_help"))
    invitation = t(
        "team.invitation",
        organisation=organisation,
        target=org.timer_target_minutes,
        limit=org.timer_limit_minutes,
        question=guide.preparation_question,
        link=_preparation_link(),
        manager=user.name,
    )
    if org.pamphlet_url:
        invitation += "\n\n" + t("team.invitation_pamphlet", url=org.pamphlet_url)
    st.code(invitation, language=None, wrap_lines=True)


def _roster(cur, user, team_id: int, chosen: rounds.Round) -> None:
    st.header(t("team.roster_title"), divider="gray")
    st.caption(t("team.roster_help"))
    if chosen.state == rounds.PLANNED:
        st.info(t("team.roster_planned"))
        return
    try:
        entries = conversations.roster(cur, user, team_id, chosen.id)
        ready = preparation.readiness(cur, user, team_id, chosen.id)
    except TrivselError as exc:
        report(exc)
        return
    if not entries:
        st.info(t("team.no_employees"))
        return
    answer = {True: t("team.answer_yes"), False: t("team.answer_no")}
    for entry in entries:
        name, marks, link = st.columns([3, 3, 2], vertical_alignment="center")
        with name:
            st.text(entry.employee.name)
            if entry.scheduled_on:
                st.caption(t("team.scheduled", date=_date(entry.scheduled_on)))
        marks.text(
            f"{t('team.ready')}: {answer[ready.get(entry.employee.id, False)]}"
            f" · {t('team.held')}: {answer[entry.held]}"
        )
        with link:
            st.page_link(
                "views/conversation.py",
                label=t("team.open_conversation"),
                icon=":material/forum:",
                query_params={"employee": entry.employee.username, "round": str(chosen.id)},
            )


# --- the page ------------------------------------------------------------------------------

cur = resources.cursor()
user = current_user(cur)
org = resources.org_settings(cur)

st.title(t("team.title"))
team = _choose_team(cur, user)
st.text(team.name)

flash = st.session_state.pop(state.TEAM_FLASH, None)
if flash:
    kind, text = flash
    (st.error if kind == "error" else st.success)(text)

st.header(t("team.rounds_title"), divider="gray")
found = rounds.for_team(cur, user, team.id)
chosen = _choose_round(found)
if chosen is not None:
    _lifecycle(user, chosen)
_create_form(user, team.id, expanded=not found)

_before(user, org, lang().guide, chosen.id if chosen else None)
if chosen is not None:
    _roster(cur, user, team.id, chosen)
