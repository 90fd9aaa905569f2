"""`intake init`: keys, database, settings, the identity key and its first custodian."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from intake import crypto
from intake.cli.common import (
    CUSTODIAN_MESSAGES,
    PASSPHRASE_ENV,
    custodian_account,
    print_enrolment_link,
    refused,
    utc_now,
    working_by_default,
)
from intake.extensions import db
from intake.services import ServiceError, organisations, setup
from intake.services.identity import create_identity_key, current_identity_key
from intake.services.keyring import current_keyring, set_keyring
from intake.services.users import find_user, has_usable_password


@click.command("init")
@click.option("--no-demo", is_flag=True, help="Do not add the demo departments and categories.")
@with_appcontext
def init_command(no_demo: bool) -> None:
    """Create keys and the database, and add the starting settings. Safe to run again."""
    keys_dir = Path(current_app.config["INTAKE_KEYS_PATH"])
    created = bool(crypto.missing_key_files(keys_dir))
    set_keyring(current_app, crypto.ensure_keyring(keys_dir))
    click.echo(f"keys: {'created' if created else 'present'} in {keys_dir}")
    from flask_migrate import upgrade  # here: web workers never load Alembic

    upgrade()
    click.echo("database: at the latest revision")
    added = setup.ensure_organisation(db.session)
    click.echo(f"organisation settings: {'created' if added else 'present'}")
    # Run again on a host of several, init looks after the organisation it made first.
    with working_by_default(organisations.first_two(db.session)[0].id):
        _first_organisation(no_demo)


def _first_organisation(no_demo: bool) -> None:
    if not no_demo:
        # Here, not at the top: only a run that asks for demo data loads the demo package.
        from intake.cli.demo import add_demo_reference_data

        add_demo_reference_data()
    _first_custodian()
    if current_app.config["ENV_NAME"] == "development":
        password = setup.ensure_development_users(
            db.session, current_keyring(), Path(current_app.instance_path), utc_now()
        )
        click.echo(
            "development logins at /staff/login: "
            + ", ".join(username for username, _role, _name in setup.DEV_USERS)
            + f", custodian; password: {password} (the sign-in code is shown on the page)"
        )
    else:
        # init has done its part either way; the check says what is left for the operator.
        from intake.cli.check import report_deployment

        click.echo("deployment check:")
        if not report_deployment():
            click.echo("fix each FAIL above, then run `intake check` again", err=True)


def _first_custodian() -> None:
    """The identity key and its first custodian, once."""
    development = current_app.config["ENV_NAME"] != "production"
    instance = Path(current_app.instance_path)
    first_name = setup.FIRST_CUSTODIAN
    if current_identity_key(db.session) is not None:
        click.echo("identity key: present")
        saved = setup.saved_development_passphrase(instance) if development else None
        if saved is not None:
            click.echo(f"development custodian passphrase: {saved}")
        first = find_user(db.session, first_name)
        if not development and first is not None and not has_usable_password(first):
            click.echo(
                f"'{first_name}' has not enrolled yet; if the link is lost or expired: "
                f"flask intake enrol-link {first_name}"
            )
        return
    passphrase = os.environ.get(PASSPHRASE_ENV)
    generated = False
    if not passphrase and development:
        passphrase, generated = setup.development_passphrase(), True
    if not passphrase:
        passphrase = click.prompt(
            "Passphrase for the first identity custodian",
            hide_input=True,
            confirmation_prompt=True,
        )
    user, created = custodian_account(first_name, setup.FIRST_CUSTODIAN_NAME)
    try:
        create_identity_key(db.session, current_keyring(), user, passphrase, utc_now())
    except ServiceError as error:
        raise refused(error, CUSTODIAN_MESSAGES) from error
    click.echo(f"identity key: created, with the custodian '{first_name}'")
    # Development gives every demo account a known password instead (below in `init`).
    if created and current_app.config["ENV_NAME"] != "development":
        click.echo(f"the custodian '{first_name}' sets a password and two-factor here:")
        print_enrolment_link(user)
    if generated:
        setup.save_development_passphrase(instance, passphrase)
        click.echo(f"development custodian passphrase: {passphrase}")


COMMANDS = (init_command,)
