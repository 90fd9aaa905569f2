"""`flask --app wsgi intake ...` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from intake import crypto
from intake.extensions import db
from intake.keystore import set_keyring
from intake.services import setup

intake_cli = AppGroup("intake", help="Intake administration commands.")


@intake_cli.command("init")
@click.option("--no-demo", is_flag=True, help="Do not add the demo departments and categories.")
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
    if not no_demo:
        departments, categories = setup.add_demo_reference_data(db.session)
        click.echo(f"demo data: {departments} departments and {categories} categories added")
    from intake.commands import setup_development_users, setup_first_custodian

    setup_first_custodian()
    if current_app.config["ENV_NAME"] == "development":
        setup_development_users()
    else:
        from intake.commands_check import report_deployment

        # init has done its part either way; the check says what is left for the operator.
        click.echo("deployment check:")
        if not report_deployment():
            click.echo("fix each FAIL above, then run `intake check` again", err=True)


@intake_cli.command("audit-verify")
def audit_verify_command() -> None:
    """Check the audit log's hash chain (read-only); exit status 1 if it is broken."""
    from intake.keystore import current_keyring
    from intake.services import audit

    result = audit.verify(db.session, current_keyring())
    db.session.rollback()
    if not result.ok:
        where = f" at entry {result.first_broken_id}" if result.first_broken_id is not None else ""
        click.echo(f"audit log BROKEN{where}: {result.problem}", err=True)
        raise SystemExit(1)
    click.echo(f"audit log: {result.checked} entries, chain intact")


@intake_cli.command("rotate-keys")
@click.option("--retire", is_flag=True, help="Then remove the old content keys from the key files.")
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows re-encrypted per transaction.",
)
def rotate_keys_command(retire: bool, batch_size: int) -> None:
    """Re-encrypt all content under a new content key; run again to resume an interrupted run."""
    from intake.keystore import current_keyring
    from intake.services import keys

    keys_dir = Path(current_app.config["INTAKE_KEYS_PATH"])
    uploads_dir = Path(current_app.config["INTAKE_UPLOADS_PATH"])
    try:
        with click.progressbar(length=1, label="re-encrypting", show_pos=True) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            report = keys.rotate_content_key(
                db.session,
                current_keyring(),
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
            f"{done}; {report.values_reencrypted} values and "
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
                f"retired content keys: {', '.join(retired)}"
                if retired
                else "no old content keys to retire"
            )
    except keys.KeyRotationError as exc:
        raise click.ClickException(str(exc)) from exc


def init_app(app: Flask) -> None:
    # Importing registers the commands: custodians, staff accounts, backups, demo data, reports,
    # retention, stats.
    import intake.commands  # noqa: F401
    import intake.commands_accounts  # noqa: F401
    import intake.commands_backup  # noqa: F401
    import intake.commands_check  # noqa: F401
    import intake.commands_demo  # noqa: F401
    import intake.commands_reports  # noqa: F401
    import intake.commands_retention  # noqa: F401
    import intake.commands_stats  # noqa: F401

    app.cli.add_command(intake_cli)
