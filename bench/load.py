"""Load test over the real protocol: N concurrent sessions against the app and against
the bare page, in the same run, each on a fresh server.

Every session is one browser tab: it opens the app, logs in, opens its page (setup,
spread over a ramp) and then, during the measured phase, performs its page's main
interaction after a think time drawn from an exponential distribution (mean --think
seconds, seeded), until the phase ends. The sessions follow the mix of
bench/scenarios.py (load_weight: mostly employees saving notes, managers picking
questions in a conversation, some people opening themes). The bare page's sessions type
and click at the same pace.

Reported per level: p50/p95 of the interactions and of the setup steps, errors
(exceptions on the page, refused logins, timeouts, dropped connections), the server's
CPU during the phase and its RSS: idle (after one warm-up session per page), with all
sessions open, and per session. The client's own CPU is reported too: it shares the
machine with the server.

    .venv/bin/python -m bench.load [--sessions 1,20,100,300,500] [--phase 30] [--think 10]
"""

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass, field

from bench import common, report, scenarios, seed, ws_client
from bench.scenarios import BARE, Scenario

DEFAULT_LEVELS = (1, 20, 100, 300, 500)
DEFAULT_PHASE_S = 30.0
DEFAULT_THINK_S = 10.0  # a click every 10 s per open tab: a stress test
SLOW_THINK_S = 30.0  # MUS pace: a note is written for a while before it is saved
MAX_THINK_S = 60.0  # the exponential's long tail, cut
RAMP_PER_SESSION_S = 0.1  # sessions arrive over N × this (capped), as people do
MAX_RAMP_S = 30.0
MIN_CLICKS = 60  # per level: the p95 of fewer is one of its last few clicks, of 4 its maximum
SETUP_TIMEOUT_S = 600.0  # every session must be on its page by then
REQUEST_TIMEOUT_S = 120.0
SEED = 20_260_101


@dataclass
class Outcome:
    scenario: str
    setup: dict[str, float] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ready: bool = False


async def _session(
    index: int,
    scenario: Scenario,
    login: scenarios.Login | None,
    url: str,
    password: str,
    start_delay: float,
    ready: asyncio.Event,
    phase: dict,
    outcome: Outcome,
    think: float,
    sessions: list,
) -> None:
    rng = random.Random(SEED + index)
    await asyncio.sleep(start_delay)
    session = ws_client.Session(url, timeout=REQUEST_TIMEOUT_S)
    sessions.append(session)
    try:
        await session.connect()
        steps = await scenarios.onto_page(session, scenario, login, password)
        outcome.setup = {name: run.seconds for name, run in steps.items()}
        bad = [f"{name}: {run.exceptions}" for name, run in steps.items() if not run.ok]
        if bad:
            outcome.errors += bad
            return
        outcome.ready = True
    except (ws_client.ProtocolError, scenarios.Unavailable, OSError) as exc:
        outcome.errors.append(f"setup: {exc}")
        return
    await ready.wait()
    end = phase["end"]
    await asyncio.sleep(rng.uniform(0, think))  # not everybody clicks at the same second
    i = 0
    while time.monotonic() < end or phase["clicks"] < phase["min_clicks"]:
        phase["clicks"] += 1
        try:
            run = await scenario.act(session, i)
        except (ws_client.ProtocolError, OSError) as exc:
            outcome.errors.append(f"interaction: {exc}")
            return
        if run.ok:
            outcome.latencies.append(run.seconds)
        else:
            outcome.errors.append(f"interaction: {run.status} {run.exceptions}")
        i += 1
        drawn = min(rng.expovariate(1 / think), MAX_THINK_S)
        pause = think_time(drawn, time.monotonic(), end, phase["clicks"] >= phase["min_clicks"])
        if pause is None:
            break
        await asyncio.sleep(pause)


def think_time(drawn: float, now: float, end: float, enough: bool) -> float | None:
    """How long a session waits before its next click (None: it is done). A pause ends
    with the phase; past the end a session clicks on only while its level has fewer than
    MIN_CLICKS clicks (`enough` is False), and waits out no pause once it has."""
    if now < end:
        return min(drawn, end - now)
    return None if enough else drawn


async def _warm_up(url: str, chosen: list[Scenario], logins, password: str) -> None:
    """One session per page first: imports and caches are not what N sessions cost."""
    for scenario in dict.fromkeys(chosen):
        session = ws_client.Session(url, timeout=REQUEST_TIMEOUT_S)
        try:
            await session.connect()
            login = logins.next(scenario.role) if scenario.role else None
            await scenarios.onto_page(session, scenario, login, password)
            await scenario.act(session, 0)
        except (ws_client.ProtocolError, scenarios.Unavailable):
            pass
        finally:
            await session.close()


