"""An installation the previous version (one organisation, schema 0020) made and populated,
put back into place as an operator has it before upgrading.

The fixtures under tests/data/previous_version/ were made by that version's own code
(tests/data/make_previous_version_fixtures.py, run against its checkout): per engine a
database (SQLite file or `pg_dump`), its uploads, a backup archive and a manifest of what
only the maker knew (tracking codes, passwords, digests, row counts); one keys folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from tests.support.backup import make_instance
from tests.support.pgserver import APPLICATION_ROLE

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "previous_version"
KEYS = FIXTURES / "keys"


def engine_folder(postgres: Any) -> Path:
    return FIXTURES / ("postgresql" if postgres is not None else "sqlite")


def manifest(postgres: Any) -> dict[str, Any]:
    return json.loads((engine_folder(postgres) / "manifest.json").read_text(encoding="utf-8"))


def _load_dump(postgres: Any, database_url: str, dump: Path) -> None:
    psql = Path(postgres.bin_dir) / "psql"
    if not psql.is_file():
        pytest.fail(f"the postgresql tier needs psql beside the server binaries ({psql})")
    connect = postgres.connect_kwargs(make_url(database_url).database)
    subprocess.run(  # noqa: S603 (fixed arguments, a file of our own)
        [
            str(psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", connect["host"],
            "-p", str(connect["port"]), "-U", APPLICATION_ROLE, "-d", connect["dbname"],
            "-f", str(dump),
        ],
        check=True, capture_output=True,
    )  # fmt: skip


def previous_instance(tmp_path: Path, postgres: Any, name: str = "previous") -> Flask:
    """The previous version's database, uploads and keys folder in a new instance folder,
    not yet upgraded: this version has not touched it."""
    app = make_instance(tmp_path, name, postgres, keys_from=KEYS)
    folder = engine_folder(postgres)
    shutil.copytree(folder / "uploads", app.config["INTAKE_UPLOADS_PATH"], dirs_exist_ok=True)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if postgres is not None:
        _load_dump(postgres, url, folder / "dump.sql")
    else:
        shutil.copyfile(folder / "intake.sqlite", make_url(url).database or "")
    return app


def previous_archive(postgres: Any) -> Path:
    """The backup archive the previous version's `intake backup` made of the same data."""
    return engine_folder(postgres) / "backup.intake"


def counts_since(tables: dict[str, list[Any]], before: dict[str, int]) -> dict[str, int]:
    """Row counts of the tables the previous version had; a table added since must be
    empty (asserted here)."""
    added = {name: len(rows) for name, rows in tables.items() if name not in before}
    assert not any(added.values()), added
    return {name: len(rows) for name, rows in tables.items() if name in before}
