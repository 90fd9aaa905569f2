"""The deployment doctor behind `intake check`: is this instance set up as the README's
production steps say?

Each check is a function of plain values (settings, paths, counts, times, the answers of a
probe) returning one ``Finding``; ``gather`` asks the real world (database, Redis, SMTP
server, clock) for those values and runs them all. A line reads ``OK|WARN|FAIL what: fix``.
FAIL means the instance is unsafe or will not do its job; WARN what a new instance lacks
at first (no backup yet, `remind` not yet run) or what cannot be told from here.
"""

from __future__ import annotations

import os
import shutil
import smtplib
import stat
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from intake import crypto
from intake.filemodes import OTHERS_BITS, loose_paths, storage_paths

OK, WARN, FAIL = "OK", "WARN", "FAIL"
MIN_SECRET_LENGTH = 32
# Timers run daily (remind) and nightly (backup): a day and two hours of slack.
DAILY_SLACK = timedelta(hours=26)
# A TOTP code lives 30 seconds and sign-in accepts the one before and after; a clock more
# than this far off refuses right codes.
MAX_CLOCK_SKEW = timedelta(seconds=30)
ARCHIVE_PATTERN = "intake-*.backup"
REMINDERS_RUN = "reminders.run"


@dataclass(frozen=True)
class Finding:
    level: str
    what: str
    fix: str = ""

    @property
    def line(self) -> str:
        return f"{self.level} {self.what}" + (f": {self.fix}" if self.fix else "")


def production_mode(env_name: str) -> Finding:
    if env_name == "production":
        return Finding(OK, "production mode")
    return Finding(FAIL, f"running as {env_name}", "set INTAKE_ENV=production")


def secret_length(secret: str) -> Finding:
    if len(secret) >= MIN_SECRET_LENGTH:
        return Finding(OK, "SECRET_KEY length")
    return Finding(
        FAIL,
        f"SECRET_KEY is {len(secret)} characters",
        "set at least 32 random ones: python3 -c 'import secrets; print(secrets.token_hex(32))'",
    )


def key_files(keys_dir: Path) -> Finding:
    missing = crypto.missing_key_files(keys_dir)
    if missing:
        return Finding(
            FAIL,
            f"key files missing in {keys_dir}: {', '.join(missing)}",
            "run `intake init` on a new instance, or copy the keys folder back from its copy",
        )
    loose = loose_paths([keys_dir, *sorted(p for p in keys_dir.iterdir() if p.is_file())])
    if loose:
        return Finding(FAIL, "key files open to others", "; ".join(loose))
    return Finding(OK, "key files present and owner-only")


def instance_folder(config: Mapping[str, Any]) -> Finding:
    instance = Path(config["INTAKE_INSTANCE_PATH"])
    if not instance.is_dir():
        return Finding(FAIL, f"no instance folder {instance}", "run `intake init`")
    mode = stat.S_IMODE(instance.stat().st_mode)
    loose = loose_paths(storage_paths(config))
    if mode & OTHERS_BITS or loose:
        return Finding(FAIL, "instance storage open to others", "; ".join(loose))
    return Finding(OK, "instance folder 0700, its files owner-only")


def database(current: str | None, head: str | None, error: str | None) -> Finding:
    if error is not None:
        return Finding(FAIL, f"database unreachable ({error})", "check DATABASE_URL and the server")
    if current != head:
        return Finding(
            FAIL, f"database at revision {current or 'none'}, code at {head}", "run `intake init`"
        )
    return Finding(OK, f"database reachable, at the latest revision ({head})")


def database_role(role: str, bypasses: bool) -> Finding:
    """PostgreSQL applies no row-level security to a superuser or a BYPASSRLS role: the
    wall between organisations would be the application's alone."""
    if not bypasses:
        return Finding(OK, f"database role {role} is bound by row-level security")
    return Finding(
        FAIL,
        f"database role {role} is a superuser or has BYPASSRLS: row-level security between "
        "organisations is void",
        f"connect as an ordinary role that owns the database (createuser {role} without "
        f"--superuser, createdb -O {role}), or run: ALTER ROLE {role} NOSUPERUSER NOBYPASSRLS",
    )


