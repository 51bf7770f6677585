"""The access matrix of DESIGN.md ("Roles and what each may see"), proved function by function.

Every public function of the modules that hold or hand out personal data is either a row
of MATRIX (called by each role relation to one employee, anna, and her team, asserting
"reaches her data" or "refused" exactly as the design's table says) or named in
NO_MATRIX_ROW with the reason it needs none. A new public function without either makes
test_every_public_function_is_classified fail.

The relations: anna herself; bent, her colleague in the same team; mona, her manager;
otto, another team's manager; the administrator; olga, an employee of another team; the
first three and the administrator once more while deactivated; and nobody logged in,
for whom the app's login gate must call none of these functions on any page's address.
"""

import functools
import importlib
import inspect
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.fernet import Fernet

from core import (
    actions,
    admin,
    audit,
    backup,
    config,
    content,
    conversations,
    db,
    people,
    preparation,
    retention,
    rounds,
    themes,
)
from core.crypto import cipher
from core.errors import NotAllowed
from tests.conftest import REPO, Org, _seed_org, new_app, open_round, texts

# --- the world: one employee's data, written through core --------------------------------

PRIVATE = "privat-markoer-7f3a"  # anna's private note
SHARED = "delt-markoer-9c2e"  # the note anna shared with mona
AGREEMENT = "aftale-markoer-41bd"  # an agreement in anna's conversation record
ACTION = "handling-markoer-d805"  # a group action of anna's team
MARKERS = (PRIVATE, SHARED, AGREEMENT, ACTION)
NOW = 1_790_000_000.0
THEME = sorted(conversations.theme_ids())[0]
DANISH = content.load().get("da")
IMPORT_CSV = "username,name,email,roles,manager,team\nzoe,Zoe,,employee,mona,Team A\n"


@dataclass(frozen=True)
class World:
    org: Org
    round_id: int  # team A's open round, where anna prepares and mona holds the talk
    closed_round_id: int  # an earlier, closed round: three held talks raised THEME
    conversation_id: int  # anna's conversation in round_id
    agreement_id: int
    action_id: int
    year: int  # the year closed_round_id was closed

    @property
    def anna(self) -> people.User:
        return self.org.employees[0]

    @property
    def team_id(self) -> int:
        return self.org.team_id


def build_world(cur: db.Cursor) -> World:
    org = _seed_org(cur)
    mona, anna = org.manager, org.employees[0]
    closed = open_round(cur, mona, org.team_id, "MUS 2025")
    for employee in org.employees[:3]:
        talk = conversations.open_conversation(cur, mona, employee.id, closed)
        conversations.add_theme(cur, mona, talk.id, THEME, conversations.STRAINING, NOW)
        conversations.mark_held(cur, mona, talk.id, NOW)
    year = rounds.advance(cur, mona, closed, rounds.CLOSED).closed_at.year

    round_id = open_round(cur, mona, org.team_id)
    preparation.save_note(cur, anna, round_id, "preparation", PRIVATE, NOW)
    preparation.save_note(cur, anna, round_id, "zone_1", SHARED, NOW)
    preparation.share(cur, anna, round_id, "zone_1", NOW)
    preparation.save_note(cur, anna, round_id, "factors_1", "not shared yet", NOW)
    bent = org.employees[1]  # has a note of his own to share, as anna has
    preparation.save_note(cur, bent, round_id, "factors_1", "bent's own", NOW)
    preparation.set_flag(cur, anna, round_id, "zone_2", True, NOW)
    preparation.set_zone(cur, anna, round_id, "risk", NOW)
    preparation.set_ready(cur, anna, round_id, True, NOW)
    talk = conversations.open_conversation(cur, mona, anna.id, round_id)
    conversations.schedule(cur, mona, talk.id, date(2026, 3, 14))
    conversations.select_questions(cur, mona, talk.id, ["zone_1"])
    conversations.add_theme(cur, mona, talk.id, THEME, conversations.STRAINING, NOW)
    agreement = conversations.add_agreement(cur, mona, talk.id, AGREEMENT, "both", None, NOW)
    action = actions.add(cur, mona, round_id, ACTION)
    return World(org, round_id, closed, talk.id, agreement.id, action.id, year)


