"""Logins in a burst at a chosen password's bcrypt cost, against the seed's lowest cost.

The seed hashes its one shared password at bcrypt's lowest cost (4): the load test
measures clicks, not logins. A password a person chose is hashed at
core.auth.PASSWORD_ROUNDS (12, about a quarter of a second of CPU per check). Here N
people log in spread evenly over a window (a reminder mail sending a department to the
app), each on a fresh connection, and the login's time is taken from the click on "Log
ind" to the first page drawn. The same storm against the same data hashed at cost 4, on
a fresh server in the same run, is the baseline: what a login costs besides the
password check.

With --clickers N, N people of the load test's mix (bench/load.py) are on their pages
first and keep clicking (mean think time --think) while the storm runs: what a storm
does to everybody else's clicks, at the chosen cost against the baseline's.

    .venv/bin/python -m bench.login_storm [--people 20,100,200,300] [--window 30]
                                          [--clickers 300 --think 30]
"""

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import common, load, report, scenarios, seed, ws_client
from core import auth, config, db

DEFAULT_PEOPLE = (20, 100, 200, 300)
DEFAULT_WINDOW_S = 30.0
CROWDED_PEOPLE = 200  # make bench: this storm once more, with CROWD people clicking
CROWD = 300
BASELINE_ROUNDS = seed.BCRYPT_ROUNDS
CHOSEN_ROUNDS = auth.PASSWORD_ROUNDS
COSTS = {"baseline": BASELINE_ROUNDS, "chosen": CHOSEN_ROUNDS}
TIMEOUT_S = 300.0


@dataclass
class Storm:
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _clicks(crowd: load.Crowd) -> dict:
    """The crowd's clicks while the storm ran; the sessions closed."""
    await crowd.leave(await crowd.wait(load.REQUEST_TIMEOUT_S))
    errors = crowd.errors()
    return {
        "sessions": len(crowd.outcomes),
        "on_page": sum(o.ready for o in crowd.outcomes),
        "clicks": report.summary(crowd.latencies()),
        "errors": len(errors),
        "error_samples": errors[:10],
    }


def rehash(data: Path, password: str, rounds: int) -> None:
    """Give every user of a (stopped) data directory `password` hashed at `rounds`: one
    hash for all of them, as the seed does, so preparing takes one check's time."""
    database = db.open_database(config.load(data))
    try:
        cur = database.cursor()
        cur.run("UPDATE users SET password_hash = ?", [auth.hash_password(password, rounds)])
        cur.run("CHECKPOINT")
    finally:
        database.close()


async def _log_in(url: str, username: str, password: str, delay: float, storm: Storm) -> None:
    await asyncio.sleep(delay)
    session = ws_client.Session(url, timeout=TIMEOUT_S)
    try:
        await session.connect()
        await session.open()
        run = await ws_client.log_in(session, username, password, scenarios.login_labels())
        if not session.pages:
            storm.errors.append(f"{username}: refused")
        elif not run.ok:
            storm.errors.append(f"{username}: {run.status} {run.exceptions}")
        else:
            storm.seconds.append(run.seconds)
    except (ws_client.ProtocolError, OSError) as exc:
        storm.errors.append(f"{username}: {exc}")
    finally:
        await session.close()


async def storm(
    server,
    manifest: seed.Manifest,
    people: int,
    window_s: float,
    clickers: int = 0,
    think: float = load.SLOW_THINK_S,
) -> dict:
    logins = scenarios.Logins(manifest)
    # One employee's login first (not one of the storm's): the process's imports and
    # caches are not what a storm costs.
    warm = Storm()
    first = logins.next(scenarios.EMPLOYEE).username
    await _log_in(server.url, first, manifest.password, 0.0, warm)
    crowd = None
    if clickers:  # people of the load test's mix, on their pages before the storm
        mix = scenarios.mix()
        crowd = await load.Crowd.arrive(server.url, clickers, mix, logins, manifest.password, think)
    usernames = [logins.next(scenarios.EMPLOYEE).username for _ in range(people)]
    result = Storm()
    cpu_before, started = server.cpu_seconds(), time.monotonic()
    if crowd:
        crowd.start(window_s)
    await asyncio.gather(
        *(
            _log_in(server.url, name, manifest.password, window_s * i / people, result)
            for i, name in enumerate(usernames)
        )
    )
    elapsed = time.monotonic() - started
    cpu = server.cpu_seconds() - cpu_before
    return {
        "crowd": await _clicks(crowd) if crowd else None,
        "people": people,
        "window_s": window_s,
        "logged_in": len(result.seconds),
        "login": report.summary(result.seconds),
        "errors": len(result.errors) + len(warm.errors),
        "error_samples": (warm.errors + result.errors)[:10],
        "elapsed_s": elapsed,
        "server_cpu_s": cpu,
    }


