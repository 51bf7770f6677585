"""A large benchmark organisation in a fresh data directory, written in bulk.

    .venv/bin/python -m bench.seed DATA_DIR [--employees 5000] [--teams N] [--rounds 5]

Default: 5,000 employees in 400 teams (about 12.5 per team, one manager each), one
administrator, and 5 rounds per team: the oldest four closed (one per calendar year, so
the organisation view has a year to show), the newest open. Every employee has a
preparation with notes in every round and a conversation; held conversations carry
themes and agreements; every team has group actions in every round.

It goes through the real schema (core.db.connect applies the migrations) and writes with
INSERT ... SELECT over range(), so 50,000 employees × 5 rounds take seconds, not hours.
Free-text columns hold real ciphertext from core.crypto: a handful of notes is encrypted
once and the tokens are reused. Every user shares one random password, hashed once with
bcrypt at the lowest cost: benchmark users only, never a real installation's. The logins
the load test needs are printed and written to DATA_DIR/bench.json (mode 0600).
"""

import argparse
import json
import secrets
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import bcrypt

from core import config, content, db

DEFAULT_EMPLOYEES = 5_000
EMPLOYEES_PER_TEAM = 12.5  # 5,000 employees in 400 teams, as the issue describes
DEFAULT_ROUNDS = 5
NEWEST_YEAR = 2026  # the open round's year; closed rounds are one per year before it
MANIFEST = "bench.json"
ADMIN_USERNAME = "bench-admin"
BCRYPT_ROUNDS = 4  # the lowest bcrypt allows: logins are not what is measured
HELD_PERCENT_CLOSED = 92  # share of conversations held in a closed round
HELD_PERCENT_OPEN = 30  # ... and in the open round so far
NOTES = (
    "Jeg har haft meget travlt op til deadline, men det er blevet bedre.",
    "Møderne om mandagen fylder meget; kunne vi samle dem?",
    "Godt samarbejde i teamet, især når vi planlægger sammen.",
    "Jeg savner klarere prioriteringer, når der kommer nye opgaver ind.",
    "Jeg sover dårligt i perioder med mange sager.",
    "Fleksibiliteten med hjemmearbejde betyder meget for mig.",
    "Det er svært at sige nej, når kolleger spørger om hjælp.",
    "Jeg vil gerne have mere sparring om de svære borgersager.",
)
AGREEMENTS = (
    "Vi tager en snak om prioriteringer hver anden uge.",
    "Medarbejderen holder fri fredag eftermiddag i den travle periode.",
    "Lederen undersøger, om mødet om mandagen kan flyttes.",
)
ACTIONS = (
    "Fast ugentligt planlægningsmøde på 20 minutter.",
    "Fælles aftale om svartider på mails uden for arbejdstid.",
    "Opgavetavle, så alle kan se, hvad der er i gang.",
)


@dataclass(frozen=True)
class Manifest:
    """What the load test needs to log in; written as DATA_DIR/bench.json."""

    password: str
    admin: str
    employees: int
    teams: int
    rounds: int
    open_year: int
    closed_years: list[int]
    # (manager, employee) pairs: the employee's conversation in the open round exists
    # and is not held, so the conversation page opens it for recording.
    conversations: list[tuple[str, str]]
    employee_usernames: list[str]  # one per team first, then the rest (spread over teams)


def employee_username(index: int) -> str:
    return f"emp{index:06d}"


def manager_username(team_number: int) -> str:
    return f"mgr{team_number:05d}"


def default_teams(employees: int) -> int:
    return max(1, round(employees / EMPLOYEES_PER_TEAM))


def _fresh(data_dir: Path) -> None:
    if data_dir.exists() and any(data_dir.iterdir()):
        raise SystemExit(f"{data_dir} is not empty: the seed writes only to a fresh directory")


def _advance(cur: db.Cursor, sequence: str, table: str) -> None:
    """Move a sequence past the ids written explicitly, so the app's next insert fits."""
    highest = cur.value(f"SELECT coalesce(max(id), 0) FROM {table}")
    if highest:
        cur.run(f"SELECT max(nextval('{sequence}')) FROM range(?)", [highest])


