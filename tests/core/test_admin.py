import ast
import inspect
import typing

import pytest

from core import admin, auth, conversations, people, preparation, settings
from core.db import Cursor
from core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.conftest import PASSWORD, MakeUser, Org

NOW = 1_800_000_000.0
HEADER = "username,name,email,roles,manager,team\n"


def actions(cur: Cursor) -> list[tuple[str, int | None, str]]:
    return [
        (row[0], row[1], row[2])
        for row in cur.all("SELECT action, subject_id, detail FROM audit_log ORDER BY id")
    ]


def insert_round(cur: Cursor, team_id: int, k: int | None = None, state: str = "open") -> int:
    """A round as the rounds and conversations modules leave it (k frozen or not)."""
    return int(
        cur.value(
            "INSERT INTO rounds (team_id, name, state, k)"
            " VALUES (?, 'MUS 2026', ?, ?) RETURNING id",
            [team_id, state, k],
        )
    )


# --- Only admins ------------------------------------------------------------------------

CALLS = {
    "list_people": lambda cur, a, org: admin.list_people(cur, a),
    "person": lambda cur, a, org: admin.person(cur, a, org.employees[0].id),
    "managers": lambda cur, a, org: admin.managers(cur, a),
    "create_person": lambda cur, a, org: admin.create_person(
        cur, a, people.NewUser("newbie", "New")
    ),
    "update_person": lambda cur, a, org: admin.update_person(
        cur,
        a,
        org.employees[0].id,
        name="X",
        email="",
        roles=frozenset({people.ADMIN}),
        manager_id=None,
        team_id=None,
    ),
    "deactivate": lambda cur, a, org: admin.deactivate(cur, a, org.employees[0].id, NOW),
    "reactivate": lambda cur, a, org: admin.reactivate(cur, a, org.employees[0].id),
    "reset_password": lambda cur, a, org: admin.reset_password(cur, a, org.employees[0].id, NOW),
    "preview_import": lambda cur, a, org: admin.preview_import(cur, a, HEADER),
    "import_people": lambda cur, a, org: admin.import_people(cur, a, HEADER + "z,Z,,employee,,\n"),
    "list_teams": lambda cur, a, org: admin.list_teams(cur, a),
    "create_team": lambda cur, a, org: admin.create_team(cur, a, "Team C"),
    "rename_team": lambda cur, a, org: admin.rename_team(cur, a, org.team_id, "Renamed"),
    "set_team_manager": lambda cur, a, org: admin.set_team_manager(cur, a, org.team_id, None),
    "move_person": lambda cur, a, org: admin.move_person(
        cur, a, org.employees[0].id, org.other_team_id
    ),
    "frozen_k_rounds": lambda cur, a, org: admin.frozen_k_rounds(cur, a),
    "save_settings": lambda cur, a, org: admin.save_settings(cur, a, {"k": "5"}),
    "set_setting": lambda cur, a, org: admin.set_setting(cur, a, "k", "5"),
    "audit_actions": lambda cur, a, org: admin.audit_actions(cur, a),
    "audit_log": lambda cur, a, org: admin.audit_log(cur, a),
}


def test_every_public_function_is_in_the_refusal_table() -> None:
    public = {
        name
        for name, value in vars(admin).items()
        if inspect.isfunction(value)
        and value.__module__ == admin.__name__
        and not name.startswith("_")
    }
    assert public - {"require_admin"} == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("who", ["manager", "employee", "deactivated admin"])
def test_only_an_active_admin_may_call_it(
    cur: Cursor, seeded_org: Org, make_user: MakeUser, name: str, who: str
) -> None:
    actor = {
        "manager": seeded_org.manager,
        "employee": seeded_org.employees[1],
        "deactivated admin": make_user("gone", people.ADMIN),
    }[who]
    if who == "deactivated admin":
        admin.deactivate(cur, seeded_org.admin, actor.id, NOW)
        actor = people.get(cur, actor.id)
    before = actions(cur)
    with pytest.raises(NotAllowed) as refused:
        CALLS[name](cur, actor, seeded_org)
    assert refused.value.key == "errors.admin_only"
    assert actions(cur) == before  # nothing was done, so nothing was logged
    assert people.by_username(cur, "newbie") is None
    assert settings.load(cur).k == 3


# --- An admin never reads what was said -------------------------------------------------

CONTENT_TABLES = ("preparation", "conversation", "agreement", "_enc")


