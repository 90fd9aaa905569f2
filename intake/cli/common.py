"""What several command modules share: the clock, custodians' accounts, printing an
enrolment link, turning a refused service call into a command-line error, and writing an
archive file whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, TypeVar

import click
from flask import current_app

from intake import durable
from intake.extensions import db
from intake.models import Role, User
from intake.problem_messages import in_english
from intake.problems import Problem
from intake.services import ServiceError, enrolment, setup
from intake.services.audit import ACTOR_SYSTEM
from intake.services.keyring import current_keyring

T = TypeVar("T")

PASSPHRASE_ENV = "INTAKE_CUSTODIAN_PASSPHRASE"  # noqa: S105 (a variable name)

CUSTODIAN_MESSAGES = {
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


def utc_now() -> datetime:
    return datetime.now(UTC)


def refused(error: ServiceError, messages: Mapping[Problem, str]) -> click.ClickException:
    """Nothing of the refused call is kept; the operator reads why (or its code)."""
    db.session.rollback()
    return click.ClickException(messages.get(error.code) or in_english(error.code))


def custodian_account(username: str, display_name: str | None) -> tuple[User, bool]:
    """The custodian's account, and whether it was made just now (with no password: its
    person enrols through a link)."""
    user, created = setup.custodian_account(db.session, username, display_name)
    if user.role is not Role.CUSTODIAN:
        raise click.ClickException(f"{username} has the role {user.role.value}, not custodian")
    return user, created


def echo_link(issued: enrolment.IssuedLink) -> None:
    """Print a link once; it is not written anywhere else."""
    until = issued.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    click.echo(f"enrolment link for {issued.user.username} (one use, until {until}):")
    click.echo(issued.url(current_app.config["INTAKE_BASE_URL"]))


def print_enrolment_link(user: User) -> None:
    """Issue a link for a new account and print it, once, to stdout."""
    issued = enrolment.issue_link(
        db.session, current_keyring(), user, actor=ACTOR_SYSTEM, now=utc_now()
    )
    echo_link(issued)


def write_whole(target: Path, produce: Callable[[BinaryIO], T]) -> T:
    """Write ``target`` owner-only through ``produce(file)``, whole or not at all: only a
    finished file ever carries the final name."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # left by an interrupted run
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            result = produce(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
        durable.sync_folder(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result
