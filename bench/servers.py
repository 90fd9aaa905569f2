"""The processes a benchmark run starts: a durable PostgreSQL cluster and gunicorn
servers. Each is stopped by the runner's ``finally``, also on Ctrl-C and SIGTERM."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.support.pgserver import PostgresServer, find_pg_bin

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"

# Normal durability, unlike the test suite's cluster: fsync, synchronous_commit and
# full_page_writes keep their defaults (on). Memory is sized for a small dedicated host.
POSTGRES_SETTINGS = {
    "shared_buffers": "256MB",
    "effective_cache_size": "1GB",
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "max_wal_size": "2GB",
    "max_connections": "100",
}


class DurablePostgres(PostgresServer):
    """tests/support/pgserver.py's throwaway cluster with durable settings (see the module)."""

    def _configure(self) -> None:
        settings = {
            "listen_addresses": "''",
            "port": str(self.port),
            "unix_socket_directories": "'" + str(self.socket_dir).replace("'", "''") + "'",
            "logging_collector": "off",
            "log_min_messages": "warning",
            "timezone": "'UTC'",
            **POSTGRES_SETTINGS,
        }
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# added by bench/servers.py (durable: fsync stays on)\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")

    def version(self) -> str:
        proc = subprocess.run(  # noqa: S603
            [str(self.bin_dir / "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.stdout.strip() or "unknown"

    def cpu_ticks(self) -> int:
        """CPU used so far by the server: postmaster, backends and background workers."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            postmaster = int((self.data_dir / "postmaster.pid").read_text().split()[0])
            return cpu_ticks([postmaster, *children(postmaster)])
        return 0

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        self.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def cpu_ticks(pids: list[int]) -> int:
    """User + system CPU clock ticks (1/100 s) the processes have used so far."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def children(pid: int) -> list[int]:
    """The direct children of ``pid``."""
    listing = Path(f"/proc/{pid}/task/{pid}/children")
    with contextlib.suppress(OSError):
        return [int(child) for child in listing.read_text().split()]
    found = []  # kernels without that file: look for processes whose parent is pid
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def apt_install(package: str) -> None:
    """A fresh Debian machine may lack a tool; as root, install it as .ci/run installs its own."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    print(f"== {package} is missing: apt-get install {package}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
    if subprocess.run(install, env=env, check=False).returncode != 0:  # noqa: S603
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)  # noqa: S607
        subprocess.run(install, env=env, check=False)  # noqa: S603


def pg_bin() -> Path | None:
    return find_pg_bin()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(port: int, path: str) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py -b 127.0.0.1:PORT <app>`` in its own process group.

    The project's gunicorn.conf.py (2 workers, 4 threads each, access log on) is used
    as is for both Intake and the hello app; only the bind address is overridden.
    """

    def __init__(self, name: str, app: str, env: dict[str, str], log: Path, cwd: Path) -> None:
        self.name = name
        self.app = app
        self.env = env
        self.log = log
        self.cwd = cwd
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.first_workers: set[int] = set()
        self.ready_rss_mb: dict[int, float] = {}  # each worker once serving its first request

    def start(self, ready_path: str = "/", attempts: int = 3) -> None:
        for _ in range(attempts):
            self.port = free_port()
            if self._start_once(ready_path):
                self.first_workers = set(self.worker_pids())
                self.ready_rss_mb = self.memory_mb("VmRSS")
                return
            self.stop()
        raise RuntimeError(f"gunicorn ({self.name}) did not start: see {self.log}")

    def _start_once(self, ready_path: str) -> bool:
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(GUNICORN_CONF),
            "-b",
            f"127.0.0.1:{self.port}",
            self.app,
        ]
        with self.log.open("ab") as out:
            out.write(f"\n$ {' '.join(command)}\n".encode())
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as one
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # e.g. the port was taken meanwhile
            status = _answers(self.port, ready_path)
            if status is not None and status < 500 and len(self.worker_pids()) >= 2:
                return True
            time.sleep(0.2)
        return False

    def worker_pids(self) -> list[int]:
        if self.process is None or self.process.poll() is not None:
            return []
        return children(self.process.pid)

    def memory_mb(self, field: str = "VmHWM") -> dict[int, float]:
        """A /proc memory figure of each current worker, in MB (10⁶ bytes, as the target
        says MB): VmHWM is the peak resident set, VmRSS the current one, Pss the current
        one with pages shared between processes divided among them."""
        values = {}
        source = "smaps_rollup" if field == "Pss" else "status"
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
                    if line.startswith(f"{field}:"):
                        values[pid] = int(line.split()[1]) * 1024 / 1e6
        return values

    def cpu_ticks(self) -> int:
        return cpu_ticks(self.worker_pids())

    def cpu_ticks_by_worker(self) -> dict[int, int]:
        return {pid: cpu_ticks([pid]) for pid in self.worker_pids()}

    def wait_idle(self, quiet: float = 0.5, timeout: float = 60.0) -> bool:
        """Waits until the workers have used (almost) no CPU for ``quiet`` seconds: the
        requests wrk left in flight are done, so the next run starts on an idle server."""
        deadline = time.monotonic() + timeout
        previous = self.cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            current = self.cpu_ticks()
            if current - previous <= 1:  # one clock tick (10 ms) of housekeeping at most
                return True
            previous = current
        return False

    def restarted_workers(self) -> int:
        """Workers that are not the ones that started (a crash or a timeout kill)."""
        return len(set(self.worker_pids()) - self.first_workers)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # our own group: master and workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
