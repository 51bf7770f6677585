"""Cold start: from process start to the login page being served, against the bare app.

"Served" is the end of the first script run of the first websocket session: what a
person waits for after the service was (re)started. The app's first run opens the
database (and checks its migrations), reads and checks every content file and draws the
login form; the bare app's draws its three elements. Alternating app and bare page,
each start a new process on a fresh copy of the seeded data; the disk cache is warm
after the first round, as it is on a server that restarts.

    .venv/bin/python -m bench.cold_start [--repeats 5]
"""

import asyncio
import time

from bench import common, report, seed, ws_client
from bench.server import APP, BARE_APP, StreamlitServer

DEFAULT_REPEATS = 5
TARGET_RATIO = 1.5


async def _first_page(url: str) -> ws_client.Run:
    session = ws_client.Session(url)
    await session.connect()
    try:
        return await session.open()
    finally:
        await session.close()


def _once(script, data, log) -> dict:
    server = StreamlitServer(script, data, log)
    server.spawn()
    try:
        server.wait_healthy()
        healthy = time.perf_counter() - server.started_at
        run = asyncio.run(_first_page(server.url))
        served = time.perf_counter() - server.started_at
        if not run.ok:
            raise RuntimeError(f"first page failed: {run.exceptions} {server.log()}")
        return {"healthy_s": healthy, "served_s": served, "first_run_s": run.seconds}
    finally:
        server.stop()


def run(out, employees: int, repeats: int) -> dict:
    source = common.seeded(out, employees)
    seed.load_manifest(source)
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[dict]] = {"app": [], "bare": []}
    for i in range(repeats):
        data = common.working_copy(source, out, "cold-app")
        found["app"].append(_once(APP, data, logs / "cold-app.log"))
        found["bare"].append(_once(BARE_APP, None, logs / "cold-bare.log"))
        print(
            f"  round {i + 1}: app {found['app'][-1]['served_s']:.2f} s,"
            f" bare {found['bare'][-1]['served_s']:.2f} s",
            flush=True,
        )
    result = {
        what: {
            key: report.summary([r[key] for r in runs])
            for key in ("healthy_s", "served_s", "first_run_s")
        }
        for what, runs in found.items()
    }
    result["raw"] = found
    result["machine"] = report.machine()
    report.save(out, "cold_start", result, markdown(result, repeats))
    return result


def markdown(result: dict, repeats: int) -> str:
    rows = []
    for what in ("app", "bare"):
        r = result[what]
        rows.append(
            [
                what,
                f"{r['healthy_s']['p50']:.2f}",
                f"{r['first_run_s']['p50'] * 1000:.0f}",
                f"{r['served_s']['p50']:.2f}",
                f"{r['served_s']['max']:.2f}",
            ]
        )
    ratio = report.ratio(result["app"]["served_s"]["p50"], result["bare"]["served_s"]["p50"])
    verdict = "meets" if ratio is not None and ratio <= TARGET_RATIO else "misses"
    header = [
        "server",
        "process start → health p50 s",
        "first script run p50 ms",
        "process start → page served p50 s",
        "max s",
    ]
    return (
        f"### Cold start ({repeats} starts each)\n\n"
        + report.table(header, rows)
        + f"\n\napp / bare: {report.times(ratio)} (target ≤ {TARGET_RATIO}×: {verdict})"
    )


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    args = parser.parse_args()
    run(args.out, args.employees, args.repeats)


if __name__ == "__main__":
    main()
