"""Commands for the keys: the content key (`rotate-keys`), the identity key pair
(`rotate-identity-key`) and the custodians who hold it (`custodian-add`,
`custodian-remove`). None of them ever writes the identity private key or a passphrase
anywhere."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from intake import crypto
from intake.cli.common import (
    CUSTODIAN_MESSAGES,
    PASSPHRASE_ENV,
    custodian_account,
    one_organisation,
    print_enrolment_link,
    refused,
    utc_now,
)
from intake.extensions import db
from intake.models import Organisation
from intake.organisation_scope import host_wide, work_for
from intake.services import ServiceError, keys
from intake.services.identity import add_custodian, remove_custodian, rotate_identity_key
from intake.services.keyring import current_keyring, keyring_for, keys_dir_for, set_keyring
from intake.services.users import find_user


def organisations_chosen(slug: str | None) -> list[Organisation]:
    """The organisation named by ``--org``, or every one in turn."""
    query = select(Organisation).order_by(Organisation.id)
    if slug is not None:
        query = query.where(Organisation.slug == slug)
    found = list(db.session.scalars(host_wide(query)))
    if slug is not None and not found:
        raise click.ClickException(f"no organisation {slug}")
    return found


def _rotate_one(organisation: Organisation, retire: bool, batch_size: int) -> None:
    work_for(db.session, organisation.id)
    keys_dir = keys_dir_for(organisation.id)
    uploads_dir = Path(current_app.config["INTAKE_UPLOADS_PATH"])
    with click.progressbar(length=1, label=f"{organisation.slug}: re-encrypting") as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        report = keys.rotate_content_key(
            db.session,
            keyring_for(organisation.id),
            keys_dir,
            uploads_dir,
            batch_size=batch_size,
            progress=progress,
        )
    set_keyring(current_app, report.keyring)
    done = (
        f"content key {report.new_key_id} added"
        if report.new_key_id
        else f"resumed the rotation to content key {report.active_key_id}"
    )
    click.echo(
        f"{organisation.slug}: {done}; {report.values_reencrypted} values and "
        f"{report.files_reencrypted} files re-encrypted"
    )
    if report.missing_files:
        click.echo(
            f"warning: {len(report.missing_files)} attachment files are missing: "
            + ", ".join(report.missing_files),
            err=True,
        )
    if retire:
        retired = keys.retire_old_keys(db.session, report.keyring, keys_dir, uploads_dir)
        set_keyring(current_app, crypto.load_keyring(keys_dir))
        click.echo(
            f"{organisation.slug}: retired content keys: {', '.join(retired)}"
            if retired
            else f"{organisation.slug}: no old content keys to retire"
        )


@click.command("rotate-keys")
@click.option("--retire", is_flag=True, help="Then remove the old content keys from the key files.")
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows re-encrypted per transaction.",
)
@click.option("--org", "slug", help="Only this organisation (by slug); default: each in turn.")
@with_appcontext
def rotate_keys_command(retire: bool, batch_size: int, slug: str | None) -> None:
    """Re-encrypt all content under a new content key, each organisation under its own;
    run again to resume an interrupted run."""
    try:
        for organisation in organisations_chosen(slug):
            _rotate_one(organisation, retire, batch_size)
    except keys.KeyRotationError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("custodian-add")
@click.argument("username")
@click.option("--display-name", help="Name shown to staff (new users only).")
@click.option("--by", "granting_username", required=True, help="An existing custodian.")
@click.option(
    "--by-passphrase",
    prompt=True,
    hide_input=True,
    envvar="INTAKE_GRANTING_PASSPHRASE",
    help="The existing custodian's passphrase.",
)
@click.option(
    "--passphrase",
    prompt="New custodian's passphrase",
    hide_input=True,
    confirmation_prompt=True,
    envvar=PASSPHRASE_ENV,
)
@with_appcontext
@one_organisation
def custodian_add_command(
    username: str,
    display_name: str | None,
    granting_username: str,
    by_passphrase: str,
    passphrase: str,
) -> None:
    """Make USERNAME an identity custodian (an existing custodian grants the key)."""
    granting = find_user(db.session, granting_username)
    if granting is None:
        raise click.ClickException(f"no user {granting_username}")
    new, created = custodian_account(username, display_name)
    try:
        add_custodian(
            db.session, current_keyring(), granting, by_passphrase, new, passphrase, utc_now()
        )
    except ServiceError as error:
        raise refused(error, CUSTODIAN_MESSAGES) from error
    click.echo(f"{username} is now a custodian")
    if created:
        click.echo(f"{username} sets a password and two-factor here:")
        print_enrolment_link(new)


@click.command("custodian-remove")
@click.argument("username")
@with_appcontext
@one_organisation
def custodian_remove_command(username: str) -> None:
    """Take the identity key away from USERNAME (never from the last custodian)."""
    user = find_user(db.session, username)
    if user is None:
        raise click.ClickException(f"no user {username}")
    try:
        remove_custodian(db.session, current_keyring(), user, "system", utc_now())
    except ServiceError as error:
        raise refused(error, CUSTODIAN_MESSAGES) from error
    click.echo(f"{username} is no longer a custodian")


@click.command("rotate-identity-key")
@click.option("--custodian", "username", required=True)
@click.option("--passphrase", prompt=True, hide_input=True, envvar=PASSPHRASE_ENV)
@click.option("--batch-size", default=200, show_default=True)
@with_appcontext
@one_organisation
def rotate_identity_key_command(username: str, passphrase: str, batch_size: int) -> None:
    """Re-seal every identity to a new identity key pair. Safe to interrupt and re-run."""
    user = find_user(db.session, username)
    if user is None:
        raise click.ClickException(f"no user {username}")
    with click.progressbar(length=0, label="re-sealing identities") as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        try:
            result = rotate_identity_key(
                db.session,
                current_keyring(),
                user,
                passphrase,
                utc_now(),
                batch_size=batch_size,
                progress=progress,
            )
        except ServiceError as error:
            raise refused(error, CUSTODIAN_MESSAGES) from error
    verb = "created" if result.started else "resumed"
    click.echo(
        f"identity key {result.new_key_id} {verb}; {result.resealed} identities re-sealed; "
        f"retired: {', '.join(map(str, result.retired)) or 'none'}"
    )


COMMANDS = (
    rotate_keys_command,
    rotate_identity_key_command,
    custodian_add_command,
    custodian_remove_command,
)
