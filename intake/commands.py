"""Commands for staff accounts and identity custodians. None of them ever writes the
identity private key, a password or a passphrase anywhere (development's demo logins
excepted, which are kept in the instance folder so `make run` can show them again)."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app

from intake import durable
from intake.cli import intake_cli
from intake.extensions import db
from intake.filemodes import OUTBOX_FOLDER
from intake.keystore import current_keyring
from intake.models import Role, User
from intake.problem_messages import in_english
from intake.problems import Problem
from intake.services import ServiceError, enrolment
from intake.services.audit import ACTOR_SYSTEM
from intake.services.identity import (
    add_custodian,
    create_identity_key,
    current_identity_key,
    remove_custodian,
    rotate_identity_key,
)
from intake.services.users import create_user, find_user, has_usable_password

FIRST_CUSTODIAN = "custodian"
PASSPHRASE_ENV = "INTAKE_CUSTODIAN_PASSPHRASE"  # noqa: S105 (a variable name)
# Development only: the generated passphrase is kept where `make run` can show it again.
# A production instance never writes a passphrase anywhere.
DEV_PASSPHRASE_FILE = "DEVELOPMENT-custodian-passphrase.txt"  # noqa: S105 (a file name)

MESSAGES = {
    Problem.WRONG_PASSPHRASE: "that passphrase does not open the custodian's key",
    Problem.PASSPHRASE_LOCKED: "too many wrong passphrases for this custodian: try again later "
    "(the other custodians and the auditors have been told)",
    Problem.NOT_CUSTODIAN: "that user is not a custodian of the identity key",
    Problem.WEAK_PASSPHRASE: "passphrases must be at least 12 characters",
    Problem.LAST_CUSTODIAN: "refusing to remove the last custodian: identities would be lost",
    Problem.ALREADY_CUSTODIAN: "that user is already a custodian",
    Problem.SAME_PERSON: "a custodian cannot grant to themselves",
    Problem.IDENTITY_UNAVAILABLE: "there is no identity key yet: run `intake init`",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _fail(error: ServiceError) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(MESSAGES.get(error.code) or in_english(error.code))


def _custodian_user(username: str, display_name: str | None) -> tuple[User, bool]:
    """The custodian's account, and whether it was made just now (with no password: its
    person enrols through a link)."""
    user = find_user(db.session, username)
    created = user is None
    if user is None:
        user = create_user(db.session, username, display_name or username, Role.CUSTODIAN, None)
    if user.role is not Role.CUSTODIAN:
        raise click.ClickException(f"{username} has the role {user.role.value}, not custodian")
    return user, created


def _print_enrolment_link(user: User) -> None:
    """Issue a link for a new account and print it, once, to stdout."""
    from intake.commands_accounts import echo_link

    issued = enrolment.issue_link(
        db.session, current_keyring(), user, actor=ACTOR_SYSTEM, now=_now()
    )
    echo_link(issued)


def setup_first_custodian() -> None:
    """Part of `intake init`: the identity key and its first custodian, once."""
    development = current_app.config["ENV_NAME"] != "production"
    dev_file = Path(current_app.instance_path) / DEV_PASSPHRASE_FILE
    if current_identity_key(db.session) is not None:
        click.echo("identity key: present")
        if development and dev_file.exists():
            click.echo(f"development custodian passphrase: {dev_file.read_text().strip()}")
        first = find_user(db.session, FIRST_CUSTODIAN)
        if not development and first is not None and not has_usable_password(first):
            click.echo(
                f"'{FIRST_CUSTODIAN}' has not enrolled yet; if the link is lost or expired: "
                f"flask intake enrol-link {FIRST_CUSTODIAN}"
            )
        return
    passphrase = os.environ.get(PASSPHRASE_ENV)
    generated = False
    if not passphrase and development:
        passphrase, generated = secrets.token_urlsafe(18), True
    if not passphrase:
        passphrase = click.prompt(
            "Passphrase for the first identity custodian",
            hide_input=True,
            confirmation_prompt=True,
        )
    user, created = _custodian_user(FIRST_CUSTODIAN, "ผู้ดูแลข้อมูลตัวตน")
    try:
        create_identity_key(db.session, current_keyring(), user, passphrase, _now())
    except ServiceError as error:
        raise _fail(error) from error
    click.echo(f"identity key: created, with the custodian '{FIRST_CUSTODIAN}'")
    # Development gives every demo account a known password instead (below in `init`).
    if created and current_app.config["ENV_NAME"] != "development":
        click.echo(f"the custodian '{FIRST_CUSTODIAN}' sets a password and two-factor here:")
        _print_enrolment_link(user)
    if generated:
        durable.replace(dev_file, (passphrase + "\n").encode())
        click.echo(f"development custodian passphrase: {passphrase}")


DEV_LOGINS_FILE = "DEVELOPMENT-logins.txt"
DEV_USERS = (
    ("intake", Role.INTAKE, "เจ้าหน้าที่รับเรื่อง (ทดลอง)"),
    ("legal", Role.LEGAL, "นิติกร (ทดลอง)"),
    ("department", Role.DEPARTMENT, "เจ้าหน้าที่กองช่าง (ทดลอง)"),
    ("executive", Role.EXECUTIVE, "ผู้บริหาร (ทดลอง)"),
    ("admin", Role.ADMIN, "ผู้ดูแลระบบ (ทดลอง)"),
    ("auditor", Role.AUDITOR, "ผู้ตรวจสอบ (ทดลอง)"),
)


def setup_development_users() -> None:
    """Development only: one demo account per role, all with one printed password."""
    from sqlalchemy import select

    from intake.models import Department
    from intake.services.auth import reset_two_factor, set_password

    dev_file = Path(current_app.instance_path) / DEV_LOGINS_FILE
    if dev_file.exists():
        password = dev_file.read_text().strip()
    else:
        password = secrets.token_urlsafe(12)
        durable.replace(dev_file, (password + "\n").encode())
    public_works = db.session.scalars(
        select(Department.id).where(Department.name_th == "กองช่าง")
    ).first()
    keyring = current_keyring()
    for username, role, display_name in (*DEV_USERS, ("custodian", Role.CUSTODIAN, "")):
        user = find_user(db.session, username)
        if user is None:
            department_id = public_works if role is Role.DEPARTMENT else None
            user = create_user(db.session, username, display_name, role, password, department_id)
        if user.totp_secret_enc is None or not has_usable_password(user):
            set_password(db.session, user, password)
            reset_two_factor(db.session, keyring, user, _now())
    db.session.commit()
    click.echo(
        "development logins at /staff/login: "
        + ", ".join(u for u, _r, _n in DEV_USERS)
        + f", custodian; password: {password} (the sign-in code is shown on the page)"
    )


@intake_cli.command("custodian-add")
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
    new, created = _custodian_user(username, display_name)
    try:
        add_custodian(
            db.session, current_keyring(), granting, by_passphrase, new, passphrase, _now()
        )
    except ServiceError as error:
        raise _fail(error) from error
    click.echo(f"{username} is now a custodian")
    if created:
        click.echo(f"{username} sets a password and two-factor here:")
        _print_enrolment_link(new)


@intake_cli.command("custodian-remove")
@click.argument("username")
def custodian_remove_command(username: str) -> None:
    """Take the identity key away from USERNAME (never from the last custodian)."""
    user = find_user(db.session, username)
    if user is None:
        raise click.ClickException(f"no user {username}")
    try:
        remove_custodian(db.session, current_keyring(), user, "system", _now())
    except ServiceError as error:
        raise _fail(error) from error
    click.echo(f"{username} is no longer a custodian")


@intake_cli.command("rotate-identity-key")
@click.option("--custodian", "username", required=True)
@click.option("--passphrase", prompt=True, hide_input=True, envvar=PASSPHRASE_ENV)
@click.option("--batch-size", default=200, show_default=True)
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
                _now(),
                batch_size=batch_size,
                progress=progress,
            )
        except ServiceError as error:
            raise _fail(error) from error
    verb = "created" if result.started else "resumed"
    click.echo(
        f"identity key {result.new_key_id} {verb}; {result.resealed} identities re-sealed; "
        f"retired: {', '.join(map(str, result.retired)) or 'none'}"
    )


@intake_cli.command("remind")
@click.option("--dry-run", is_flag=True, help="Print who would get what; send nothing.")
def remind_command(dry_run: bool) -> None:
    """Daily: reminders of the 15-day rule, expired reveals and enrolment links wiped,
    queued mail sent."""
    from intake import mail
    from intake.services import reminders
    from intake.services.reveal import expire_reveals

    now = _now()
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
    run = reminders.send(db.session, keyring, digests, current_app.config["INTAKE_BASE_URL"], now)
    outbox = Path(current_app.instance_path) / OUTBOX_FOLDER
    delivery = mail.deliver(db.session, keyring, current_app.config, outbox, now)
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
