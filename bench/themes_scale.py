"""Themes at scale: core.themes.published / trend / organisation on a large organisation,
against a bare GROUP BY over the same rows, in the same process and run.

In-process (no Streamlit): the time of the core call as a page makes it, from a fresh
cursor, against the one aggregate query it cannot do without. Targets: < 100 ms and at
most 2× the bare GROUP BY.

    .venv/bin/python -m bench.themes_scale [--employees 50000] [--samples 30]
"""

import random
import time

from bench import common, report, seed, themes_before
from core import config, db, people, themes

DEFAULT_EMPLOYEES = 50_000
DEFAULT_SAMPLES = 30
TEAM_SAMPLE = 50  # teams whose rounds are measured, spread over the organisation
TARGET_S = 0.100
TARGET_RATIO = 2.0

BARE_TEAM = (
    "SELECT t.theme_id, t.polarity, count(DISTINCT c.employee_id)"
    " FROM conversation_themes t JOIN conversations c ON c.id = t.conversation_id"
    " WHERE c.round_id = ? AND c.held_at IS NOT NULL GROUP BY t.theme_id, t.polarity"
)
BARE_ORG = (
    "SELECT c.team_id, t.theme_id, t.polarity, count(DISTINCT c.employee_id)"
    " FROM conversation_themes t JOIN conversations c ON c.id = t.conversation_id"
    " JOIN rounds r ON r.id = c.round_id"
    " WHERE r.state = 'closed' AND year(r.closed_at) = ? AND c.held_at IS NOT NULL"
    " GROUP BY c.team_id, t.theme_id, t.polarity"
)


def _time(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure(database: db.Database, manifest: seed.Manifest, samples: int) -> dict:
    rng = random.Random(9)
    teams = sorted(rng.sample(range(1, manifest.teams + 1), min(TEAM_SAMPLE, manifest.teams)))
    newest_closed = manifest.rounds - 2  # 0-based index of the last closed round
    if newest_closed < 0:
        raise SystemExit("themes at scale needs at least two rounds (one closed)")

    def round_id(team: int) -> int:
        return (team - 1) * manifest.rounds + newest_closed + 1

    def cursor() -> db.Cursor:
        return database.cursor()  # a fresh cursor per call, as every script run has

    admin = people.by_username(database.cursor(), manifest.admin)
    managers = {t: people.by_username(database.cursor(), seed.manager_username(t)) for t in teams}
    year = manifest.closed_years[-1]
    found: dict[str, list[float]] = {}

    def sample(name: str, call) -> None:
        found.setdefault(name, []).append(_time(call))

    for i in range(3 + samples):  # three rounds of warm-up: DuckDB's caches, imports
        keep = i >= 3
        for team in teams[: max(1, samples // 3)] if keep else teams[:3]:
            rid, manager = round_id(team), managers[team]
            for name, call in (
                ("team bare", lambda rid=rid: cursor().all(BARE_TEAM, [rid])),
                ("team published", lambda m=manager, rid=rid: themes.published(cursor(), m, rid)),
                ("team trend", lambda m=manager, t=team: themes.trend(cursor(), m, t)),
                (
                    "team trend before",
                    lambda m=manager, t=team: themes_before.trend(cursor(), m, t),
                ),
            ):
                if keep:
                    sample(name, call)
                else:
                    call()
        for name, call in (
            ("org bare", lambda: cursor().all(BARE_ORG, [year])),
            ("org organisation", lambda: themes.organisation(cursor(), admin, year)),
            ("org before", lambda: themes_before.organisation(cursor(), admin, year)),
        ):
            if keep:
                sample(name, call)
            else:
                call()
    rows = database.cursor().value("SELECT count(*) FROM conversation_themes")
    return {
        "year": year,
        "teams_sampled": len(teams),
        "conversation_themes_rows": rows,
        "timings": {name: report.summary(values) for name, values in found.items()},
    }


def markdown(result: dict, employees: int, rounds: int) -> str:
    timings = result["timings"]
    rows = []
    year = result["year"]
    for scope, call, bare, what in (
        ("team", "team published", "team bare", "published(round)"),
        ("team", "team trend", "team bare", "trend(team): every closed round"),
        ("team", "team trend before", "team bare", "trend(team), before the fix"),
        ("org", "org organisation", "org bare", f"organisation({year})"),
        ("org", "org before", "org bare", f"organisation({year}), before the fix"),
    ):
        measured, base = timings[call], timings[bare]
        ratio = report.ratio(measured["p50"], base["p50"])
        verdict = (
            "meets" if measured["p95"] < TARGET_S and (ratio or 0) <= TARGET_RATIO else "misses"
        )
        if call.startswith("team trend"):
            verdict = "(several rounds; for information)"
        elif call.endswith("before"):
            verdict = f"({verdict} before the fix)"
        rows.append(
            [
                f"{scope}: {what}",
                report.ms(measured["p50"]),
                report.ms(measured["p95"]),
                report.ms(base["p50"]),
                report.ms(base["p95"]),
                report.times(ratio),
                verdict,
            ]
        )
    header = [
        "query",
        "p50 ms",
        "p95 ms",
        "bare GROUP BY p50 ms",
        "bare p95 ms",
        "p50 ratio",
        "target < 100 ms, ≤ 2×",
    ]
    return (
        f"### Themes at scale ({employees:,} employees × {rounds} rounds,"
        f" {result['conversation_themes_rows']:,} theme rows; {result['teams_sampled']} teams"
        " sampled; in-process)\n\n" + report.table(header, rows)
    )


def run(out, employees: int, samples: int) -> dict:
    source = common.seeded(out, employees)
    manifest = seed.load_manifest(source)
    data = common.working_copy(source, out, "themes-scale")
    database = db.open_database(config.load(data))
    try:
        result = measure(database, manifest, samples)
    finally:
        database.close()
    result["machine"] = report.machine()
    report.save(out, "themes_scale", result, markdown(result, employees, manifest.rounds))
    return result


def main() -> None:
    parser = common.options(__doc__.splitlines()[0])
    parser.set_defaults(employees=DEFAULT_EMPLOYEES)
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES)
    args = parser.parse_args()
    run(args.out, args.employees, args.samples)


if __name__ == "__main__":
    main()