def code_strings(module) -> list[str]:
    """Every string literal in a module's code (its SQL), docstrings left out."""
    tree = ast.parse(inspect.getsource(module))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_admin_function_touches_notes_shared_items_agreements_or_records() -> None:
    sql = " ".join(code_strings(admin)).lower()
    assert "audit_log" in sql and "from users" in sql  # the check sees the SQL
    for table in CONTENT_TABLES:
        assert table not in sql
    for name in CALLS:
        returned = str(typing.get_type_hints(getattr(admin, name)).get("return"))
        for word in ("Preparation", "Item", "SharedView", "Record", "Agreement", "Conversation"):
            assert word not in returned


def test_the_preparation_and_conversation_modules_refuse_an_admin(
    cur: Cursor, seeded_org: Org
) -> None:
    anna = seeded_org.employees[0]
    round_id = insert_round(cur, seeded_org.team_id)
    cur.run(
        "INSERT INTO preparation_items (user_id, round_id, item_id, note_enc, shared)"
        " VALUES (?, ?, 'zone_1', ?, TRUE)",
        [anna.id, round_id, cur.cipher.encrypt("secret shared note")],
    )
    with pytest.raises(NotAllowed):
        preparation.shared_view(cur, seeded_org.admin, anna.id, round_id)
    with pytest.raises(NotAllowed):
        conversations.record_for(cur, seeded_org.admin, anna.id, round_id)
    with pytest.raises(NotAllowed):
        preparation.load(cur, seeded_org.admin, round_id)


# --- People -----------------------------------------------------------------------------


def test_the_list_finds_people_by_name_username_or_email(cur: Cursor, seeded_org: Org) -> None:
    everyone = admin.list_people(cur, seeded_org.admin)
    assert everyone.total == 9 and len(everyone.people) == 9
    assert [p.username for p in admin.list_people(cur, seeded_org.admin, "ANN").people] == ["anna"]
    assert [p.username for p in admin.list_people(cur, seeded_org.admin, "olga@").people] == [
        "olga"
    ]
    anna = admin.list_people(cur, seeded_org.admin, "anna").people[0]
    assert (anna.team, anna.manager, anna.roles) == ("Team A", "Mona", {people.EMPLOYEE})
    assert admin.list_people(cur, seeded_org.admin, "%").total == 0  # no wildcards


def test_a_long_list_is_cut_and_says_how_many_matched(cur: Cursor, seeded_org: Org) -> None:
    page = admin.list_people(cur, seeded_org.admin, limit=3)
    assert len(page.people) == 3 and page.total == 9


def test_a_created_person_gets_a_first_password_that_must_be_changed(
    cur: Cursor, seeded_org: Org
) -> None:
    new = people.NewUser(
        " Pia ", "Pia Hansen", "pia@example.org", frozenset({people.EMPLOYEE}),
        seeded_org.manager.id, seeded_org.team_id,
    )  # fmt: skip
    user_id, password = admin.create_person(cur, seeded_org.admin, new)
    pia = people.get(cur, user_id)
    assert (pia.username, pia.team_id, pia.manager_id) == (
        "pia",
        seeded_org.team_id,
        seeded_org.manager.id,
    )
    assert pia.must_change_password
    assert auth.check_login(cur, "pia", password, NOW) is auth.LoginOutcome.OK
    assert ("user_created", user_id, "employee") in actions(cur)


@pytest.mark.parametrize(
    ("username", "roles", "manager", "error", "key"),
    [
        ("Bad Name", {people.EMPLOYEE}, None, InvalidInput, "errors.username_format"),
        ("anna", {people.EMPLOYEE}, None, Conflict, "errors.username_taken"),
        ("pia", {"boss"}, None, InvalidInput, "errors.roles_unknown"),
        ("pia", {people.EMPLOYEE}, "anna", InvalidInput, "errors.manager_invalid"),
    ],
)
def test_a_bad_new_person_is_refused_and_nothing_stored(
    cur: Cursor, seeded_org: Org, username, roles, manager, error, key
) -> None:
    manager_id = people.by_username(cur, manager).id if manager else None
    new = people.NewUser(username, "Someone", "", frozenset(roles), manager_id)
    count = people.count(cur)
    with pytest.raises(error) as refused:
        admin.create_person(cur, seeded_org.admin, new)
    assert refused.value.key == key
    assert people.count(cur) == count


