"""Where a page's time goes: server CPU per request, and a cProfile of its script runs.

Starts the app with a hook that profiles every script run in the server (cProfile, in
the script thread, see bench/launch.py; neither py-spy nor pyinstrument is installed
here), drives one
scenario of bench/scenarios.py over the websocket protocol and prints the server's CPU
milliseconds per request (from /proc/<pid>/stat, so other processes on the machine do
not count) and the functions with the most cumulative time.

    .venv/bin/python -m bench.profile_page prep_note [--requests 30] [--no-profile]
"""

import asyncio
import os
import pstats
import statistics

from bench import common, report, scenarios, seed, ws_client
from bench.server import APP, BARE_APP, StreamlitServer


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
            cpu_before = server.cpu_seconds()
            walls = []
            for i in range(requests):
                run = await (session.rerun() if request is None else request(session, 100 + i))
                walls.append(run.seconds)
            cpu = server.cpu_seconds() - cpu_before
            numbers[name] = {
                "cpu_ms_per_request": 1000 * cpu / requests,
                "wall_ms_p50": 1000 * statistics.median(walls),
            }
        return numbers
    finally:
        await session.close()


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.add_argument("scenario", help="a key of bench/scenarios.py, or 'bare'")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    scenario = scenarios.by_key(args.scenario)
    source = common.seeded(args.out, args.employees)
    manifest = seed.load_manifest(source)
    data = common.working_copy(source, args.out, "profile")
    profile_path = "" if args.no_profile else str(args.out / f"profile-{scenario.key}.prof")
    if profile_path and os.path.exists(profile_path):
        os.remove(profile_path)
    script = APP if scenario is not scenarios.BARE else BARE_APP
    server = StreamlitServer(
        script,
        data,
        args.out / "logs" / "profile.log",
        profile_path=profile_path,
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
    if profile_path and os.path.exists(profile_path):
        stats = pstats.Stats(profile_path)
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
