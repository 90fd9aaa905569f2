"""What a public request asks of the database, statement by statement: the floor under
every page's speed (issue 20). A statement more on every request is a regression."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event, select

from intake.extensions import db
from intake.models import Case
from tests.support.builders import complaint_form, tip_form
from tests.support.filing import file_and_read_receipt


class Statements(list[str]):
    """The statements a request sent, and whether any opened the wall between
    organisations (``intake.host_wide`` set to 'on', a bound value on PostgreSQL)."""

    opened_the_wall = False


@contextmanager
def statements(app: Flask) -> Iterator[Statements]:
    seen = Statements()
    with app.app_context():
        engine = db.engine

    def executed(_conn: object, _cursor: object, statement: str, parameters: Any, *_: Any) -> None:
        if "SAVEPOINT" in statement:  # the PostgreSQL tier's per-test wrapping
            return
        seen.append(" ".join(statement.split()))
        values = parameters.values() if isinstance(parameters, dict) else ()
        if "set_config" in statement and "on" in values:
            seen.opened_the_wall = True

    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executed)


def _postgresql(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def test_the_health_check_is_one_statement_outside_a_transaction(app: Flask) -> None:
    client = app.test_client()
    client.get("/healthz")  # the first request of a worker also sweeps expired reveals
    with statements(app) as seen:
        assert client.get("/healthz").status_code == 200
    assert seen == ["SELECT 1"]  # no BEGIN (SQLite's write lock), no organisation


def test_the_front_page_and_the_forms_read_the_organisation_and_little_else(app: Flask) -> None:
    client = app.test_client()
    # On PostgreSQL the transaction's first statement finds the only organisation, names
    # it to row-level security and reads its row; SQLite begins, then reads the row.
    opening = 1 if _postgresql(app) else 2
    for path, own in (("/", 0), ("/complaints/new", 1), ("/tips/new", 1)):
        client.get(path)  # the kept page made once
        with statements(app) as seen:
            assert client.get(path).status_code == 200
        assert len(seen) == opening + own, (path, seen)
        assert not seen.opened_the_wall, (path, seen)


def test_tracking_and_filing_tell_the_database_once(app: Flask) -> None:
    client = app.test_client()
    _reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    with statements(app) as tracked:
        assert client.post("/track", data={"code": code}).status_code == 200
    with statements(app) as filed:
        assert client.post("/tips/new", data=tip_form()).status_code == 303
    for seen in (tracked, filed):
        # the organisation named once, at the start; never again after a flush
        assert sum("set_config" in s for s in seen) == (1 if _postgresql(app) else 0), seen
        # the follow just sealed is trusted: no look-up of ended tokens
        assert not any("ended_public_tokens" in s for s in seen), seen
    assert sum("FROM categories" in s for s in filed) == 1, filed


def test_a_filing_takes_the_rows_every_filing_shares_last(app: Flask) -> None:
    # Every filing bumps the same reference counter and extends the same audit chain, and
    # each holds those rows locked until it commits: they are taken after the case and
    # all its rows are written, so that filings wait on each other for a few statements
    # only, not for the whole filing.
    client = app.test_client()
    client.post("/tips/new", data=tip_form())
    with statements(app) as filed:
        assert client.post("/tips/new", data=tip_form()).status_code == 303
    counter = next(i for i, s in enumerate(filed) if "reference_counters" in s)
    assert any(s.startswith("INSERT INTO cases") for s in filed[:counter]), filed
    assert any(s.startswith("INSERT INTO case_events") for s in filed[:counter]), filed
    after = [s.split(" (")[0].split(" SET")[0].split(" WHERE")[0] for s in filed[counter + 1 :]]
    assert after[0] == "UPDATE cases", filed  # the number written in place of a stand-in
    assert not any(s.startswith("INSERT INTO c") for s in after), filed
    assert any("audit_head" in s for s in after), filed  # the chain's head after the counter
    with app.app_context():
        references = db.session.scalars(select(Case.reference).order_by(Case.sequence)).all()
    assert [r[:3] for r in references] == ["ทจ-", "ทจ-"], references  # no stand-in left
