"""Where a page's time goes: server CPU per request, and a cProfile of its script runs.

Starts the app with a hook that profiles every script run in the server (cProfile, in
the script thread, see bench/launch.py; neither py-spy nor pyinstrument is installed
here), drives one
scenario of bench/scenarios.py over the websocket protocol and prints the server's CPU
milliseconds per request (from /proc/<pid>/stat, so other processes on the machine do
not count) and the functions with the most cumulative time.

    .venv/bin/python -m bench.profile_page prep_note [--requests 30] [--no-profile] [--queries]
"""

import asyncio
import json
import os
import pstats
import statistics

from bench import common, page_latency, report, scenarios, seed, ws_client
from bench.server import APP, BARE_APP, FLOOR_APP, StreamlitServer


def _statements(server) -> dict[str, list]:
    """The server's statement totals so far (bench/launch.py), {} without a query log."""
    if not server.query_log or not os.path.exists(server.query_log):
        return {}
    with open(server.query_log, encoding="utf-8") as file:
        return json.load(file)["statements"]


def _per_request(before: dict, after: dict, requests: int) -> list[tuple[str, float, float]]:
    """(SQL, statements per request, ms per request), most frequent first."""
    rows = []
    for sql, (count, seconds) in after.items():
        count -= before.get(sql, [0, 0.0])[0]
        seconds -= before.get(sql, [0, 0.0])[1]
        if count:
            rows.append((sql, count / requests, 1000 * seconds / requests))
    return sorted(rows, key=lambda row: -row[1])


async def drive(server, scenario, manifest, requests: int) -> dict:
    session = ws_client.Session(server.url)
    await session.connect()
    try:
        login = scenarios.Logins(manifest).next(scenario.role) if scenario.role else None
        await scenarios.onto_page(session, scenario, login, manifest.password)
        for i in range(3):  # imports and first-run work are not what a click costs
            await session.rerun()
            await scenario.act(session, i)
        numbers = {}
        for name, request in (("full", None), ("interaction", scenario.act)):
            cpu_before, statements_before = server.cpu_seconds(), _statements(server)
            walls = []
            for i in range(requests):
                await asyncio.sleep(page_latency.PAUSE_S)  # as a person clicks, see there
                run = await (session.rerun() if request is None else request(session, 100 + i))
                walls.append(run.seconds)
            cpu = server.cpu_seconds() - cpu_before
            numbers[name] = {
                "cpu_ms_per_request": 1000 * cpu / requests,
                "wall_ms_p50": 1000 * statistics.median(walls),
                "statements": _per_request(statements_before, _statements(server), requests),
            }
        return numbers
    finally:
        await session.close()


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.add_argument("scenario", help="a key of bench/scenarios.py, 'bare' or 'floor'")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--queries", action="store_true", help="list the SQL statements of each request"
    )
    args = parser.parse_args()
    scenario = scenarios.by_key(args.scenario)
    source = common.seeded(args.out, args.employees)
    manifest = seed.load_manifest(source)
    data = common.working_copy(source, args.out, "profile")
    profile_path = "" if args.no_profile else str(args.out / f"profile-{scenario.key}.prof")
    if profile_path and os.path.exists(profile_path):
        os.remove(profile_path)
    script = {scenarios.BARE: BARE_APP, scenarios.FLOOR: FLOOR_APP}.get(scenario, APP)
    server = StreamlitServer(
        script,
        data,
        args.out / "logs" / "profile.log",
        profile_path=profile_path,
        query_log=str(args.out / "queries.json") if args.queries else "",
        **common.server_settings(args),
    )
    server.log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        server.start()
        numbers = asyncio.run(drive(server, scenario, manifest, args.requests))
    finally:
        server.stop()
    print(f"{scenario.title}: {report.machine_line(report.machine())}")
    for name, values in numbers.items():
        print(
            f"  {name:12} server CPU {values['cpu_ms_per_request']:.1f} ms/request,"
            f" wall p50 {values['wall_ms_p50']:.1f} ms"
        )
        if args.queries:
            statements = values["statements"]
            count = sum(n for _, n, _ in statements)
            ms = sum(m for _, _, m in statements)
            print(f"    {count:.1f} statements per request, {ms:.1f} ms")
            for sql, n, m in statements:
                print(f"    {n:4.1f} × {m:5.2f} ms  {sql[:110]}")
    if profile_path and os.path.exists(profile_path):
        stats = pstats.Stats(profile_path)
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
