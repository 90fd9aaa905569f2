"""`intake audit-verify`: is the audit log's hash chain whole?"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from intake.cli.common import one_organisation
from intake.extensions import db
from intake.services import audit
from intake.services.keyring import current_keyring


@click.command("audit-verify")
@with_appcontext
@one_organisation
def audit_verify_command() -> None:
    """Check the audit log's hash chain (read-only); exit status 1 if it is broken."""
    result = audit.verify(db.session, current_keyring())
    db.session.rollback()
    if not result.ok:
        where = f" at entry {result.first_broken_id}" if result.first_broken_id is not None else ""
        click.echo(f"audit log BROKEN{where}: {result.problem}", err=True)
        raise SystemExit(1)
    click.echo(f"audit log: {result.checked} entries, chain intact")


COMMANDS = (audit_verify_command,)
