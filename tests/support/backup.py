"""Instances, backups and restores for the backup tests."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from intake import create_app
from intake.extensions import db
from intake.row_security import open_every_organisation
from tests.support.cli import run_intake

ARCHIVE = re.compile(r"archive: (\S+) ")


APPS: list[Flask] = []


@pytest.fixture(autouse=True)
def close_instances() -> Any:
    """Each instance has its own engine; its pooled connections close with the test."""
    yield
    while APPS:
        with APPS.pop().app_context():
            db.session.remove()
            db.engine.dispose()


def make_instance(
    tmp_path: Path, name: str, postgres: Any, *, keys_from: Path | None = None
) -> Flask:
    instance = tmp_path / name
    instance.mkdir()
    if keys_from is not None:  # as an operator puts the kept copy of the keys folder back
        shutil.copytree(keys_from, instance / "keys")
    if postgres is not None:
        url = postgres.create_database(f"backup_{name}_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{instance / 'intake.sqlite'}"
    app = create_app(
        {
            "INTAKE_ENV": "testing",
            "INTAKE_INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    APPS.append(app)
    return app


def dump(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read through reflection (not through the backup code)."""
    with app.app_context():
        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine)
        with db.engine.connect() as connection:
            open_every_organisation(connection)  # every organisation's rows
            dump = {}
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = connection.execute(sa.select(table).order_by(*order)).all()
                dump[table.name] = [tuple(row) for row in rows]
        db.engine.dispose()
    return dump


def backup_of(app: Flask, folder: Path) -> Path:
    output = run_intake(app, "backup", "--output", str(folder))
    found = ARCHIVE.search(output)
    assert found is not None, output
    return Path(found.group(1))


def restored_instance(
    tmp_path: Path, source: Flask, archive: Path, postgres: Any, name: str
) -> Flask:
    target = make_instance(
        tmp_path, name, postgres, keys_from=Path(source.config["INTAKE_KEYS_PATH"])
    )
    output = run_intake(target, "restore", str(archive))
    assert "audit log intact" in output
    return target
