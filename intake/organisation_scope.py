"""Which organisation a database session works for, and the one rule that keeps every
query to it.

Every ORM SELECT, UPDATE and DELETE gets ``organisation_id = <current>`` on each
``OrganisationOwned`` table it names (SQLAlchemy's ``with_loader_criteria``, added in the
session's ``do_orm_execute`` hook), and every new owned row is stamped with the current
organisation when it is flushed. So no service, view or command filters by organisation
itself, and none can forget to.

A session works for the organisation chosen with ``work_for`` (a request's address, a
command's ``--org``); on an installation with one organisation it works for that one
without being told. A statement that must read across organisations (the directory, the
host's statistics, a command going through every organisation) says so with
``host_wide(...)``: the only way across, easy to find. On PostgreSQL, row-level security
holds the same line in the database (``intake.row_security``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import (
    ORMExecuteState,
    Session,
    make_transient_to_detached,
    with_loader_criteria,
)
from sqlalchemy.sql import Executable
from sqlalchemy.sql.util import find_tables

from intake import row_security
from intake.models.organisation import Organisation
from intake.models.ownership import OrganisationOwned

CHOSEN = "intake.organisation_id"
_ONLY = "intake.only_organisation_id"
# The organisations read with those ids, held here: the session keeps loaded objects by
# weak reference only, and the request will ask for its organisation next.
_ROWS = "intake.first_organisations"
HOST_WIDE = "intake_host_wide"
APP_DEFAULT = "intake.default_organisation_id"

StatementT = TypeVar("StatementT", bound=Executable)


class _Switch:
    # Off only in the test that proves PostgreSQL's row-level security holds by itself.
    application_scoping = True


@contextmanager
def without_application_scoping() -> Iterator[None]:
    """Queries get no organisation criteria from the application (the database's own
    policies are then the only wall). For tests."""
    _Switch.application_scoping = False
    try:
        yield
    finally:
        _Switch.application_scoping = True


class OrganisationNotChosen(RuntimeError):
    """A query for one organisation's rows ran on a host of several without choosing one."""


def work_for(session: Any, organisation_id: int) -> None:
    """From now on ``session`` reads and writes the rows of this organisation only."""
    session.info[CHOSEN] = organisation_id
    session.info.pop("intake.organisation", None)  # settings.get_organisation's copy
    if row_security.in_transaction(session) and row_security.applies(session.connection()):
        row_security.keep_told(session.info, session.connection(), organisation_id)


def work_for_by_default(app: Flask, organisation_id: int | None) -> None:
    """Every session of ``app`` that chose none works for this organisation: a command's
    ``--org`` (requests choose their own, from their address)."""
    app.extensions[APP_DEFAULT] = organisation_id


def chosen_organisation(session: Any) -> int | None:
    """The organisation ``work_for`` chose for the session, or the app's default."""
    chosen = session.info.get(CHOSEN)
    if chosen is None and has_app_context():
        chosen = current_app.extensions.get(APP_DEFAULT)
    return chosen


def host_wide(statement: StatementT) -> StatementT:
    """``statement`` reads every organisation's rows (host-level figures and lists)."""
    return statement.execution_options(**{HOST_WIDE: True})


def organisation_ids(session: Any) -> tuple[int, ...]:
    """Up to two organisation ids: enough to tell none, one and several apart. Asked once
    per session; on PostgreSQL by the very statement that begins its transaction (no
    round trip more), on SQLite by a query of its own."""
    if _ONLY not in session.info:
        session.connection()  # begins the transaction: PostgreSQL's first statement asks
    if _ONLY not in session.info:
        # Whole rows, not ids: the only organisation is then in the session, and the
        # request that needs it next asks nothing more.
        query = select(Organisation).order_by(Organisation.id).limit(2)
        session.info[_ROWS] = tuple(session.scalars(host_wide(query)))
        session.info[_ONLY] = tuple(found.id for found in session.info[_ROWS])
    return tuple(session.info[_ONLY])


def _as_loaded(session: Session, values: dict[str, Any]) -> None:
    """Puts the organisation's row, read by the transaction's first statement, in the
    session as if loaded: ``session.get`` finds it there. A copy already there stays."""
    mapper = inspect(Organisation)
    if getattr(session, "_flushing", False):
        return  # a flush began the transaction: nothing may be added meanwhile
    if mapper.identity_key_from_primary_key((values["id"],)) in session.identity_map:
        return
    organisation = Organisation(
        **{attribute.key: values[attribute.columns[0].key] for attribute in mapper.column_attrs}
    )
    make_transient_to_detached(organisation)
    session.add(organisation)
    session.info[_ROWS] = (organisation,)


