"""PostgreSQL's row-level security: the database's own wall between organisations.

Every table with an ``organisation_id`` has one policy: a row is seen, and may be written,
only when its organisation is the one the transaction names in the setting
``intake.organisation``, or when the transaction says ``intake.host_wide = 'on'``. An
unset or empty setting names no organisation, so a transaction that said nothing sees
nothing. The application's own scoping (``intake.organisation_scope``) is the other wall:
either alone keeps each organisation to its rows.

Both settings are transaction-local (``set_config(..., true)``), so a pooled connection
carries nothing into its next transaction. ``intake.organisation_scope`` tells the
database which organisation each session works for, at the start of every transaction and
whenever that changes. Maintenance that legitimately works on the whole database (backup,
restore, key rotation, tally recounts, migrations) asks for it in so many words:
``host_wide_session`` for a session, ``open_every_organisation`` for a Core connection.

PostgreSQL applies no policy to a superuser or a role with BYPASSRLS: the application must
connect as an ordinary role (``intake check`` fails otherwise).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import scoped_session

ORGANISATION_SETTING = "intake.organisation"
HOST_WIDE_SETTING = "intake.host_wide"
POLICY = "organisation_rows"

# session.info keys: what the database was last told in this transaction; host-wide mode.
_TOLD = "intake.row_security.told"
_HOST_WIDE_MODE = "intake.row_security.host_wide"

_ROWS_OF_THE_ORGANISATION = (
    f"organisation_id = NULLIF(current_setting('{ORGANISATION_SETTING}', true), '')::integer"
    f" OR COALESCE(current_setting('{HOST_WIDE_SETTING}', true), '') = 'on'"
)


def policy_statements(table: str) -> list[str]:
    """The DDL that puts ``table`` behind the wall (FORCE: its owner too)."""
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {POLICY} ON {table}"
        f" USING ({_ROWS_OF_THE_ORGANISATION}) WITH CHECK ({_ROWS_OF_THE_ORGANISATION})",
    ]


def owned_tables(tables: Any) -> list[sa.Table]:
    """The tables among ``tables`` whose rows belong to an organisation."""
    return [table for table in tables if "organisation_id" in table.c]


def put_behind_the_wall(target: sa.MetaData, connection: Connection, **kw: Any) -> None:
    """``metadata.create_all`` on PostgreSQL: the same policies the migrations create."""
    if not applies(connection):
        return
    for table in owned_tables(kw.get("tables") or target.sorted_tables):
        for statement in policy_statements(table.name):
            connection.exec_driver_sql(statement)


def applies(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def _tell(connection: Connection, organisation_id: int | None, host_wide: bool) -> None:
    connection.execute(
        sa.select(
            sa.func.set_config(
                ORGANISATION_SETTING, "" if organisation_id is None else str(organisation_id), True
            ),
            sa.func.set_config(HOST_WIDE_SETTING, "on" if host_wide else "off", True),
        )
    )


def tell_at_begin(
    info: MutableMapping[str, Any], connection: Connection, organisation_id: int | None
) -> None:
    """A session's transaction begins: name its organisation (and host-wide mode)."""
    told = (organisation_id, bool(info.get(_HOST_WIDE_MODE)))
    _tell(connection, *told)
    info[_TOLD] = told


@functools.cache
def _only_one_statement(organisations: sa.FromClause) -> sa.Select[Any]:
    """Built once: it begins nearly every request's transaction. The only organisation's
    own row comes back with it (none on a host of several), so the request that needs
    it next asks nothing more."""
    first_two = sa.select(organisations.c.id).order_by(organisations.c.id).limit(2).cte("first_two")
    ids = sa.select(sa.func.array_agg(first_two.c.id)).scalar_subquery()
    count = sa.select(sa.func.count()).select_from(first_two).scalar_subquery()
    lowest = sa.select(sa.func.min(first_two.c.id)).scalar_subquery()
    only = sa.case((count == 1, sa.cast(lowest, sa.Text)), else_="")
    one_row = sa.select(sa.literal(1).label("one")).subquery("one_row")
    return sa.select(
        ids,
        sa.func.set_config(ORGANISATION_SETTING, only, True),
        sa.func.set_config(HOST_WIDE_SETTING, sa.bindparam("host_wide"), True),
        *organisations.c,
    ).select_from(
        one_row.outerjoin(organisations, sa.and_(count == 1, organisations.c.id == lowest))
    )


