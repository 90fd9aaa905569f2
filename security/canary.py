"""A planted SQL injection, for `make security` to prove that sqlmap and the way its
output is read do find one: `GET /item?id=` pastes the parameter into SQL. Served only
by security/scan.py, on loopback, for the seconds the check takes; never part of Intake."""

import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.get("/item")
def item() -> str:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE items (id INTEGER, name TEXT)")
    connection.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')")
    query = f"SELECT name FROM items WHERE id = {request.args.get('id', '1')}"  # noqa: S608
    try:
        rows = connection.execute(query).fetchall()
    except sqlite3.Error:
        return "no such item"
    return ", ".join(str(row[0]) for row in rows) or "no such item"