# --- who asks ------------------------------------------------------------------------------

SELF, COLLEAGUE, MANAGER, OTHER_MANAGER = "self", "colleague", "own manager", "other manager"
ADMIN, OTHER_EMPLOYEE, LOGGED_OUT = "admin", "other employee", "logged out"
DEACTIVATED = tuple(f"deactivated {r}" for r in (SELF, MANAGER, ADMIN))
RELATIONS = (SELF, COLLEAGUE, MANAGER, OTHER_MANAGER, ADMIN, OTHER_EMPLOYEE, *DEACTIVATED)
RELATIONS += (LOGGED_OUT,)


def actor_for(cur: db.Cursor, world: World, relation: str) -> people.User:
    base = relation.removeprefix("deactivated ")
    org = world.org
    user = {
        SELF: org.employees[0],
        COLLEAGUE: org.employees[1],
        MANAGER: org.manager,
        OTHER_MANAGER: org.other_manager,
        ADMIN: org.admin,
        OTHER_EMPLOYEE: org.other_employee,
    }[base]
    if relation != base:
        cur.run("UPDATE users SET active = FALSE WHERE id = ?", [user.id])
    return people.get(cur, user.id)


@dataclass(frozen=True)
class Case:
    cur: db.Cursor
    world: World
    actor: people.User

    @property
    def is_anna(self) -> bool:
        return self.actor.id == self.world.anna.id

    def anna_item(self, item_id: str) -> tuple[str, bool, bool]:
        """anna's stored note text, flag and sharing of one item, read straight from the table."""
        note_enc, flagged, shared = self.cur.one(
            "SELECT note_enc, flagged, shared FROM preparation_items"
            " WHERE user_id = ? AND round_id = ? AND item_id = ?",
            [self.world.anna.id, self.world.round_id, item_id],
        ) or ("", False, False)
        return self.cur.cipher.decrypt(note_enc), flagged, shared

    def anna_preparation(self) -> tuple[str | None, bool]:
        return self.cur.one(
            "SELECT zone, ready FROM preparations WHERE user_id = ? AND round_id = ?",
            [self.world.anna.id, self.world.round_id],
        )


def succeeds(call: Callable[["Case"], object]) -> Callable[["Case"], bool]:
    """For a function acting on anna or her team by id: reaching her data = not refused."""

    def probe(case: Case) -> bool:
        call(case)
        return True

    return probe


# --- the matrix -----------------------------------------------------------------------------

TEAM = frozenset({SELF, COLLEAGUE, MANAGER})  # "own team" / "own teams"
TEAM_AND_ADMIN = TEAM | {ADMIN}
ONLY_SELF, ONLY_MANAGER, ONLY_ADMIN = frozenset({SELF}), frozenset({MANAGER}), frozenset({ADMIN})
SELF_AND_MANAGER = frozenset({SELF, MANAGER})


@dataclass(frozen=True)
class Row:
    function: Callable
    allowed: frozenset[str]  # the relations that reach anna's data; every other is refused
    probe: Callable[[Case], object]  # truthy: the actor got or changed anna's data
    design: str  # the line of DESIGN.md's table this row proves
    variant: str = ""

    @property
    def name(self) -> str:
        return f"{self.function.__module__.removeprefix('core.')}.{self.function.__name__}"

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name


def _c(w: World) -> int:
    return w.conversation_id


NOTES, SHARED_ITEMS, FLAGS = "private notes, zone", "shared items", "flags, ready"
RECORD, THEMES, ACTIONS, ORG = "conversation record", "team themes", "group actions", "users..."