def tell_the_only_one_at_begin(
    info: MutableMapping[str, Any], connection: Connection, organisations: sa.FromClause
) -> tuple[tuple[int, ...], dict[str, Any] | None]:
    """A transaction begins with no organisation chosen: name the installation's only
    organisation, if it has just one, in the same round trip that finds it out (every
    request's first statement, so one round trip less for each). Returns up to two
    organisation ids (enough to tell none, one and several apart) and, when there is
    just one, its row by column key."""
    host_wide = bool(info.get(_HOST_WIDE_MODE))
    statement = _only_one_statement(organisations)
    row = connection.execute(statement, {"host_wide": "on" if host_wide else "off"}).one()
    found = tuple(sorted(int(i) for i in row[0] or ()))
    info[_TOLD] = (found[0] if len(found) == 1 else None, host_wide)
    values = row._mapping
    only_row = None
    if len(found) == 1 and values[organisations.c.id] is not None:
        only_row = {column.key: values[column] for column in organisations.c}
    return found, only_row


def keep_told(
    info: MutableMapping[str, Any], connection: Connection, organisation_id: int | None
) -> None:
    """Before a statement: tell the database again if the working organisation changed."""
    told = (organisation_id, bool(info.get(_HOST_WIDE_MODE)))
    if info.get(_TOLD) != told:
        _tell(connection, *told)
        info[_TOLD] = told


def forget_told(info: MutableMapping[str, Any]) -> None:
    """A transaction or savepoint ended: what it was told may be gone with it."""
    info.pop(_TOLD, None)


def in_host_wide_mode(info: MutableMapping[str, Any]) -> bool:
    return bool(info.get(_HOST_WIDE_MODE))


def run_host_wide(state: Any) -> Any:
    """One ``host_wide(...)`` ORM statement: the wall opens for it alone. The result is
    fetched whole before the wall closes again."""
    session = state.session
    # Pending changes are flushed first, under the working organisation: a flush inside
    # the statement would tell the database that organisation again and close the wall.
    # (Not from inside a flush: a flush hook's own host-wide read has nothing to flush.)
    if session.autoflush and not state.is_column_load and not getattr(session, "_flushing", False):
        session.flush()
    connection = session.connection()
    told = session.info.get(_TOLD, (None, False))
    connection.execute(sa.select(sa.func.set_config(HOST_WIDE_SETTING, "on", True)))
    try:
        with session.no_autoflush:
            result = state.invoke_statement()
        return result.freeze()() if state.is_select else result
    finally:
        connection.execute(
            sa.select(sa.func.set_config(HOST_WIDE_SETTING, "on" if told[1] else "off", True))
        )


@contextmanager
def host_wide_session(session: Any) -> Iterator[Any]:
    """Maintenance on the whole database: every transaction ``session`` runs inside may
    read and write every organisation's rows past row-level security (Core statements on
    the whole tables: scans, recounts, re-encryption). ORM queries keep the application's
    scoping. For commands only."""
    already = in_host_wide_mode(session.info)
    _switch_mode(session, True)
    try:
        yield session
    finally:
        _switch_mode(session, already)


def in_transaction(session: Any) -> bool:
    """Whether ``session`` (or a scoped session's current one) has begun a transaction."""
    plain = session() if isinstance(session, scoped_session) else session
    return bool(plain.in_transaction())


def _switch_mode(session: Any, host_wide: bool) -> None:
    if host_wide:
        session.info[_HOST_WIDE_MODE] = True
    else:
        session.info.pop(_HOST_WIDE_MODE, None)
    told = session.info.get(_TOLD)
    if told is not None and in_transaction(session):
        # Core statements on session.connection() follow at once: tell the database now.
        keep_told(session.info, session.connection(), told[0])


def open_every_organisation(connection: Connection) -> None:
    """A Core connection's current transaction reads and writes every organisation's rows
    (backup's snapshot, restore's load, migrations)."""
    if applies(connection):
        _tell(connection, None, host_wide=True)


def bypasses_row_security(connection: Connection) -> bool:
    """Whether the connected role is a superuser or has BYPASSRLS: then no policy holds."""
    row = connection.execute(
        sa.text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    return bool(row)
