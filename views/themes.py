"""Themes: general themes raised by several people, the joint meeting and group actions."""

import functools
from collections.abc import Callable
from datetime import date

import streamlit as st

from core import actions, content, db, exports, handout, people, rounds, teams, themes
from core.errors import TrivselError
from ui import charts, presentation, resources, state
from ui.auth import current_user, report
from ui.i18n import lang, t
from ui.render import MARKDOWN, PDF, download, escape_markdown, plain, table

cur = resources.cursor()
user = current_user(cur)
language = lang()
guide = language.guide
POLARITY = {p: t(f"themes.polarity_{p}") for p in themes.POLARITIES}
STATUS = {s: t(f"themes.status_{s}") for s in actions.STATUSES}


def team_choices() -> list[teams.Team]:
    mine = teams.managed_by(cur, user.id) if user.has(people.MANAGER) else []
    if user.team_id is not None and all(team.id != user.team_id for team in mine):
        mine.append(teams.get(cur, user.team_id))
    return mine


def pick_round(team: teams.Team) -> rounds.Round | None:
    team_rounds = rounds.for_team(cur, user, team.id)
    if not team_rounds:
        st.info(t("themes.no_rounds"))
        return None
    wanted = st.query_params.get("round")
    index = next((i for i, r in enumerate(team_rounds) if str(r.id) == wanted), 0)
    return st.selectbox(
        t("themes.round"),
        team_rounds,
        index=index,
        format_func=lambda r: f"{r.name} ({t(f'themes.state_{r.state}')})",
        key=f"themes_round_{team.id}",
    )


def show_published(result: themes.TeamThemes) -> None:
    st.caption(t("themes.k_rule", k=result.k))
    if not result.published:
        st.info(t("themes.gate", held=result.held, k=result.k), icon=":material/lock:")
    elif not result.themes:
        st.info(t("themes.none_published", k=result.k))
    else:
        rows = charts.bar_rows(result.themes, language, POLARITY)
        labels = tuple(POLARITY[p] for p in themes.POLARITIES)
        charts.draw(charts.theme_bars(user.id, rows, labels, t("themes.axis_count")))
        for count in result.themes:
            label = escape_markdown(language.theme(count.theme_id).label)
            st.markdown(
                t("themes.line", theme=label, polarity=POLARITY[count.polarity], n=count.count)
            )


def show_trend(trend: list[tuple[rounds.Round, themes.TeamThemes]]) -> None:
    points = tuple(
        (r.name, language.theme(c.theme_id).label, c.count)
        for r, result in trend
        for c in result.themes
    )
    if points:
        st.subheader(t("themes.trend"))
        charts.draw(charts.trend_lines(user.id, points, t("themes.axis_count")))


def show_actions(round_: rounds.Round, editable: bool) -> None:
    st.subheader(t("themes.actions"))
    listed = actions.for_round(cur, user, round_.id)
    if not listed:
        st.caption(t("themes.no_actions"))
    for action in listed:
        with st.container(border=True):
            plain(action.text)
            details = [STATUS[action.status]]
            if action.owner:
                details.append(t("themes.owner_is", owner=escape_markdown(action.owner)))
            if action.due_on:
                details.append(t("themes.due_is", due=action.due_on.strftime("%d-%m-%Y")))
            if action.theme_id:
                details.append(escape_markdown(language.theme(action.theme_id).label))
            if action.round_id != round_.id:
                details.append(t("themes.carried_over"))
            st.caption(" · ".join(details))
            if editable:
                status = st.selectbox(
                    t("themes.status"),
                    actions.STATUSES,
                    index=actions.STATUSES.index(action.status),
                    format_func=STATUS.get,
                    key=f"themes_action_status_{action.id}",
                )
                if status != action.status:
                    actions.update(
                        cur,
                        user,
                        action.id,
                        text=action.text,
                        owner=action.owner,
                        theme_id=action.theme_id,
                        due_on=action.due_on,
                        status=status,
                    )
                    st.rerun()
    if editable and round_.state != rounds.PLANNED:
        add_action_form(round_)