def test_editing_a_person_changes_and_audits_each_kind_of_change(
    cur: Cursor, seeded_org: Org
) -> None:
    anna = seeded_org.employees[0]
    edited = admin.update_person(
        cur,
        seeded_org.admin,
        anna.id,
        name="Anna Berg",
        email="anna.berg@example.org",
        roles=frozenset({people.EMPLOYEE, people.MANAGER}),
        manager_id=seeded_org.other_manager.id,
        team_id=seeded_org.other_team_id,
    )
    assert (edited.name, edited.email, edited.team, edited.manager) == (
        "Anna Berg",
        "anna.berg@example.org",
        "Team B",
        "Otto",
    )
    assert edited.roles == {people.EMPLOYEE, people.MANAGER}
    logged = actions(cur)[-3:]
    assert logged == [
        ("user_updated", anna.id, "name,email,manager"),
        ("roles_changed", anna.id, "employee -> employee,manager"),
        ("team_changed", anna.id, "Team A -> Team B"),
    ]


def edit(cur: Cursor, actor: people.User, target: people.User, **changes) -> admin.Person:
    """admin.update_person with the target's own values but for `changes`."""
    unchanged = {
        "name": target.name,
        "email": target.email,
        "roles": target.roles,
        "manager_id": target.manager_id,
        "team_id": target.team_id,
    }
    return admin.update_person(cur, actor, target.id, **{**unchanged, **changes})


def test_an_unchanged_edit_logs_nothing(cur: Cursor, seeded_org: Org) -> None:
    before = actions(cur)
    edit(cur, seeded_org.admin, seeded_org.employees[0])
    assert actions(cur) == before


def test_the_last_active_admin_cannot_drop_the_admin_role(
    cur: Cursor, seeded_org: Org, make_user: MakeUser
) -> None:
    me = seeded_org.admin
    with pytest.raises(Conflict) as refused:
        edit(cur, me, me, roles=frozenset({people.EMPLOYEE}))
    assert refused.value.key == "errors.last_admin"
    assert people.get(cur, me.id).has(people.ADMIN)
    # With a second active admin it is allowed.
    make_user("hr2", people.ADMIN)
    edit(cur, me, me, roles=frozenset({people.EMPLOYEE}))
    assert people.get(cur, me.id).roles == {people.EMPLOYEE}


def test_a_deactivated_admin_does_not_count_as_the_last_one(
    cur: Cursor, seeded_org: Org, make_user: MakeUser
) -> None:
    gone = make_user("gone", people.ADMIN)
    admin.deactivate(cur, seeded_org.admin, gone.id, NOW)
    edit(cur, seeded_org.admin, people.get(cur, gone.id), roles=frozenset({people.EMPLOYEE}))
    assert people.get(cur, gone.id).roles == {people.EMPLOYEE}


def test_a_manager_with_a_team_keeps_the_manager_role(cur: Cursor, seeded_org: Org) -> None:
    with pytest.raises(Conflict) as refused:
        edit(cur, seeded_org.admin, seeded_org.manager, roles=frozenset({people.EMPLOYEE}))
    assert refused.value.key == "errors.still_manager"
    assert refused.value.params == {"teams": 1, "reports": 5}


@pytest.mark.parametrize("field", ["name", "email"])
def test_a_bad_name_or_email_is_refused(cur: Cursor, seeded_org: Org, field: str) -> None:
    anna = seeded_org.employees[0]
    with pytest.raises(InvalidInput):
        edit(cur, seeded_org.admin, anna, **{field: "x\n" if field == "name" else "no"})
    assert people.get(cur, anna.id).name == "Anna"


def test_someone_cannot_be_their_own_manager_or_join_a_missing_team(
    cur: Cursor, seeded_org: Org
) -> None:
    mona = seeded_org.manager
    with pytest.raises(InvalidInput):
        edit(cur, seeded_org.admin, mona, manager_id=mona.id)
    with pytest.raises(NotFound):
        edit(cur, seeded_org.admin, mona, team_id=999)