def _people(cur: db.Cursor, n: int, teams: int, password_hash: str) -> None:
    # ids: 1 the admin, 2..teams+1 the managers (manager of team t has id t+1),
    # then the employees; employee e (0-based) is in team e % teams + 1.
    first_employee_id = teams + 2
    cur.run(
        "INSERT INTO users (id, username, name, email, password_hash, is_demo)"
        " VALUES (1, ?, 'Bench Administrator', '', ?, TRUE)",
        [ADMIN_USERNAME, password_hash],
    )
    cur.run(
        "INSERT INTO users (id, username, name, email, password_hash, is_demo)"
        " SELECT t + 1, printf('mgr%05d', t), printf('Leder %05d', t), '', ?, TRUE"
        " FROM range(1, ? + 1) r(t)",
        [password_hash, teams],
    )
    cur.run(
        "INSERT INTO users (id, username, name, email, password_hash, manager_id, team_id,"
        " is_demo)"
        " SELECT ? + e, printf('emp%06d', e), printf('Medarbejder %06d', e), '', ?,"
        "  e % ? + 2, e % ? + 1, TRUE"
        " FROM range(?) r(e)",
        [first_employee_id, password_hash, teams, teams, n],
    )
    cur.run("INSERT INTO user_roles VALUES (1, 'admin')")
    cur.run(
        "INSERT INTO user_roles SELECT id, 'manager' FROM users WHERE id BETWEEN 2 AND ?",
        [teams + 1],
    )
    cur.run(
        "INSERT INTO user_roles SELECT id, 'employee' FROM users WHERE id >= ?",
        [first_employee_id],
    )
    cur.run(
        "INSERT INTO teams (id, name, manager_id)"
        " SELECT t, printf('Team %05d', t), t + 1 FROM range(1, ? + 1) r(t)",
        [teams],
    )
    cur.run(
        "INSERT INTO audit_log (id, actor_id, actor, action, subject_id, detail)"
        " SELECT id, NULL, 'bench', 'user_created', id, '' FROM users"
    )


def _rounds(cur: db.Cursor, teams: int, n_rounds: int) -> None:
    # Round r (0-based) of team t has id (t-1)*n_rounds + r + 1; the last one is open.
    first_year = NEWEST_YEAR - n_rounds + 1
    cur.run(
        "INSERT INTO rounds (id, team_id, name, state, starts_on, ends_on, k, created_at,"
        " opened_at, closed_at)"
        " SELECT (t - 1) * ? + r + 1, t, 'MUS ' || (? + r),"
        "  CASE WHEN r = ? - 1 THEN 'open' ELSE 'closed' END,"
        "  make_date(? + r, 2, 1), make_date(? + r, 5, 31), 3,"
        "  make_timestamp(? + r, 1, 15, 9, 0, 0), make_timestamp(? + r, 2, 1, 8, 0, 0),"
        "  CASE WHEN r = ? - 1 THEN NULL ELSE make_timestamp(? + r, 6, 30, 15, 0, 0) END"
        " FROM range(1, ? + 1) a(t), range(?) b(r)",
        [n_rounds, first_year, n_rounds, first_year, first_year, first_year, first_year]
        + [n_rounds, first_year, teams, n_rounds],
    )


def _preparations(cur: db.Cursor, n: int, teams: int, n_rounds: int, notes: list[str]) -> None:
    first_employee_id = teams + 2
    cur.run(
        "INSERT INTO preparations (user_id, round_id, zone, ready, updated_at)"
        " SELECT ? + e, (e % ?) * ? + r + 1,"
        "  CASE hash(e, r, 'zone') % 10 WHEN 0 THEN 'danger' WHEN 1 THEN 'risk'"
        "   WHEN 2 THEN 'risk' WHEN 3 THEN NULL ELSE 'thriving' END,"
        "  hash(e, r, 'ready') % 10 < 7, make_timestamp(? + r, 3, 1, 10, 0, 0)"
        " FROM range(?) a(e), range(?) b(r)",
        [first_employee_id, teams, n_rounds, NEWEST_YEAR - n_rounds + 1, n, n_rounds],
    )
    # Three notes per preparation: the preparation question and two of the guide's.
    questions = list(content.QUESTION_IDS)
    cur.run(
        "INSERT INTO preparation_items (user_id, round_id, item_id, note_enc, flagged, shared,"
        " updated_at)"
        " SELECT DISTINCT ON (user_id, round_id, item_id) * FROM ("
        "  SELECT ? + e AS user_id, (e % ?) * ? + r + 1 AS round_id,"
        "   CASE WHEN j = 0 THEN ? ELSE list_extract(?::VARCHAR[],"
        "    1 + (hash(e, r, j, 'item') % ?)::INTEGER) END AS item_id,"
        "   list_extract(?::VARCHAR[], 1 + (hash(e, r, j, 'note') % ?)::INTEGER),"
        "   hash(e, r, j, 'flag') % 4 = 0, hash(e, r, j, 'share') % 3 = 0,"
        "   make_timestamp(? + r, 3, 1, 10, 0, 0)"
        "  FROM range(?) a(e), range(?) b(r), range(3) c(j))",
        [first_employee_id, teams, n_rounds, content.PREPARATION_ITEM, questions]
        + [len(questions), notes, len(notes), NEWEST_YEAR - n_rounds + 1, n, n_rounds],
    )


