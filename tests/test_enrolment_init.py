"""`intake init` in production: the first custodian enrols through the link it prints,
signs in, and decides reveals with the identity-key passphrase given to `init`.

Runs the real CLI on a fresh production instance of the tier's engine (a SQLite file, or a
new database on the suite's PostgreSQL server), and walks the link over HTTPS with CSRF
on, as in production.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from intake import create_app
from intake.extensions import db
from intake.models import User
from tests.support.cli import run_intake
from tests.support.enrol import enrol, link_in_output
from tests.support.staff import PASSWORD, csrf_token, totp_code

# Other connections, threads or processes read what these tests write.
pytestmark = pytest.mark.commits

BASE_URL = "https://intake.nongbua.go.th"
PASSPHRASE = "the first custodian's passphrase"  # noqa: S105 (a test value)


@pytest.fixture
def production_app(tmp_path: Path, postgres: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("INTAKE_CUSTODIAN_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("sys.argv", ["flask", "intake", "init"])
    instance = tmp_path / "prod"
    if postgres is not None:
        url = postgres.create_database(f"enrol_init_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'prod.sqlite'}"
    app = create_app(
        {
            "INTAKE_ENV": "production",
            "INTAKE_INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": url,
            "INTAKE_BASE_URL": BASE_URL,
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _sign_in(app: Flask, username: str) -> Any:
    """Password, then the code, each with its page's CSRF token, over HTTPS."""
    client = app.test_client()

    def post(path: str, data: dict[str, str]) -> Any:
        page = client.get(path, base_url=BASE_URL).get_data(as_text=True)
        return client.post(
            path,
            data={**data, "csrf_token": csrf_token(page)},
            base_url=BASE_URL,
            headers={"Referer": BASE_URL + path},
        )

    step = post("/staff/login", {"username": username, "password": PASSWORD})
    assert step.status_code == 303, step.get_data(as_text=True)[:1500]
    assert step.headers["Location"].endswith("/staff/login/code")
    done = post("/staff/login/code", {"otp": totp_code(app, username)})
    assert done.status_code == 303, done.get_data(as_text=True)[:1500]
    return client


def test_the_first_custodian_enrols_through_the_link_init_prints(production_app: Flask) -> None:
    app = production_app
    # When an operator runs `init` in production
    output = run_intake(app, "init", "--no-demo")
    # Then it prints one enrolment link, on the public address, for the custodian
    assert "identity key: created" in output
    url = link_in_output(output)
    assert url.startswith(f"{BASE_URL}/staff/enrol?token=")
    assert output.count("/staff/enrol?token=") == 1
    # ...and neither a password nor the passphrase
    assert PASSPHRASE not in output and "otpauth" not in output
    with app.app_context():
        custodian = db.session.scalars(select(User).where(User.username == "custodian")).one()
        assert custodian.password_hash == "!"  # noqa: S105 (no usable password)
    # When the custodian enrols through it and signs in
    enrol(app, url, base_url=BASE_URL)
    client = _sign_in(app, "custodian")
    # Then they reach the reveal decisions
    page = client.get("/staff/reveals", base_url=BASE_URL)
    assert page.status_code == 200, page.get_data(as_text=True)[:800]
    # And running `init` again prints no new link
    again = run_intake(app, "init", "--no-demo")
    assert "/staff/enrol?token=" not in again and "identity key: present" in again