def test_a_deactivated_person_cannot_log_in_and_their_sessions_end(
    cur: Cursor, seeded_org: Org
) -> None:
    anna = seeded_org.employees[0]
    assert auth.session_valid(cur, "anna", NOW - 60)
    admin.deactivate(cur, seeded_org.admin, anna.id, NOW)
    assert not auth.session_valid(cur, "anna", NOW - 60)
    assert auth.check_login(cur, "anna", PASSWORD, NOW + 1) is auth.LoginOutcome.WRONG
    assert ("user_deactivated", anna.id, "") in actions(cur)
    assert not admin.person(cur, seeded_org.admin, anna.id).active

    admin.reactivate(cur, seeded_org.admin, anna.id)
    assert auth.check_login(cur, "anna", PASSWORD, NOW + 2) is auth.LoginOutcome.OK
    assert ("user_reactivated", anna.id, "") in actions(cur)


def test_an_admin_cannot_deactivate_themselves(cur: Cursor, seeded_org: Org) -> None:
    with pytest.raises(Conflict) as refused:
        admin.deactivate(cur, seeded_org.admin, seeded_org.admin.id, NOW)
    assert refused.value.key == "errors.deactivate_self"
    assert people.get(cur, seeded_org.admin.id).active


def test_a_reset_gives_a_temporary_password_and_forces_a_change(
    cur: Cursor, seeded_org: Org
) -> None:
    anna = seeded_org.employees[0]
    temporary = admin.reset_password(cur, seeded_org.admin, anna.id, NOW)
    assert auth.check_login(cur, "anna", PASSWORD, NOW) is auth.LoginOutcome.WRONG
    assert auth.check_login(cur, "anna", temporary, NOW + 1) is auth.LoginOutcome.OK
    reset = people.get(cur, anna.id)
    assert reset.must_change_password and reset.password_reset_at is not None
    assert ("password_reset", anna.id, "") in actions(cur)


# --- Import -----------------------------------------------------------------------------


def test_a_file_with_one_bad_line_imports_nobody(cur: Cursor, seeded_org: Org) -> None:
    text = HEADER + "pia,Pia,,employee,mona,Team A\nBad!,X,,employee,mona,Team A\n"
    preview = admin.preview_import(cur, seeded_org.admin, text)
    assert [(p.line, p.key) for p in preview.problems] == [(3, "errors.username_format")]
    with pytest.raises(InvalidInput) as refused:
        admin.import_people(cur, seeded_org.admin, text)
    assert refused.value.key == "errors.import_has_problems"
    assert people.by_username(cur, "pia") is None


def test_a_clean_file_imports_everyone_with_progress(cur: Cursor, seeded_org: Org) -> None:
    text = HEADER + "pia,Pia,,employee,mona,Team A\nper,Per,,employee,mona,Team A\n"
    seen = []
    logins = admin.import_people(cur, seeded_org.admin, text, lambda d, n: seen.append((d, n)))
    assert [login.username for login in logins] == ["pia", "per"]
    assert seen == [(1, 2), (2, 2)]
    pia = people.by_username(cur, "pia")
    assert pia.manager_id == seeded_org.manager.id and pia.must_change_password
    assert ("users_imported", None, "2 users") in actions(cur)
    entry = cur.one("SELECT actor_id, actor FROM audit_log WHERE action = 'users_imported'")
    assert entry == (seeded_org.admin.id, "admin")


# --- Teams ------------------------------------------------------------------------------


def test_teams_are_listed_with_manager_and_member_count(cur: Cursor, seeded_org: Org) -> None:
    listed = admin.list_teams(cur, seeded_org.admin)
    assert [(t.name, t.manager, t.members) for t in listed] == [
        ("Team A", "Mona", 5),
        ("Team B", "Otto", 1),
    ]


def test_create_and_rename_a_team(cur: Cursor, seeded_org: Org) -> None:
    team_id = admin.create_team(cur, seeded_org.admin, " Lager ", seeded_org.manager.id)
    admin.rename_team(cur, seeded_org.admin, team_id, "Lageret")
    assert [t.name for t in admin.list_teams(cur, seeded_org.admin)][0] == "Lageret"
    with pytest.raises(Conflict):
        admin.rename_team(cur, seeded_org.admin, team_id, "Team A")
    with pytest.raises(InvalidInput):
        admin.rename_team(cur, seeded_org.admin, team_id, "")
    with pytest.raises(InvalidInput):
        admin.create_team(cur, seeded_org.admin, "X", seeded_org.employees[0].id)  # no manager
    details = [d for a, _, d in actions(cur) if a == "team_changed"]
    assert details == ["created Lager", "renamed Lager -> Lageret"]