MATRIX = (
    # --- preparation: the author's own, the manager's view of what was shared -------------
    Row(
        preparation.load,
        ONLY_SELF,
        lambda c: (
            c.is_anna
            and PRIVATE
            in [i.note for i in preparation.load(c.cur, c.actor, c.world.round_id).items.values()]
        ),
        NOTES,
    ),
    Row(
        preparation.overview,
        ONLY_SELF,
        lambda c: (
            (seen := preparation.overview(c.cur, c.actor)) is not None
            and seen.round.id == c.world.round_id
            and PRIVATE in [i.note for i in seen.preparation.items.values()]
            and seen.conversation_on == date(2026, 3, 14)
        ),
        NOTES,
    ),
    Row(
        preparation.save_note,
        ONLY_SELF,
        lambda c: (
            preparation.save_note(c.cur, c.actor, c.world.round_id, "factors_2", "new", NOW)
            and c.anna_item("factors_2")[0] == "new"
        ),
        NOTES,
    ),
    Row(
        preparation.set_flag,
        ONLY_SELF,
        lambda c: (
            preparation.set_flag(c.cur, c.actor, c.world.round_id, "factors_3", True, NOW)
            or c.anna_item("factors_3")[1]
        ),
        FLAGS,
    ),
    Row(
        preparation.share,
        ONLY_SELF,
        lambda c: (
            preparation.share(c.cur, c.actor, c.world.round_id, "factors_1", NOW)
            or c.anna_item("factors_1")[2]
        ),
        SHARED_ITEMS,
    ),
    Row(
        preparation.unshare,
        ONLY_SELF,
        lambda c: (
            preparation.unshare(c.cur, c.actor, c.world.round_id, "zone_1", NOW)
            or not c.anna_item("zone_1")[2]
        ),
        SHARED_ITEMS,
    ),
    Row(
        preparation.set_zone,
        ONLY_SELF,
        lambda c: (
            preparation.set_zone(c.cur, c.actor, c.world.round_id, "danger", NOW)
            or c.anna_preparation()[0] == "danger"
        ),
        NOTES,
    ),
    Row(
        preparation.set_ready,
        ONLY_SELF,
        lambda c: (
            preparation.set_ready(c.cur, c.actor, c.world.round_id, False, NOW)
            or not c.anna_preparation()[1]
        ),
        FLAGS,
    ),
    Row(
        preparation.shared_view,
        ONLY_MANAGER,
        lambda c: (
            SHARED
            in dict(
                preparation.shared_view(c.cur, c.actor, c.world.anna.id, c.world.round_id).shared
            ).values()
        ),
        SHARED_ITEMS,
    ),
    Row(
        preparation.readiness,
        ONLY_MANAGER,
        lambda c: (
            c.world.anna.id
            in preparation.readiness(c.cur, c.actor, c.world.team_id, c.world.round_id)
        ),
        FLAGS,
    ),
    # --- conversations: the manager writes, the employee reads --------------------------
    Row(
        conversations.my_employees,
        ONLY_MANAGER,
        lambda c: c.world.anna.id in [e.id for e in conversations.my_employees(c.cur, c.actor)],
        ORG,
    ),
    Row(
        conversations.employee_by_username,
        ONLY_MANAGER,
        succeeds(lambda c: conversations.employee_by_username(c.cur, c.actor, "anna")),
        ORG,
    ),
    Row(
        conversations.rounds_for,
        ONLY_MANAGER,
        succeeds(lambda c: conversations.rounds_for(c.cur, c.actor, c.world.anna.id)),
        ORG,
    ),
    Row(
        conversations.record_for,
        SELF_AND_MANAGER,
        lambda c: (
            AGREEMENT
            in [
                a.text
                for a in conversations.record_for(
                    c.cur, c.actor, c.world.anna.id, c.world.round_id
                ).agreements
            ]
        ),
        RECORD,
    ),
    Row(
        conversations.roster,
        ONLY_MANAGER,
        lambda c: (
            c.world.anna.id
            in [
                e.employee.id
                for e in conversations.roster(c.cur, c.actor, c.world.team_id, c.world.round_id)
            ]
        ),
        RECORD,
    ),
    Row(
        conversations.open_conversation,
        ONLY_MANAGER,
        succeeds(
            lambda c: conversations.open_conversation(
                c.cur, c.actor, c.world.anna.id, c.world.round_id
            )
        ),
        RECORD,
    ),
    Row(
        conversations.schedule,
        ONLY_MANAGER,
        succeeds(lambda c: conversations.schedule(c.cur, c.actor, _c(c.world), date(2026, 4, 1))),
        RECORD,
    ),
    Row(
        conversations.select_questions,
        ONLY_MANAGER,
        succeeds(lambda c: conversations.select_questions(c.cur, c.actor, _c(c.world), ["zone_2"])),
        RECORD,
    ),
    Row(
        conversations.timer_start,
        ONLY_MANAGER,
        succeeds(lambda c: conversations.timer_start(c.cur, c.actor, _c(c.world), NOW)),
        RECORD,
    ),
    Row(
        conversations.timer_pause,
        ONLY_MANAGER,
        succeeds(lambda c: conversations.timer_pause(c.cur, c.actor, _c(c.world), NOW)),
        RECORD,
    ),
    Row(
        conversations.timer_reset,
        ONLY_MANAGER,
        succeeds(lambda c: conversations.timer_reset(c.cur, c.actor, _c(c.world), NOW)),
        RECORD,
    ),
    Row(
        conversations.add_theme,
        ONLY_MANAGER,
        succeeds(
            lambda c: conversations.add_theme(
                c.cur, c.actor, _c(c.world), THEME, conversations.PROTECTIVE, NOW
            )
        ),
        RECORD,
    ),
    Row(
        conversations.remove_theme,
        ONLY_MANAGER,
        succeeds(
            lambda c: conversations.remove_theme(
                c.cur, c.actor, _c(c.world), THEME, conversations.STRAINING, NOW
            )
        ),
        RECORD,
    ),
    Row(
        conversations.add_agreement,
        ONLY_MANAGER,
        succeeds(
            lambda c: conversations.add_agreement(
                c.cur, c.actor, _c(c.world), "another agreement", "both", None, NOW
            )
        ),
        RECORD,
    ),
    Row(
        conversations.remove_agreement,
        ONLY_MANAGER,
        succeeds(
            lambda c: conversations.remove_agreement(
                c.cur, c.actor, _c(c.world), c.world.agreement_id, NOW
            )
        ),
        RECORD,
    ),
    Row(
        conversations.mark_held,
        ONLY_MANAGER,
        succeeds(lambda c: conversations.mark_held(c.cur, c.actor, _c(c.world), NOW)),
        RECORD,
    ),
    # --- group actions: the team reads, its manager writes, the admin reads --------------
    Row(
        actions.add,
        ONLY_MANAGER,
        succeeds(lambda c: actions.add(c.cur, c.actor, c.world.round_id, "one more action")),
        ACTIONS,
    ),
    Row(
        actions.get,
        TEAM_AND_ADMIN,
        lambda c: actions.get(c.cur, c.actor, c.world.action_id).text == ACTION,
        ACTIONS,
    ),
    Row(
        actions.update,
        ONLY_MANAGER,
        succeeds(
            lambda c: actions.update(
                c.cur,
                c.actor,
                c.world.action_id,
                text="changed",
                owner="",
                theme_id=None,
                due_on=None,
                status=actions.DONE,
            )
        ),
        ACTIONS,
    ),
    Row(
        actions.for_team,
        TEAM_AND_ADMIN,
        lambda c: ACTION in [a.text for a in actions.for_team(c.cur, c.actor, c.world.team_id)],
        ACTIONS,
    ),
    Row(
        actions.for_round,
        TEAM_AND_ADMIN,
        lambda c: ACTION in [a.text for a in actions.for_round(c.cur, c.actor, c.world.round_id)],
        ACTIONS,
    ),
    # --- themes: k-anonymous aggregates of the team; the organisation for admins --------
    Row(
        themes.may_see_team,
        TEAM_AND_ADMIN,
        lambda c: themes.may_see_team(
            c.cur, c.actor, c.world.team_id, rounds.get(c.cur, c.world.closed_round_id)
        ),
        THEMES,
        "closed round",
    ),
    Row(
        themes.may_see_team,
        TEAM,
        lambda c: themes.may_see_team(
            c.cur, c.actor, c.world.team_id, rounds.get(c.cur, c.world.round_id)
        ),
        THEMES,
        "open round",
    ),
    Row(
        themes.published,
        TEAM_AND_ADMIN,
        lambda c: themes.published(c.cur, c.actor, c.world.closed_round_id).themes,
        THEMES,
        "closed round",
    ),
    Row(
        themes.published,
        TEAM,
        succeeds(lambda c: themes.published(c.cur, c.actor, c.world.round_id)),
        THEMES,
        "open round",
    ),
    Row(
        themes.trend,
        TEAM_AND_ADMIN,
        lambda c: any(t.themes for _, t in themes.trend(c.cur, c.actor, c.world.team_id)),
        THEMES,
    ),
    Row(
        themes.team_view,
        TEAM_AND_ADMIN,
        lambda c: themes.team_view(c.cur, c.actor, c.world.closed_round_id).published.themes,
        THEMES,
        "closed round",
    ),
    Row(
        themes.team_view,
        TEAM,
        succeeds(lambda c: themes.team_view(c.cur, c.actor, c.world.round_id)),
        THEMES,
        "open round",
    ),
    Row(
        themes.organisation,
        ONLY_ADMIN,
        lambda c: (
            c.world.team_id
            in [team for team, _ in themes.organisation(c.cur, c.actor, c.world.year).teams]
        ),
        THEMES,
    ),
    Row(
        themes.closed_years,
        ONLY_ADMIN,
        lambda c: c.world.year in themes.closed_years(c.cur, c.actor),
        THEMES,
    ),
    # --- rounds: the team's, run by its manager ---------------------------------------
    Row(
        rounds.manages_team,
        ONLY_MANAGER,
        lambda c: rounds.manages_team(c.cur, c.actor, c.world.team_id),
        ORG,
    ),
    Row(
        rounds.for_team,
        TEAM_AND_ADMIN,
        succeeds(lambda c: rounds.for_team(c.cur, c.actor, c.world.team_id)),
        ORG,
    ),
    Row(
        rounds.current_for_member,
        frozenset({SELF, COLLEAGUE}),
        lambda c: (
            getattr(rounds.current_for_member(c.cur, c.actor), "team_id", None) == c.world.team_id
        ),
        ORG,
    ),
    Row(
        rounds.create,
        ONLY_MANAGER,
        succeeds(lambda c: rounds.create(c.cur, c.actor, c.world.team_id, "MUS 2027")),
        ORG,
    ),
    Row(
        rounds.advance,
        ONLY_MANAGER,
        succeeds(lambda c: rounds.advance(c.cur, c.actor, c.world.round_id, rounds.CLOSED)),
        ORG,
    ),
    # --- administration: people, teams, settings, audit log, backup, retention --------
    Row(admin.require_admin, ONLY_ADMIN, succeeds(lambda c: admin.require_admin(c.actor)), ORG),
    Row(
        admin.list_people,
        ONLY_ADMIN,
        lambda c: c.world.anna.id in [p.id for p in admin.list_people(c.cur, c.actor).people],
        ORG,
    ),
    Row(
        admin.person,
        ONLY_ADMIN,
        succeeds(lambda c: admin.person(c.cur, c.actor, c.world.anna.id)),
        ORG,
    ),
    Row(admin.managers, ONLY_ADMIN, succeeds(lambda c: admin.managers(c.cur, c.actor)), ORG),
    Row(
        admin.create_person,
        ONLY_ADMIN,
        succeeds(lambda c: admin.create_person(c.cur, c.actor, people.NewUser("zed", "Zed"))),
        ORG,
    ),
    Row(
        admin.update_person,
        ONLY_ADMIN,
        succeeds(
            lambda c: admin.update_person(
                c.cur,
                c.actor,
                c.world.anna.id,
                name="Anna Berg",
                email="",
                roles=frozenset({people.EMPLOYEE}),
                manager_id=c.world.org.manager.id,
                team_id=c.world.team_id,
            )
        ),
        ORG,
    ),
    Row(
        admin.deactivate,
        ONLY_ADMIN,
        succeeds(lambda c: admin.deactivate(c.cur, c.actor, c.world.anna.id, NOW)),
        ORG,
    ),
    Row(
        admin.reactivate,
        ONLY_ADMIN,
        succeeds(lambda c: admin.reactivate(c.cur, c.actor, c.world.anna.id)),
        ORG,
    ),
    Row(
        admin.reset_password,
        ONLY_ADMIN,
        succeeds(lambda c: admin.reset_password(c.cur, c.actor, c.world.anna.id, NOW)),
        ORG,
    ),
    Row(
        admin.preview_import,
        ONLY_ADMIN,
        succeeds(lambda c: admin.preview_import(c.cur, c.actor, IMPORT_CSV)),
        ORG,
    ),
    Row(
        admin.import_people,
        ONLY_ADMIN,
        succeeds(lambda c: admin.import_people(c.cur, c.actor, IMPORT_CSV)),
        ORG,
    ),
    Row(admin.list_teams, ONLY_ADMIN, succeeds(lambda c: admin.list_teams(c.cur, c.actor)), ORG),
    Row(
        admin.create_team,
        ONLY_ADMIN,
        succeeds(lambda c: admin.create_team(c.cur, c.actor, "Team C")),
        ORG,
    ),
    Row(
        admin.rename_team,
        ONLY_ADMIN,
        succeeds(lambda c: admin.rename_team(c.cur, c.actor, c.world.team_id, "Team AA")),
        ORG,
    ),
    Row(
        admin.set_team_manager,
        ONLY_ADMIN,
        succeeds(
            lambda c: admin.set_team_manager(
                c.cur, c.actor, c.world.org.other_team_id, c.world.org.other_manager.id
            )
        ),
        ORG,
    ),
    Row(
        admin.move_person,
        ONLY_ADMIN,
        succeeds(
            lambda c: admin.move_person(c.cur, c.actor, c.world.anna.id, c.world.org.other_team_id)
        ),
        ORG,
    ),
    Row(
        admin.frozen_k_rounds,
        ONLY_ADMIN,
        succeeds(lambda c: admin.frozen_k_rounds(c.cur, c.actor)),
        ORG,
    ),
    Row(
        admin.save_settings,
        ONLY_ADMIN,
        succeeds(lambda c: admin.save_settings(c.cur, c.actor, {"organisation_name": "Org"})),
        ORG,
    ),
    Row(
        admin.set_setting,
        ONLY_ADMIN,
        succeeds(lambda c: admin.set_setting(c.cur, c.actor, "organisation_name", "Org")),
        ORG,
    ),
    Row(
        admin.audit_actions,
        ONLY_ADMIN,
        succeeds(lambda c: admin.audit_actions(c.cur, c.actor)),
        ORG,
    ),
    Row(
        admin.audit_log,
        ONLY_ADMIN,
        lambda c: admin.audit_log(c.cur, c.actor, person=c.world.anna.username).total > 0,
        ORG,
    ),
    Row(backup.create, ONLY_ADMIN, succeeds(lambda c: backup.create(c.cur, c.actor, NOW)), ORG),
    Row(
        retention.purge,
        ONLY_ADMIN,
        succeeds(lambda c: retention.purge(c.cur, c.actor, NOW, dry_run=True)),
        ORG,
    ),
)