def _conversations(
    cur: db.Cursor, n: int, teams: int, n_rounds: int, theme_ids: list[str], texts: dict
) -> None:
    first_employee_id = teams + 2
    first_year = NEWEST_YEAR - n_rounds + 1
    open_round = n_rounds - 1
    # Employee e's conversation in round r has id e * n_rounds + r + 1. In the open round
    # the first employee of every team (e < teams) has one that is open and not held.
    cur.run(
        "INSERT INTO conversations (id, round_id, team_id, employee_id, manager_id,"
        " scheduled_on, selected_questions, timer_accumulated_s, duration_s, held_at)"
        " SELECT e * ? + r + 1, (e % ?) * ? + r + 1, e % ? + 1, ? + e, e % ? + 2,"
        "  make_date(? + r, 3, 1 + (hash(e, 'day') % 28)::INTEGER),"
        '  CASE WHEN held THEN \'["zone_1", "factors_2", "factors_4"]\' ELSE \'null\' END,'
        "  CASE WHEN held THEN 600 + hash(e, r, 'dur') % 180 ELSE 0 END,"
        "  CASE WHEN held THEN 600 + hash(e, r, 'dur') % 180 END,"
        "  CASE WHEN held THEN make_timestamp(? + r, 3, 2, 11, 0, 0) END"
        " FROM (SELECT e, r, CASE WHEN r < ? THEN hash(e, r, 'held') % 100 < ?"
        "   WHEN e < ? THEN FALSE ELSE hash(e, r, 'held') % 100 < ? END AS held"
        "  FROM range(?) a(e), range(?) b(r))",
        [n_rounds, teams, n_rounds, teams, first_employee_id, teams, first_year, first_year]
        + [open_round, HELD_PERCENT_CLOSED, teams, HELD_PERCENT_OPEN, n, n_rounds],
    )
    # Up to three themes per held conversation, skewed so that a few themes are common
    # (as in real teams) and many stay under k.
    cur.run(
        "INSERT INTO conversation_themes (conversation_id, theme_id, polarity)"
        " SELECT DISTINCT c.id,"
        "  list_extract(?::VARCHAR[], 1 + floor(? * pow((hash(c.id, j, 't') % 1000) / 1000.0,"
        "   2))::INTEGER),"
        "  CASE WHEN hash(c.id, j, 'p') % 3 = 0 THEN 'protective' ELSE 'straining' END"
        " FROM conversations c, range(3) b(j)"
        " WHERE c.held_at IS NOT NULL AND hash(c.id, j, 'has') % 100 < 60",
        [theme_ids, len(theme_ids)],
    )
    cur.run(
        "INSERT INTO agreements (id, conversation_id, text_enc, owner, due_on)"
        " SELECT row_number() OVER (ORDER BY id), id,"
        "  list_extract(?::VARCHAR[], 1 + (hash(id, 'a') % ?)::INTEGER),"
        "  list_extract(['employee', 'manager', 'both'], 1 + (hash(id, 'o') % 3)::INTEGER),"
        "  CAST(held_at AS DATE) + 30"
        " FROM conversations WHERE held_at IS NOT NULL AND hash(id, 'agr') % 2 = 0",
        [texts["agreements"], len(texts["agreements"])],
    )


def _group_actions(cur: db.Cursor, teams: int, n_rounds: int, theme_ids: list[str], texts) -> None:
    cur.run(
        "INSERT INTO group_actions (id, team_id, round_id, text_enc, theme_id, owner, due_on,"
        " status, created_at, updated_at)"
        " SELECT ((t - 1) * ? + r) * 2 + j + 1, t, (t - 1) * ? + r + 1,"
        "  list_extract(?::VARCHAR[], 1 + (hash(t, r, j, 'x') % ?)::INTEGER),"
        "  list_extract(?::VARCHAR[], 1 + (hash(t, r, j, 'th') % ?)::INTEGER), 'Teamet',"
        "  make_date(? + r, 9, 1),"
        "  CASE WHEN r = ? - 1 THEN 'open' ELSE"
        "   list_extract(['done', 'dropped', 'open'], 1 + (hash(t, r, j, 's') % 3)::INTEGER)"
        "  END, make_timestamp(? + r, 7, 1, 9, 0, 0), make_timestamp(? + r, 7, 1, 9, 0, 0)"
        " FROM range(1, ? + 1) a(t), range(?) b(r), range(2) c(j)",
        [n_rounds, n_rounds, texts["actions"], len(texts["actions"]), theme_ids]
        + [len(theme_ids), NEWEST_YEAR - n_rounds + 1, n_rounds]
        + [NEWEST_YEAR - n_rounds + 1] * 2
        + [teams, n_rounds],
    )