def test_a_new_team_manager_becomes_the_members_manager(
    cur: Cursor, seeded_org: Org, make_user: MakeUser
) -> None:
    nora = make_user("nora", people.MANAGER)
    admin.set_team_manager(cur, seeded_org.admin, seeded_org.team_id, nora.id)
    assert {people.get(cur, e.id).manager_id for e in seeded_org.employees} == {nora.id}
    assert [t.manager for t in admin.list_teams(cur, seeded_org.admin)][0] == "Nora"
    with pytest.raises(InvalidInput):
        admin.set_team_manager(
            cur, seeded_org.admin, seeded_org.team_id, seeded_org.employees[0].id
        )


def test_moving_a_person_keeps_earlier_records_with_the_old_team(
    cur: Cursor, seeded_org: Org
) -> None:
    anna = seeded_org.employees[0]
    round_id = insert_round(cur, seeded_org.team_id)
    cur.run(
        "INSERT INTO conversations (round_id, team_id, employee_id, manager_id)"
        " VALUES (?, ?, ?, ?)",
        [round_id, seeded_org.team_id, anna.id, seeded_org.manager.id],
    )
    admin.move_person(cur, seeded_org.admin, anna.id, seeded_org.other_team_id)
    moved = people.get(cur, anna.id)
    assert (moved.team_id, moved.manager_id) == (
        seeded_org.other_team_id,
        seeded_org.other_manager.id,
    )
    kept = cur.value("SELECT team_id FROM conversations WHERE employee_id = ?", [anna.id])
    assert kept == seeded_org.team_id
    assert ("team_changed", anna.id, "Team A -> Team B") in actions(cur)


# --- Settings ---------------------------------------------------------------------------


def test_settings_are_saved_and_audited_together(cur: Cursor, seeded_org: Org) -> None:
    changed = admin.save_settings(
        cur,
        seeded_org.admin,
        {
            "organisation_name": "Acme",
            "k": "4",
            "timer_target_minutes": "11",
            "timer_limit_minutes": "14",
            "default_language": "da",  # unchanged
        },
    )
    assert changed == ["organisation_name", "k", "timer_target_minutes", "timer_limit_minutes"]
    loaded = settings.load(cur)
    assert (loaded.organisation_name, loaded.k, loaded.timer_limit_minutes) == ("Acme", 4, 14)
    assert actions(cur)[-1] == (
        "settings_changed",
        None,
        "organisation_name=Acme, k=4, timer_target_minutes=11, timer_limit_minutes=14",
    )


@pytest.mark.parametrize(
    ("key", "value", "error", "params"),
    [
        ("k", "2", "errors.setting_range", {"minimum": 3, "maximum": 10}),
        ("k", "11", "errors.setting_range", {"minimum": 3, "maximum": 10}),
        ("k", "three", "errors.setting_range", {"minimum": 3, "maximum": 10}),
        ("retention_days", "7", "errors.setting_range", {"minimum": 30, "maximum": 3650}),
        ("timer_limit_minutes", "10", "errors.timer_limit", {"target": 10}),
        ("timer_target_minutes", "12", "errors.timer_limit", {"target": 12}),
        ("pamphlet_url", "javascript:alert(1)", "errors.setting_url", {}),
        ("default_language", "sv", "errors.setting_choice", {"choices": "da, en"}),
    ],
)
def test_a_value_outside_its_range_is_refused_naming_the_range(
    cur: Cursor, seeded_org: Org, key: str, value: str, error: str, params: dict
) -> None:
    with pytest.raises(InvalidInput) as refused:
        admin.set_setting(cur, seeded_org.admin, key, value)
    assert refused.value.key == error
    assert refused.value.params == {"setting": key, **params}
    assert settings.load(cur) == settings.load(cur)  # still loads
    assert "settings_changed" not in [a for a, _, _ in actions(cur)]


def test_one_bad_value_stores_none_of_the_others(cur: Cursor, seeded_org: Org) -> None:
    with pytest.raises(InvalidInput):
        admin.save_settings(cur, seeded_org.admin, {"organisation_name": "Acme", "k": "99"})
    assert settings.load(cur).organisation_name == ""


