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


def _console(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Nothing of the deployment set: an operator typing `intake --help` before the
    # environment file exists.
    environ = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "from intake.console import main; main()", *args],
        cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_help_lists_the_commands_before_the_environment_is_set(tmp_path: Path) -> None:
    shown = _console(tmp_path, "--help")
    assert shown.returncode == 0, shown.stderr
    listed = shown.stdout.split("Commands:", 1)[1].split()
    assert "init" in listed and "check" in listed


def test_a_command_without_the_environment_names_what_is_missing(tmp_path: Path) -> None:
    refused = _console(tmp_path, "check")
    assert refused.returncode == 1
    assert "INTAKE_INSTANCE_PATH is not set" in refused.stderr
    assert "Traceback" not in refused.stderr
