"""Makes the fixtures of a populated installation of the PREVIOUS version (one organisation
per installation, schema revision 0020), which tests/test_upgrade_in_place.py and
tests/test_backup.py upgrade in place with this version.

It must run with the previous version's code, never this checkout's:

    git worktree add /tmp/old-intake ea41456       # the last single-organisation commit
    cd /tmp/old-intake && make .venv/.installed translations
    .venv/bin/python <this checkout>/tests/data/make_previous_version_fixtures.py \\
        --checkout /tmp/old-intake --output <this checkout>/tests/data/previous_version

It refuses to run on code that already knows organisations. What it writes, under --output:

    keys/                     the keys folder (both instances use the same keys)
    sqlite/intake.sqlite      the database, sqlite/uploads/ its encrypted files
    postgresql/dump.sql       `pg_dump` (plain SQL) of the same steps on PostgreSQL,
                              postgresql/uploads/ its files
    <engine>/backup.intake    an archive that version's `intake backup` made of it
    <engine>/manifest.json    what only the script knows: the tracking codes (they exist
                              only on receipts), passwords and the custodian's passphrase,
                              digests of every case's text and file, the approved reveal
                              and its window, every table's row count, the audit chain's end

Every step (previous_version_population.py, beside this file) goes through that version's
services on a fixed clock (the fiscal year 2570, October and November 2026), so the data is
what people would have made with it. It needs PostgreSQL's server binaries, as the test
suite does, and takes about 40 seconds. The output is about 520 KB (the SQLite file 350 KB).
Each run makes new keys, codes and ids: commit the whole folder, never part of it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from previous_version_population import (
    CUSTODIAN_PASSPHRASE,
    SECOND_PASSPHRASE,
    STAFF_PASSWORD,
    Population,
    sha256,
)

PREVIOUS_REVISION = "0020"


def _load_previous_version(checkout: Path) -> None:
    sys.path.insert(0, str(checkout))
    os.chdir(checkout)
    import intake

    if not Path(intake.__file__).resolve().is_relative_to(checkout):
        sys.exit(f"intake is imported from {intake.__file__}, not from {checkout}")
    if (checkout / "intake" / "organisation_scope.py").exists():
        sys.exit("this checkout already knows organisations: run the previous version's")
    heads = sorted(p.name[:4] for p in (checkout / "migrations" / "versions").glob("0*.py"))
    if heads[-1] != PREVIOUS_REVISION:
        sys.exit(f"expected the previous version (revision {PREVIOUS_REVISION}), found {heads}")
    # The cost the test suite uses; each wrapped key records its own, so later code opens it.
    from intake import crypto
    from intake.services import users

    crypto.sealing.SCRYPT_N = 2**14
    users.PASSWORD_METHOD = "pbkdf2:sha256:1000"


def _app(instance: Path, database_url: str) -> Any:
    from intake import create_app

    return create_app(
        {
            "INTAKE_ENV": "testing",
            "INTAKE_INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "INTAKE_BASE_URL": "https://intake.example.org",
        }
    )


def _run_intake(app: Any, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["intake", *args])
    if result.exit_code != 0:
        raise RuntimeError(f"intake {' '.join(args)}: {result.output}{result.exception!r}")
    return result.output


def _case_records(population: Population) -> list[dict[str, Any]]:
    """Each case as the test checks it after the upgrade: its code, status and digests."""
    from sqlalchemy import select

    from intake import crypto
    from intake.models import Case

    k, records = population.keyring, []
    for case in population.session.scalars(select(Case).order_by(Case.reference)):
        files = []
        for attachment in sorted(case.attachments, key=lambda a: a.id):
            stored = (population.uploads / attachment.stored_name).read_bytes()
            data = crypto.decrypt_field(
                k, stored, table="attachments", column="data", row_id=attachment.id
            )
            name = crypto.decrypt_text(
                k, attachment.name_enc, table="attachments", column="name", row_id=attachment.id
            )
            files.append({"id": attachment.id, "name": name, "sha256": sha256(data)})
        text = {
            column: crypto.decrypt_text(
                k, getattr(case, f"{column}_enc"), table="cases", column=column, row_id=case.id
            )
            for column in ("subject", "details")
        }
        records.append(
            {
                "id": case.id,
                "reference": case.reference,
                "kind": case.kind.value,
                "status": case.status.value,
                "tracking_code": population.codes[case.id],
                "subject_sha256": sha256(text["subject"]),
                "details_sha256": sha256(text["details"]),
                "attachments": files,
            }
        )
    return records


def _rows_and_audit(population: Population) -> dict[str, Any]:
    """Every table's row count (by reflection) and the audit chain's entries in short."""
    import sqlalchemy as sa

    metadata = sa.MetaData()
    connection = population.session.connection()
    metadata.reflect(bind=connection)
    rows = {
        table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        for table in metadata.sorted_tables
    }
    entries = connection.execute(sa.text("SELECT id, action, mac FROM audit_log ORDER BY id")).all()
    # The old version kept tally rows whose counts fell to zero; a recount has none.
    tallies = connection.execute(
        sa.text(
            "SELECT kind, month, dimension, value, closed, on_time, cases, responses, satisfied "
            "FROM case_tallies WHERE cases + responses + satisfied > 0"
        )
    ).all()
    chain = "\n".join(f"{entry.id}|{entry.action}|{entry.mac}" for entry in entries)
    population.session.rollback()
    return {
        "rows": rows,
        "tallies": sorted([*row[:4], bool(row[4]), bool(row[5]), *row[6:]] for row in tallies),
        "audit": {
            "entries": len(entries),
            "last_id": entries[-1].id,
            "last_mac": entries[-1].mac,
            "chain_sha256": sha256(chain),
        },
    }


def _make_instance(app: Any, engine_dir: Path) -> dict[str, Any]:
    """`intake init`, the population, a backup archive, then the manifest."""
    from intake.extensions import db

    _run_intake(app, "init")
    with app.test_request_context():
        population = Population(app)
        manifest = {"engine": db.engine.dialect.name, **population.populate()}
        manifest["cases"] = _case_records(population)
        db.session.remove()
    engine_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as folder:
        output = _run_intake(app, "backup", "--output", folder)
        archive = next(Path(folder).iterdir())
        shutil.copyfile(archive, engine_dir / "backup.intake")
    manifest["backup_summary"] = output.strip().splitlines()[1]  # counts, engine, schema
    with app.test_request_context():  # after the backup, whose own audit entry counts
        manifest.update(_rows_and_audit(Population(app)))
        db.session.remove()
        db.engine.dispose()
    assert manifest["rows"]["outbox"] > 0 and manifest["rows"]["reopen_requests"] == 2
    manifest.update(
        revision=PREVIOUS_REVISION,
        staff_password=STAFF_PASSWORD,
        custodian={"username": "custodian", "passphrase": CUSTODIAN_PASSPHRASE},
        second_custodian={"username": "custodian2", "passphrase": SECOND_PASSPHRASE},
    )
    shutil.copytree(app.config["INTAKE_UPLOADS_PATH"], engine_dir / "uploads")
    return manifest


def _write_manifest(engine_dir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    (engine_dir / "manifest.json").write_text(text + "\n", encoding="utf-8")


def _sqlite(work: Path, output: Path) -> None:
    instance = work / "sqlite"
    database = instance / "intake.sqlite"
    instance.mkdir()
    app = _app(instance, f"sqlite:///{database}")
    with app.app_context(), os_environ(INTAKE_CUSTODIAN_PASSPHRASE=CUSTODIAN_PASSPHRASE):
        manifest = _make_instance(app, output / "sqlite")
    import sqlite3

    with sqlite3.connect(database) as connection:  # the WAL folded in, the file compacted
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    with sqlite3.connect(database, isolation_level=None) as connection:
        connection.execute("VACUUM")
    connection.close()
    shutil.copyfile(database, output / "sqlite" / "intake.sqlite")
    shutil.copytree(instance / "keys", output / "keys")
    _write_manifest(output / "sqlite", manifest)


def _postgresql(work: Path, output: Path) -> None:
    from tests.support.pgserver import PostgresServer, find_pg_bin  # the old checkout's

    bin_dir = find_pg_bin()
    if bin_dir is None:
        sys.exit("PostgreSQL server binaries not found")
    instance = work / "postgresql"
    instance.mkdir()
    shutil.copytree(output / "keys", instance / "keys")  # the same keys as the SQLite one
    with PostgresServer(bin_dir) as server:
        app = _app(instance, server.create_database("intake_previous"))
        with app.app_context(), os_environ(INTAKE_CUSTODIAN_PASSPHRASE=CUSTODIAN_PASSPHRASE):
            manifest = _make_instance(app, output / "postgresql")
        connect = server.connect_kwargs("intake_previous")
        dump = subprocess.run(  # noqa: S603 (fixed arguments)
            [
                str(bin_dir / "pg_dump"),
                "--no-owner",
                "--no-privileges",
                "--format=plain",
                "-h",
                connect["host"],
                "-p",
                str(connect["port"]),
                "-U",
                connect["user"],
                connect["dbname"],
            ],
            check=True,
            capture_output=True,
        )
    (output / "postgresql" / "dump.sql").write_bytes(_portable(dump.stdout))
    _write_manifest(output / "postgresql", manifest)


def _portable(dump: bytes) -> bytes:
    """Without the `\\restrict` lines recent pg_dump releases add: a psql of the same major
    version but older would refuse them, and this dump is our own, not a stranger's."""
    lines = dump.splitlines(keepends=True)
    return b"".join(
        line for line in lines if not line.startswith((b"\\restrict ", b"\\unrestrict "))
    )


class os_environ:  # noqa: N801 (used like a function)
    """Environment variables set for the length of a `with`."""

    def __init__(self, **values: str) -> None:
        self.values = values

    def __enter__(self) -> None:
        os.environ.update(self.values)

    def __exit__(self, *exc: object) -> None:
        for name in self.values:
            os.environ.pop(name, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, required=True, help="the previous version")
    parser.add_argument("--output", type=Path, required=True)
    arguments = parser.parse_args()
    output = arguments.output.resolve()
    _load_previous_version(arguments.checkout.resolve())
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="previous-version-") as work:
        _sqlite(Path(work), output)
        _postgresql(Path(work), output)
    sizes = sum(path.stat().st_size for path in output.rglob("*") if path.is_file())
    print(f"fixtures written to {output} ({sizes // 1024} KB)")


if __name__ == "__main__":
    main()