def seed(
    data_dir: Path,
    employees: int = DEFAULT_EMPLOYEES,
    teams: int | None = None,
    n_rounds: int = DEFAULT_ROUNDS,
    password: str | None = None,
) -> Manifest:
    """Create the organisation in `data_dir` (which must be empty or missing)."""
    if employees < 1 or n_rounds < 1:
        raise ValueError("at least one employee and one round")
    teams = teams or default_teams(employees)
    teams = min(teams, employees)
    data_dir = Path(data_dir)
    _fresh(data_dir)
    password = password or secrets.token_urlsafe(12)
    password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()
    database = db.open_database(config.load(data_dir))
    try:
        cur = database.cursor()
        texts = {
            "notes": [cur.cipher.encrypt(text) for text in NOTES],
            "agreements": [cur.cipher.encrypt(text) for text in AGREEMENTS],
            "actions": [cur.cipher.encrypt(text) for text in ACTIONS],
        }
        theme_ids = [theme.id for theme in content.load().get(content.DEFAULT_LANGUAGE).themes]
        with cur.transaction():
            cur.run(
                "INSERT INTO settings (key, value) VALUES ('organisation_name', 'Bench Kommune')"
            )
            _people(cur, employees, teams, password_hash)
            _rounds(cur, teams, n_rounds)
            _preparations(cur, employees, teams, n_rounds, texts["notes"])
            _conversations(cur, employees, teams, n_rounds, theme_ids, texts)
            _group_actions(cur, teams, n_rounds, theme_ids, texts)
            for sequence, table in (
                ("user_id_seq", "users"),
                ("team_id_seq", "teams"),
                ("round_id_seq", "rounds"),
                ("conversation_id_seq", "conversations"),
                ("agreement_id_seq", "agreements"),
                ("group_action_id_seq", "group_actions"),
                ("audit_id_seq", "audit_log"),
            ):
                _advance(cur, sequence, table)
        cur.run("CHECKPOINT")
    finally:
        database.close()
    order = list(range(min(employees, teams))) + list(range(teams, employees))
    manifest = Manifest(
        password=password,
        admin=ADMIN_USERNAME,
        employees=employees,
        teams=teams,
        rounds=n_rounds,
        open_year=NEWEST_YEAR,
        closed_years=list(range(NEWEST_YEAR - n_rounds + 1, NEWEST_YEAR)),
        conversations=[(manager_username(t + 1), employee_username(t)) for t in range(teams)],
        employee_usernames=[employee_username(e) for e in order],
    )
    path = data_dir / MANIFEST
    config.write_private_file(path, json.dumps(asdict(manifest), indent=1).encode())
    return manifest


def load_manifest(data_dir: Path) -> Manifest:
    raw = json.loads((Path(data_dir) / MANIFEST).read_text())
    raw["conversations"] = [tuple(pair) for pair in raw["conversations"]]
    return Manifest(**raw)


def counts(data_dir: Path) -> dict[str, int]:
    """Rows per table (opens the database: only while no server uses it)."""
    database = db.open_database(config.load(data_dir))
    try:
        cur = database.cursor()
        tables = (
            "users",
            "teams",
            "rounds",
            "preparations",
            "preparation_items",
            "conversations",
            "conversation_themes",
            "agreements",
            "group_actions",
        )
        return {table: int(cur.value(f"SELECT count(*) FROM {table}")) for table in tables}
    finally:
        database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--employees", type=int, default=DEFAULT_EMPLOYEES)
    parser.add_argument("--teams", type=int, default=None, help="default: employees / 12.5")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    args = parser.parse_args(argv)
    started = time.monotonic()
    manifest = seed(args.data_dir, args.employees, args.teams, args.rounds)
    seconds = time.monotonic() - started
    print(f"seeded {args.data_dir} in {seconds:.1f} s:", file=sys.stderr)
    for table, n in counts(args.data_dir).items():
        print(f"  {table:20} {n:>10,}", file=sys.stderr)
    print(f"every user's password: {manifest.password}")
    print(f"admin     {manifest.admin}")
    first_manager, first_employee = manifest.conversations[0]
    print(f"managers  {manager_username(1)} .. {manager_username(manifest.teams)}")
    print(f"employees {employee_username(0)} .. {employee_username(manifest.employees - 1)}")
    print(f"e.g. {first_manager} holds an open conversation with {first_employee}")
    print(f"(all logins: {args.data_dir / MANIFEST})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
