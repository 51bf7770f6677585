"""Per-page latency: a full script run and the main interaction, per page and role,
against the bare page, in the same run.

One session per page, one request at a time, on an otherwise idle server. Measured over
Streamlit's websocket protocol on 127.0.0.1: from sending the BackMsg to the ForwardMsg
that ends the last script run, so it is the server's time for the run (including
protobuf serialisation and, for a callback that calls st.rerun(), both runs) plus
loopback. "Full run" is a rerun without any change, the least every click costs; the
bare page's samples are taken interleaved with each page's, so drift (another process,
CPU frequency) hits both alike. So are the floor's (bench/floor_app.py): the bare page
whose click also stores the text in DuckDB, the least a click that saves can cost.

    .venv/bin/python -m bench.page_latency [--samples 30] [--only prep_note,conv_pick]
"""

import asyncio
import time

from bench import common, launch, report, scenarios, seed, ws_client
from bench.scenarios import BARE, FLOOR, Scenario

# A p95 of 20 samples is their second largest: one stray run (a DuckDB checkpoint, the
# machine's other work) moved it by half. 60 take about 20 s more in all.
DEFAULT_SAMPLES = 60
WARMUP = 3  # first runs import a page's modules (altair, fpdf...): not what a click costs
# A pause before each request. Streamlit's server sends a session's messages in rounds
# and sleeps 5 ms after each (MESSAGE_FLUSH_INTERVAL_SECS): a request sent the moment the
# previous answer arrived waits for that sleep first, a person's click never does. Without
# the pause the bare page measured 5.4 ms instead of 3 (docs/performance.md).
PAUSE_S = 0.02


async def _timed(results: dict, name: str, server, request, pause: float = PAUSE_S) -> None:
    """One request after a pause; its wall time and the server's CPU time while it ran."""
    await asyncio.sleep(pause)
    cpu_before = server.cpu_seconds()
    run = await request
    cpu = server.cpu_seconds() - cpu_before
    if run.ok:
        results.setdefault(name, []).append(run.seconds)
        results.setdefault(f"{name} cpu", []).append(cpu)
    else:
        results.setdefault("errors", []).append(f"{name}: {run.status} {run.exceptions}")


async def measure(
    app,
    bare_server,
    floor_server,
    manifest: seed.Manifest,
    chosen: list[Scenario],
    samples: int = DEFAULT_SAMPLES,
    pause: float = PAUSE_S,
) -> dict:
    logins = scenarios.Logins(manifest)
    bare = ws_client.Session(bare_server.url)
    await bare.connect()
    await scenarios.onto_page(bare, BARE, None, "")
    floor = ws_client.Session(floor_server.url)
    await floor.connect()
    await scenarios.onto_page(floor, FLOOR, None, "")
    bare_samples: dict[str, list] = {}
    floor_samples: dict[str, list] = {}
    rows = {}
    try:
        for scenario in chosen:
            print(f"  {scenario.title}", flush=True)
            session = ws_client.Session(app.url)
            await session.connect()
            found: dict[str, list] = {}
            try:
                steps = await scenarios.onto_page(
                    session, scenario, logins.next(scenario.role), manifest.password
                )
                found["page_open"] = [steps["page_open"].seconds]
                before = session.bytes_received
                for i in range(WARMUP + samples):
                    sink = found if i >= WARMUP else {}
                    bare_sink = bare_samples if i >= WARMUP else {}
                    floor_sink = floor_samples if i >= WARMUP else {}
                    await _timed(bare_sink, "full", bare_server, bare.rerun(), pause)
                    await _timed(bare_sink, "interaction", bare_server, BARE.act(bare, i), pause)
                    await _timed(floor_sink, "full", floor_server, floor.rerun(), pause)
                    await _timed(
                        floor_sink, "interaction", floor_server, FLOOR.act(floor, i), pause
                    )
                    await _timed(sink, "full", app, session.rerun(), pause)
                    await _timed(sink, "interaction", app, scenario.act(session, i), pause)
                found["bytes_per_request"] = [
                    (session.bytes_received - before) / (2 * (WARMUP + samples))
                ]
            except scenarios.Unavailable as exc:
                found = {"unavailable": str(exc)}
            except ws_client.ProtocolError as exc:
                found.setdefault("errors", []).append(str(exc))
            finally:
                await session.close()
            rows[scenario.key] = {"title": scenario.title, **found}
    finally:
        await bare.close()
        await floor.close()
    return {"bare": bare_samples, "floor": floor_samples, "pages": rows}