@dataclass
class Crowd:
    """N sessions on their pages (arrived over a ramp), clicking from start() until the
    phase ends: the load test's sessions, and the login storm's people already in."""

    outcomes: list[Outcome] = field(default_factory=list)
    tasks: list[asyncio.Task] = field(default_factory=list)
    sessions: list[ws_client.Session] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    phase: dict = field(default_factory=dict)

    @classmethod
    async def arrive(
        cls, url: str, n: int, chosen: list[Scenario], logins, password: str, think: float
    ) -> "Crowd":
        """Every session on its page (or failed), waiting for start()."""
        crowd = cls()
        ramp = min(n * RAMP_PER_SESSION_S, MAX_RAMP_S)
        for i in range(n):
            scenario = chosen[i % len(chosen)]
            login = logins.next(scenario.role) if scenario.role else None
            outcome = Outcome(scenario.key)
            crowd.outcomes.append(outcome)
            session = _session(
                i,
                scenario,
                login,
                url,
                password,
                ramp * i / n,
                crowd.ready,
                crowd.phase,
                outcome,
                think,
                crowd.sessions,
            )
            crowd.tasks.append(asyncio.create_task(session))
        deadline = time.monotonic() + SETUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if all(o.ready or o.errors for o in crowd.outcomes):
                break
            await asyncio.sleep(0.2)
        return crowd

    def start(self, seconds: float, min_clicks: int = 0) -> None:
        """Click until `seconds` have passed and, together, at least `min_clicks` times."""
        self.phase.update(end=time.monotonic() + seconds, clicks=0, min_clicks=min_clicks)
        self.ready.set()

    async def wait(self, timeout: float) -> set[asyncio.Task]:
        """Until every session's phase ended; the ones still busy are cancelled."""
        _, pending = await asyncio.wait(self.tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        return pending

    async def leave(self, pending: set[asyncio.Task]) -> None:
        for session in self.sessions:
            with contextlib.suppress(Exception):
                await session.close()
        for task in pending:
            with contextlib.suppress(BaseException):
                await task

    def latencies(self) -> list[float]:
        return [x for o in self.outcomes for x in o.latencies]

    def errors(self) -> list[str]:
        return [e for o in self.outcomes for e in o.errors]


def pace(n: int, phase_s: float, think: float) -> float:
    """The mean think time of a level of n sessions: `think`, or less where n sessions at
    that pace would not click MIN_CLICKS times in the phase (one session at 10 s: 3).
    A few sessions clicking faster still leave the server idle between clicks."""
    return min(think, n * phase_s / MIN_CLICKS)


async def level(
    server, n: int, chosen: list[Scenario], manifest, phase_s: float, think: float
) -> dict:
    """n sessions of `chosen` on their pages, clicking for phase_s at a mean think time
    of pace(n, phase_s, think), and at least MIN_CLICKS times together."""
    think = pace(n, phase_s, think)
    logins = scenarios.Logins(manifest) if manifest else None
    password = manifest.password if manifest else ""
    await _warm_up(server.url, chosen, logins, password)
    rss_idle = server.rss_bytes()
    setup_started = time.monotonic()
    crowd = await Crowd.arrive(server.url, n, chosen, logins, password, think)
    setup_s = time.monotonic() - setup_started
    rss_open = server.rss_bytes()
    cpu_before, client_before = server.cpu_seconds(), time.process_time()
    phase_started = time.monotonic()
    crowd.start(phase_s, MIN_CLICKS)
    pending = await crowd.wait(phase_s + REQUEST_TIMEOUT_S + 30)
    elapsed = time.monotonic() - phase_started
    cpu = server.cpu_seconds() - cpu_before
    client_cpu = time.process_time() - client_before
    rss_end = server.rss_bytes()
    threads = server.threads()
    await crowd.leave(pending)
    outcomes = crowd.outcomes
    latencies = crowd.latencies()
    by_scenario = {}
    for key in dict.fromkeys(o.scenario for o in outcomes):
        mine = [o for o in outcomes if o.scenario == key]
        by_scenario[key] = {
            "sessions": len(mine),
            "interactions": report.summary([x for o in mine for x in o.latencies]),
            "errors": sum(len(o.errors) for o in mine),
        }
    setup_steps = {}
    for step in ("first_load", "login", "page_open"):
        setup_steps[step] = report.summary([o.setup[step] for o in outcomes if step in o.setup])
    return {
        "sessions": n,
        "think_s": think,
        "ready": sum(o.ready for o in outcomes),
        "setup_s": setup_s,
        "phase_s": elapsed,
        "interactions": report.summary(latencies),
        "throughput_per_s": len(latencies) / elapsed if elapsed else None,
        "setup": setup_steps,
        "by_scenario": by_scenario,
        "errors": sum(len(o.errors) for o in outcomes),
        "error_samples": crowd.errors()[:10],
        "server_cpu_percent": 100 * cpu / elapsed if elapsed else None,
        "client_cpu_percent": 100 * client_cpu / elapsed if elapsed else None,
        "rss_idle": rss_idle,
        "rss_open": rss_open,
        "rss_end": rss_end,
        "rss_per_session": (rss_open - rss_idle) / n if n else None,
        "threads": threads,
    }


def run(
    out,
    employees: int,
    levels: list[int],
    phase_s: float,
    think: float,
    nodelay: bool = False,
    options: tuple[str, ...] = (),
    revert: str = "",
    name: str = "load",
) -> dict:
    source = common.seeded(out, employees)
    manifest = seed.load_manifest(source)
    mix = scenarios.mix()
    results: dict = {"levels": [], "think_s": think, "phase_s": phase_s, "mix": {}}
    for s in mix:
        results["mix"][s.key] = results["mix"].get(s.key, 0) + 1
    for n in levels:
        print(f"  {n} sessions: app", flush=True)
        with common.app_server(source, out, f"load-app-{n}", nodelay, options, revert) as app:
            app_result = asyncio.run(level(app, n, mix, manifest, phase_s, think))
        print(f"  {n} sessions: bare page", flush=True)
        with common.bare_server(out, f"load-bare-{n}", nodelay, options) as bare:
            bare_result = asyncio.run(level(bare, n, [BARE], None, phase_s, think))
        results["levels"].append({"n": n, "app": app_result, "bare": bare_result})
        print(_line(n, "app", app_result) + "\n" + _line(n, "bare", bare_result), flush=True)
    results["machine"] = report.machine()
    results["variant"] = {"nodelay": nodelay, "options": list(options), "revert": revert}
    report.save(out, name, results, markdown(results, employees))
    return results


def _line(n: int, what: str, r: dict) -> str:
    i = r["interactions"]
    return (
        f"    {what}: ready {r['ready']}/{n}, p50 {report.ms(i['p50'])} ms, "
        f"p95 {report.ms(i['p95'])} ms, {i['n']} interactions, {r['errors']} errors, "
        f"server CPU {r['server_cpu_percent']:.0f}%, RSS {report.mib(r['rss_open'])} MiB"
    )


def markdown(results: dict, employees: int) -> str:
    rows = []
    for entry in results["levels"]:
        for what in ("app", "bare"):
            r = entry[what]
            i = r["interactions"]
            rows.append(
                [
                    entry["n"],
                    what,
                    f"{r['think_s']:g}",
                    f"{r['ready']}/{entry['n']}",
                    report.ms(i["p50"]),
                    report.ms(i["p95"]),
                    i["n"],
                    f"{r['throughput_per_s']:.1f}",
                    r["errors"],
                    report.ms(r["setup"]["page_open"]["p95"]),
                    f"{r['server_cpu_percent']:.0f}",
                    f"{r['client_cpu_percent']:.0f}",
                    report.mib(r["rss_idle"]),
                    report.mib(r["rss_open"]),
                    report.mib(r["rss_per_session"]),
                ]
            )
        app_p95 = entry["app"]["interactions"]["p95"]
        bare_p95 = entry["bare"]["interactions"]["p95"]
        ratio = report.times(report.ratio(app_p95, bare_p95))
        rows.append(["", "app / bare", "", "", "", ratio, *[""] * 9])
    header = [
        "sessions",
        "server",
        "mean think s",
        "on page",
        "p50 ms",
        "p95 ms",
        "interactions",
        "per s",
        "errors",
        "page open p95 ms",
        "server CPU %",
        "client CPU %",
        "RSS idle MiB",
        "RSS open MiB",
        "MiB per session",
    ]
    mix = ", ".join(f"{key} ×{n}" for key, n in results["mix"].items())
    variant = results.get("variant", {})
    parts = (["TCP_NODELAY"] if variant.get("nodelay") else []) + variant.get("options", [])
    if variant.get("revert"):
        parts.append(f"the app's fixes undone: {variant['revert']}")
    servers = f"; servers with {', '.join(parts)}" if parts else ""
    return (
        f"### Load test ({employees:,} employees; think time exp(mean {results['think_s']:g} s),"
        f" shorter where a level would click fewer than {MIN_CLICKS} times;"
        f" measured phase {results['phase_s']:g} s per level, longer until {MIN_CLICKS}"
        f" clicks{servers})\n\n"
        f"Mix per cycle of the app's sessions: {mix}.\n\n" + report.table(header, rows)
    )


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.add_argument("--sessions", default=",".join(map(str, DEFAULT_LEVELS)))
    parser.add_argument("--phase", type=float, default=DEFAULT_PHASE_S)
    parser.add_argument("--think", type=float, default=DEFAULT_THINK_S)
    parser.add_argument("--name", default="load", help="file name of the results")
    args = parser.parse_args()
    levels = [int(n) for n in args.sessions.split(",") if n]
    settings = common.server_settings(args)
    run(args.out, args.employees, levels, args.phase, args.think, name=args.name, **settings)


if __name__ == "__main__":
    main()
