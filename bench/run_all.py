"""Every benchmark with sane defaults, one after another: `make bench`.

    .venv/bin/python -m bench.run_all [--out DIR] [--quick] [--skip load,timer]

Default sizes: the app's pages at 5,000 employees (400 teams, 5 rounds), themes at scale
at 50,000 employees × 5 rounds (seeded in seconds), the load test at 1, 20, 100, 300 and
500 sessions clicking every 10 s on average, and again at 300 and 500 sessions clicking
every 30 s, and the login storm (20-300 people within 30 s; 200 once more while 300
people on their pages click every 30 s on average). About thirty minutes on two cores.
Options after `make bench BENCH_ARGS="..."`: see `--help` (e.g. --nodelay, --option
runner.postScriptGC=false).
--quick is a smoke run (small sizes, short windows) that checks the harness itself, not
the app. Results go to DIR/*.md and
DIR/*.json, and DIR/results.md collects the tables with the machine they came from.
"""

import time

from bench import (
    cold_start,
    common,
    load,
    login_storm,
    page_latency,
    report,
    seed,
    themes_scale,
    timer_cost,
)

STEPS = ("latency", "themes", "cold", "timer", "load", "storm")


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of the harness")
    parser.add_argument("--skip", default="", help=f"comma-separated, of {','.join(STEPS)}")
    parser.add_argument("--themes-employees", type=int, default=themes_scale.DEFAULT_EMPLOYEES)
    parser.add_argument("--sessions", default=",".join(map(str, load.DEFAULT_LEVELS)))
    parser.add_argument(
        "--slow-sessions",
        default="300,500",
        help=f"levels run again at a think time of {load.SLOW_THINK_S:g} s (MUS pace)",
    )
    args = parser.parse_args()
    skip = {step for step in args.skip.split(",") if step}
    out = args.out
    employees = args.employees
    quick = args.quick
    if quick:
        employees = min(employees, 500)
    settings = common.server_settings(args)
    started = time.monotonic()
    parts = []
    if "latency" not in skip:
        samples = 5 if quick else page_latency.DEFAULT_SAMPLES
        print("per-page latency", flush=True)
        page_latency.run(out, employees, samples, **settings)
        parts.append("page_latency")
        if not settings["nodelay"]:  # the bare page without its 40 ms TCP stall: server time
            print("per-page latency, TCP_NODELAY", flush=True)
            nodelay = {**settings, "nodelay": True}
            page_latency.run(out, employees, samples, name="page_latency_nodelay", **nodelay)
            parts.append("page_latency_nodelay")
    if "themes" not in skip:
        print("themes at scale", flush=True)
        themes_scale.run(out, 1_000 if quick else args.themes_employees, 5 if quick else 30)
        parts.append("themes_scale")
    if "cold" not in skip:
        print("cold start", flush=True)
        cold_start.run(out, employees, 2 if quick else cold_start.DEFAULT_REPEATS)
        parts.append("cold_start")
    if "timer" not in skip:
        print("timer cost", flush=True)
        timer_cost.run(out, employees, 10 if quick else 100, 5 if quick else 60)
        parts.append("timer_cost")
    if "load" not in skip:
        print("load test", flush=True)
        levels = [1, 10] if quick else [int(n) for n in args.sessions.split(",") if n]
        phase = 5 if quick else load.DEFAULT_PHASE_S
        load.run(out, employees, levels, phase, load.DEFAULT_THINK_S, **settings)
        parts.append("load")
        slow = [1] if quick else [int(n) for n in args.slow_sessions.split(",") if n]
        if slow:
            print(f"load test, think time {load.SLOW_THINK_S:g} s", flush=True)
            load.run(out, employees, slow, phase, load.SLOW_THINK_S, name="load_slow", **settings)
            parts.append("load_slow")
    if "storm" not in skip:
        print("login storm", flush=True)
        people = [5] if quick else list(login_storm.DEFAULT_PEOPLE)
        window = 2 if quick else login_storm.DEFAULT_WINDOW_S
        login_storm.run(out, employees, people, window, **settings)
        parts.append("login_storm")
        print("login storm among people clicking", flush=True)
        crowded = [5] if quick else [login_storm.CROWDED_PEOPLE]
        crowd = 5 if quick else login_storm.CROWD
        login_storm.run(
            out, employees, crowded, window, name="login_storm_crowd", clickers=crowd, **settings
        )
        parts.append("login_storm_crowd")
    minutes = (time.monotonic() - started) / 60
    summary = [
        "## Benchmark results",
        "",
        f"Machine: {report.machine_line(report.machine())}.",
        f"Seed: {employees:,} employees ({seed.default_teams(employees)} teams)"
        f" × {seed.DEFAULT_ROUNDS} rounds unless a table says otherwise."
        f" Whole run: {minutes:.1f} minutes.",
    ]
    for name in parts:
        summary += ["", (out / f"{name}.md").read_text().strip()]
    (out / "results.md").write_text("\n".join(summary) + "\n")
    print(f"\nall tables: {out / 'results.md'} ({minutes:.1f} minutes)")


if __name__ == "__main__":
    main()
