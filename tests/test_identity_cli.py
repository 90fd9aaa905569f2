"""The custodian commands, run as an operator would."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from intake.extensions import db
from intake.models import IdentityKey, IdentityKeyGrant, User
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE


def _grants(username: str) -> int:
    user = db.session.scalars(select(User).where(User.username == username)).one()
    return len(
        db.session.scalars(
            select(IdentityKeyGrant).where(IdentityKeyGrant.user_id == user.id)
        ).all()
    )


def test_custodian_add_remove_and_rotate(app: Flask, runner: FlaskCliRunner) -> None:
    added = runner.invoke(
        args=["intake", "custodian-add", "somsri", "--by", CUSTODIAN],
        env={
            "INTAKE_GRANTING_PASSPHRASE": CUSTODIAN_PASSPHRASE,
            "INTAKE_CUSTODIAN_PASSPHRASE": "somsri's own passphrase",
        },
    )
    assert added.exit_code == 0, added.output
    assert "somsri is now a custodian" in added.output
    # ...with no password of anyone's choosing: somsri enrols through a one-time link
    assert "/staff/enrol?token=" in added.output

    wrong = runner.invoke(
        args=["intake", "custodian-add", "other", "--by", CUSTODIAN],
        env={
            "INTAKE_GRANTING_PASSPHRASE": "not the right one!",
            "INTAKE_CUSTODIAN_PASSPHRASE": "other's passphrase ok",
        },
    )
    assert wrong.exit_code == 1 and "does not open" in wrong.output

    rotated = runner.invoke(
        args=["intake", "rotate-identity-key", "--custodian", "somsri"],
        env={"INTAKE_CUSTODIAN_PASSPHRASE": "somsri's own passphrase"},
    )
    assert rotated.exit_code == 0, rotated.output
    assert "created" in rotated.output and "retired: 1" in rotated.output

    removed = runner.invoke(args=["intake", "custodian-remove", CUSTODIAN])
    assert removed.exit_code == 0, removed.output
    last = runner.invoke(args=["intake", "custodian-remove", "somsri"])
    assert last.exit_code == 1 and "last custodian" in last.output
    with app.app_context():
        assert _grants("somsri") == 1
        assert _grants(CUSTODIAN) == 0
        assert len(db.session.scalars(select(IdentityKey)).all()) == 2


def test_init_in_development_creates_and_remembers_a_custodian(tmp_path: Path) -> None:
    from intake import create_app

    app = create_app(
        {
            "INTAKE_ENV": "development",
            "INTAKE_INSTANCE_PATH": str(tmp_path / "dev"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite'}",
        }
    )
    first = app.test_cli_runner().invoke(args=["intake", "init"])
    assert first.exit_code == 0, first.output
    assert "identity key: created" in first.output
    passphrase = first.output.split("development custodian passphrase: ")[1].split()[0]
    again = app.test_cli_runner().invoke(args=["intake", "init"])
    assert "identity key: present" in again.output
    assert passphrase in again.output
    with app.app_context():
        db.engine.dispose()


def test_init_in_production_takes_the_passphrase_from_the_environment(
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from intake import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setattr("sys.argv", ["flask", "intake", "init"])
    app = create_app(
        {
            "INTAKE_ENV": "production",
            "INTAKE_INSTANCE_PATH": str(tmp_path / "prod"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}",
        }
    )
    result = app.test_cli_runner().invoke(
        args=["intake", "init", "--no-demo"],
        env={"INTAKE_CUSTODIAN_PASSPHRASE": "production passphrase here"},
    )
    assert result.exit_code == 0, result.output
    assert "identity key: created" in result.output
    assert "passphrase" not in result.output.replace("identity key", "")
    assert not any(p.name.startswith("DEVELOPMENT") for p in (tmp_path / "prod").iterdir())
    with app.app_context():
        db.engine.dispose()
