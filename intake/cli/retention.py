"""`flask --app wsgi intake purge`: retention (see intake.services.retention)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from intake import thaidate
from intake.cli.common import run_for_each
from intake.extensions import db
from intake.services import retention
from intake.services.keyring import current_keyring


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.option("--org", "org_slug", metavar="SLUG", help="Only this organisation (its slug).")
@with_appcontext
def purge_command(dry_run: bool, org_slug: str | None) -> None:
    """Delete contents, files and identities of closed cases past their retention period,
    for every active organisation (or the one --org names), each by its own settings."""
    run_for_each(org_slug, lambda _organisation: _purge(dry_run), "purge")


def _purge(dry_run: bool) -> None:
    now = datetime.now(UTC)
    due = retention.due_cases(db.session, now)
    db.session.rollback()
    if dry_run:
        for item in due:
            parts = []
            if item.contents:
                parts.append(f"contents and {item.files} files")
            if item.identity:
                parts.append("identity")
            closed = thaidate.local_date(item.closed_at).isoformat()  # Bangkok day
            click.echo(f"{item.reference}\t{item.kind.value}\tclosed {closed}\t{', '.join(parts)}")
        contents = sum(item.contents for item in due)
        identity = sum(item.identity for item in due)
        mail = retention.old_mail_count(db.session, now)
        db.session.rollback()
        click.echo(
            f"would purge: contents of {contents} cases ({sum(i.files for i in due)} files), "
            f"identity of {identity} cases, {mail} delivered mails; nothing was changed"
        )
        return
    uploads = Path(current_app.config["INTAKE_UPLOADS_PATH"])
    report = retention.purge(db.session, current_keyring(), uploads, due, now)
    click.echo(
        f"purged: contents of {report.contents} cases, identity of {report.identity} cases, "
        f"{report.files} files and {report.mail} delivered mails deleted"
    )
    if report.missing_files:
        click.echo(f"warning: {report.missing_files} attachment files were already gone", err=True)


COMMANDS = (purge_command,)