def _optional(name: str) -> ModuleType | None:
    """A module another part of the work may add; once it exists, it is covered."""
    try:
        return importlib.import_module(f"core.{name}")
    except ModuleNotFoundError:
        return None


mydata = _optional("mydata")
handout = _optional("handout")
if mydata is not None:
    MATRIX += (
        Row(
            mydata.export,
            ONLY_SELF,
            lambda c: (
                c.is_anna
                and PRIVATE
                in [
                    n.text for p in mydata.export(c.cur, c.actor, NOW).preparations for n in p.notes
                ]
            ),
            NOTES,
        ),
        Row(
            mydata.reads,
            ONLY_SELF,
            lambda c: mydata.reads(c.cur, c.actor) is not None and c.is_anna,
            RECORD,
        ),
        Row(
            mydata.delete_private,
            ONLY_SELF,
            lambda c: (
                mydata.delete_private(c.cur, c.actor, NOW) is not None
                and c.anna_item("preparation")[0] == ""
            ),
            NOTES,
        ),
    )
if handout is not None:
    MATRIX += (
        Row(
            handout.document,
            TEAM_AND_ADMIN,
            succeeds(lambda c: handout.document(c.cur, c.actor, c.world.closed_round_id, DANISH)),
            THEMES,
            "closed round",
        ),
    )

