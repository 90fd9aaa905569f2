"""`intake check`: the deployment doctor (see intake.services.deploy_check). On a host of
several organisations it checks the installation once, then each active organisation
(its key files, custodians and reminders) under its slug, showing what is not OK;
``--org`` checks one in full."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from intake.cli.common import chosen_organisation_id, each_organisation, working_by_default
from intake.extensions import db
from intake.services import deploy_check, organisations
from intake.services.keyring import keys_dir_for


def report_deployment(organisation: bool = True, organisation_id: int | None = None) -> bool:
    """Print one line per check; True when nothing failed. Without ``organisation``, the
    installation's checks alone; with ``organisation_id``, that organisation's key files
    too when they are its own."""
    # The check reads what is committed, on connections of its own: a transaction the
    # calling command left open (SQLite: a lock) must not stand in its way.
    db.session.remove()
    findings = deploy_check.gather(
        current_app.config,
        db.session,
        db.engine,
        Path(current_app.root_path) / "migrations",
        datetime.now(UTC),
        organisation=organisation,
        organisation_keys=None if organisation_id is None else _own_keys(organisation_id),
    )
    for finding in findings:
        click.echo(finding.line)
    return not deploy_check.failed(findings)


def _own_keys(organisation_id: int) -> Path | None:
    """The organisation's own keys folder; None for the keys folder's own files, which
    the installation's checks read."""
    keys_dir = keys_dir_for(organisation_id)
    return None if keys_dir == Path(current_app.config["INTAKE_KEYS_PATH"]) else keys_dir


def report_each_organisation() -> bool:
    """Each active organisation's own checks under its slug: one line when all are OK,
    else the lines that are not (a national host has thousands); True when none failed."""
    passed = True
    for organisation in each_organisation(None):
        with working_by_default(organisation.id):
            db.session.remove()
            findings = deploy_check.organisation_findings(
                db.session, datetime.now(UTC), _own_keys(organisation.id)
            )
        noted = [finding for finding in findings if finding.level != deploy_check.OK]
        click.echo(f"[{organisation.slug}]" + ("" if noted else " OK"))
        for finding in noted:
            click.echo(finding.line)
        passed = passed and not deploy_check.failed(findings)
    return passed


def _serves_several() -> bool:
    try:
        return organisations.serves_several(db.session)
    except SQLAlchemyError:
        db.session.rollback()
        return False  # no database reachable: the installation's checks say so


@click.command("check")
@click.option(
    "--org",
    "org_slug",
    metavar="SLUG",
    help="check one organisation (on a host of several, every active one is checked)",
)
@with_appcontext
def check_command(org_slug: str | None) -> None:
    """Check the deployment: each line OK, WARN or FAIL with the fix; exit status 1 on a FAIL."""
    if org_slug is None and _serves_several():
        passed = report_deployment(organisation=False)
        passed = report_each_organisation() and passed
    else:
        chosen = chosen_organisation_id(org_slug)
        with working_by_default(chosen):
            passed = report_deployment(organisation_id=chosen)
    if not passed:
        raise SystemExit(1)


COMMANDS = (check_command,)
