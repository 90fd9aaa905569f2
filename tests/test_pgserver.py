"""Tests for tests/support/pgserver.py, the throwaway PostgreSQL cluster helper."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pgserver import PostgresServer, find_pg_bin

pytestmark = pytest.mark.skipif(
    os.environ.get("INTAKE_TEST_TIER") != "postgresql", reason="postgresql tier only"
)


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresServer]:
    bin_dir = find_pg_bin()
    assert bin_dir is not None, "postgresql tier but no initdb/pg_ctl found"
    with PostgresServer(bin_dir) as server:
        yield server


def test_find_pg_bin_has_server_binaries() -> None:
    bin_dir = find_pg_bin()
    assert bin_dir is not None
    assert (bin_dir / "initdb").is_file()
    assert (bin_dir / "pg_ctl").is_file()


def test_accepts_connection_and_is_recent(pg: PostgresServer) -> None:
    import psycopg

    with psycopg.connect(**pg.connect_kwargs(), autocommit=True) as conn:
        assert conn.info.server_version >= 130000
        row = conn.execute("SHOW server_encoding").fetchone()
        assert row == ("UTF8",)


def test_url_works_with_sqlalchemy(pg: PostgresServer) -> None:
    import sqlalchemy as sa

    url = pg.url()
    assert url.startswith("postgresql+psycopg://postgres@/postgres?")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == "postgres"
            version = conn.execute(sa.text("SHOW server_version_num")).scalar_one()
            assert int(version) >= 130000
    finally:
        engine.dispose()


def test_create_database_gives_usable_url(pg: PostgresServer) -> None:
    import sqlalchemy as sa

    url = pg.create_database("pgserver_selftest")
    assert "/pgserver_selftest?" in url
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE t (s text)"))
            conn.execute(sa.text("INSERT INTO t VALUES (:s)"), {"s": "ร้องเรียน"})
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT current_database()")).scalar() == (
                "pgserver_selftest"
            )
            assert conn.execute(sa.text("SELECT s FROM t")).scalar() == "ร้องเรียน"
            encoding = conn.execute(
                sa.text(
                    "SELECT pg_encoding_to_char(encoding) FROM pg_database "
                    "WHERE datname = current_database()"
                )
            ).scalar()
            assert encoding == "UTF8"
    finally:
        engine.dispose()


def test_checkpoint_writes_data_to_data_dir(pg: PostgresServer) -> None:
    import psycopg

    marker = "pgserver-checkpoint-marker-7f3a9c"
    url = pg.create_database("pgserver_ckpt")
    assert url
    with psycopg.connect(**pg.connect_kwargs("pgserver_ckpt"), autocommit=True) as conn:
        conn.execute("CREATE TABLE m (s text)")
        conn.execute("INSERT INTO m VALUES (%s)", (marker,))
    pg.checkpoint()
    needle = marker.encode()
    found = any(needle in p.read_bytes() for p in (pg.data_dir / "base").rglob("*") if p.is_file())
    assert found, "marker not found in data files after CHECKPOINT"


def test_stop_removes_data_dir_and_is_idempotent() -> None:
    bin_dir = find_pg_bin()
    assert bin_dir is not None
    server = PostgresServer(bin_dir)
    server.start()
    data_dir = server.data_dir
    assert (data_dir / "PG_VERSION").is_file()
    assert (data_dir / "postmaster.pid").is_file()
    server.stop()
    assert not data_dir.exists()
    assert server.base_dir is not None and not server.base_dir.exists()
    server.stop()  # second call is a no-op


def test_start_failure_raises_and_cleans_up() -> None:
    # Not under tmp_path: when running as root the postgres OS user must reach the tools.
    fake_bin = Path(tempfile.mkdtemp(prefix="intake-fakepg-"))
    try:
        fake_bin.chmod(0o755)
        for name in ("initdb", "pg_ctl"):
            script = fake_bin / name
            script.write_text("#!/bin/sh\necho 'boom from fake tool' >&2\nexit 3\n")
            script.chmod(0o755)
        server = PostgresServer(fake_bin)
        with pytest.raises(RuntimeError, match="boom from fake tool"):
            server.start()
        assert server.base_dir is not None and not server.base_dir.exists()
        server.stop()  # still safe
    finally:
        shutil.rmtree(fake_bin, ignore_errors=True)
