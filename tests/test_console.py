"""The `intake` console command offers exactly the `flask --app wsgi intake` commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask


def test_the_console_command_lists_the_intake_groups_commands(app: Flask, tmp_path: Path) -> None:
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "INTAKE_ENV": "development",
        "INTAKE_INSTANCE_PATH": str(tmp_path / "console"),
    }
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "from intake.console import main; main()", "--help"],
        cwd=tmp_path, env=environ, capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    listed = shown.split("Commands:", 1)[1].split()
    group = app.cli.get_command(click.Context(app.cli), "intake")
    assert isinstance(group, click.Group)
    for name in group.list_commands(click.Context(group)):
        assert name in listed, (name, shown)
    assert "check" in listed and "run" not in listed and "db" not in listed
