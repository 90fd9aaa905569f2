"""One fresh Intake instance per size and engine: its environment, its setup through
the real commands (`intake init`, `demo-data`, `create-user`), and the few SQL counts
the runner checks after the filing run."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import ROOT, DurablePostgres

STAFF_USER = "benchstaff"
DEMO_SEED = "20260401"  # the same cases in every run, so runs compare
PROGRESS_EVERY = 30.0  # seconds between progress lines during a long load


# `intake <command>` working for one organisation of a host (what `--org` does).
ORGANISATION_COMMAND = """
import sys
import wsgi
from intake.extensions import db
from intake.organisation_scope import work_for_by_default
from intake.services.organisations import by_slug

app = wsgi.app
with app.app_context():
    organisation = by_slug(db.session, sys.argv[1])
    if organisation is None:
        sys.exit(f"no organisation {sys.argv[1]!r}")
    organisation_id = organisation.id
work_for_by_default(app, organisation_id)
result = app.test_cli_runner().invoke(args=["intake", *sys.argv[2:]])
print(result.output)
sys.exit(result.exit_code)
"""


class CommandFailed(RuntimeError):
    pass


@dataclass
class Instance:
    engine: str  # "postgresql" or "sqlite"
    cases: int
    folder: Path
    log: Path
    postgres: DurablePostgres | None = None
    database: str = ""
    env: dict[str, str] = field(default_factory=dict)
    staff_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    load_seconds: float = 0.0
    load_line: str = ""  # demo-data's own summary line
    load_output: str = ""
    # A demo host: `demo-data --orgs N` (the cases spread over N organisations), and the
    # organisation whose pages are measured (its slug; its staff account is made there).
    organisations: int = 0
    organisation: str = ""

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, mode=0o700)  # production refuses a folder others may open
        self.env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": str(self.folder),
            "INTAKE_ENV": "production",
            "INTAKE_INSTANCE_PATH": str(self.folder),
            "SECRET_KEY": secrets.token_urlsafe(48),
            "INTAKE_CUSTODIAN_PASSPHRASE": secrets.token_urlsafe(24),
            # Rate limits off: the design allows this for benchmarks only. Otherwise the
            # filing limit (10 an hour per client) would answer 429 after ten tips.
            "RATELIMIT_ENABLED": "false",
        }
        if self.engine == "postgresql":
            assert self.postgres is not None  # noqa: S101
            host = f"host_{self.organisations}_" if self.organisations else ""
            self.database = f"intake_bench_{host}{self.cases}"
            self.env["DATABASE_URL"] = self.postgres.create_database(self.database)

    # ------------------------------------------------------------------ commands

    def flask(
        self,
        *args: str,
        extra_env: dict[str, str] | None = None,
        every: float = 0,
        progress: Callable[[float], None] | None = None,
    ) -> str:
        """Runs one `flask --app wsgi intake ...` command; calls ``progress(elapsed)``
        every ``every`` seconds while it runs (a long load shows it is alive)."""
        command = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "intake", *args]
        started = time.monotonic()
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env={**self.env, **(extra_env or {})},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                text=True,
            )
            try:
                while True:
                    try:
                        process.wait(timeout=every or None)
                        break
                    except subprocess.TimeoutExpired:
                        if progress is not None:
                            progress(time.monotonic() - started)
            finally:
                if process.poll() is None:  # interrupted: stop the command we started
                    process.terminate()
                    try:
                        process.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        with self.log.open("a", encoding="utf-8") as log:
            shown = " ".join(command[3:])
            log.write(f"\n$ flask --app wsgi {shown}  ({time.monotonic() - started:.1f} s)\n")
            log.write(stdout + stderr)
        if process.returncode != 0:
            raise CommandFailed(
                f"`flask --app wsgi {' '.join(args)}` failed (exit {process.returncode}):\n"
                f"{stdout[-1500:]}{stderr[-1500:]}"
            )
        return stdout

    def python(self, program: str, *args: str, extra_env: dict[str, str] | None = None) -> str:
        """Runs a short Python program with the instance's environment (from ROOT)."""
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", program, *args],
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        with self.log.open("a", encoding="utf-8") as log:
            log.write(f"\n$ python -c … {' '.join(args)}\n{result.stdout}{result.stderr}")
        if result.returncode != 0:
            raise CommandFailed(
                f"`{' '.join(args)}` failed (exit {result.returncode}):\n"
                f"{result.stdout[-1500:]}{result.stderr[-1500:]}"
            )
        return result.stdout

    def init(self) -> None:
        self.flask("init")

    def load_demo_data(self, say: Callable[[str], None]) -> None:
        """`intake demo-data`, timed; batches commit as they go, so the count shows progress.
        On PostgreSQL then VACUUM ANALYZE, as autovacuum would soon do after a bulk load
        (freshly copied tables have no statistics, and plans would depend on timing), and a
        CHECKPOINT; then everything synced to disk, so the runs do not pay for the load."""

        def progress(elapsed: float) -> None:
            with contextlib.suppress(Exception):
                done = self.cases_count()
                say(f"    … {done:,} cases after {elapsed:,.0f} s ({done / elapsed:,.0f}/s)")

        started = time.perf_counter()
        host = ("--orgs", str(self.organisations)) if self.organisations else ()
        out = self.flask(
            "demo-data",
            "--cases",
            str(self.cases),
            "--seed",
            DEMO_SEED,
            "--allow-production",
            *host,
            every=PROGRESS_EVERY,
            progress=progress,
        )
        self.load_seconds = time.perf_counter() - started
        self.load_output = out
        summary = [line for line in out.splitlines() if "cases/s" in line]
        self.load_line = summary[-1].strip() if summary else ""
        if self.engine == "postgresql":
            import psycopg

            assert self.postgres is not None  # noqa: S101
            kwargs = self.postgres.connect_kwargs(self.database)
            with psycopg.connect(**kwargs, autocommit=True) as conn:
                conn.execute("VACUUM (ANALYZE)")
            # The load's dirty pages written out now, not by a checkpoint during a run.
            self.postgres.execute("CHECKPOINT")
        os.sync()

    def create_staff(self) -> str:
        """The legal officer whose queue is measured; returns the otpauth:// URI. On a
        host, in the measured organisation (`create-user` run working for it, as a
        command's ``--org`` makes it)."""
        arguments = ("create-user", STAFF_USER, "--role", "legal")
        extra_env = {"INTAKE_PASSWORD": self.staff_password}
        if self.organisation:
            out = self.python(
                ORGANISATION_COMMAND, self.organisation, *arguments, extra_env=extra_env
            )
        else:
            out = self.flask(*arguments, extra_env=extra_env)
        match = re.search(r"otpauth://\S+", out)
        if match is None:
            raise CommandFailed("create-user printed no otpauth:// URI")
        return match.group(0)

    # ------------------------------------------------------------------ counts

    def scalar(self, statement: str) -> int:
        if self.engine == "postgresql":
            import psycopg

            assert self.postgres is not None  # noqa: S101
            with psycopg.connect(**self.postgres.connect_kwargs(self.database)) as conn:
                row = conn.execute(statement).fetchone()  # type: ignore[arg-type]
        else:
            with sqlite3.connect(self.folder / "intake.sqlite", timeout=60) as conn:
                row = conn.execute(statement).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def tips(self) -> int:
        return self.scalar("SELECT count(*) FROM cases WHERE kind = 'tip'")

    def cases_count(self) -> int:
        return self.scalar("SELECT count(*) FROM cases")

    def duplicate_references(self) -> int:
        return self.scalar("SELECT count(*) - count(DISTINCT reference) FROM cases")

    def duplicate_digests(self) -> int:
        return self.scalar("SELECT count(*) - count(DISTINCT tracking_digest) FROM cases")

    def settle(self, quiet: float = 1.0, timeout: float = 30.0) -> int:
        """Tip count once in-flight filings have finished: unchanged for ``quiet`` seconds
        (the caller waits for idle workers first; this is the database's side of it)."""
        previous = self.tips()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(quiet)
            current = self.tips()
            if current == previous:
                return current
            previous = current
        return previous

    def database_size(self) -> str:
        if self.engine == "postgresql":
            size = self.scalar("SELECT pg_database_size(current_database())")
        else:
            path = self.folder / "intake.sqlite"
            size = sum(p.stat().st_size for p in path.parent.glob("intake.sqlite*"))
        return f"{size / 2**20:,.0f} MiB"

    def drop(self) -> None:
        if self.engine == "postgresql" and self.postgres is not None and self.database:
            self.postgres.drop_database(self.database)