def run(
    out: Path,
    employees: int,
    levels: list[int],
    window_s: float,
    nodelay: bool = False,
    options: tuple[str, ...] = (),
    revert: str = "",
    name: str = "login_storm",
    clickers: int = 0,
    think: float = load.SLOW_THINK_S,
) -> dict:
    source = common.seeded(out, employees)
    manifest = seed.load_manifest(source)
    results: dict = {"levels": [], "window_s": window_s, "clickers": clickers, "think_s": think}
    for people in levels:
        entry = {"people": people}
        for kind, rounds in COSTS.items():
            print(f"  {people} logins in {window_s:g} s, bcrypt cost {rounds}", flush=True)

            def prepare(data: Path, rounds=rounds) -> None:
                if rounds != BASELINE_ROUNDS:
                    rehash(data, manifest.password, rounds)

            server_name = f"storm-{people}-{rounds}"
            with common.app_server(
                source, out, server_name, nodelay, options, revert, prepare=prepare
            ) as app:
                entry[kind] = asyncio.run(storm(app, manifest, people, window_s, clickers, think))
            print("    " + _line(entry[kind]), flush=True)
        results["levels"].append(entry)
    results["machine"] = report.machine()
    report.save(out, name, results, markdown(results))
    return results


def _line(r: dict) -> str:
    login = r["login"]
    line = (
        f"{r['logged_in']}/{r['people']} logged in, p50 {report.ms(login['p50'])} ms, "
        f"p95 {report.ms(login['p95'])} ms, {r['errors']} errors, "
        f"server CPU {r['server_cpu_s']:.1f} s in {r['elapsed_s']:.1f} s"
    )
    crowd = r.get("crowd")
    if crowd:
        clicks = crowd["clicks"]
        line += (
            f"; the others' clicks p50 {report.ms(clicks['p50'])} ms, "
            f"p95 {report.ms(clicks['p95'])} ms, {crowd['errors']} errors"
        )
    return line


def markdown(results: dict) -> str:
    crowded = bool(results.get("clickers"))
    rows = []
    for entry in results["levels"]:
        for kind, rounds in COSTS.items():
            r = entry[kind]
            login = r["login"]
            row = [
                r["people"],
                rounds,
                f"{r['logged_in']}/{r['people']}",
                report.ms(login["p50"]),
                report.ms(login["p95"]),
                report.ms(login["max"]),
                r["errors"],
                f"{r['elapsed_s']:.1f}",
                f"{r['server_cpu_s']:.1f}",
                f"{100 * r['server_cpu_s'] / r['elapsed_s']:.0f}",
            ]
            if crowded:
                crowd = r["crowd"]
                row += [
                    f"{crowd['on_page']}/{crowd['sessions']}",
                    report.ms(crowd["clicks"]["p50"]),
                    report.ms(crowd["clicks"]["p95"]),
                    crowd["clicks"]["n"],
                    crowd["errors"],
                ]
            rows.append(row)
        p95 = {kind: entry[kind]["login"]["p95"] for kind in COSTS}
        ratio = report.times(report.ratio(p95["chosen"], p95["baseline"]))
        row = ["", f"{CHOSEN_ROUNDS} / {BASELINE_ROUNDS}", "", "", ratio, *[""] * 5]
        if crowded:
            clicks = {kind: entry[kind]["crowd"]["clicks"]["p95"] for kind in COSTS}
            row += ["", "", report.times(report.ratio(clicks["chosen"], clicks["baseline"]))]
            row += ["", ""]
        rows.append(row)
    header = [
        "people",
        "bcrypt cost",
        "logged in",
        "login p50 ms",
        "login p95 ms",
        "max ms",
        "errors",
        "storm s",
        "server CPU s",
        "server CPU % of one core",
    ]
    title = (
        f"### Login storm (people logging in spread over {results['window_s']:g} s; click on"
        " the login button to the first page drawn"
    )
    if crowded:
        header += [
            "others on page",
            "others' clicks p50 ms",
            "others' clicks p95 ms",
            "others' clicks",
            "others' errors",
        ]
        title += (
            f"; meanwhile {results['clickers']} people of the load test's mix on their pages"
            f" click every {results['think_s']:g} s on average"
        )
    return title + ")\n\n" + report.table(header, rows)


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.add_argument("--people", default=",".join(map(str, DEFAULT_PEOPLE)))
    parser.add_argument("--window", type=float, default=DEFAULT_WINDOW_S)
    parser.add_argument("--name", default="login_storm", help="file name of the results")
    parser.add_argument(
        "--clickers", type=int, default=0, help="people on their pages clicking meanwhile"
    )
    parser.add_argument("--think", type=float, default=load.SLOW_THINK_S)
    args = parser.parse_args()
    levels = [int(n) for n in args.people.split(",") if n]
    settings = common.server_settings(args)
    run(
        args.out,
        args.employees,
        levels,
        args.window,
        name=args.name,
        clickers=args.clickers,
        think=args.think,
        **settings,
    )


if __name__ == "__main__":
    main()
