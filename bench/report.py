"""Statistics, the machine a figure came from, and Markdown tables for docs/performance.md."""

import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (0-100), linear between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "mean": statistics.fmean(values) if values else None,
        "max": max(values) if values else None,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def ms(seconds: float | None) -> str:
    """Milliseconds, with a decimal below 10 ms."""
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


def times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def mib(n_bytes: float | None) -> str:
    return "–" if n_bytes is None else f"{n_bytes / 2**20:.1f}"


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:  # noqa: BLE001 - a missing module is reported as such
        return "not installed"


def machine() -> dict:
    """Where the figures came from."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
            cwd=Path(__file__).resolve().parent.parent,
        ).stdout.strip()
    except OSError:
        commit = ""
    ram = _ram_gib()
    load = os.getloadavg()
    return {
        "load_average": [round(x, 2) for x in load],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gib": round(ram, 1) if ram else None,
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "streamlit": _version("streamlit"),
        "duckdb": _version("duckdb"),
        "websockets": _version("websockets"),
        "commit": commit,
    }


def machine_line(info: dict) -> str:
    return (
        f"{info['date']}; {info['nproc']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM, "
        f"Linux {info['kernel']}; Python {info['python']}, Streamlit {info['streamlit']}, "
        f"DuckDB {info['duckdb']}; commit {info['commit'] or '?'} plus the working tree;"
        f" load average {info['load_average'][0]} when written"
    )


def save(out_dir: Path, name: str, data: dict, markdown: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(data, indent=1, default=str))
    (out_dir / f"{name}.md").write_text(markdown + "\n")
    print(markdown, flush=True)
