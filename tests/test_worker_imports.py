"""Web workers (gunicorn.conf.py sets INTAKE_WEB_WORKER=1) leave the migration tools
unloaded; the `flask` commands keep them. Nor does a worker load at start the libraries
that only uploads, enrolment and LINE use (pikepdf, Pillow, segno, line-bot-sdk): each
costs every worker memory. Checked in fresh interpreters, since this test process has
long imported everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The repository's own files (the test locates the checkout, not the application).
REPO = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
import wsgi
print(json.dumps({
    "alembic": "alembic" in sys.modules,
    "flask_migrate": "flask_migrate" in sys.modules,
    "db_command": "db" in wsgi.app.cli.commands,
    "migrate_extension": "migrate" in wsgi.app.extensions,
    "pikepdf": "pikepdf" in sys.modules,
    "PIL": "PIL" in sys.modules,
    "segno": "segno" in sys.modules,
    "linebot": "linebot" in sys.modules,
}))
"""


def _probe(tmp_path: Path, **environ: str) -> dict[str, bool]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "INTAKE_ENV": "development",
        "INTAKE_INSTANCE_PATH": str(tmp_path / "instance"),
        **environ,
    }
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_web_worker_leaves_migration_tools_and_upload_libraries_unloaded(tmp_path: Path) -> None:
    assert _probe(tmp_path, INTAKE_WEB_WORKER="1") == {
        "alembic": False,
        "flask_migrate": False,
        "db_command": False,
        "migrate_extension": False,
        "pikepdf": False,
        "PIL": False,
        "segno": False,
        "linebot": False,
    }


def test_commands_keep_flask_db(tmp_path: Path) -> None:
    found = _probe(tmp_path)
    assert found["db_command"] and found["migrate_extension"]


@pytest.mark.parametrize("line", ['raw_env = ["INTAKE_WEB_WORKER=1"]'])
def test_gunicorn_marks_its_workers(line: str) -> None:
    assert line in (REPO / "gunicorn.conf.py").read_text(encoding="utf-8")