def add_action_form(round_: rounds.Round) -> None:
    theme_ids = [None, *(theme.id for theme in language.themes)]
    with st.form("themes_action_form", clear_on_submit=True):
        st.markdown(f"**{t('themes.add_action')}**")
        text = st.text_area(t("themes.action_text"), max_chars=actions.MAX_TEXT_CHARS)
        theme_id = st.selectbox(
            t("themes.action_theme"),
            theme_ids,
            format_func=lambda i: t("themes.no_theme") if i is None else language.theme(i).label,
        )
        owner = st.text_input(t("themes.action_owner"), max_chars=actions.MAX_OWNER_CHARS)
        due_on = st.date_input(t("themes.action_due"), value=None, min_value=date.today())
        if st.form_submit_button(t("themes.save_action"), type="primary"):
            try:
                actions.add(cur, user, round_.id, text, owner, theme_id, due_on)
            except TrivselError as exc:
                report(exc)
            else:
                st.session_state[state.THEMES_ACTION_SAVED] = True
                st.rerun()  # the list above shows the new action
    if st.session_state.pop(state.THEMES_ACTION_SAVED, False):
        st.success(t("themes.action_saved"))


def _handout_file(
    database: db.Database,
    actor: people.User,
    round_id: int,
    texts: content.Language,
    write: Callable[[exports.Document], str | bytes],
) -> str | bytes:
    """Built when the button is clicked, on that thread's own cursor: no page run pays."""
    return write(handout.document(database.cursor(), actor, round_id, texts))


def handout_buttons(row, round_: rounds.Round) -> None:
    """The presentation to take along, as Markdown and PDF."""
    stem = f"{t('themes.handout_file')}-{round_.id}"
    build = functools.partial(_handout_file, resources.database(), user, round_.id, language)
    for kind, label, write in (
        (PDF, "themes.handout_pdf", exports.to_pdf),
        (MARKDOWN, "themes.handout_md", exports.to_markdown),
    ):
        download(
            row,
            t(label),
            kind,
            functools.partial(build, write),
            stem,
            help=t("themes.handout_help"),
            key=f"themes_handout_{kind.suffix}_{round_.id}",
        )


def presentation_view(round_: rounds.Round) -> None:
    """The joint meeting: published themes, the guide's follow-up text, confidentiality."""
    st.title(t("themes.presentation_title", round=escape_markdown(round_.name)))
    show_published(themes.published(cur, user, round_.id))
    st.subheader(guide.step("after").title)
    st.markdown(guide.followup_meeting)
    st.warning(guide.confidentiality_note, icon=":material/lock:")
    show_actions(round_, editable=False)
    st.button(t("themes.presentation_end"), on_click=presentation.stop)


def organisation_view() -> None:
    st.header(t("themes.org_title"))
    years = themes.closed_years(cur, user)
    if not years:
        st.info(t("themes.org_none"))
        return
    year = st.selectbox(t("themes.org_year"), years, key="themes_org_year")
    view = themes.organisation(cur, user, year)
    st.caption(t("themes.org_rule", k=view.k))
    if not view.teams:
        st.info(t("themes.org_no_teams", k=view.k))
    rows = []
    for column in view.columns:
        shown = {cell.team_id: cell.count for cell in column.cells}
        label = language.theme(column.theme_id).label
        counts = (shown.get(team_id) for team_id, _ in view.teams)
        rows.append((label, POLARITY[column.polarity], *counts, column.total))
    if rows:
        teams = [name for _, name in view.teams]
        headers = [t("themes.org_theme"), t("themes.org_polarity"), *teams, t("themes.org_total")]
        table(headers, rows, width="stretch")
        st.caption(t("themes.org_hidden"))


teams_of_user = team_choices()
if presentation.is_on():
    selected = next(
        (
            r
            for team in teams_of_user
            for r in rounds.for_team(cur, user, team.id)
            if str(r.id) == st.query_params.get("round")
        ),
        None,
    )
    if selected is None:
        presentation.stop()
        st.rerun()
    presentation_view(selected)
    st.stop()

st.title(t("themes.title"))
st.caption(t("themes.intro"))
if user.has(people.ADMIN):
    organisation_view()
for team in teams_of_user:
    if len(teams_of_user) > 1:
        st.header(escape_markdown(team.name))
    round_ = pick_round(team)
    if round_ is None:
        continue
    manages = rounds.manages_team(cur, user, team.id)
    view = themes.team_view(cur, user, round_.id)
    show_published(view.published)
    row = st.container(horizontal=True)
    if manages:
        row.button(
            t("themes.presentation_start"),
            on_click=presentation.start,
            args=(round_.id,),
            key=f"themes_present_{team.id}",
            icon=":material/slideshow:",
        )
    handout_buttons(row, round_)
    show_trend(view.trend)
    show_actions(round_, editable=manages)
