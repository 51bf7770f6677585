"""Admin: people, import, teams, settings, audit log, backup and retention.

The administrator runs the organisation; nothing here shows notes, shared items,
agreements or conversation records, and core/admin.py has no function that returns them.
"""

import streamlit as st

from core import admin, backup, imports, people, retention, settings
from core.errors import TrivselError
from ui import resources, state
from ui.auth import current_user
from ui.i18n import t
from ui.render import escape_markdown, table

SECTIONS = ("people", "new_person", "import", "teams", "settings", "audit", "backup")
MAX_PROBLEMS_SHOWN = 500  # enough to fix a file; the count says how many there are
MOVE_CHOICES = 50  # people found to move at once; typing more narrows a larger match
PROGRESS_STEPS = 100  # redraw the import bar at most this often, not once per person

cur = resources.cursor()
user = current_user(cur)


# --- Small helpers ----------------------------------------------------------------------


def says(key: str, **values: object) -> str:
    """t() with typed values (team, round and user names) escaped for Markdown."""
    return t(key, **{k: escape_markdown(v) if isinstance(v, str) else v for k, v in values.items()})


def problem(error: TrivselError, prefix: str = "") -> None:
    st.error(prefix + says(error.key, **error.params), icon=":material/error:")


def role_label(role: str) -> str:
    return t(f"admin.role_{role}")


def headers(*names: str) -> list[str]:
    """The headers of a table: admin.col_<name> for each name."""
    return [t(f"admin.col_{name}") for name in names]


def flash(kind: str, text: str, code: str = "") -> None:
    """Remember an action's result and rerun, so every list on the page is fresh."""
    st.session_state[state.ADMIN_FLASH] = (kind, text, code)
    st.rerun()


def show_flash() -> None:
    found = st.session_state.pop(state.ADMIN_FLASH, None)
    if found:
        kind, text, code = found
        getattr(st, kind)(text)
        if code:
            st.code(code, language=None)


def form_round() -> int:
    return st.session_state.setdefault(state.ADMIN_FORM_ROUND, 0)


def next_form_round() -> None:
    st.session_state[state.ADMIN_FORM_ROUND] = form_round() + 1


def choose_manager(label: str, current: int | None, key: str) -> int | None:
    names = {m.id: f"{m.name} ({m.username})" for m in admin.managers(cur, user)}
    options = [None, *names]
    if current not in options:
        options.append(current)  # a deactivated manager still shows as the current one
    return st.selectbox(
        label,
        options,
        index=options.index(current),
        format_func=lambda i: t("admin.nobody") if i is None else names.get(i, str(i)),
        key=key,
    )


def choose_team(label: str, current: int | None, key: str) -> int | None:
    found = admin.list_teams(cur, user)
    options = [None, *[team.id for team in found]]
    names = {team.id: team.name for team in found}
    return st.selectbox(
        label,
        options,
        index=options.index(current) if current in options else 0,
        format_func=lambda i: t("admin.no_team") if i is None else names[i],
        key=key,
    )


# --- People -----------------------------------------------------------------------------


def people_section() -> None:
    search = st.text_input(t("admin.search"), key=state.ADMIN_SEARCH)
    found = admin.list_people(cur, user, search)
    st.caption(t("admin.people_count", shown=len(found.people), total=found.total))
    if not found.people:
        return
    status = {True: t("admin.active"), False: t("admin.inactive")}
    labels = {role: role_label(role) for role in people.ROLES}
    table(
        headers("username", "name", "email", "roles", "team", "manager", "status"),
        (
            (
                p.username,
                p.name,
                p.email,
                ", ".join(labels[r] for r in people.ROLES if r in p.roles),
                p.team or "",
                p.manager or "",
                status[p.active],
            )
            for p in found.people
        ),
    )
    by_id = {p.id: p for p in found.people}
    chosen = st.selectbox(
        t("admin.choose_person"),
        list(by_id),
        format_func=lambda i: f"{by_id[i].name} ({by_id[i].username})",
        key=state.ADMIN_PERSON,
    )
    if chosen is not None:
        edit_person(by_id[chosen])


