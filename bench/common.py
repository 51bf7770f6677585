"""Shared by the benchmarks: seeded data directories, servers and command-line options."""

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from bench import seed
from bench.server import APP, BARE_APP, FLOOR_APP, StreamlitServer

DEFAULT_OUT = Path(tempfile.gettempdir()) / "trivsel-bench"


def options(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"results and data (default {DEFAULT_OUT})"
    )
    parser.add_argument("--employees", type=int, default=seed.DEFAULT_EMPLOYEES)
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        help="a `streamlit run` option for both servers, e.g. runner.postScriptGC=false",
    )
    parser.add_argument(
        "--nodelay", action="store_true", help="TCP_NODELAY on both servers (bench/launch.py)"
    )
    parser.add_argument(
        "--revert", default="", help="undo these fixes in the app's server (bench/launch.py)"
    )
    return parser


def server_settings(args) -> dict:
    """The servers' variant chosen on the command line (default: as shipped)."""
    return {
        "nodelay": args.nodelay,
        "options": tuple(f"--{option}" for option in args.option),
        "revert": args.revert,
    }


def seeded(out: Path, employees: int) -> Path:
    """A seeded data directory for `employees`, made once and reused read-only."""
    source = out / f"seed-{employees}"
    if not (source / seed.MANIFEST).exists():
        shutil.rmtree(source, ignore_errors=True)
        started = time.monotonic()
        seed.seed(source, employees)
        print(f"seeded {employees:,} employees in {time.monotonic() - started:.1f} s", flush=True)
    return source


def working_copy(source: Path, out: Path, name: str) -> Path:
    """A copy of a seeded directory for one server (servers write to their database)."""
    target = out / "work" / name
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)
    return target


@contextmanager
def app_server(
    source: Path,
    out: Path,
    name: str,
    nodelay: bool = False,
    options=(),
    revert: str = "",
    prepare: Callable[[Path], None] | None = None,
):
    """The app on a fresh copy of `source` (changed by `prepare` before the server starts),
    stopped (by PID) however the block ends."""
    data = working_copy(source, out, name)
    if prepare is not None:
        prepare(data)
    settings = {"options": tuple(options), "nodelay": nodelay, "revert": revert}
    with _served(APP, data, out, name, **settings) as server:
        yield server


@contextmanager
def bare_server(out: Path, name: str, nodelay: bool = False, options=(), revert: str = ""):
    del revert  # the bare page has none of the app's code to revert
    with _served(BARE_APP, None, out, name, options=tuple(options), nodelay=nodelay) as server:
        yield server


@contextmanager
def floor_server(out: Path, name: str, nodelay: bool = False, options=()):
    """The floor page (bench/floor_app.py) on a fresh, empty data directory."""
    data = out / "work" / name
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    with _served(FLOOR_APP, data, out, name, options=tuple(options), nodelay=nodelay) as server:
        yield server


@contextmanager
def _served(script: Path, data: Path | None, out: Path, name: str, **settings):
    """A server of `script` with its log in out/logs, stopped (by PID) however the block
    ends."""
    server = StreamlitServer(script, data, out / "logs" / f"{name}.log", **settings)
    server.log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield server.start()
    finally:
        server.stop()
