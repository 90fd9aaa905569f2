"""The floors: bare Flask requests that do the least each kind of Intake request must do
with the database, served by the same gunicorn settings (`gunicorn -c gunicorn.conf.py
--chdir bench floor:app`) against the same PostgreSQL, with SQLAlchemy and psycopg as
Intake uses them. Nothing else of Intake's work happens here (no sessions, CSRF,
organisation, Babel, encryption, audit), so each is the most its kind of request could
answer on this machine with these libraries:

- ``GET /select-1``: one ``SELECT 1`` outside a transaction, as ``/healthz`` does;
- ``GET /read``: one row read inside a transaction, then a short page rendered from a
  compiled template: the least any page that reads the database costs;
- ``GET /rows``: 50 rows read and rendered as a table, as a queue page shows them;
- ``POST /write``: one row inserted and committed durably, then 303, as a filing answers.

``FLOOR_DATABASE_URL`` names the database; ``prepare`` makes its tables first.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, redirect, request
from werkzeug.wrappers import Response

ROWS = 50
metadata = sa.MetaData()
rows = sa.Table(
    "floor_rows",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)
writes = sa.Table(
    "floor_writes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
)


def prepare(url: str) -> None:
    """The tables, and the rows the reading floors read (run once, before the server)."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        metadata.create_all(connection)
        connection.execute(sa.delete(rows))
        connection.execute(
            sa.insert(rows),
            [
                {"id": n, "subject": f"เรื่องที่ {n}", "received_at": datetime.now(UTC)}
                for n in range(1, ROWS + 1)
            ],
        )
    engine.dispose()


_ping = sa.text("SELECT 1")
_one = sa.select(rows.c.subject).where(rows.c.id == 1)
_page = sa.select(rows).order_by(rows.c.id).limit(ROWS)
_insert = sa.insert(writes)
_SHORT = "<!doctype html><html lang=th><title>{{ subject }}</title><h1>{{ subject }}</h1></html>"
_TABLE = (
    "<!doctype html><html lang=th><title>rows</title><table>"
    "{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.subject }}</td>"
    "<td>{{ row.received_at.isoformat() }}</td></tr>{% endfor %}</table></html>"
)


def make_app(url: str) -> Flask:
    """The floors' app on the database at ``url`` (made ready by ``prepare``)."""
    app = Flask(__name__)
    engine = sa.create_engine(url, pool_size=8)
    short = app.jinja_env.from_string(_SHORT)  # compiled once, as Intake's templates are
    table = app.jinja_env.from_string(_TABLE)

    @app.get("/select-1")
    def select_1() -> dict[str, str]:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(_ping)
        return {"status": "ok", "database": "ok"}

    @app.get("/read")
    def read() -> str:
        with engine.connect() as connection:  # BEGIN, the SELECT, ROLLBACK
            subject = connection.execute(_one).scalar_one()
        return short.render(subject=subject)

    @app.get("/rows")
    def read_rows() -> str:
        with engine.connect() as connection:
            found = connection.execute(_page).all()
        return table.render(rows=found)

    @app.post("/write")
    def write() -> Response:
        values = {
            "subject": request.form.get("subject", ""),
            "details": request.form.get("details", ""),
        }
        with engine.begin() as connection:  # committed (and flushed to disk) before 303
            connection.execute(_insert, values)
        return redirect("/", code=303)

    return app


# gunicorn's `floor:app`; bench/run.py sets the URL.
app = make_app(os.environ.get("FLOOR_DATABASE_URL", "sqlite://"))
