"""`intake remind`, the daily run: reminders of the 15-day rule, expired reveals and
enrolment links wiped, queued mail sent, and LINE events and news left waiting handled."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from intake import mail
from intake.cli.common import run_for_each, utc_now
from intake.crypto import Keyring
from intake.extensions import db
from intake.filemodes import OUTBOX_FOLDER
from intake.services import enrolment, line_chat, line_notices, reminders
from intake.services.keyring import current_keyring
from intake.services.organisations import current_base_url
from intake.services.reveal import expire_reveals


@click.command("remind")
@click.option("--dry-run", is_flag=True, help="Print who would get what; send nothing.")
@click.option("--org", "org_slug", metavar="SLUG", help="Only this organisation (its slug).")
@with_appcontext
def remind_command(dry_run: bool, org_slug: str | None) -> None:
    """Daily: reminders of the 15-day rule, expired reveals and enrolment links wiped,
    queued mail sent; for every active organisation (or the one --org names), each with
    its own settings and address."""
    run_for_each(org_slug, lambda _organisation: _remind(dry_run), "remind")


def _remind(dry_run: bool) -> None:
    now = utc_now()
    digests = reminders.plan(db.session, now)
    if dry_run:
        for digest in digests:
            address = digest.user.email or "(no e-mail address)"
            references = ", ".join(case.reference for case in digest.cases)
            click.echo(f"{digest.kind}: {digest.user.username} <{address}>: {references}")
        click.echo(f"{len(digests)} digests would be sent; nothing was sent")
        return
    keyring = current_keyring()
    expired = expire_reveals(db.session, keyring, now)
    links = enrolment.expire_links(db.session, keyring, now)
    base_url = current_base_url(db.session, current_app.config["INTAKE_BASE_URL"])
    run = reminders.send(db.session, keyring, digests, base_url, now)
    outbox = Path(current_app.instance_path) / OUTBOX_FOLDER
    delivery = mail.deliver(db.session, keyring, current_app.config, outbox, now)
    reminders.record_run(db.session, keyring, run, delivery, now)
    _line(keyring, base_url, now)
    click.echo(f"reveals expired: {expired}")
    click.echo(f"enrolment links expired: {links}")
    click.echo(f"reminder digests: {len(run.digests)} ({run.queued} mailed)")
    if run.without_address:
        click.echo(f"no e-mail address for: {', '.join(run.without_address)}")
    stopped = ""
    if delivery.stopped_early:
        stopped = " (the SMTP server could not be reached or refused the sender; they wait)"
    click.echo(
        f"mail: {delivery.sent} sent, {delivery.failed} failed, {delivery.waiting} waiting"
        + stopped
    )


def _line(keyring: Keyring, base_url: str, now: datetime) -> None:
    """What the webhook and staff requests left waiting (a worker stopped before it got
    to it, LINE could not be reached): handled and pushed now."""
    around = line_chat.surroundings(db.session, keyring, current_app.config, f"{base_url}/tips/new")
    if around is None:
        return
    handled = line_chat.handle_waiting(db.session, keyring, around, now)
    sent, waiting = line_notices.deliver(db.session, keyring, around.messenger, now)
    click.echo(f"LINE: {handled} events handled, {sent} messages sent, {waiting} waiting")


COMMANDS = (remind_command,)