def edit_person(person: admin.Person) -> None:
    st.subheader(escape_markdown(f"{person.name} ({person.username})"))
    if not person.active:
        st.warning(t("admin.is_inactive"))
    with st.form(f"admin_edit_{person.id}"):
        name = st.text_input(t("admin.name"), person.name, key=f"admin_edit_name_{person.id}")
        email = st.text_input(t("admin.email"), person.email, key=f"admin_edit_email_{person.id}")
        roles = st.multiselect(
            t("admin.roles"),
            people.ROLES,
            default=[r for r in people.ROLES if r in person.roles],
            format_func=role_label,
            placeholder=t("admin.choose_roles"),
            key=f"admin_edit_roles_{person.id}",
        )
        manager_id = choose_manager(
            t("admin.manager"), person.manager_id, f"admin_edit_manager_{person.id}"
        )
        team_id = choose_team(t("admin.team"), person.team_id, f"admin_edit_team_{person.id}")
        saved = st.form_submit_button(t("admin.save_person"), type="primary")
    if saved:
        try:
            admin.update_person(
                cur,
                user,
                person.id,
                name=name,
                email=email,
                roles=frozenset(roles),
                manager_id=manager_id,
                team_id=team_id,
            )
        except TrivselError as exc:
            problem(exc)
        else:
            flash("success", says("admin.person_saved", username=person.username))

    left, middle = st.columns(2)
    if left.button(t("admin.reset_password"), key=f"admin_reset_{person.id}"):
        try:
            password = admin.reset_password(cur, user, person.id, resources.now())
        except TrivselError as exc:
            problem(exc)
        else:
            flash("success", says("admin.reset_done", username=person.username), password)
    if person.active:
        if middle.button(t("admin.deactivate"), key=f"admin_deactivate_{person.id}"):
            try:
                admin.deactivate(cur, user, person.id, resources.now())
            except TrivselError as exc:
                problem(exc)
            else:
                flash("success", says("admin.deactivated", username=person.username))
    elif middle.button(t("admin.reactivate"), key=f"admin_reactivate_{person.id}"):
        admin.reactivate(cur, user, person.id)
        flash("success", says("admin.reactivated", username=person.username))
    show_flash()
    st.caption(t("admin.reset_note"))


def new_person_section() -> None:
    show_flash()
    with st.form(f"admin_new_person_{form_round()}"):
        username = st.text_input(t("admin.username"), help=t("setup.username_help"))
        name = st.text_input(t("admin.name"))
        email = st.text_input(t("admin.email"))
        roles = st.multiselect(
            t("admin.roles"),
            people.ROLES,
            default=[people.EMPLOYEE],
            format_func=role_label,
            placeholder=t("admin.choose_roles"),
        )
        manager_id = choose_manager(t("admin.manager"), None, f"admin_new_manager_{form_round()}")
        team_id = choose_team(t("admin.team"), None, f"admin_new_team_{form_round()}")
        created = st.form_submit_button(t("admin.create_person"), type="primary")
    if created:
        new = people.NewUser(username, name, email, frozenset(roles), manager_id, team_id)
        try:
            _, password = admin.create_person(cur, user, new)
        except TrivselError as exc:
            problem(exc)
        else:
            next_form_round()
            done = says("admin.person_created", username=people.normalise_username(username))
            flash("success", done, password)
    st.caption(t("admin.first_password_note"))


# --- Import -----------------------------------------------------------------------------


