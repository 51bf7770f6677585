"""Admin commands: `python -m core.cli --help`.

DuckDB lets one process write a database file: run these while the app is stopped.
"""

import argparse
import getpass
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core import auth, backup, config, db, demo, imports, people, retention, rotation
from core.content import ContentError
from core.content import load as load_content
from core.errors import ConfigError, TrivselError

EXIT_OK, EXIT_USAGE, EXIT_FAILED = 0, 2, 1


def _english() -> Callable[..., str]:
    """Messages in English: the CLI is for operators and scripts."""
    return load_content().get("en").t


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise TrivselError("errors.passwords_differ")
    return first


def _new_user(args: argparse.Namespace, roles: frozenset[str]) -> people.NewUser:
    return people.NewUser(
        people.normalise_username(args.username), args.name, args.email or "", roles
    )


def cmd_create_admin(cur: db.Cursor, args: argparse.Namespace) -> int:
    password = _read_password(args)
    auth.check_new_password(password, args.username)
    user_id = people.create(
        cur, _new_user(args, frozenset({people.ADMIN})), auth.hash_password(password), actor="cli"
    )
    print(f"Created administrator {args.username} (id {user_id}). Log in at the app's address.")
    return EXIT_OK


def cmd_add_user(cur: db.Cursor, args: argparse.Namespace) -> int:
    roles = imports.split_roles(args.roles)
    manager_id = None
    if args.manager:
        manager = people.by_username(cur, args.manager)
        if manager is None or not manager.has(people.MANAGER):
            raise TrivselError("import.manager_unknown", manager=args.manager)
        manager_id = manager.id
    user = people.NewUser(
        people.normalise_username(args.username), args.name, args.email or "", roles, manager_id
    )
    password = auth.generate_password()
    people.create(
        cur, user, auth.hash_generated_password(password), must_change_password=True, actor="cli"
    )
    print(f"{','.join(sorted(roles))} {user.username} {password}")
    print("The user must choose a new password at first login.", file=sys.stderr)
    return EXIT_OK


def cmd_import_users(cur: db.Cursor, args: argparse.Namespace) -> int:
    t = _english()
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{args.file}: cannot read ({exc})", file=sys.stderr)
        return EXIT_FAILED
    checked = imports.preview(cur, text)
    if not checked.ok:
        for problem in checked.problems:
            print(
                f"{args.file}:{problem.line}: {t(problem.key, **problem.params)}", file=sys.stderr
            )
        print("Nothing was imported.", file=sys.stderr)
        return EXIT_FAILED

    def progress(done: int, total: int) -> None:
        if done % 500 == 0 or done == total:
            print(f"imported {done}/{total}", file=sys.stderr)

    for login in imports.import_rows(cur, checked, actor="cli", progress=progress):
        print(f"{login.role} {login.username} {login.password}")
    print("Each user must choose a new password at first login.", file=sys.stderr)
    return EXIT_OK


def cmd_demo(cur: db.Cursor, args: argparse.Namespace) -> int:
    for login in demo.create(cur, now=time.time()):
        print(f"{login.role} {login.username} {login.password}")
    return EXIT_OK


def cmd_backup(cur: db.Cursor, args: argparse.Namespace) -> int:
    made = backup.create(cur, None, time.time())
    Path(args.file).write_bytes(made.data)
    print(f"Wrote {args.file} (schema {made.manifest.schema_version}).")
    print("Reading it needs data.key from the data directory: store that key separately.")
    return EXIT_OK


def cmd_restore(cfg: config.Config, args: argparse.Namespace) -> int:
    restored = backup.restore(cfg, Path(args.file), time.time())
    print(f"Restored the backup of {restored.manifest.created_at} into {cfg.db_path}.")
    if restored.previous:
        print(f"The previous database is kept as {restored.previous}.")
    return EXIT_OK


def cmd_rotate_key(cfg: config.Config, args: argparse.Namespace) -> int:
    changed = rotation.rotate_data_key(cfg.data_dir)
    print(f"Re-encrypted {changed} fields with a new data key ({cfg.data_dir / 'data.key'}).")
    print(
        "The previous key is kept as data.key.old. Make a fresh backup now, store the new "
        "data.key apart from it, then delete data.key.old: older backups need the old key."
    )
    return EXIT_OK


def cmd_purge(cur: db.Cursor, args: argparse.Namespace) -> int:
    summary = retention.purge(cur, None, time.time(), dry_run=args.dry_run)
    verb = "Would delete" if args.dry_run else "Deleted"
    print(
        f"{verb} {summary.notes} preparation notes and {summary.zones} zone placements in "
        f"{len(summary.rounds)} rounds closed before {summary.cutoff:%Y-%m-%d} "
        f"(retention {summary.retention_days} days)."
    )
    for r in summary.rounds:
        closed = f"{r.closed_at:%Y-%m-%d}"
        print(f"  {r.team}: {r.round} (closed {closed}): {r.notes} notes, {r.zones} zones")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m core.cli",
        description="Administer Trivselssnak. Run while the app is stopped (DuckDB allows "
        "one writing process). The data directory is TRIVSEL_DATA_DIR (default ./data).",
    )
    main.add_argument("--data-dir", help="data directory (default: TRIVSEL_DATA_DIR or ./data)")
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def user_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--username", required=True)
        p.add_argument("--name", required=True, help="full name")
        p.add_argument("--email", default="")

    admin = sub.add_parser("create-admin", help="create an administrator (asks for a password)")
    user_args(admin)
    admin.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    admin.set_defaults(run=cmd_create_admin)

    add = sub.add_parser("add-user", help="create a user with a random first password")
    user_args(add)
    add.add_argument("--roles", default="employee", help="e.g. employee or manager;employee")
    add.add_argument("--manager", default="", help="username of the user's manager")
    add.set_defaults(run=cmd_add_user)

    imp = sub.add_parser(
        "import-users",
        help="import users from CSV (username,name,email,roles,manager,team); all or nothing",
    )
    imp.add_argument("file")
    imp.set_defaults(run=cmd_import_users)

    dem = sub.add_parser(
        "demo", help="create a demo organisation and print '<role> <username> <password>' lines"
    )
    dem.set_defaults(run=cmd_demo)

    bak = sub.add_parser(
        "backup", help="write a backup zip of the database (needs data.key to read)"
    )
    bak.add_argument("file")
    bak.set_defaults(run=cmd_backup)

    res = sub.add_parser(
        "restore", help="replace the database with a checked backup zip (the old file is kept)"
    )
    res.add_argument("file")
    res.set_defaults(run=cmd_restore)

    rot = sub.add_parser(
        "rotate-key",
        help="re-encrypt every note, agreement and action with a new data key (app stopped)",
    )
    rot.set_defaults(run=cmd_rotate_key)

    pur = sub.add_parser(
        "purge", help="delete preparation notes and zones of rounds closed past the retention"
    )
    pur.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    pur.set_defaults(run=cmd_purge)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        load_content()  # a broken content file stops every command before anything is written
        cfg = config.load(args.data_dir)
        if args.run in (cmd_restore, cmd_rotate_key):  # these open the file themselves
            return args.run(cfg, args)
        database = db.open_database(cfg)
    except (ConfigError, ContentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except TrivselError as exc:
        print(f"error: {_english()(exc.key, **exc.params)}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return args.run(database.cursor(), args)
    except TrivselError as exc:
        print(f"error: {_english()(exc.key, **exc.params)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED
    finally:
        database.close()


if __name__ == "__main__":
    sys.exit(main())
