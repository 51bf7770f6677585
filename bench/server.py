"""A Streamlit server for one measurement or one browser test: 127.0.0.1 only, stopped
by its PID.

Both the app and the bare page run from the project directory with the same
.streamlit/config.toml, so they differ only in their script. tests/e2e/conftest.py's
Server is this class with the app, a data directory and a log kept whole.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench import launch

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "app.py"
BARE_APP = REPO / "bench" / "bare_app.py"
FLOOR_APP = REPO / "bench" / "floor_app.py"  # the bare page whose click writes to DuckDB
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 15
POLL_S = 0.05
PORT_ATTEMPTS = 3  # start() tries a new port when another process took the first one
LOG_TAIL_CHARS = 4000  # how much of the log an error message quotes
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2 :].split()  # the name in (...) may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def process_rss_bytes(pid: int) -> int:
    """Resident set size of a process now, from /proc/<pid>/statm."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES


def process_threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


class PortTaken(RuntimeError):
    """Another process took the server's port before the server could listen on it."""


@dataclass
class StreamlitServer:
    script: Path
    data_dir: Path | None = None  # the app's TRIVSEL_DATA_DIR; unused by the bare page
    log_path: Path | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    started_at: float = 0.0  # time.perf_counter() just before the process was spawned
    options: tuple[str, ...] = ()  # extra `streamlit run` options, e.g. --runner.x=y
    profile_path: str = ""  # cProfile every script run into this file (bench/launch.py)
    query_log: str = ""  # count the app's statements into this file (bench/launch.py)
    nodelay: bool = False  # TCP_NODELAY on the server's socket (bench/launch.py)
    revert: str = ""  # performance fixes to undo in the server (bench/launch.py)
    # Count an answer to the health check only once the log shows this server listening on
    # its port: while it starts, another process (a test suite running in parallel) may have
    # taken the port and would answer in its place. Needs log_path.
    own_log: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def env(self) -> dict[str, str]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # The login form's deliberate pause (0.5 s against password guessing) would
        # only measure time.sleep; the benchmark users' bcrypt cost is the lowest, too.
        env["TRIVSEL_LOGIN_SLEEP_TIME"] = "0"
        if self.data_dir is not None:
            env["TRIVSEL_DATA_DIR"] = str(self.data_dir)
        if self.profile_path:
            env[launch.PROFILE_ENV] = self.profile_path
        if self.query_log:
            env[launch.QUERIES_ENV] = self.query_log
        if self.nodelay:
            env[launch.NODELAY_ENV] = "1"
        if self.revert:
            env[launch.REVERT_ENV] = self.revert
        return env

    def spawn(self) -> "StreamlitServer":
        """Start the process without waiting (cold start measures the wait itself)."""
        log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.started_at = time.perf_counter()
        # Plain `streamlit run` unless a hook is wanted: then the same through bench.launch.
        hooked = self.profile_path or self.query_log or self.nodelay or self.revert
        hooked = hooked or launch.flush_seconds() is not None  # inherited: bench/launch.py
        command = "bench.launch" if hooked else "streamlit"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                command,
                "run",
                str(self.script),
                "--server.address=127.0.0.1",
                f"--server.port={self.port}",
                "--server.headless=true",
                "--browser.gatherUsageStats=false",
                *self.options,
            ],
            cwd=REPO,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if log is not subprocess.DEVNULL:
            log.close()  # the child has its own handle
        return self

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> "StreamlitServer":
        """Wait until the server answers /_stcore/health (see `own_log`).

        Raises PortTaken if the server exited because its port was no longer free.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if f"Port {self.port} is not available" in self.log_text():
                    raise PortTaken(f"port {self.port} was taken: {self.log()}")
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.log()}")
            if self.own_log and f"127.0.0.1:{self.port}" not in self.log_text():
                time.sleep(POLL_S)
                continue
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(POLL_S)
        raise RuntimeError(f"server did not answer /_stcore/health in {timeout} s: {self.log()}")

    def start(self) -> "StreamlitServer":
        """spawn() and wait_healthy(); on a port taken meanwhile, again on a new one."""
        for _ in range(PORT_ATTEMPTS):
            try:
                return self.spawn().wait_healthy()
            except PortTaken:
                self.process = None
                self.port = free_port()
        raise RuntimeError(f"no free port after {PORT_ATTEMPTS} attempts: {self.log()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)
        self.process = None

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def rss_bytes(self) -> int:
        return process_rss_bytes(self.pid)

    def threads(self) -> int:
        return process_threads(self.pid)

    def log_text(self) -> str:
        """The whole log so far ('' without a log file)."""
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text()
        return ""

    def log(self) -> str:
        """The end of the log, for error messages."""
        return self.log_text()[-LOG_TAIL_CHARS:]

    def __enter__(self) -> "StreamlitServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
