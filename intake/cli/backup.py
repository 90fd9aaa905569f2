"""`flask --app wsgi intake backup` and `intake restore` (see intake.services.backup).

An archive opens only with the keys folder it was made with, and the archive never holds
a key: keep a copy of the keys folder apart from the archives (README, "Backups").
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from intake import crypto, tallies
from intake.cli.common import write_whole
from intake.extensions import db
from intake.models import Organisation
from intake.organisation_scope import host_wide, work_for
from intake.row_security import host_wide_session
from intake.services import audit, backup, keys
from intake.services.keyring import host_keyring, keyring_for

ARCHIVE_SUFFIX = ".backup"


def _organisation_ids() -> list[int]:
    query = select(Organisation.id).order_by(Organisation.id)
    return list(db.session.scalars(host_wide(query)))


def _uploads_dir() -> Path:
    return Path(current_app.config["INTAKE_UPLOADS_PATH"])


def _archive_path(output: Path, now: datetime) -> Path:
    """Where the archive goes; never into the keys folder, which opens it."""
    target = output / f"intake-{now:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}" if output.is_dir() else output
    keys = Path(current_app.config["INTAKE_KEYS_PATH"]).resolve()
    instance = Path(current_app.config["INTAKE_INSTANCE_PATH"]).resolve()
    where = target.resolve()
    if where.is_relative_to(keys):
        raise click.ClickException("an archive must not go into the keys folder, which opens it")
    if where.is_relative_to(instance):
        click.echo(
            "warning: the archive is inside the instance folder, beside the keys that open it; "
            "move it elsewhere",
            err=True,
        )
    return target


@click.command("backup")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    envvar="INTAKE_BACKUP_PATH",
    required=True,
    help="Archive file, or a folder to put it in (or INTAKE_BACKUP_PATH); away from the keys.",
)
@with_appcontext
def backup_command(output: Path) -> None:
    """Write an encrypted archive of the database and the uploads; the system keeps running."""
    now = datetime.now(UTC)
    target = _archive_path(output, now)
    if target.exists():
        raise click.ClickException(f"{target} already exists")
    keyring = host_keyring()
    try:
        summary = write_whole(
            target,
            lambda out: backup.write_backup(db.engine, keyring, _uploads_dir(), out, now=now),
        )
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for organisation_id in _organisation_ids():
        # Each organisation's own chain says its data went into the archive.
        work_for(db.session, organisation_id)
        audit.record(
            db.session,
            keyring_for(organisation_id),
            "backup.created",
            actor=audit.ACTOR_SYSTEM,
            now=now,
            detail=f"{summary.rows('cases')} cases, {summary.files} files",
        )
    db.session.commit()
    click.echo(f"archive: {target} ({target.stat().st_size:,} bytes)")
    _echo_summary(summary)
    click.echo(
        f"it opens only with the keys folder {crypto.keys_fingerprint(keyring)} "
        f"({current_app.config['INTAKE_KEYS_PATH']}): keep a copy of that folder apart "
        "from the archives"
    )


def _echo_summary(summary: backup.ArchiveSummary) -> None:
    click.echo(
        f"{summary.rows('cases')} cases, {summary.rows('case_events')} events, "
        f"{summary.rows('audit_log')} audit entries, {sum(summary.tables.values())} rows in "
        f"{len(summary.tables)} tables; {summary.files} files ({summary.file_bytes:,} bytes); "
        f"{summary.engine} schema {summary.revision}, taken {summary.created_at}"
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Only read the archive through and check it.")
@with_appcontext
def restore_command(archive: Path, check: bool) -> None:
    """Rebuild an empty instance from an archive (its keys folder must be in place first)."""
    keyring = host_keyring()
    uploads = _uploads_dir()
    try:
        with archive.open("rb") as handle:
            if check:
                summary = backup.check_archive(handle, keyring)
                fingerprint = crypto.keys_fingerprint(keyring)
                click.echo(f"archive: whole and readable with keys {fingerprint}")
                _echo_summary(summary)
                return
            from flask_migrate import upgrade  # here: web workers never load Alembic

            summary = backup.restore(
                db.engine, keyring, handle, uploads, lambda revision: upgrade(revision=revision)
            )
    except backup.BackupError as exc:
        raise click.ClickException(f"nothing restored: {exc}") from exc
    except Exception as exc:
        # By type only: a database error quotes the row it choked on (password hashes,
        # e-mail addresses), and this output may end up in a cron mail.
        raise click.ClickException(f"nothing restored: {type(exc).__name__}") from None
    click.echo("restored: " + f"archive {archive.name}")
    _echo_summary(summary)
    upgrade()
    for organisation_id in _organisation_ids():
        # Each organisation's contents and audit chain are under its own keys.
        work_for(db.session, organisation_id)
        _check_restored(keyring_for(organisation_id), uploads, summary)


def _check_restored(keyring: crypto.Keyring, uploads: Path, summary: backup.ArchiveSummary) -> None:
    """What a restore is for: contents that decrypt, an intact audit log, true statistics."""
    missing = keys.missing_content_keys(db.session, keyring, uploads)
    if missing:
        raise click.ClickException(
            f"restored, but content keys {', '.join(sorted(missing))} are not in the keys folder: "
            "put back the copy of the keys folder from the time of the archive"
        )
    result = audit.verify(db.session, keyring)
    db.session.rollback()
    if not result.ok:
        raise click.ClickException(f"restored, but the audit log does not verify: {result.problem}")
    with host_wide_session(db.session):  # every organisation's tallies and cases
        connection = db.session.connection()
        true_count = tallies.stored(connection) == tallies.recount(connection)
    if not true_count:
        click.echo(
            "warning: the statistics differ from a recount; run "
            "`flask --app wsgi intake stats-check --repair`",
            err=True,
        )
    db.session.rollback()
    audit.record(
        db.session,
        keyring,
        "backup.restored",
        actor=audit.ACTOR_SYSTEM,
        now=datetime.now(UTC),
        detail=f"archive of {summary.created_at[:19]}",
    )
    db.session.commit()
    click.echo(f"checked: content keys present, audit log intact ({result.checked} entries)")


COMMANDS = (backup_command, restore_command)
