"""Engine settings that differ between SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError

from intake.filemodes import create_private_file, sqlite_file

# Execution option for a connection that only reads, in one consistent snapshot.
READ_SNAPSHOT = "intake_read_snapshot"
# A pooled connection idle for longer than this is checked before use.
IDLE_BEFORE_PING = 10.0
# How long emptying SQLite's write-ahead log after a wipe may wait for readers to finish.
FORGET_WAIT_MS = 1000
BUSY_TIMEOUT_MS = 30000


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        _create_database_file(engine)
        _configure_sqlite(engine)
    else:
        _ping_after_idle(engine)


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that sees one consistent state of the database while others write.

    PostgreSQL: a READ ONLY, REPEATABLE READ transaction (as pg_dump takes). SQLite in WAL
    mode: a deferred transaction, whose first read fixes the snapshot; writers go on.
    """
    options: dict[str, Any] = {READ_SNAPSHOT: True}
    if engine.dialect.name == "postgresql":
        options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with engine.connect() as connection:
        connection.execution_options(**options)
        with connection.begin():
            yield connection


def _ping_after_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling without a round trip on every request.

    ``pool_pre_ping`` would send a ping before each request's first statement, a fifth
    of the database work of a simple page. A connection that was in use a moment ago is
    alive; one that sat idle (the database restarted meanwhile, a firewall dropped it)
    is pinged, and a dead one is replaced before the request sees it (the pool retries
    on DisconnectionError, as in SQLAlchemy's "Disconnect Handling" recipe).
    """

    @event.listens_for(engine.pool, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure of the ping means a dead connection
            raise DisconnectionError("pooled connection failed its ping") from error
        if not alive:
            raise DisconnectionError("pooled connection failed its ping")


def _create_database_file(engine: Engine) -> None:
    """SQLite would create the file with the umask's mode (often 0644) and give its -wal
    and -shm files the same; created here first, all three are owner-only."""
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if path is not None and path.parent.is_dir():
        create_private_file(path)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and write transactions that take the lock up front.

    pysqlite starts transactions lazily and as DEFERRED; two filings that read first and
    then write can then deadlock on the upgrade. Taking the write lock at BEGIN makes
    concurrent writers queue behind the busy timeout instead. See the SQLAlchemy docs,
    "Serializable isolation / Savepoints / Transactional DDL" for pysqlite.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten values are zeroed in the file, not left in free space:
        # a wiped identity must not stay readable in the database file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A read-only snapshot (a backup) must not hold the write lock while it reads: in
        # WAL mode a deferred transaction sees one snapshot and writers carry on.
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # statements on their own (the health check): no transaction, no lock
        if options.get(READ_SNAPSHOT):
            connection.exec_driver_sql("BEGIN DEFERRED")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def forget_freed_pages(session: Any) -> None:
    """After a commit that wiped something (a revealed identity): on SQLite, also empty the
    write-ahead log, which still holds the pages as they were before the wipe.

    secure_delete has zeroed the bytes in the pages themselves; a TRUNCATE checkpoint
    copies the log into the database and cuts the log file to nothing. It waits at most
    FORGET_WAIT_MS for readers: when it cannot finish now, the log is overwritten as
    writing goes on, and the next wipe tries again. PostgreSQL keeps old row versions
    until VACUUM, so there the wipe relies on what was wiped being sealed.
    """
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA busy_timeout={FORGET_WAIT_MS}")
        with suppress(engine.dialect.dbapi.Error):  # busy: see above
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
    finally:
        raw.close()