def rate_limit_storage(enabled: bool, storage_uri: str, workers: int, error: str | None) -> Finding:
    if not enabled:
        return Finding(FAIL, "rate limits off", "unset RATELIMIT_ENABLED (benchmarks only)")
    if storage_uri.startswith("memory://"):
        if workers > 1:
            return Finding(FAIL, f"memory:// rate limits with {workers} workers", _REDIS_FIX)
        return Finding(WARN, "rate limits counted per process (memory://)", _REDIS_FIX)
    if error is not None:
        return Finding(FAIL, f"rate-limit storage unreachable ({error})", _REDIS_FIX)
    return Finding(OK, "rate limits counted in shared storage")


_REDIS_FIX = "set RATELIMIT_STORAGE_URI=redis+unix:///run/redis/redis-server.sock"


def mail(server: str | None, error: str | None) -> Finding:
    if not server:
        return Finding(
            WARN, "no SMTP server", "set MAIL_SERVER and MAIL_*: until then mail waits queued"
        )
    if error is not None:
        return Finding(
            FAIL, f"SMTP server {server} unreachable ({error})", "check MAIL_SERVER, MAIL_PORT"
        )
    return Finding(OK, f"SMTP server {server} answers")


def base_url(url: str) -> Finding:
    if url.startswith("https://"):
        return Finding(OK, f"base URL {url}")
    return Finding(FAIL, f"base URL {url} is not https", "set INTAKE_BASE_URL=https://…")


def custodians(count: int) -> Finding:
    if count >= 2:
        return Finding(OK, f"{count} custodians of the identity key")
    if count == 1:
        return Finding(
            WARN,
            "one custodian of the identity key",
            "add a second: intake custodian-add NAME --by custodian (with none left, no "
            "identity can ever be revealed)",
        )
    return Finding(FAIL, "no custodian of the identity key", "run `intake init`")


def backups(folder: str | None, archives: Iterable[Path], now: datetime) -> Finding:
    if not folder:
        return Finding(
            FAIL,
            "no backup folder",
            "set INTAKE_BACKUP_PATH and enable intake-backup.timer",
        )
    if not Path(folder).is_dir() or not os.access(folder, os.W_OK):
        return Finding(FAIL, f"backup folder {folder} missing or not writable", "create it")
    newest = max((path.stat().st_mtime for path in archives), default=None)
    if newest is None:
        return Finding(WARN, "no backup archive yet", "run `intake backup` (or wait for the timer)")
    age = now - datetime.fromtimestamp(newest, now.tzinfo)
    if age > DAILY_SLACK:
        return Finding(
            FAIL,
            f"newest backup is {_hours(age)} old",
            "check `systemctl status intake-backup` and run `intake backup`",
        )
    return Finding(OK, f"newest backup {_hours(age)} old")


def reminders(last_run: datetime | None, now: datetime) -> Finding:
    if last_run is None:
        return Finding(
            WARN, "`remind` has never run", "enable intake-remind.timer (or run `intake remind`)"
        )
    age = now - last_run
    if age > DAILY_SLACK:
        return Finding(
            FAIL, f"`remind` last ran {_hours(age)} ago", "check `systemctl status intake-remind`"
        )
    return Finding(OK, f"`remind` ran {_hours(age)} ago")


def proxy_trust(is_set: bool, count: int) -> Finding:
    if not is_set:
        return Finding(
            FAIL,
            "INTAKE_TRUSTED_PROXIES unset",
            "set it to 1 behind deploy/nginx/intake.conf (0 only without a proxy): otherwise "
            "every visitor shares the proxy's rate limits",
        )
    return Finding(OK, f"trusting {count} proxies for the client's address")


def clock(skew: timedelta | None, synchronised: bool | None) -> Finding:
    if skew is not None and abs(skew) > MAX_CLOCK_SKEW:
        return Finding(
            FAIL,
            f"clock {abs(skew).total_seconds():.0f} s off the database server's",
            "synchronise both (systemd-timesyncd or chrony): two-factor codes are refused",
        )
    if synchronised is False:
        return Finding(FAIL, "clock not synchronised", "enable NTP: timedatectl set-ntp true")
    if synchronised is None:
        return Finding(WARN, "clock synchronisation unknown", "check it keeps time (NTP)")
    return Finding(OK, "clock synchronised")


def _hours(age: timedelta) -> str:
    return f"{age.total_seconds() / 3600:.1f} h"


def failed(findings: Iterable[Finding]) -> bool:
    return any(finding.level == FAIL for finding in findings)


# --- probes: ask the real pieces, answer plain values ------------------------------------


def _problem(error: BaseException) -> str:
    """An error by its type: messages may carry an address or a password."""
    return type(error).__name__