def _variant(nodelay: bool, options, revert: str = "", pause: float = PAUSE_S) -> str:
    parts = (["TCP_NODELAY on the server socket"] if nodelay else []) + list(options)
    if (seconds := launch.flush_seconds()) is not None:
        parts.append(f"Streamlit's rounds of sending {1000 * seconds:g} ms apart (5 as shipped)")
    parts += [f"requests {1000 * pause:g} ms apart"] if pause != PAUSE_S else []
    parts += [f"the app's fixes undone: {revert}"] if revert else []
    return f"; servers with {', '.join(parts)}" if parts else ""


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _row(title: str, found: dict, bare: dict, floor: dict) -> list:
    full = report.summary(found.get("full", []))
    act = report.summary(found.get("interaction", []))
    cpu = _mean(found.get("interaction cpu", []))
    base = report.summary(bare.get("interaction", []))
    base_cpu = _mean(bare.get("interaction cpu", []))
    least = report.summary(floor.get("interaction", []))
    return [
        title,
        report.ms(full["p50"]),
        report.ms(full["p95"]),
        report.ms(act["p50"]),
        report.ms(act["p95"]),
        report.times(report.ratio(act["p50"], base["p50"])),
        report.times(report.ratio(act["p95"], base["p95"])),
        report.times(report.ratio(act["p95"], least["p95"])),
        report.ms(cpu),
        report.times(report.ratio(cpu, base_cpu)),
        act["n"],
        len(found.get("errors", [])),
    ]


def markdown(
    result: dict,
    employees: int,
    nodelay: bool = False,
    options=(),
    revert: str = "",
    pause: float = PAUSE_S,
) -> str:
    bare, floor = result["bare"], result["floor"]
    rows = [
        _row("bare page · type and click", bare, bare, floor),
        _row("floor page · type, click and store in DuckDB", floor, bare, floor),
    ]
    for row in result["pages"].values():
        if "unavailable" in row:
            rows.append([row["title"], "not measured: " + row["unavailable"], *[""] * 10])
        else:
            rows.append(_row(row["title"], row, bare, floor))
    header = [
        "page · interaction",
        "full run p50 ms",
        "full run p95 ms",
        "interaction p50 ms",
        "interaction p95 ms",
        "p50 vs bare",
        "p95 vs bare",
        "p95 vs floor",
        "server CPU ms per interaction",
        "CPU vs bare",
        "n",
        "errors",
    ]
    return (
        f"### Per-page latency ({employees:,} employees, one session, idle server"
        f"{_variant(nodelay, options, revert, pause)})\n\n" + report.table(header, rows)
    )


def run(
    out,
    employees: int,
    samples: int,
    only: list[str] | None = None,
    nodelay: bool = False,
    options: tuple[str, ...] = (),
    revert: str = "",
    name: str = "page_latency",
    pause: float = PAUSE_S,
) -> dict:
    source = common.seeded(out, employees)
    manifest = seed.load_manifest(source)
    chosen = [s for s in scenarios.SCENARIOS if not only or s.key in only]
    started = time.monotonic()
    with (
        common.app_server(source, out, "latency-app", nodelay, options, revert) as app,
        common.bare_server(out, "latency-bare", nodelay, options) as bare,
        common.floor_server(out, "latency-floor", nodelay, options) as floor,
    ):
        result = asyncio.run(measure(app, bare, floor, manifest, chosen, samples, pause))
    result["seconds"] = time.monotonic() - started
    result["machine"] = report.machine()
    result["variant"] = {
        "nodelay": nodelay,
        "options": list(options),
        "revert": revert,
        "pause_s": pause,
        "flush_s": launch.flush_seconds(),  # None: Streamlit's own pause
    }
    report.save(out, name, result, markdown(result, employees, nodelay, options, revert, pause))
    return result


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES)
    parser.add_argument("--only", default="", help="comma-separated scenario keys")
    parser.add_argument("--name", default="page_latency", help="file name of the results")
    parser.add_argument(
        "--pause", type=float, default=PAUSE_S, help="seconds between requests (0: none)"
    )
    args = parser.parse_args()
    only = [key for key in args.only.split(",") if key]
    run(
        args.out,
        args.employees,
        args.samples,
        only,
        name=args.name,
        pause=args.pause,
        **common.server_settings(args),
    )


if __name__ == "__main__":
    main()