def import_section() -> None:
    st.write(t("admin.import_intro"))
    st.code("username,name,email,roles,manager,team", language=None)
    logins = st.session_state.pop(state.ADMIN_IMPORT_LOGINS, None)
    if logins:
        st.success(t("admin.import_done", count=len(logins)))
        st.warning(t("admin.first_passwords_once"))
        st.code("\n".join(f"{x.username} {x.password}" for x in logins), language=None)
        st.download_button(
            t("admin.download_passwords"),
            imports.logins_csv(logins),
            file_name="first-passwords.csv",
            mime="text/csv",
            on_click="ignore",
        )
    upload = st.file_uploader(
        t("admin.import_file"), type=["csv"], key=f"admin_import_file_{form_round()}"
    )
    if upload is None:
        return
    try:
        text = upload.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        st.error(t("admin.import_not_utf8"))
        return
    cached = st.session_state.get(state.ADMIN_IMPORT_PREVIEW)
    if cached and cached[0] == upload.file_id:
        preview = cached[1]
    else:
        preview = admin.preview_import(cur, user, text)
        st.session_state[state.ADMIN_IMPORT_PREVIEW] = (upload.file_id, preview)
    show_preview(preview)
    if preview.ok and st.button(
        t("admin.import_button", count=len(preview.rows)), type="primary", key="admin_import"
    ):
        run_import(text, len(preview.rows))


def show_preview(preview) -> None:
    table(
        headers("line", "username", "name", "email", "roles", "manager", "team"),
        (
            (r.line, r.username, r.name, r.email, ", ".join(sorted(r.roles)), r.manager, r.team)
            for r in preview.rows
        ),
    )
    if not preview.problems:
        st.success(t("admin.import_ready", count=len(preview.rows)))
        return
    st.error(t("admin.import_problems", count=len(preview.problems)))
    lines = [
        t("admin.problem_line", line=p.line, problem=t(p.key, **p.params))
        for p in preview.problems[:MAX_PROBLEMS_SHOWN]
    ]
    if len(preview.problems) > MAX_PROBLEMS_SHOWN:
        lines.append(t("admin.more_problems", count=len(preview.problems) - MAX_PROBLEMS_SHOWN))
    st.text("\n".join(lines))


