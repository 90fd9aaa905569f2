"""The ceiling: a bare Flask "hello" app, served by the same gunicorn settings as Intake
(`gunicorn -c gunicorn.conf.py --chdir bench hello:app`). Nothing the real app does
per request (sessions, CSRF, Babel, templates, database, security headers) happens here,
so its requests/s is the most a Flask app can answer on this machine."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