# Public functions that need no row, and why. PURE and NOT_PERSONAL are plain facts;
# INTERNAL functions return personal data without checking an actor, so no page may call
# them: test_internal_functions_are_never_called_by_a_page checks that.
PURE = "takes no cursor: formats data its caller already got from a checked function"
NOT_PERSONAL = "returns nobody's personal data"
INTERNAL = "takes no actor: only core functions that check the actor call it"
NO_MATRIX_ROW = {
    "preparation.document": PURE,
    "preparation.export_markdown": PURE,
    "preparation.export_pdf": PURE,
    "conversations.theme_ids": NOT_PERSONAL + " (the themes vocabulary)",
    "conversations.default_questions": NOT_PERSONAL + " (the actor's own question pick)",
    "conversations.preselected_questions": NOT_PERSONAL + " (question ids)",
    "conversations.held_count": INTERNAL,
    "themes.round_k": NOT_PERSONAL + " (a round's k)",
    "rounds.get": NOT_PERSONAL + " (a round's name, state and dates)",
    "audit.record": INTERNAL,
    "audit.record_read": INTERNAL,
    "audit.entries_about": INTERNAL,
    "audit.reads_about": INTERNAL,
    "backup.schema_version": NOT_PERSONAL,
    "backup.newest_known_schema": NOT_PERSONAL,
    "backup.file_name": NOT_PERSONAL,
    "backup.read_manifest": NOT_PERSONAL,
    "backup.restore": INTERNAL + " (the CLI's, while the app is stopped)",
    "mydata.to_json": PURE,
    "mydata.document": PURE,
    "mydata.describe": PURE,
    "mydata.action_name": PURE,
}
MODULES = tuple(
    m
    for m in (
        preparation,
        conversations,
        actions,
        themes,
        rounds,
        admin,
        audit,
        backup,
        retention,
        mydata,
        handout,
    )
    if m is not None
)


