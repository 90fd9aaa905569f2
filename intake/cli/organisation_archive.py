"""`intake org export|import|delete`: one organisation taken out whole, put in on another
host, or deleted with its keys (see ``services.organisation_export`` and
``services.organisation_deletion``). The export is encrypted under a passphrase the
operator types (or ``INTAKE_EXPORT_PASSPHRASE``): hand it over apart from the file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from intake import crypto
from intake.cli.common import write_whole
from intake.extensions import db
from intake.models import Organisation
from intake.organisation_scope import work_for
from intake.row_security import host_wide_session
from intake.services import audit, organisation_deletion, organisation_export
from intake.services.backup_format import BackupError
from intake.services.keyring import (
    keyring_for,
    keys_dir_for,
    set_keyring,
    shred_keys,
)
from intake.services.organisations import by_slug

PASSPHRASE_ENV = "INTAKE_EXPORT_PASSPHRASE"  # noqa: S105 (the variable's name, not a secret)


def _uploads_dir() -> Path:
    return Path(current_app.config["INTAKE_UPLOADS_PATH"])


def _organisation(slug: str) -> Organisation:
    organisation = by_slug(db.session, slug)
    if organisation is None:
        raise click.ClickException(f"no organisation {slug}")
    return organisation


@click.command("export")
@click.argument("slug")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path))
@click.option(
    "--passphrase",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar=PASSPHRASE_ENV,
    help="Encrypts the export; give it to the other host apart from the file.",
)
@with_appcontext
def export_command(slug: str, output: Path, passphrase: str) -> None:
    """Write everything of one organisation (rows, files, keys) to one encrypted file."""
    organisation = _organisation(slug)
    keys_root = Path(current_app.config["INTAKE_KEYS_PATH"]).resolve()
    if output.resolve().is_relative_to(keys_root):
        raise click.ClickException("an export must not go into the keys folder")
    if output.exists():
        raise click.ClickException(f"{output} already exists")
    now = datetime.now(UTC)
    work_for(db.session, organisation.id)
    keyring = keyring_for(organisation.id)
    try:
        summary = write_whole(
            output,
            lambda out: organisation_export.export_organisation(
                db.engine, organisation, keyring, _uploads_dir(), out, passphrase, now=now
            ),
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    # The newest entry of its chain says it was exported: `org delete` asks for that.
    audit.record(
        db.session,
        keyring,
        organisation_deletion.EXPORT_ACTION,
        actor=audit.ACTOR_SYSTEM,
        now=now,
        detail=f"{summary.rows('cases')} cases, {summary.files} files",
    )
    db.session.commit()
    click.echo(
        f"export: {output} ({output.stat().st_size:,} bytes): {summary.rows('cases')} cases, "
        f"{summary.files} files; it opens only with the passphrase"
    )


@click.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="Its address here, when its own is taken.")
@click.option("--passphrase", prompt=True, hide_input=True, envvar=PASSPHRASE_ENV)
@with_appcontext
def import_command(archive: Path, slug: str | None, passphrase: str) -> None:
    """Add an organisation from its export: a new organisation here, with its keys."""
    keys_root = Path(current_app.config["INTAKE_KEYS_PATH"])

    def save_keys(organisation_id: int, keyring: crypto.Keyring) -> Path:
        keys_dir = crypto.organisation_keys_dir(keys_root, organisation_id)
        crypto.save_keyring(keyring, keys_dir)
        return keys_dir

    try:
        # A new organisation's rows, written before it is anyone's to work for.
        with archive.open("rb") as handle, host_wide_session(db.session):
            report = organisation_export.import_organisation(
                db.session, handle, passphrase, _uploads_dir(), save_keys, slug=slug
            )
    except BackupError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from exc
    except crypto.KeyMissing as exc:
        raise click.ClickException(f"nothing imported: {exc}") from exc
    set_keyring(current_app, report.keyring)
    work_for(db.session, report.organisation_id)
    result = audit.verify(db.session, report.keyring)
    db.session.rollback()
    if not result.ok:
        raise click.ClickException(f"imported, but its audit log does not verify: {result.problem}")
    audit.record(
        db.session,
        report.keyring,
        "organisation.imported",
        actor=audit.ACTOR_SYSTEM,
        now=datetime.now(UTC),
        detail=f"export of {report.summary.created_at[:19]}",
    )
    db.session.commit()
    click.echo(
        f"imported: {report.slug} (organisation {report.organisation_id}), "
        f"{report.summary.rows('cases')} cases, {report.summary.files} files; "
        f"audit log intact ({result.checked} entries)"
    )


@click.command("delete")
@click.argument("slug")
@click.option(
    "--without-export",
    is_flag=True,
    help="Delete although no export was made since its last change.",
)
@click.confirmation_option(prompt="Delete this organisation, its files and its keys for good?")
@with_appcontext
def delete_command(slug: str, without_export: bool) -> None:
    """Delete every row, file and key of one organisation; the host records the deletion."""
    organisation = _organisation(slug)
    keys_dir = keys_dir_for(organisation.id)
    try:
        with host_wide_session(db.session):  # every table's rows of it, and the host's record
            report = organisation_deletion.delete_organisation_rows(
                db.session,
                organisation,
                actor=audit.ACTOR_SYSTEM,
                without_export=without_export,
                now=datetime.now(UTC),
            )
    except organisation_deletion.DeletionRefused as exc:
        raise click.ClickException(str(exc)) from exc
    shred_keys(keys_dir)
    files = organisation_deletion.delete_files(_uploads_dir(), report.stored_names)
    click.echo(
        f"deleted: {report.slug}, {report.rows} rows, {files} files and its keys; "
        "copies of the keys folder kept from before still open its contents in old backups"
    )


ORG_COMMANDS = (export_command, import_command, delete_command)
COMMANDS: tuple[click.Command, ...] = ()