def run_import(text: str, total: int) -> None:
    bar = st.progress(0.0, text=t("admin.importing", done=0, total=total))
    step = max(1, total // PROGRESS_STEPS)

    def progress(done: int, of: int) -> None:
        if done % step == 0 or done == of:
            bar.progress(done / of, text=t("admin.importing", done=done, total=of))

    try:
        logins = admin.import_people(cur, user, text, progress)
    except TrivselError as exc:
        problem(exc)
        return
    next_form_round()
    st.session_state.pop(state.ADMIN_IMPORT_PREVIEW, None)
    st.session_state[state.ADMIN_IMPORT_LOGINS] = logins
    st.rerun()


# --- Teams ------------------------------------------------------------------------------


def teams_section() -> None:
    show_flash()
    found = admin.list_teams(cur, user)
    if found:
        table(
            headers("team", "manager", "members"),
            ((team.name, team.manager or "", team.members) for team in found),
        )
    st.caption(t("admin.teams_history_note"))

    st.subheader(t("admin.new_team"))
    with st.form(f"admin_new_team_{form_round()}"):
        name = st.text_input(t("admin.team_name"))
        manager_id = choose_manager(t("admin.manager"), None, f"admin_team_mgr_{form_round()}")
        if st.form_submit_button(t("admin.create_team")):
            try:
                admin.create_team(cur, user, name, manager_id)
            except TrivselError as exc:
                problem(exc)
            else:
                next_form_round()
                flash("success", says("admin.team_created", team=name.strip()))
    if not found:
        return

    st.subheader(t("admin.edit_team"))
    by_id = {team.id: team for team in found}
    team_id = st.selectbox(t("admin.choose_team"), list(by_id), format_func=lambda i: by_id[i].name)
    team = by_id[team_id]
    with st.form(f"admin_rename_{team.id}"):
        new_name = st.text_input(t("admin.rename_to"), team.name, key=f"admin_rename_{team.id}")
        if st.form_submit_button(t("admin.rename_team")):
            try:
                admin.rename_team(cur, user, team.id, new_name)
            except TrivselError as exc:
                problem(exc)
            else:
                flash("success", says("admin.team_saved", team=new_name.strip()))
    with st.form(f"admin_team_manager_{team.id}"):
        manager_id = choose_manager(
            t("admin.team_manager"), team.manager_id, f"admin_team_manager_{team.id}"
        )
        st.caption(t("admin.team_manager_note"))
        if st.form_submit_button(t("admin.set_manager")):
            try:
                admin.set_team_manager(cur, user, team.id, manager_id)
            except TrivselError as exc:
                problem(exc)
            else:
                flash("success", says("admin.team_saved", team=team.name))
    move_people_form(team)


def move_people_form(team: admin.TeamInfo) -> None:
    """Find people by part of a name or username, then move the ones chosen: a list of
    everybody would be thousands of options sent on every run of the section."""
    search = st.text_input(
        says("admin.move_search", team=team.name),
        placeholder=t("admin.move_search_hint"),
        key=f"admin_move_search_{team.id}",
    )
    if not search.strip():
        st.caption(t("admin.move_search_first"))
        return
    found = admin.list_people(cur, user, search, limit=MOVE_CHOICES)
    if not found.people:
        st.info(t("admin.move_nobody"))
        return
    if found.total > len(found.people):
        st.caption(t("admin.move_more", shown=len(found.people), total=found.total))
    choices = {
        p.id: f"{p.name} ({p.username})" + (f" · {p.team}" if p.team else "") for p in found.people
    }
    with st.form(f"admin_move_{team.id}"):
        moving = st.multiselect(
            says("admin.move_people", team=team.name),
            list(choices),
            format_func=lambda i: choices[i],
            placeholder=t("admin.move_choose"),
            key=f"admin_move_people_{team.id}",
        )
        if st.form_submit_button(t("admin.move")):
            try:
                for person_id in moving:
                    admin.move_person(cur, user, person_id, team.id)
            except TrivselError as exc:
                problem(exc)
            else:
                flash("success", says("admin.moved", count=len(moving), team=team.name))


# --- Settings ---------------------------------------------------------------------------


def range_help(key: str) -> str:
    rule = settings.SETTINGS[key]
    return t("admin.range", minimum=rule.minimum, maximum=rule.maximum)


def settings_section() -> None:
    show_flash()
    current = resources.org_settings(cur)
    frozen = admin.frozen_k_rounds(cur, user)
    with st.form("admin_settings"):
        raw = {
            "organisation_name": st.text_input(
                t("admin.setting_organisation_name"), current.organisation_name
            ),
            "default_language": st.selectbox(
                t("admin.setting_default_language"),
                settings.SETTINGS["default_language"].choices,
                index=settings.SETTINGS["default_language"].choices.index(current.default_language),
                format_func=lambda code: resources.app_content().get(code).t("language.name"),
            ),
        }
        for key in ("k", "timer_target_minutes", "timer_limit_minutes"):
            raw[key] = st.number_input(
                t(f"admin.setting_{key}"), value=getattr(current, key), step=1, help=range_help(key)
            )
        raw["pamphlet_url"] = st.text_input(t("admin.setting_pamphlet_url"), current.pamphlet_url)
        raw["retention_days"] = st.number_input(
            t("admin.setting_retention_days"),
            value=current.retention_days,
            step=1,
            help=range_help("retention_days"),
        )
        saved = st.form_submit_button(t("admin.save_settings"), type="primary")
    st.caption(t("admin.k_note"))
    if frozen:
        st.info(t("admin.k_frozen_rounds"))
        st.text("\n".join(f"{r.team}: {r.round} (k = {r.k})" for r in frozen))
    if saved:
        try:
            changed = admin.save_settings(cur, user, {k: str(v) for k, v in raw.items()})
        except TrivselError as exc:
            field = exc.params.get("setting")
            prefix = f"{t(f'admin.setting_{field}')}: " if field else ""
            problem(exc, prefix)
        else:
            flash("success", says("admin.settings_saved", count=len(changed)))


# --- Audit log --------------------------------------------------------------------------


def audit_section() -> None:
    left, right = st.columns(2)
    person = left.text_input(t("admin.audit_user"), placeholder=t("admin.audit_user_hint"))
    action = right.selectbox(
        t("admin.audit_action"),
        [None, *admin.audit_actions(cur, user)],
        format_func=lambda a: t("admin.audit_all_actions") if a is None else a,
    )
    page = st.number_input(t("admin.audit_page"), min_value=1, value=1, step=1)
    log = admin.audit_log(cur, user, person=person, action=action, page=int(page) - 1)
    st.caption(t("admin.audit_count", page=log.page + 1, pages=log.pages, total=log.total))
    table(
        headers("when", "actor", "action", "subject", "detail"),
        ((e.at, e.actor, e.action, e.subject or "", e.detail) for e in log.entries),
    )
    st.caption(t("admin.audit_note"))


# --- Backup and retention ---------------------------------------------------------------


def backup_section() -> None:
    show_flash()
    st.subheader(t("admin.backup_title"))
    st.warning(t("admin.backup_key_warning"))
    database = resources.database()

    def make_backup() -> bytes:  # runs on another thread when clicked: its own cursor
        return backup.create(database.cursor(), user, resources.now()).data

    st.download_button(
        t("admin.backup_download"),
        make_backup,
        file_name=backup.file_name(resources.now()),
        mime="application/zip",
        on_click="ignore",
        type="primary",
    )
    st.caption(t("admin.restore_note"))
    st.code("python -m core.cli restore FILE.zip", language="bash")

    st.subheader(t("admin.retention_title"))
    days = resources.org_settings(cur).retention_days
    st.write(t("admin.retention_intro", days=days))
    if st.button(t("admin.purge_preview"), key="admin_purge_dry_run"):
        summary = retention.purge(cur, user, resources.now(), dry_run=True)
        st.session_state[state.ADMIN_PURGE_PREVIEW] = summary
    summary = st.session_state.get(state.ADMIN_PURGE_PREVIEW)
    if summary is None:
        return
    if not summary.rounds:
        st.info(t("admin.purge_nothing", date=f"{summary.cutoff:%d-%m-%Y}"))
        return
    st.warning(
        t(
            "admin.purge_would",
            notes=summary.notes,
            zones=summary.zones,
            rounds=len(summary.rounds),
            date=f"{summary.cutoff:%d-%m-%Y}",
        )
    )
    st.text(
        "\n".join(
            t("admin.purge_round", team=r.team, round=r.round, notes=r.notes, zones=r.zones)
            for r in summary.rounds
        )
    )
    st.caption(t("admin.purge_keeps"))
    if st.button(t("admin.purge_now"), type="primary", key="admin_purge_now"):
        done = retention.purge(cur, user, resources.now(), dry_run=False)
        st.session_state.pop(state.ADMIN_PURGE_PREVIEW, None)
        flash("success", says("admin.purge_done", notes=done.notes, zones=done.zones))


# --- The page ---------------------------------------------------------------------------

st.title(t("admin.title"))
st.caption(t("admin.no_content"))
section = st.segmented_control(
    t("admin.section"),
    SECTIONS,
    default="people",
    required=True,
    format_func=lambda s: t(f"admin.section_{s}"),
    key=state.ADMIN_SECTION,
)
{
    "people": people_section,
    "new_person": new_person_section,
    "import": import_section,
    "teams": teams_section,
    "settings": settings_section,
    "audit": audit_section,
    "backup": backup_section,
}[section or "people"]()