def public_functions(module: ModuleType) -> list[str]:
    """module.name of every public function defined in the module (cached ones too)."""
    found = []
    for name, value in vars(module).items():
        function = inspect.unwrap(value) if callable(value) else None
        if (
            inspect.isfunction(function)
            and function.__module__ == module.__name__
            and not name.startswith("_")
        ):
            found.append(f"{module.__name__.removeprefix('core.')}.{name}")
    return found


def test_every_public_function_is_classified() -> None:
    in_matrix = {row.name for row in MATRIX}
    found = {name for module in MODULES for name in public_functions(module)}
    unclassified = found - in_matrix - set(NO_MATRIX_ROW)
    assert not unclassified, (
        f"add a row to MATRIX (or a reason to NO_MATRIX_ROW) for: {sorted(unclassified)}"
    )
    assert not in_matrix & set(NO_MATRIX_ROW)
    assert set(NO_MATRIX_ROW) <= found, "NO_MATRIX_ROW names a function that is gone"


def test_internal_functions_are_never_called_by_a_page() -> None:
    sources = {
        path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
        for path in [REPO / "app.py", *(REPO / "ui").glob("*.py"), *(REPO / "views").glob("*.py")]
    }
    for name, reason in NO_MATRIX_ROW.items():
        if not reason.startswith(INTERNAL):
            continue
        module, function = name.split(".")
        called = re.compile(rf"\b{module}\.{function}\b|import[^\n]*\b{function}\b")
        callers = [file for file, text in sources.items() if called.search(text)]
        assert not callers, f"{name} takes no actor but {callers} call it"