def probe_redis(storage_uri: str) -> str | None:
    from limits.storage import storage_from_string

    try:
        return None if storage_from_string(storage_uri).check() else "no answer"
    except Exception as error:  # noqa: BLE001 - any failure is the finding
        return _problem(error)


def probe_smtp(config: Mapping[str, Any]) -> str | None:
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    kind = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    try:
        with kind(host, port, timeout=timeout) as client:
            client.ehlo()
            client.noop()
    except (OSError, smtplib.SMTPException) as error:
        return _problem(error)
    return None


def probe_ntp() -> bool | None:
    """systemd's view of the clock; None where it cannot tell (no timedatectl)."""
    tool = shutil.which("timedatectl")
    if tool is None:
        return None
    try:
        answer = subprocess.run(  # noqa: S603 - a fixed command
            [tool, "show", "--property=NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return answer.stdout.strip() == "yes"


def probe_database_role(engine: Any) -> tuple[str, bool] | None:
    """(role name, whether it escapes row-level security); None where there is none."""
    from sqlalchemy import text

    from intake.row_security import bypasses_row_security

    with engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            return None
        role = str(connection.execute(text("SELECT current_user")).scalar_one())
        return role, bypasses_row_security(connection)


def gather(
    config: Mapping[str, Any],
    session: Any,
    engine: Any,
    migrations: Path,
    now: datetime,
    *,
    ntp: Callable[[], bool | None] = probe_ntp,
    organisation: bool = True,
    organisation_keys: Path | None = None,
) -> list[Finding]:
    """Every check, in the order an operator would fix them: the installation's, and with
    ``organisation`` those of the organisation the session works for (its own key files
    in ``organisation_keys`` when they are not the keys folder's)."""
    findings = [
        production_mode(config["ENV_NAME"]),
        secret_length(str(config.get("SECRET_KEY") or "")),
        instance_folder(config),
        key_files(Path(config["INTAKE_KEYS_PATH"])),
    ]
    current, head, error, skew = _database_state(engine, migrations, now)
    findings.append(database(current, head, error))
    role = probe_database_role(engine) if error is None else None
    if role is not None:
        findings.append(database_role(*role))
    storage = str(config.get("RATELIMIT_STORAGE_URI", ""))
    enabled = bool(config.get("RATELIMIT_ENABLED"))
    reach = probe_redis(storage) if enabled and not storage.startswith("memory://") else None
    findings.append(rate_limit_storage(enabled, storage, config["INTAKE_WORKER_COUNT"], reach))
    server = config.get("MAIL_SERVER")
    findings.append(mail(server, probe_smtp(config) if server else None))
    findings.append(base_url(config["INTAKE_BASE_URL"]))
    backup_folder = config.get("INTAKE_BACKUP_PATH")
    archives = Path(backup_folder).glob(ARCHIVE_PATTERN) if backup_folder else []
    findings.append(backups(backup_folder, archives, now))
    if error is None and organisation:  # what only the database knows
        findings += organisation_findings(session, now, organisation_keys)
    trust = (config["INTAKE_TRUSTED_PROXIES_SET"], config["INTAKE_TRUSTED_PROXIES"])
    findings.append(proxy_trust(*trust))
    findings.append(clock(skew, ntp()))
    return findings


def organisation_findings(
    session: Any, now: datetime, keys_dir: Path | None = None
) -> list[Finding]:
    """One organisation's own checks: its key files (``keys_dir``, when they are not the
    keys folder's own, which the installation's checks read), its identity key's
    custodians, and when `remind` last ran for it."""
    from intake.models import AuditEntry
    from intake.services.identity import custodians as key_custodians

    findings = [] if keys_dir is None else [key_files(keys_dir)]
    findings.append(custodians(len(key_custodians(session))))
    last = session.scalar(select(func.max(AuditEntry.at)).where(AuditEntry.action == REMINDERS_RUN))
    session.rollback()
    findings.append(reminders(last, now))
    return findings


def _database_state(
    engine: Any, migrations: Path, now: datetime
) -> tuple[str | None, str | None, str | None, timedelta | None]:
    """(current revision, newest revision, error, clock skew against the database)."""
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    settings = Config()
    settings.set_main_option("script_location", str(migrations))
    head = ScriptDirectory.from_config(settings).get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            skew = None
            if connection.dialect.name == "postgresql":
                skew = connection.execute(text("SELECT now()")).scalar_one() - now
    except Exception as error:  # noqa: BLE001 - any failure is the finding
        return None, head, _problem(error), None
    return current, head, None, skew
