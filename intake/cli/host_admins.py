"""`intake host-admin create`: an administrator of the host itself (in no organisation).

The password comes from INTAKE_PASSWORD (provisioning scripts) or is asked twice; the
authenticator's otpauth:// URI is printed once, to be shown as a QR code or typed in.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from intake.cli.common import refused, utc_now
from intake.extensions import db
from intake.problems import Problem
from intake.services import ServiceError, host_admins
from intake.services.host_audit import verify_host
from intake.services.keyring import host_keyring

MESSAGES = {
    Problem.WEAK_PASSWORD: "passwords must be at least 10 characters",
    Problem.USERNAME_TAKEN: "a host administrator of that name exists already",
}

host_admin_group = click.Group("host-admin", help="The host's own administrators.")


@host_admin_group.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="The name shown; the username by default.")
@click.option(
    "--password",
    envvar="INTAKE_PASSWORD",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Or INTAKE_PASSWORD; asked for otherwise.",
)
@with_appcontext
def create_command(username: str, display_name: str, password: str) -> None:
    """Create a host administrator, who signs in at /host/login."""
    try:
        created = host_admins.create(
            db.session, host_keyring(), username.strip(), display_name, password, utc_now()
        )
    except ServiceError as error:
        raise refused(error, MESSAGES) from error
    click.echo(f"host administrator {username} created; sign in at /host/login")
    click.echo("add this to an authenticator app (or show it as a QR code):")
    click.echo(created.provisioning_uri)


@host_admin_group.command("audit-verify")
@with_appcontext
def audit_verify_command() -> None:
    """Check the host's own audit chain (read-only); exit status 1 if it is broken."""
    result = verify_host(db.session, host_keyring())
    db.session.rollback()
    if not result.ok:
        click.echo(f"host audit log BROKEN: {result.problem}", err=True)
        raise SystemExit(1)
    click.echo(f"host audit log: {result.checked} entries, chain intact")


COMMANDS = (host_admin_group,)