# --- running the matrix ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, World]:
    """The world written once; every case gets a fresh copy of the file."""
    key = Fernet.generate_key()
    path = tmp_path_factory.mktemp("matrix") / "world.duckdb"
    database = db.connect(path, cipher(key))
    world = build_world(database.cursor())
    database.close()
    return path, key, world


@pytest.fixture
def world_cur(template, tmp_path: Path) -> Iterator[tuple[db.Cursor, World]]:
    path, key, world = template
    copy = tmp_path / "case.duckdb"
    shutil.copyfile(path, copy)
    database = db.connect(copy, cipher(key))
    yield database.cursor(), world
    database.close()


@dataclass(frozen=True)
class LoggedOut:
    called: frozenset[str]  # matrix functions the app called for nobody logged in
    pages: dict[str, tuple[list[str], str]]  # page -> (text input labels, page text)


@pytest.fixture(scope="module")
def logged_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoggedOut]:
    """Every page's address opened with nobody logged in, while each matrix function of
    the process is wrapped to note any call."""
    called: set[str] = set()

    def recording(name: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            called.add(name)
            return function(*args, **kwargs)

        return wrapper

    pages = {}
    data_dir = tmp_path_factory.mktemp("logged_out") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRIVSEL_DATA_DIR", str(data_dir))
        patch.setenv("TRIVSEL_LOGIN_SLEEP_TIME", "0")
        patch.delenv("TRIVSEL_COOKIE_KEY", raising=False)
        patch.delenv("TRIVSEL_DATA_KEY", raising=False)
        database = db.open_database(config.load(data_dir))
        build_world(database.cursor())
        for row in MATRIX:
            module = importlib.import_module(row.function.__module__)
            patch.setattr(module, row.function.__name__, recording(row.name, row.function))
        for script in sorted((REPO / "views").glob("*.py")):
            at = new_app()
            if script.stem == "conversation":  # a deep link from a calendar invitation
                at.query_params["employee"] = "anna"
            at.switch_page(f"views/{script.name}").run()  # the first request: by address
            assert not at.exception, at.exception
            pages[script.stem] = ([w.label for w in at.text_input], texts(at))
        database.close()
    yield LoggedOut(frozenset(called), pages)


def test_nobody_logged_in_meets_the_login_form_on_every_page(logged_out: LoggedOut) -> None:
    assert set(logged_out.pages) >= {"preparation", "conversation", "team", "themes", "admin"}
    for page, (inputs, text) in logged_out.pages.items():
        assert inputs == ["Brugernavn", "Adgangskode"], page
        assert not [marker for marker in MARKERS if marker in text], page
        assert "Anna" not in text, page


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.id)
def test_the_access_matrix(row: Row, relation: str, request: pytest.FixtureRequest) -> None:
    if relation == LOGGED_OUT:
        logged_out: LoggedOut = request.getfixturevalue("logged_out")
        assert row.name not in logged_out.called, f"the app called {row.name} for nobody"
        return
    cur, world = request.getfixturevalue("world_cur")
    case = Case(cur, world, actor_for(cur, world, relation))
    try:
        reached = bool(row.probe(case))
    except NotAllowed:
        reached = False
    expected = relation in row.allowed
    assert reached == expected, (
        f"{row.id} for {relation}: {'reached' if reached else 'refused'}, but the design "
        f"({row.design}) says {'allowed' if expected else 'refused'}"
    )


def test_the_matrix_follows_the_design_table() -> None:
    """Spot checks that the rows say what DESIGN.md's table says, not what the code does."""
    rows = {row.id: row.allowed for row in MATRIX}
    assert rows["preparation.load"] == {SELF}  # private notes: never the manager or admin
    assert rows["preparation.shared_view"] == {MANAGER}  # shared items: the manager reads
    assert rows["conversations.record_for"] == {SELF, MANAGER}  # the record: never the admin
    assert rows["themes.published[open round]"] == TEAM  # admins: closed rounds only
    assert rows["themes.published[closed round]"] == TEAM_AND_ADMIN
    assert rows["themes.team_view[open round]"] == TEAM
    assert rows["themes.team_view[closed round]"] == TEAM_AND_ADMIN
    assert rows["actions.for_team"] == TEAM_AND_ADMIN  # the admin reads group actions
    assert rows["actions.update"] == {MANAGER}
    for row in MATRIX:
        if row.design in (NOTES, SHARED_ITEMS, FLAGS, RECORD):  # "Admin: never"
            assert ADMIN not in row.allowed, row.id
        if row.design == NOTES:  # "Manager: never"
            assert MANAGER not in row.allowed, row.id
