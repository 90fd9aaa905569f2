"""Throwaway PostgreSQL clusters for the test suite (stdlib + psycopg only).

Usable outside pytest too::

    from tests.support.pgserver import PostgresServer, find_pg_bin

    with PostgresServer(find_pg_bin()) as pg:
        url = pg.create_database("intake_test")

When running as root (CI containers) ``initdb``/``pg_ctl`` are run as the ``postgres``
OS user, since initdb refuses to run as root; otherwise they run as the current user.
The cluster listens only on a unix socket in its own temp directory (no TCP port, so
parallel clusters never collide), uses ``-A trust`` and disables fsync for speed.

``create_database`` makes a database owned by, and a URL connecting as, an ordinary role
(``APPLICATION_ROLE``: no superuser, no BYPASSRLS), as production does: PostgreSQL's
row-level security does nothing for a superuser. ``url``, ``connect_kwargs`` and
``execute`` stay the superuser's, for the cluster's own administration.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from psycopg import sql

__all__ = ["APPLICATION_ROLE", "PostgresServer", "find_pg_bin"]

_SUPERUSER = "postgres"
# The application's own login: owns its databases, is bound by row-level security.
APPLICATION_ROLE = "intake"
_OS_USER_WHEN_ROOT = "postgres"
# Unix socket paths are limited to ~107 bytes; ".s.PGSQL.NNNNN" needs 15 of them.
_MAX_SOCKET_DIR_LEN = 80


def _has_server_binaries(directory: Path) -> bool:
    return all((directory / name).is_file() for name in ("initdb", "pg_ctl"))


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def find_pg_bin() -> Path | None:
    """Directory holding ``initdb`` and ``pg_ctl``, or None if PostgreSQL is not installed.

    Looks at, in order: env ``PG_BIN``; ``pg_config --bindir``; the highest
    ``/usr/lib/postgresql/*/bin`` (Debian/Ubuntu); ``initdb`` on PATH.
    A candidate is only accepted if it actually contains both binaries.
    """
    env = os.environ.get("PG_BIN")
    if env and _has_server_binaries(Path(env)):
        return Path(env)

    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(  # noqa: S603
                [pg_config, "--bindir"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and _has_server_binaries(Path(out)):
            return Path(out)

    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for candidate in debian:
        if _has_server_binaries(candidate):
            return candidate

    initdb = shutil.which("initdb")
    if initdb and _has_server_binaries(Path(initdb).resolve().parent):
        return Path(initdb).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temp directory; ``start()``/``stop()`` or ``with``."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = Path(bin_dir)
        self.port = _free_port()  # only names the socket file; no TCP listener
        self.base_dir: Path | None = None
        self.socket_dir: Path | None = None
        self._extra_socket_dir: Path | None = None  # when base_dir's path is too long
        self._running = False
        self._stopped = False
        self._as_root = hasattr(os, "geteuid") and os.geteuid() == 0

    # ---------------------------------------------------------------- paths

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory (exists after ``start()``)."""
        if self.base_dir is None:
            raise RuntimeError("PostgresServer not started")
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        if self.base_dir is None:
            raise RuntimeError("PostgresServer not started")
        return self.base_dir / "postgres.log"

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """initdb + ``pg_ctl start -w``. Raises RuntimeError (with tool output) on failure."""
        if self.base_dir is not None:
            raise RuntimeError("PostgresServer.start() called twice")
        if not _has_server_binaries(self.bin_dir):
            raise RuntimeError(f"no initdb/pg_ctl in {self.bin_dir}")
        atexit.register(self.stop)  # safety net; stop() unregisters it
        try:
            self._prepare_dirs()
            self._initdb()
            self._configure()
            self._pg_ctl_start()
            self._create_application_role()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """``pg_ctl stop -m immediate`` and remove the temp dirs. Safe to call repeatedly."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        try:
            if self.base_dir is not None and (self.data_dir / "postmaster.pid").exists():
                self._shutdown()
        finally:
            self._running = False
            for d in (self.base_dir, self._extra_socket_dir):
                if d is not None:
                    shutil.rmtree(d, ignore_errors=True)

    def pause(self) -> None:
        """Stop the server but keep its data (``pg_ctl stop -m fast``): an outage."""
        proc = self._run(
            str(self.bin_dir / "pg_ctl"), "stop", "-m", "fast", "-w", "-t", "30",
            "-D", str(self.data_dir), timeout=60,
        )  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(f"pg_ctl stop failed:\n{proc.stdout}{proc.stderr}")
        self._running = False

    def resume(self) -> None:
        """Start the paused server again on the same socket, with the same data."""
        self._pg_ctl_start()

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ databases

    def url(self, dbname: str = "postgres", user: str = _SUPERUSER) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for ``dbname`` on this cluster."""
        if self.socket_dir is None:
            raise RuntimeError("PostgresServer not started")
        host = quote(str(self.socket_dir), safe="/")
        db = quote(dbname, safe="")
        return f"postgresql+psycopg://{user}@/{db}?host={host}&port={self.port}"

    def application_url(self, dbname: str) -> str:
        """The URL the application uses: the ordinary role, bound by row-level security."""
        return self.url(dbname, user=APPLICATION_ROLE)

    def connect_kwargs(self, dbname: str = "postgres") -> dict[str, Any]:
        """Keyword arguments for ``psycopg.connect()``."""
        if self.socket_dir is None:
            raise RuntimeError("PostgresServer not started")
        return {
            "host": str(self.socket_dir),
            "port": self.port,
            "user": _SUPERUSER,
            "dbname": dbname,
        }

    def execute(self, statement: str | sql.Composable, dbname: str = "postgres") -> None:
        """Run one statement in autocommit mode (str or psycopg.sql.Composable)."""
        import psycopg

        with psycopg.connect(**self.connect_kwargs(dbname), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def create_database(self, name: str) -> str:
        """CREATE DATABASE ``name`` (UTF8, from template0) owned by the application role;
        returns the SQLAlchemy URL that connects to it as that role."""
        from psycopg import sql as _sql

        self.execute(
            _sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' OWNER {}").format(
                _sql.Identifier(name), _sql.Identifier(APPLICATION_ROLE)
            )
        )
        return self.application_url(name)

    def checkpoint(self) -> None:
        """CHECKPOINT, so committed data is flushed into the files under ``data_dir``."""
        self.execute("CHECKPOINT")

    # ------------------------------------------------------------ internals

    def _create_application_role(self) -> None:
        """An ordinary login: policies hold for it (NOSUPERUSER, NOBYPASSRLS). It may ask
        for a CHECKPOINT (leak tests read the data files), as pg_checkpoint allows."""
        self.execute(f"CREATE ROLE {APPLICATION_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
        self.execute(f"GRANT pg_checkpoint TO {APPLICATION_ROLE}")

    def _prepare_dirs(self) -> None:
        base = Path(tempfile.mkdtemp(prefix="intake-pg-"))
        self.base_dir = base
        sock = base / "sock"
        if len(str(sock)) > _MAX_SOCKET_DIR_LEN and Path("/tmp").is_dir():  # noqa: S108
            sock = Path(tempfile.mkdtemp(prefix="intake-pgs-", dir="/tmp"))  # noqa: S108
            self._extra_socket_dir = sock
        else:
            sock.mkdir()
        self.socket_dir = sock
        if self._as_root:
            import pwd

            try:
                pw = pwd.getpwnam(_OS_USER_WHEN_ROOT)
            except KeyError:
                raise RuntimeError(
                    f"running as root but there is no {_OS_USER_WHEN_ROOT!r} OS user "
                    "to run initdb/pg_ctl as"
                ) from None
            for d in (base, sock):
                os.chown(d, pw.pw_uid, pw.pw_gid)
        os.chmod(base, 0o700)
        os.chmod(sock, 0o700)

    def _cmd(self, *args: str) -> list[str]:
        if self._as_root:
            runuser = shutil.which("runuser")
            if runuser:
                return [runuser, "-u", _OS_USER_WHEN_ROOT, "--", *args]
        return list(args)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, Any] = {}
        if self._as_root and not shutil.which("runuser"):
            kwargs.update(user=_OS_USER_WHEN_ROOT, group=_OS_USER_WHEN_ROOT, extra_groups=[])
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8" if sys.platform.startswith("linux") else "C"
        return subprocess.run(  # noqa: S603
            self._cmd(*args),
            cwd=self.base_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,
        )

    def _initdb(self) -> None:
        base = [
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            _SUPERUSER,
            "-A",
            "trust",
            "--no-sync",
            "--encoding=UTF8",
        ]
        attempts = [["--locale=C.UTF-8"], ["--no-locale"]]
        outputs = []
        for locale_args in attempts:
            proc = self._run(*base, *locale_args)
            if proc.returncode == 0:
                return
            outputs.append(f"$ initdb ... {' '.join(locale_args)}\n{proc.stdout}{proc.stderr}")
            # Retry only a locale problem (e.g. no C.UTF-8 on macOS); start from scratch.
            if "locale" not in (proc.stdout + proc.stderr).lower():
                break
            shutil.rmtree(self.data_dir, ignore_errors=True)
        raise RuntimeError("initdb failed:\n" + "\n".join(outputs))

    def _configure(self) -> None:
        settings = {
            "listen_addresses": "''",
            "port": str(self.port),
            "unix_socket_directories": "'" + str(self.socket_dir).replace("'", "''") + "'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "50",
            "shared_buffers": "32MB",
            "max_wal_size": "256MB",
            "logging_collector": "off",
            "log_min_messages": "warning",
            "timezone": "'UTC'",
        }
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as f:
            f.write("\n# added by tests/pgserver.py\n")
            for key, value in settings.items():
                f.write(f"{key} = {value}\n")

    def _pg_ctl_start(self) -> None:
        proc = self._run(
            str(self.bin_dir / "pg_ctl"),
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            timeout=90,
        )
        if proc.returncode != 0:
            log = ""
            with contextlib.suppress(OSError):
                log = self.log_file.read_text(encoding="utf-8", errors="replace")[-4000:]
            raise RuntimeError(
                f"pg_ctl start failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
                f"\n--- server log ---\n{log}"
            )
        self._running = True

    def _shutdown(self) -> None:
        proc = self._run(
            str(self.bin_dir / "pg_ctl"),
            "stop",
            "-m",
            "immediate",
            "-w",
            "-t",
            "30",
            "-D",
            str(self.data_dir),
            timeout=60,
        )
        if proc.returncode == 0:
            return
        # Fallback: signal our own postmaster directly (SIGQUIT = immediate shutdown).
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGQUIT)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                os.kill(pid, 0)  # raises once the process is gone
                time.sleep(0.05)
            os.kill(pid, signal.SIGKILL)

    def __repr__(self) -> str:
        state = "running" if self._running else "stopped" if self._stopped else "new"
        return f"<PostgresServer {state} {self.base_dir} port={self.port}>"