def working_organisation(session: Any) -> int | None:
    """The organisation the session works for: chosen, or the only one there is; None on
    an installation that has none yet (it has no rows to read either)."""
    chosen = chosen_organisation(session)
    if chosen is not None:
        return int(chosen)
    found = organisation_ids(session)
    if len(found) > 1:
        raise OrganisationNotChosen("no organisation chosen for this session")
    return found[0] if found else None


def current_organisation_id(session: Any) -> int:
    """Like ``working_organisation``, for writing: there must be one."""
    organisation_id = working_organisation(session)
    if organisation_id is None:
        raise OrganisationNotChosen("there is no organisation yet: run `intake init`")
    return organisation_id


def current_organisation(session: Any) -> Organisation | None:
    """The organisation's row; None on an installation that has none yet."""
    organisation_id = working_organisation(session)
    return None if organisation_id is None else session.get(Organisation, organisation_id)


def forget_only_organisation(session: Any) -> None:
    """After an organisation is created or deleted: the next query asks again."""
    session.info.pop(_ONLY, None)
    session.info.pop(_ROWS, None)


@event.listens_for(Session, "after_begin")
def _tell_the_database(session: Session, _transaction: Any, connection: Any) -> None:
    """Row-level security: each transaction names the organisation it works for."""
    if not row_security.applies(connection):
        return
    chosen = chosen_organisation(session)
    if chosen is not None:
        row_security.tell_at_begin(session.info, connection, chosen)
    elif _ONLY in session.info:
        found = session.info[_ONLY]
        row_security.tell_at_begin(session.info, connection, found[0] if len(found) == 1 else None)
    else:  # the only one, if there is just one (several, none chosen: nothing)
        found, only_row = row_security.tell_the_only_one_at_begin(
            session.info, connection, Organisation.__table__
        )
        session.info[_ONLY] = found
        if only_row is not None:
            _as_loaded(session, only_row)


@event.listens_for(Session, "after_transaction_end")
def _forget_what_was_told(session: Session, transaction: Any) -> None:
    # The database's transaction or a savepoint ended. A flush's own inner transaction
    # is the session's bookkeeping only: nothing told is undone with it.
    if transaction.parent is None or transaction.nested:
        row_security.forget_told(session.info)


def _keep_the_database_told(session: Session, organisation_id: int | None) -> None:
    connection = session.connection()
    if row_security.applies(connection):
        row_security.keep_told(session.info, connection, organisation_id)


def _names_owned_rows(state: ORMExecuteState) -> bool:
    """Whether a statement reads or writes any table whose rows belong to an organisation.
    One that names none (organisations looked up by address) needs the wall opened for
    nothing: two round trips fewer on every request that looks one up."""
    statement: Any = state.statement
    found = find_tables(statement, check_columns=True, include_aliases=True, include_crud=True)
    # Anything but a plain table (an alias, a function's rows): opened, to be safe.
    return not found or any(
        not isinstance(table, Table) or "organisation_id" in table.c for table in found
    )


@event.listens_for(Session, "do_orm_execute")
def _keep_to_organisation(state: ORMExecuteState) -> Any:
    if state.execution_options.get(HOST_WIDE):
        if row_security.applies(state.session.connection()) and _names_owned_rows(state):
            return row_security.run_host_wide(state)
        return None
    if state.is_insert:
        _stamp_bulk_insert(state)
        return None
    if not (state.is_select or state.is_update or state.is_delete):
        return None
    if state.is_select and (state.is_column_load or state.is_relationship_load):
        return None  # the criteria travel with the statement that loaded the row
    organisation_id = working_organisation(state.session)
    _keep_the_database_told(state.session, organisation_id)
    if not _Switch.application_scoping:
        return None
    state.statement = state.statement.options(
        with_loader_criteria(
            OrganisationOwned,
            lambda cls: cls.organisation_id == organisation_id,
            include_aliases=True,
        )
    )
    return None


def _stamp_bulk_insert(state: ORMExecuteState) -> None:
    """``session.execute(insert(Model), rows)``: each row gets the organisation too."""
    mapper = state.bind_mapper
    if mapper is None or not issubclass(mapper.class_, OrganisationOwned):
        return
    rows = state.parameters
    if not rows:
        return
    organisation_id = current_organisation_id(state.session)
    _keep_the_database_told(state.session, organisation_id)
    listed: list[Any] = list(rows) if isinstance(rows, list) else [rows]
    state.parameters = [{"organisation_id": organisation_id, **row} for row in listed]


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    stamped = False  # and the database told which organisation the rows are for
    for row in session.new:
        if isinstance(row, OrganisationOwned) and row.organisation_id is None:
            row.organisation_id = current_organisation_id(session)
            stamped = True
    changed = (*session.new, *session.dirty, *session.deleted)
    if stamped or any(isinstance(row, OrganisationOwned) for row in changed):
        try:
            organisation_id = working_organisation(session)
        except OrganisationNotChosen:
            return  # rows read host-wide: the database lets through only what it may
        _keep_the_database_told(session, organisation_id)