def test_k_cannot_change_while_an_open_round_has_another_frozen_k(
    cur: Cursor, seeded_org: Org
) -> None:
    insert_round(cur, seeded_org.team_id, k=3)
    insert_round(cur, seeded_org.other_team_id, k=None)  # no conversation yet: not frozen
    assert [(r.team, r.k) for r in admin.frozen_k_rounds(cur, seeded_org.admin)] == [("Team A", 3)]
    with pytest.raises(Conflict) as refused:
        admin.set_setting(cur, seeded_org.admin, "k", "5")
    assert refused.value.key == "errors.k_frozen"
    assert refused.value.params["rounds"] == "Team A: MUS 2026 (k = 3)"
    assert settings.load(cur).k == 3
    # Other settings can still be saved while k stays as it is.
    assert admin.save_settings(cur, seeded_org.admin, {"k": "3", "retention_days": "365"}) == [
        "retention_days"
    ]


def test_k_may_change_once_rounds_with_a_frozen_k_are_closed(cur: Cursor, seeded_org: Org) -> None:
    insert_round(cur, seeded_org.team_id, k=3, state="closed")
    assert admin.set_setting(cur, seeded_org.admin, "k", "5")
    assert settings.load(cur).k == 5


def test_unknown_setting_is_refused(cur: Cursor, seeded_org: Org) -> None:
    with pytest.raises(NotFound):
        admin.set_setting(cur, seeded_org.admin, "is_admin", "1")


# --- Audit log --------------------------------------------------------------------------


def test_the_log_filters_by_user_and_action_newest_first(cur: Cursor, seeded_org: Org) -> None:
    anna, bent = seeded_org.employees[:2]
    admin.reset_password(cur, seeded_org.admin, anna.id, NOW)
    admin.deactivate(cur, seeded_org.admin, bent.id, NOW)
    auth.check_login(cur, "anna", "wrong", NOW)

    about_anna = admin.audit_log(cur, seeded_org.admin, person="anna")
    assert [e.action for e in about_anna.entries] == [
        "login_failed",
        "password_reset",
        "user_created",
    ]
    assert {e.subject for e in about_anna.entries} == {"anna"}
    resets = admin.audit_log(cur, seeded_org.admin, action="password_reset")
    assert [(e.actor, e.subject) for e in resets.entries] == [("admin", "anna")]
    both = admin.audit_log(cur, seeded_org.admin, person="bent", action="user_deactivated")
    assert both.total == 1
    assert "password_reset" in admin.audit_actions(cur, seeded_org.admin)


def test_the_log_searches_people_by_username_or_name(cur: Cursor, seeded_org: Org) -> None:
    anna, bent = seeded_org.employees[:2]
    admin.reset_password(cur, seeded_org.admin, anna.id, NOW)
    admin.deactivate(cur, seeded_org.admin, bent.id, NOW)
    cur.run("UPDATE users SET name = 'Bent Ørsted' WHERE id = ?", [bent.id])

    about_anna = admin.audit_log(cur, seeded_org.admin, person="  ANN ")
    assert {e.subject for e in about_anna.entries} == {"anna"}
    assert "password_reset" in [e.action for e in about_anna.entries]
    by_name = admin.audit_log(cur, seeded_org.admin, person="ørsted")
    assert {e.subject for e in by_name.entries} == {"bent"}
    assert "user_deactivated" in [e.action for e in by_name.entries]
    by_actor = admin.audit_log(cur, seeded_org.admin, person="admin", action="password_reset")
    assert [(e.actor, e.subject) for e in by_actor.entries] == [("admin", "anna")]
    nobody = admin.audit_log(cur, seeded_org.admin, person="zebra")
    assert (nobody.total, nobody.pages, nobody.entries) == (0, 1, ())
    everyone = admin.audit_log(cur, seeded_org.admin)
    assert admin.audit_log(cur, seeded_org.admin, person="   ").total == everyone.total
    assert about_anna.total + by_name.total < everyone.total


def test_the_log_is_paginated(cur: Cursor, seeded_org: Org) -> None:
    everything = admin.audit_log(cur, seeded_org.admin, per_page=4)
    assert (everything.total, everything.pages, len(everything.entries)) == (9, 3, 4)
    last = admin.audit_log(cur, seeded_org.admin, page=2, per_page=4)
    assert len(last.entries) == 1 and last.entries[0].subject == "admin"
    assert admin.audit_log(cur, seeded_org.admin, page=99, per_page=4).page == 2


def test_an_injection_attempt_is_just_an_unknown_action(cur: Cursor, seeded_org: Org) -> None:
    found = admin.audit_log(cur, seeded_org.admin, action="x' OR '1'='1")
    assert found.total == 0
