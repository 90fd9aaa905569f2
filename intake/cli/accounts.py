"""Commands for staff accounts: `create-user` and `enrol-link`.

By default an account gets a one-time enrolment link, and its person sets their own
password and two-factor through it. A provisioning script that sets INTAKE_PASSWORD is the
person (or acts for them): it gets that password and the authenticator's otpauth:// URI.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import or_, select

from intake.cli.common import echo_link, one_organisation, utc_now
from intake.extensions import db
from intake.models import Department, Role
from intake.problem_messages import in_english
from intake.problems import Problem
from intake.services import ServiceError, enrolment
from intake.services.audit import ACTOR_SYSTEM
from intake.services.auth import register_user
from intake.services.keyring import current_keyring
from intake.services.settings import get_organisation
from intake.services.users import find_user

MESSAGES = {
    Problem.WEAK_PASSWORD: "passwords must be at least 10 characters",
    Problem.DEPARTMENT_REQUIRED: "department officers need --department",
}


def _department_id(department_name: str | None) -> int | None:
    if not department_name:
        return None
    number = int(department_name) if department_name.isdigit() else -1
    department = db.session.scalars(
        select(Department).where(
            or_(Department.name_th == department_name, Department.id == number)
        )
    ).first()
    if department is None:
        raise click.ClickException(f"no department {department_name}")
    return department.id


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", "display_name", help="Name shown to staff; the username by default.")
@click.option("--department", "department_name", help="Department (Thai name or id).")
@click.option(
    "--password",
    envvar="INTAKE_PASSWORD",
    help="For provisioning scripts: set this password (or INTAKE_PASSWORD) and print the "
    "otpauth:// URI instead of an enrolment link.",
)
@with_appcontext
@one_organisation
def create_user_command(
    username: str,
    role: str,
    display_name: str | None,
    department_name: str | None,
    password: str | None,
) -> None:
    """Create a staff account and print its one-time enrolment link."""
    keyring = current_keyring()
    department_id = _department_id(department_name)
    if find_user(db.session, username) is not None:
        raise click.ClickException(f"{username} exists already")
    try:
        if password:
            created = register_user(
                db.session,
                keyring,
                username,
                display_name or username,
                Role(role),
                password,
                get_organisation(db.session).name_en,
                department_id,
            )
        else:
            issued = enrolment.create_account(
                db.session,
                keyring,
                username=username,
                display_name=display_name or username,
                role=Role(role),
                department_id=department_id,
                actor=ACTOR_SYSTEM,
                now=utc_now(),
            )
            db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(MESSAGES.get(error.code) or in_english(error.code)) from error
    click.echo(f"user {username} created with the role {role}")
    if password:
        click.echo("add this to an authenticator app (or show it as a QR code):")
        click.echo(created.provisioning_uri)
    else:
        echo_link(issued)


@click.command("enrol-link")
@click.argument("username")
@with_appcontext
@one_organisation
def enrol_link_command(username: str) -> None:
    """Issue USERNAME a new enrolment link (say, when one has expired). Their password,
    two-factor and any earlier link stop working, and their sessions end."""
    user = find_user(db.session, username)
    if user is None:
        raise click.ClickException(f"no user {username}")
    if not user.active:
        raise click.ClickException(f"{username} is disabled; enable the account first")
    issued = enrolment.issue_link(
        db.session, current_keyring(), user, actor=ACTOR_SYSTEM, now=utc_now()
    )
    echo_link(issued)


COMMANDS = (create_user_command, enrol_link_command)
