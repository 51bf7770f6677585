"""Timer cost: server CPU with 100 open conversation pages whose timers run, for 60 s,
against 100 idle bare pages, in the same run.

100 managers log in, each opens the conversation with an employee of theirs and starts
its timer; then nobody does anything for the measured window while the server's CPU
time (utime + stime from /proc/<pid>/stat) is read before and after. The same for 100
sessions on the bare page. The timer ticks in the browser (ui/timer.py): a real browser
runs the snippet's JavaScript and sends nothing, and this client sends nothing either,
so what is measured is what open sessions cost the server while they wait (websocket
keep-alive pings, Streamlit's own housekeeping), and whether anything ticks server-side.
If the conversation page does not exist yet, idle themes pages stand in (said so in the
output). Target: < 2 % of one core.

    .venv/bin/python -m bench.timer_cost [--sessions 100] [--window 60]
"""

import asyncio
import contextlib
import time

from bench import common, report, scenarios, seed, ws_client
from bench.scenarios import BARE

DEFAULT_SESSIONS = 100
DEFAULT_WINDOW_S = 60.0
SETTLE_S = 5.0  # let the last script runs and their messages finish before measuring
TARGET_PERCENT = 2.0


async def _open_sessions(url: str, n: int, prepare) -> tuple[list, list[str]]:
    sessions, errors = [], []

    async def one(i: int) -> None:
        session = ws_client.Session(url)
        sessions.append(session)
        try:
            await session.connect()
            await prepare(session, i)
        except (ws_client.ProtocolError, scenarios.Unavailable, OSError) as exc:
            errors.append(str(exc))

    batch = 10  # a few at a time: this measures waiting, not logging in
    for start in range(0, n, batch):
        await asyncio.gather(*(one(i) for i in range(start, min(n, start + batch))))
    return sessions, errors


async def _window(server, sessions: list, window_s: float) -> dict:
    await asyncio.sleep(SETTLE_S)
    cpu_before, started = server.cpu_seconds(), time.monotonic()
    received_before = sum(s.bytes_received for s in sessions)
    await asyncio.sleep(window_s)
    elapsed = time.monotonic() - started
    cpu = server.cpu_seconds() - cpu_before
    received = sum(s.bytes_received for s in sessions) - received_before
    result = {
        "sessions": len(sessions),
        "window_s": elapsed,
        "cpu_s": cpu,
        "cpu_percent_of_one_core": 100 * cpu / elapsed,
        "bytes_sent_to_clients": received,
        "rss": server.rss_bytes(),
    }
    for session in sessions:
        with contextlib.suppress(Exception):
            await session.close()
    return result


async def app_side(server, manifest: seed.Manifest, n: int, window_s: float) -> dict:
    logins = scenarios.Logins(manifest)
    what = {"page": "conversation", "timers_started": 0}
    try:
        scenarios.page_title("conversation")
        start_label = scenarios.label("conversation.timer_start")
    except scenarios.Unavailable:
        what["page"] = "themes (the conversation page does not exist yet)"
        start_label = None
    conversation = scenarios.by_key("conv_pick")
    themes = scenarios.by_key("emp_themes")

    async def prepare(session: ws_client.Session, i: int) -> None:
        if start_label is None:
            login = logins.next(scenarios.EMPLOYEE)
            await scenarios.onto_page(session, themes, login, manifest.password)
            return
        steps = await scenarios.onto_page(
            session, conversation, logins.next(scenarios.MANAGER), manifest.password
        )
        if not steps["page_open"].ok:
            raise ws_client.ProtocolError(f"conversation page: {steps['page_open'].exceptions}")
        start = session.widget("button", start_label)
        run = await session.set_values({}, triggers=[start.id])
        if run.ok and session.widgets("iframe"):
            what["timers_started"] += 1

    sessions, errors = await _open_sessions(server.url, n, prepare)
    result = await _window(server, sessions, window_s)
    return {**result, **what, "errors": errors[:10], "error_count": len(errors)}


async def bare_side(server, n: int, window_s: float) -> dict:
    async def prepare(session: ws_client.Session, i: int) -> None:
        await scenarios.onto_page(session, BARE, None, "")

    sessions, errors = await _open_sessions(server.url, n, prepare)
    result = await _window(server, sessions, window_s)
    return {**result, "page": "bare", "errors": errors[:10], "error_count": len(errors)}


def markdown(result: dict) -> str:
    rows = []
    for what in ("app", "bare"):
        r = result[what]
        verdict = "meets" if r["cpu_percent_of_one_core"] < TARGET_PERCENT else "misses"
        rows.append(
            [
                f"{what}: {r['page']}",
                r["sessions"],
                r.get("timers_started", "–"),
                f"{r['window_s']:.0f}",
                f"{r['cpu_s']:.2f}",
                f"{r['cpu_percent_of_one_core']:.2f}",
                f"{r['bytes_sent_to_clients']:,}",
                report.mib(r["rss"]),
                r["error_count"],
                verdict,
            ]
        )
    header = [
        "server",
        "open sessions",
        "timers running",
        "window s",
        "server CPU s",
        "% of one core",
        "bytes sent in window",
        "RSS MiB",
        "errors",
        "target < 2 %",
    ]
    return "### Timer cost (idle open pages)\n\n" + report.table(header, rows)


def run(out, employees: int, sessions: int, window_s: float) -> dict:
    source = common.seeded(out, employees)
    manifest = seed.load_manifest(source)
    with common.app_server(source, out, "timer-app") as app:
        app_result = asyncio.run(app_side(app, manifest, sessions, window_s))
    with common.bare_server(out, "timer-bare") as bare:
        bare_result = asyncio.run(bare_side(bare, sessions, window_s))
    result = {"app": app_result, "bare": bare_result, "machine": report.machine()}
    report.save(out, "timer_cost", result, markdown(result))
    return result


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=DEFAULT_SESSIONS)
    parser.add_argument("--window", type=float, default=DEFAULT_WINDOW_S)
    args = parser.parse_args()
    run(args.out, args.employees, args.sessions, args.window)


if __name__ == "__main__":
    main()
