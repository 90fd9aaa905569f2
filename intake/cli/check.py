"""`intake check`: the deployment doctor (see intake.services.deploy_check)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from intake.cli.common import one_organisation
from intake.extensions import db
from intake.services import deploy_check


def report_deployment() -> bool:
    """Print one line per check; True when nothing failed."""
    # The check reads what is committed, on connections of its own: a transaction the
    # calling command left open (SQLite: a lock) must not stand in its way.
    db.session.remove()
    findings = deploy_check.gather(
        current_app.config,
        db.session,
        db.engine,
        Path(current_app.root_path) / "migrations",
        datetime.now(UTC),
    )
    for finding in findings:
        click.echo(finding.line)
    return not deploy_check.failed(findings)


@click.command("check")
@with_appcontext
@one_organisation
def check_command() -> None:
    """Check the deployment: each line OK, WARN or FAIL with the fix; exit status 1 on a FAIL."""
    if not report_deployment():
        raise SystemExit(1)


COMMANDS = (check_command,)
